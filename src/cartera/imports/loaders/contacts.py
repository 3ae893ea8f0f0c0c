"""Contacts of accounts (S2.6), upserted by account and name."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _

from cartera.clients.models import Contact
from cartera.imports import references
from cartera.imports.loaders.base import Context, Plan, given_fields, unique_in_file, upsert
from cartera.imports.matching import name_key
from cartera.imports.reading import checked_by_library
from cartera.imports.validators import phone

KEY = "__key"


def plan(ctx: Context, rows: pl.DataFrame) -> Plan:
    """Plan the contacts of the file; phones are read with the account's country."""
    rows = references.resolve_codes(
        rows,
        "client",
        references.accounts("country"),
        code="code",
        into="account_id",
        header=ctx.header("client"),
        expected=_("the code of a client in cartera"),
        problems=ctx.problems,
        carry={"country": "__country"},
    )
    if ctx.has("phone"):
        region = pl.when(pl.col("__country") != "").then(pl.col("__country"))
        rows = checked_by_library(
            rows.with_columns(pl.coalesce(region, pl.lit(ctx.region)).alias("__region")),
            "phone",
            ctx.header("phone"),
            phone,
            ctx.problems,
            extra=["__region"],
        )
    rows = rows.with_columns(name_key(pl.col("name")).alias(KEY))
    rows = unique_in_file(ctx, rows, ["account_id", KEY], "name", shown=pl.col("name"))
    fields = given_fields(ctx)
    incoming = rows.select(
        "row", "account_id", KEY, *[pl.col(r).alias(a) for r, a in fields.items()]
    )
    label = "contacts"
    step = upsert(
        ctx,
        Contact,
        label,
        incoming,
        key=["account_id", KEY],
        fields=list(fields.values()),
        stored_key={KEY: name_key(pl.col("name"))},
    )
    return Plan([step], label, incoming.height)
