"""Payments, upserted by reference; the invoice they settle must be the same client's."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _

from cartera.imports import references
from cartera.imports.loaders.base import (
    Context,
    Plan,
    checked,
    given_fields,
    unique_in_file,
    upsert,
)
from cartera.imports.problems import Check
from cartera.imports.storage import read_rows
from cartera.receivables.models import Payment
from cartera.sales.models import Sale


def plan(ctx: Context, rows: pl.DataFrame) -> Plan:
    """Plan the payments of the file (receivables rules of ``payment_record`` included)."""
    rows = references.resolve_codes(
        rows,
        "client",
        references.accounts(),
        code="code",
        into="account_id",
        header=ctx.header("client"),
        expected=_("the code of a client in cartera"),
        problems=ctx.problems,
    )
    compared = ["account_id"]
    if ctx.has("invoice"):
        invoices = read_rows(Sale, ["number", "account_id"])
        rows = references.resolve_codes(
            rows,
            "invoice",
            invoices,
            code="number",
            into="sale_id",
            header=ctx.header("invoice"),
            expected=_("the number of an invoice in cartera"),
            problems=ctx.problems,
            carry={"account_id": "__invoice_client"},
        )
        rows = checked(
            ctx,
            rows,
            [
                Check(
                    pl.col("sale_id").is_not_null()
                    & (pl.col("__invoice_client") != pl.col("account_id")),
                    ctx.header("invoice"),
                    pl.col("invoice"),
                    _("an invoice of the same client"),
                )
            ],
        )
        compared.append("sale_id")
    rows = unique_in_file(ctx, rows, ["reference"], "reference")
    fields = given_fields(ctx)
    incoming = rows.select(
        "row",
        "account_id",
        *(["sale_id"] if ctx.has("invoice") else []),
        *[pl.col(r).alias(a) for r, a in fields.items()],
    )
    compared += [a for a in fields.values() if a != "reference"]
    label = "payments"
    step = upsert(ctx, Payment, label, incoming, key=["reference"], fields=compared)
    return Plan([step], label, incoming.height)
