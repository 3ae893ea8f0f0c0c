"""Revenue goals (S3.5), upserted by salesperson (empty: the company), year and month."""

from __future__ import annotations

import polars as pl

from cartera.goals.models import Goal
from cartera.imports import references
from cartera.imports.loaders.base import Context, Plan, given_fields, unique_in_file, upsert

KEY = ["salesperson_id", "year", "month"]


def plan(ctx: Context, rows: pl.DataFrame) -> Plan:
    """Plan the goals of the file; a row without salesperson is a company goal."""
    steps = []
    if ctx.has("salesperson"):
        rows = ctx.resolve(
            references.salespeople, rows, "salesperson", into="salesperson_id", steps=steps
        )
    else:
        rows = rows.with_columns(pl.lit(None, pl.Int64).alias("salesperson_id"))
    if not ctx.has("month"):
        rows = rows.with_columns(pl.lit(None, pl.Int64).alias("month"))
    rows = unique_in_file(ctx, rows, KEY, "year")
    fields = {r: a for r, a in given_fields(ctx).items() if a not in KEY}
    incoming = rows.select("row", *KEY, *[pl.col(r).alias(a) for r, a in fields.items()])
    label = "goals"
    steps.append(upsert(ctx, Goal, label, incoming, key=KEY, fields=list(fields.values())))
    return Plan(steps, label, incoming.height)
