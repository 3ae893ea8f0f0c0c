"""Campaigns (S1.4), upserted by name."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _

from cartera.imports.loaders.base import (
    Context,
    Plan,
    checked,
    given_fields,
    unique_in_file,
    upsert,
)
from cartera.imports.matching import name_key
from cartera.imports.problems import Check
from cartera.prospecting.models import Campaign

KEY = "__key"


def plan(ctx: Context, rows: pl.DataFrame) -> Plan:
    """Plan the campaigns of the file; one ending before it starts is refused."""
    fields = given_fields(ctx)
    if ctx.has("ended_on"):
        rows = checked(
            ctx,
            rows,
            [
                Check(
                    pl.col("ended_on") < pl.col("started_on"),
                    ctx.header("ended_on"),
                    pl.col("ended_on"),
                    _("a date on or after the start"),
                )
            ],
        )
    rows = rows.with_columns(name_key(pl.col("name")).alias(KEY))
    rows = unique_in_file(ctx, rows, [KEY], "name", shown=pl.col("name"))
    incoming = rows.select("row", KEY, *[pl.col(r).alias(a) for r, a in fields.items()])
    label = "campaigns"
    step = upsert(
        ctx,
        Campaign,
        label,
        incoming,
        key=[KEY],
        fields=list(fields.values()),
        stored_key={KEY: name_key(pl.col("name"))},
    )
    return Plan([step], label, incoming.height)
