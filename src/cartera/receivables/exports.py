"""The ageing and provision workbooks of the receivables pages, headed in the reader's language.

The sheets hold the frames of ``cartera receivables aging|provisions --xlsx`` (the same
selectors), with translated headings and bucket names, and the house formats of
:mod:`cartera.reporting.xlsx_report`: money in currency units with two decimals, dates
as dates, the header frozen and a filter on.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final

import polars as pl
import xlsxwriter
from django.utils.translation import gettext as _

from cartera.analytics import receivables as ar
from cartera.reporting.xlsx_report import MAX_ROWS

MONEY_FORMAT: Final = "#,##0.00"


def bucket_names(buckets: ar.Buckets) -> list[str]:
    """Return the buckets' names in the reader's language: not due, 1–30 … > 365."""
    names = []
    for key, label in zip(buckets.keys, buckets.labels, strict=True):
        if key == "not_due":
            names.append(_("Not due"))
        elif key.startswith("upto_"):
            names.append(_("Up to %(days)s days") % {"days": buckets.bounds[0]})
        else:
            names.append(label)
    return names


def _money(column: str, heading: str) -> pl.Expr:
    # _sheet writes a "<heading>_cents" column as money under "<heading>".
    return pl.col(column).alias(f"{heading}_cents")


def _cents(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def _bucket_name(buckets: ar.Buckets) -> pl.Expr:
    return (
        pl.col("bucket")
        .cast(pl.String)
        .replace_strict(list(buckets.keys), bucket_names(buckets), return_dtype=pl.String)
    )


def _client_names(aged: ar.Ageing) -> pl.DataFrame:
    return aged.items.group_by("client").agg(pl.col("client_name").first())


def _rows(headings: Sequence[str], rows: list[tuple[object, ...]], money: set[int]) -> pl.DataFrame:
    """Return a small summary frame; the columns at ``money`` hold cents."""
    names = [f"{h}_cents" if i in money else h for i, h in enumerate(headings)]
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


def _sheet(book: xlsxwriter.Workbook, name: str, frame: pl.DataFrame) -> None:
    """Write ``frame`` as sheet ``name``, each ``*_cents`` column as money where it stands."""
    money = [c.removesuffix("_cents") for c in frame.columns if c.endswith("_cents")]
    sheet = frame.select(
        (pl.col(c) / 100).alias(c.removesuffix("_cents")) if c.endswith("_cents") else pl.col(c)
        for c in frame.columns
    )
    sheet.head(MAX_ROWS).write_excel(
        book,
        name[:31],
        column_formats=dict.fromkeys(money, MONEY_FORMAT),  # type: ignore[arg-type]
        dtype_formats={pl.Date: "yyyy-mm-dd"},
        autofilter=True,
        autofit=sheet.height <= 10_000,
        freeze_panes=(1, 0),
        float_precision=2,
    )


def _book(sheets: Mapping[str, pl.DataFrame]) -> io.BytesIO:
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        for name, frame in sheets.items():
            _sheet(book, name, frame)
    buffer.seek(0)
    return buffer


def _bucket_summary(aged: ar.Ageing, provision: ar.Provision) -> pl.DataFrame:
    names = bucket_names(aged.buckets)
    rows: list[tuple[object, ...]] = [
        (name, _cents(total.amount), total.invoices, float(bucket.percent), _cents(bucket.amount))
        for name, total, bucket in zip(names, aged.totals, provision.by_bucket, strict=True)
    ]
    if provision.overridden:
        rows.append(
            (_("Clients at their own rate"), None, None, None, _cents(provision.overridden))
        )
    rows += [
        (_("Total"), _cents(aged.total_open), aged.items.height, None, _cents(provision.total)),
        (_("Overdue"), _cents(aged.total_overdue), None, None, None),
        (_("Credit held by clients"), _cents(aged.unapplied_credit), None, None, None),
    ]
    headings = (
        _("Days overdue"),
        _("Open"),
        _("Invoices"),
        _("Percent provisioned"),
        _("Provision"),
    )
    return _rows(headings, rows, money={1, 4})


def ageing_workbook(aged: ar.Ageing, provision: ar.Provision) -> io.BytesIO:
    """Return the ageing workbook: the summary by bucket, each client, each open invoice."""
    names = bucket_names(aged.buckets)
    by_client = (
        aged.table(by="client")
        .join(_client_names(aged), on="client", how="left")
        .join(provision.by_client.select("client", "provision_cents"), on="client", how="left")
        .select(
            pl.col("client").alias(_("Code")),
            pl.col("client_name").alias(_("Name")),
            *(
                _money(f"{key}_cents", name)
                for key, name in zip(aged.buckets.keys, names, strict=True)
            ),
            _money("open_cents", _("Open")),
            _money("overdue_cents", _("Overdue")),
            _money("unapplied_cents", _("Credit held")),
            _money("balance_cents", _("Balance")),
            pl.col("invoices").alias(_("Invoices")),
            pl.col("oldest_days_overdue").alias(_("Oldest days overdue")),
            _money("provision_cents", _("Provision")),
        )
    )
    items = (
        aged.items.join(
            provision.items.select("invoice", "percent", "provision_cents"), on="invoice"
        )
        .sort("client", "due_date", "invoice")
        .select(
            pl.col("invoice").alias(_("Invoice")),
            pl.col("client").alias(_("Code")),
            pl.col("client_name").alias(_("Name")),
            pl.col("salesperson").alias(_("Salesperson")),
            pl.col("date").alias(_("Date")),
            pl.col("due_date").alias(_("Due date")),
            pl.col("days_overdue").alias(_("Days overdue")),
            _bucket_name(aged.buckets).alias(_("Bucket")),
            _money("amount_cents", _("Amount")),
            _money("open_cents", _("Open")),
            pl.col("percent").alias(_("Percent provisioned")),
            _money("provision_cents", _("Provision")),
        )
    )
    return _book(
        {
            _("Summary"): _bucket_summary(aged, provision),
            _("By client"): by_client,
            _("Open invoices"): items,
        }
    )


def provisions_workbook(
    aged: ar.Ageing, provision: ar.Provision, movement: ar.ProvisionMovement
) -> io.BytesIO:
    """Return the provision at a date by bucket, its movement since ``movement.start``, the
    clients and the invoices provisioned: what the accountant books."""
    entries = _rows(
        (_("Figure"), _("Date"), _("Amount")),
        [
            (_("Opening provision"), movement.start, _cents(movement.opening)),
            (_("Charge"), movement.end, _cents(movement.charge)),
            (_("Release"), movement.end, _cents(movement.release)),
            (_("Closing provision"), movement.end, _cents(movement.closing)),
            (_("Net movement"), movement.end, _cents(movement.net)),
        ],
        money={2},
    )
    by_client = (
        movement.by_client.join(_client_names(aged), on="client", how="left")
        .sort("client")
        .select(
            pl.col("client").alias(_("Code")),
            pl.col("client_name").alias(_("Name")),
            _money("opening_cents", _("Opening provision")),
            _money("closing_cents", _("Closing provision")),
            _money("charge_cents", _("Charge")),
            _money("release_cents", _("Release")),
        )
    )
    items = provision.items.join(
        aged.items.select("invoice", "client_name"), on="invoice", how="left"
    ).select(
        pl.col("invoice").alias(_("Invoice")),
        pl.col("client").alias(_("Code")),
        pl.col("client_name").alias(_("Name")),
        pl.col("due_date").alias(_("Due date")),
        pl.col("days_overdue").alias(_("Days overdue")),
        _bucket_name(aged.buckets).alias(_("Bucket")),
        _money("open_cents", _("Open")),
        pl.col("percent").alias(_("Percent provisioned")),
        pl.col("overridden").alias(_("Own rate")),
        _money("provision_cents", _("Provision")),
    )
    return _book(
        {
            _("Summary"): _bucket_summary(aged, provision),
            _("Movement"): entries,
            _("Movement by client"): by_client,
            _("Invoices provisioned"): items,
        }
    )
