"""Column-wise reading of the cells :mod:`cartera.analytics.io` leaves as text.

Choices, yes/no cells and countries are matched as words: lower case, accents and
punctuation dropped (``"Nota de Crédito"`` is ``"nota de credito"``), then looked up
in a table of the words each field accepts. Everything here is a Polars expression
over the whole column.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

import polars as pl
from babel import Locale

from cartera.imports import synonyms


def word_key(expr: pl.Expr) -> pl.Expr:
    """Return text reduced to the form words are compared in (no case, accents, punctuation)."""
    return (
        expr.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
    )


def word_keys(words: Iterable[str]) -> list[str]:
    """Return ``words`` reduced by :func:`word_key` (computed by the same expression)."""
    listed = list(words)
    if not listed:
        return []
    return pl.select(word_key(pl.lit(pl.Series(listed, dtype=pl.String)))).to_series().to_list()


def lookup(expr: pl.Expr, table: Mapping[str, str | bool]) -> pl.Expr:
    """Return the value ``table`` gives each cell's words (null when it has none)."""
    keys = word_keys(table)
    values = list(table.values())
    mapping: dict[str, str | bool] = {}
    for key, value in zip(keys, values, strict=True):
        mapping.setdefault(key, value)
    dtype = pl.Boolean if all(isinstance(v, bool) for v in values) else pl.String
    return word_key(expr).replace_strict(mapping, default=None, return_dtype=dtype)


def booleans() -> dict[str, bool]:
    """Return the words read as yes or no."""
    table: dict[str, bool] = {}
    for word in (*synonyms.TRUE_WORDS, *synonyms.TRUE_WORDS_MORE):
        table[word] = True
    for word in (*synonyms.FALSE_WORDS, *synonyms.FALSE_WORDS_MORE):
        table[word] = False
    return table


@cache
def countries() -> dict[str, str]:
    """Return country names in English, Spanish and Portuguese, and ISO codes → ISO code."""
    table: dict[str, str] = {}
    for language in ("en", "es", "pt"):
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                table.setdefault(code, code)
                table.setdefault(name, code)
    table.update({"UK": "GB", "EEUU": "US", "EE UU": "US", "USA": "US"})
    return table
