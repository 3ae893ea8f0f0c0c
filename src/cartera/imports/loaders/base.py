"""What every kind's loader gets and gives back: the context and the plan of writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl
from django.db import models

from cartera.common.bulk import next_id
from cartera.imports.kinds import Kind
from cartera.imports.matching import Counts, Step, duplicates, plan_upsert
from cartera.imports.problems import Check, Problems, apply_checks
from cartera.imports.reading import Source
from cartera.imports.references import Resolved
from cartera.imports.roles import Value
from cartera.imports.storage import column_of, read_rows


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a loader needs besides the rows.

    Attributes
    ----------
    source
        The file, its recognised columns.
    problems
        Where the loader lists the rows it refuses.
    create_missing
        Create the products and salespeople the file names and cartera lacks.
    region
        The company's default country (ISO), for phones and tax ids without a country.
    today, now
        The import's date (new ownership periods start on it) and time stamp.
    reason
        Why rows change, recorded where cartera keeps a history (ownership periods).
    rejected
        Keys of the rows the reader left out (invoice numbers, for sales).
    """

    source: Source
    problems: Problems
    create_missing: bool
    region: str
    today: dt.date
    now: dt.datetime
    reason: str
    rejected: pl.Series | None = None

    @property
    def kind(self) -> Kind:
        return self.source.kind

    def has(self, role: str) -> bool:
        """Return whether the file has a column for ``role``."""
        return role in self.source.columns

    def header(self, role: str) -> str:
        return self.source.header(role)

    def resolve(
        self,
        lookup: Callable[..., Resolved],
        rows: pl.DataFrame,
        role: str,
        *,
        into: str,
        steps: list[Step],
    ) -> pl.DataFrame:
        """Return ``rows`` with the products or salespeople named in ``role`` as ``into``.

        ``lookup`` is :func:`~cartera.imports.references.products` or ``salespeople``;
        the rows it creates with ``--create-missing`` are added to ``steps``.
        """
        resolved = lookup(
            rows,
            role,
            into=into,
            header=self.header(role),
            problems=self.problems,
            create_missing=self.create_missing,
            now=self.now,
        )
        if resolved.created:
            steps.append(resolved.created)
        return resolved.frame


@dataclass(slots=True)
class Plan:
    """The writes of one import, in order, with what to run after them.

    Attributes
    ----------
    steps
        One per table, in the order they must be written (referenced rows first).
    primary
        Label of the step whose counts are the import's headline.
    rows
        Rows of the file that passed every check.
    after
        Statements run once the steps are written (invoice totals, hand-overs).
    """

    steps: list[Step]
    primary: str
    rows: int
    after: list[Callable[[], None]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, Counts]:
        totals: dict[str, Counts] = {}
        for step in self.steps:
            totals[step.label] = totals.get(step.label, Counts()) + step.counts
        return totals


def given_fields(ctx: Context, *, skip: Sequence[str] = ()) -> dict[str, str]:
    """Return role → attname of the model fields the file gives (references excluded)."""
    out: dict[str, str] = {}
    for role in ctx.source.roles():
        if role.field is None or role.value is Value.REFERENCE or role.name in skip:
            continue
        out[role.name] = column_of(ctx.kind.model, role.field).attname
    return out


def unique_in_file(
    ctx: Context, frame: pl.DataFrame, key: Sequence[str], role: str, shown: pl.Expr | None = None
) -> pl.DataFrame:
    """Return ``frame`` without rows repeating a key already used higher up in the file."""
    check = duplicates(key, ctx.header(role), pl.col(role) if shown is None else shown)
    return apply_checks(frame, [check], ctx.problems)


def checked(ctx: Context, frame: pl.DataFrame, checks: Sequence[Check]) -> pl.DataFrame:
    return apply_checks(frame, checks, ctx.problems)


def upsert(
    ctx: Context,
    model: type[models.Model],
    label: str,
    incoming: pl.DataFrame,
    *,
    key: Sequence[str],
    fields: Sequence[str],
    stored: pl.DataFrame | None = None,
    stored_key: dict[str, pl.Expr] | None = None,
    fixed: dict[str, object] | None = None,
) -> Step:
    """Plan the rows of ``incoming`` (attname columns) into ``model``, matched on ``key``.

    ``stored`` defaults to every row of ``model`` with the ``key`` and ``fields``
    columns; ``stored_key`` computes key columns from stored columns (a name reduced
    for matching).
    """
    if stored is None:
        wanted = [k for k in key if k not in (stored_key or {})]
        wanted += [c for c in (stored_key_inputs(stored_key)) if c not in wanted]
        stored = read_rows(model, [*wanted, *fields])
    if stored_key:
        stored = stored.with_columns(e.alias(k) for k, e in stored_key.items())
    return plan_upsert(
        model,
        label,
        incoming,
        stored,
        key=key,
        fields=fields,
        first_id=next_id(model),
        now=ctx.now,
        fixed=fixed,
    )


def stored_key_inputs(stored_key: dict[str, pl.Expr] | None) -> list[str]:
    """Return the stored columns the key expressions read."""
    names: list[str] = []
    for expr in (stored_key or {}).values():
        names += [n for n in expr.meta.root_names() if n not in names]
    return names
