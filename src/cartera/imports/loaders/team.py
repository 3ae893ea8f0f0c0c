"""Salespeople, upserted by name (or by e-mail when the name is new but the e-mail known)."""

from __future__ import annotations

import polars as pl

from cartera.imports.loaders.base import Context, Plan, given_fields, unique_in_file, upsert
from cartera.imports.matching import name_key
from cartera.imports.reading import checked_by_library
from cartera.imports.storage import read_rows
from cartera.imports.validators import phone
from cartera.team.models import Salesperson

KEY = "__key"


def plan(ctx: Context, rows: pl.DataFrame) -> Plan:
    """Plan the salespeople of the file; a renamed salesperson is found by e-mail."""
    fields = given_fields(ctx)
    if ctx.has("phone"):
        rows = checked_by_library(
            rows.with_columns(pl.lit(ctx.region).alias("__region")),
            "phone",
            ctx.header("phone"),
            phone,
            ctx.problems,
            extra=["__region"],
        ).drop("__region")
    stored = read_rows(Salesperson, ["name", "email", *[a for a in fields.values() if a != "name"]])
    stored = stored.with_columns(name_key(pl.col("name")).alias(KEY))
    known = stored.select(KEY).to_series()
    by_email = (
        stored.filter(pl.col("email") != "")
        .select(pl.col("email").str.to_lowercase().alias("__email"), pl.col(KEY).alias("__other"))
        .unique(subset="__email", keep="first")
    )
    rows = rows.with_columns(name_key(pl.col("name")).alias(KEY))
    if ctx.has("email"):
        rows = (
            rows.with_columns(pl.col("email").str.to_lowercase().alias("__email"))
            .join(by_email, on="__email", how="left", maintain_order="left")
            .with_columns(
                pl.when(pl.col(KEY).is_in(known.implode()))
                .then(pl.col(KEY))
                .otherwise(pl.coalesce("__other", KEY))
                .alias(KEY)
            )
            .drop("__email", "__other")
        )
    rows = unique_in_file(ctx, rows, [KEY], "name", shown=pl.col("name"))
    incoming = rows.select("row", KEY, *[pl.col(r).alias(a) for r, a in fields.items()])
    label = "salespeople"
    step = upsert(
        ctx, Salesperson, label, incoming, key=[KEY], fields=list(fields.values()), stored=stored
    )
    return Plan([step], label, incoming.height)
