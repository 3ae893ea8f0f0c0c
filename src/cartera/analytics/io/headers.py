"""Recognise column headers written in Spanish, Portuguese or English.

A :class:`Vocabulary` maps each *role* (``client``, ``date``, ``amount`` …) to the
headers people write for it. Matching ignores case, accents, punctuation, spacing,
underscores and a few filler words, so ``Cód. Cliente``, ``codigo_cliente`` and
``CODIGO DE CLIENTE`` are one header. Other features (the importer's clients,
contacts, payments …) bring their own vocabularies and reuse the same recogniser.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from cartera.analytics.io.errors import Problem, ReadError

# Filler words dropped before comparing ("número de factura" is "numero factura").
_FILLER = frozenset({"de", "del", "la", "el", "los", "las", "do", "da", "dos", "das", "of", "the"})
# Abbreviations people use in headers, spelled out so that one synonym covers them.
_ALIASES = {
    "cod": "codigo",
    "cd": "codigo",
    "code": "codigo",
    "nro": "numero",
    "num": "numero",
    "nr": "numero",
    "no": "numero",
    "n": "numero",
    "number": "numero",
    "nbr": "numero",
    "qtd": "quantidade",
    "qtde": "quantidade",
    "qty": "quantity",
    "cant": "cantidad",
}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise_header(header: str) -> str:
    """Return ``header`` reduced to the form the recogniser compares.

    Lower case, no accents, words split on punctuation, underscores and camelCase,
    filler words dropped and common abbreviations spelled out.

    Examples
    --------
    >>> normalise_header("Cód. Cliente")
    'codigo cliente'
    >>> normalise_header("Nº de Factura")
    'numero factura'
    >>> normalise_header("clienteId")
    'cliente id'
    """
    text = _CAMEL.sub(" ", header.strip())
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    words = [_ALIASES.get(w, w) for w in _NOT_WORD.split(text) if w]
    kept = [w for w in words if w not in _FILLER]
    return " ".join(kept or words)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Headers people write for each role, and which roles a file must have.

    Parameters
    ----------
    name
        What the vocabulary describes ("sales", "clients" …), for messages.
    roles
        Role → synonyms, most specific first. Synonyms are written naturally
        ("código cliente"); they are normalised once here.
    required
        Groups of roles; the file must have at least one role of every group
        (``(("amount", "amount_cents"),)`` accepts either column).
    """

    name: str
    roles: Mapping[str, tuple[str, ...]]
    required: tuple[tuple[str, ...], ...] = ()
    _normalised: dict[str, tuple[tuple[str, ...], ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        normalised = {
            role: tuple(tuple(normalise_header(s).split()) for s in synonyms)
            for role, synonyms in self.roles.items()
        }
        object.__setattr__(self, "_normalised", normalised)

    def extended(self, name: str, roles: Mapping[str, Iterable[str]]) -> Vocabulary:
        """Return a vocabulary with more roles, or more synonyms for existing roles."""
        merged = {role: tuple(s) for role, s in self.roles.items()}
        for role, synonyms in roles.items():
            merged[role] = (*merged.get(role, ()), *synonyms)
        return Vocabulary(name, merged, self.required)

    def synonyms(self, role: str) -> tuple[tuple[str, ...], ...]:
        """Return the normalised synonyms of ``role`` as word tuples."""
        return self._normalised[role]


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """The outcome of recognising a file's headers.

    Attributes
    ----------
    columns
        Role → header as written in the file.
    unmatched
        Headers that took no role, in file order.
    """

    columns: Mapping[str, str]
    unmatched: tuple[str, ...]


def _contains(words: tuple[str, ...], synonym: tuple[str, ...]) -> int:
    """Return the position of ``synonym`` inside ``words`` as a run, or -1."""
    width = len(synonym)
    for start in range(len(words) - width + 1):
        if words[start : start + width] == synonym:
            return start
    return -1


def _score(words: tuple[str, ...], synonyms: Sequence[tuple[str, ...]]) -> tuple[float, ...] | None:
    """Return how well a header matches a role's synonyms (higher is better), or ``None``.

    The score is (exact match, share of the header covered, match at the start, synonym
    rank); the caller puts the role's position in the vocabulary before the rank.
    """
    best: tuple[float, ...] | None = None
    for rank, synonym in enumerate(synonyms):
        if not synonym:
            continue
        if words == synonym or sorted(words) == sorted(synonym):
            score: tuple[float, ...] = (1.0, 1.0, 1.0, -rank)
        else:
            at = _contains(words, synonym)
            if at < 0:
                continue
            # Spanish and Portuguese put the head noun first ("fecha de factura" is a
            # date), so a match at the start wins a tie on coverage.
            score = (0.0, len(synonym) / len(words), 1.0 if at == 0 else 0.0, -rank)
        if best is None or score > best:
            best = score
    return best


def recognise_headers(
    headers: Sequence[str],
    vocabulary: Vocabulary,
    *,
    overrides: Mapping[str, str] | None = None,
    file: str | None = None,
) -> HeaderMatch:
    """Return which header of ``headers`` plays each role of ``vocabulary``.

    Every (role, header) pair is scored: an exact match of a synonym beats a header
    that only contains one; then the share of the header the synonym covers; then a
    match at the start of the header; then the synonym's rank. Pairs are taken best
    first, each role and each header at most once. ``overrides`` (role → header,
    compared like headers) are taken before anything else.

    Raises
    ------
    ReadError
        When an override names an unknown role or a header absent from the file, or
        when a required group of roles has no column; the message lists the
        headers found and the synonyms expected.
    """
    problems: list[Problem] = []
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(str(header)), str(header))
    chosen: dict[str, str] = {}
    for role, wanted in (overrides or {}).items():
        if role not in vocabulary.roles:
            problems.append(
                Problem(file, None, None, role, f"one of the roles {', '.join(vocabulary.roles)}")
            )
            continue
        header = wanted if wanted in headers else by_norm.get(normalise_header(wanted))
        if header is None:
            problems.append(
                Problem(file, None, wanted, None, f"a column named so (found: {_list(headers)})")
            )
            continue
        chosen[role] = header
    if problems:
        raise ReadError(problems)

    taken = set(chosen.values())
    candidates: list[tuple[tuple[float, ...], int, str, str]] = []
    for order, header in enumerate(headers):
        header = str(header)
        if header in taken:
            continue
        words = tuple(normalise_header(header).split())
        if not words:
            continue
        for position, role in enumerate(vocabulary.roles):
            if role in chosen:
                continue
            score = _score(words, vocabulary.synonyms(role))
            if score is not None:
                # A header that is exactly a synonym of two roles ("cliente": the code
                # or the name) goes to the role listed first.
                ranked = (*score[:3], -position, score[3])
                candidates.append((ranked, -order, role, header))
    for _, _, role, header in sorted(candidates, reverse=True):
        if role not in chosen and header not in taken:
            chosen[role] = header
            taken.add(header)

    for group in vocabulary.required:
        if not any(role in chosen for role in group):
            role = group[0]
            examples = ", ".join(dict.fromkeys(vocabulary.roles[role][:8]))
            problems.append(
                Problem(
                    file,
                    None,
                    role,
                    None,
                    f"a column for {role}, headed like {examples} … "
                    f"(found: {_list(headers)}); or name it explicitly as {role}=HEADER",
                )
            )
    if problems:
        raise ReadError(problems)
    ordered = {role: chosen[role] for role in vocabulary.roles if role in chosen}
    unmatched = tuple(str(h) for h in headers if str(h) not in taken)
    return HeaderMatch(ordered, unmatched)


def _list(headers: Sequence[str]) -> str:
    return ", ".join(repr(str(h)) for h in headers) or "no columns"
