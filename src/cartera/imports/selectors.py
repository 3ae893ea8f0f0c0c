"""Reads for export: every kind of row as a frame the importer reads back unchanged.

Columns are named after the import roles (``code``, ``legal_name``, ``owner`` …) so
that an exported file imports as a no-op; references are written as the natural key
of the row they name (a client's code, a salesperson's name, a SKU); money stays in
integer cents in ``*_cents`` columns (the frames contract) until the file is written.
Rows hanging from accounts are read through the Arrow bridge, limited with
:func:`cartera.sales.selectors.owner_clause`; the small shared tables through the ORM,
limited with :func:`cartera.common.scoping.visible_to`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db import connection, models

from cartera.analytics.frames import MONEY
from cartera.common.arrow import read_frame
from cartera.common.fields import MoneyField
from cartera.common.scoping import visible_to
from cartera.imports.kinds import Kind, kind_named
from cartera.imports.models import ColumnMapping
from cartera.imports.roles import Value
from cartera.imports.storage import column_of, dtype_of
from cartera.sales.selectors import owner_clause


def mappings(*, kind: str | None = None) -> list[ColumnMapping]:
    """Return the saved column mappings, of ``kind`` when given."""
    found = ColumnMapping.objects.all()
    return list(found.filter(kind=kind) if kind else found)


def _real() -> str:
    return "DOUBLE PRECISION" if connection.vendor == "postgresql" else "REAL"


def _name(role: str, field: models.Field) -> str:
    return f"{role}_cents" if isinstance(field, MoneyField) else role


def _select(alias: str, field: models.Field, name: str) -> str:
    column = f"{alias}.{connection.ops.quote_name(field.column)}"
    if isinstance(field, models.JSONField):
        column = f"CAST({column} AS TEXT)"
    elif isinstance(field, models.DecimalField):
        column = f"CAST({column} AS {_real()})"
    return f"{column} AS {connection.ops.quote_name(name)}"


def _field_columns(
    kind: Kind, model: type[models.Model], alias: str
) -> tuple[list[str], dict[str, Any]]:
    """Return SELECT items and the schema of the kind's plain fields on ``model``."""
    items: list[str] = []
    schema: dict[str, Any] = {}
    for role in kind.roles:
        if role.field is None or role.value is Value.REFERENCE:
            continue
        try:
            field = column_of(model, role.field)
        except KeyError:
            continue
        name = _name(role.name, field)
        items.append(_select(alias, field, name))
        schema[name] = dtype_of(field)
    return items, schema


def _ordered(frame: pl.DataFrame, kind: Kind) -> pl.DataFrame:
    """Return ``frame`` with its columns in the kind's role order."""
    order = []
    for role in kind.roles:
        for name in (role.name, f"{role.name}_cents"):
            if name in frame.columns:
                order.append(name)
    return frame.select(order + [c for c in frame.columns if c not in order])


def _accounts(kind: Kind, user: Any) -> pl.DataFrame:
    from cartera.clients.models import CLIENT_STATUSES, PROSPECT_STATUSES, Account

    items, schema = _field_columns(kind, Account, "a")
    statuses = CLIENT_STATUSES if kind.name == "clients" else PROSPECT_STATUSES
    listed = ", ".join(f"'{s}'" for s in statuses)
    sql = (
        f"SELECT {', '.join(items)}, sp.name AS owner, c.name AS campaign "
        "FROM clients_account a "
        "LEFT JOIN team_salesperson sp ON sp.id = a.owner_id "
        "LEFT JOIN prospecting_campaign c ON c.id = a.campaign_id "
        f"WHERE a.status IN ({listed}) AND {owner_clause(user)} ORDER BY a.code"
    )
    return read_frame(sql, schema={**schema, "owner": pl.String, "campaign": pl.String})


def _contacts(kind: Kind, user: Any) -> pl.DataFrame:
    from cartera.clients.models import Contact

    items, schema = _field_columns(kind, Contact, "c")
    sql = (
        f"SELECT a.code AS client, {', '.join(items)} FROM clients_contact c "
        "JOIN clients_account a ON a.id = c.account_id "
        f"WHERE {owner_clause(user)} ORDER BY a.code, c.id"
    )
    return read_frame(sql, schema={"client": pl.String, **schema})


def _sales(kind: Kind, user: Any) -> pl.DataFrame:
    quantity = _real()
    sql = (
        "SELECT s.number AS invoice, l.line_no AS line, s.kind AS kind, a.code AS client, "
        "s.date AS date, s.due_date AS due_date, sp.name AS salesperson, s.channel AS channel, "
        "p.sku AS product, p.name AS product_name, p.family AS family, "
        f"CAST(l.quantity AS {quantity}) AS quantity, l.unit_price AS unit_price_cents, "
        f"CAST(l.discount_pct AS {quantity}) AS discount_pct, l.amount AS amount_cents, "
        "l.cost AS cost_cents "
        "FROM sales_saleline l JOIN sales_sale s ON s.id = l.sale_id "
        "JOIN clients_account a ON a.id = s.account_id "
        "JOIN catalog_product p ON p.id = l.product_id "
        "LEFT JOIN team_salesperson sp ON sp.id = s.salesperson_id "
        f"WHERE {owner_clause(user)} ORDER BY s.date, s.number, l.line_no"
    )
    schema = {
        "invoice": pl.String,
        "line": pl.Int64,
        "kind": pl.String,
        "client": pl.String,
        "date": pl.Date,
        "due_date": pl.Date,
        "salesperson": pl.String,
        "channel": pl.String,
        "product": pl.String,
        "product_name": pl.String,
        "family": pl.String,
        "quantity": pl.Float64,
        "unit_price_cents": MONEY,
        "discount_pct": pl.Float64,
        "amount_cents": MONEY,
        "cost_cents": MONEY,
    }
    return read_frame(sql, schema=schema)


def _payments(kind: Kind, user: Any) -> pl.DataFrame:
    sql = (
        "SELECT p.reference AS reference, a.code AS client, s.number AS invoice, p.date AS date, "
        "p.amount AS amount_cents, p.method AS method FROM receivables_payment p "
        "JOIN clients_account a ON a.id = p.account_id "
        "LEFT JOIN sales_sale s ON s.id = p.sale_id "
        f"WHERE {owner_clause(user)} ORDER BY p.date, p.reference"
    )
    schema = {
        "reference": pl.String,
        "client": pl.String,
        "invoice": pl.String,
        "date": pl.Date,
        "amount_cents": MONEY,
        "method": pl.String,
    }
    return read_frame(sql, schema=schema)


def _activities(kind: Kind, user: Any) -> pl.DataFrame:
    from cartera.activities.models import Activity

    items, schema = _field_columns(kind, Activity, "t")
    # In id order: identical activities of a day are told apart by their order.
    sql = (
        f"SELECT a.code AS client, sp.name AS salesperson, c.name AS contact, {', '.join(items)} "
        "FROM activities_activity t JOIN clients_account a ON a.id = t.account_id "
        "LEFT JOIN team_salesperson sp ON sp.id = t.salesperson_id "
        "LEFT JOIN clients_contact c ON c.id = t.contact_id "
        f"WHERE {owner_clause(user)} ORDER BY t.id"
    )
    extra = {"client": pl.String, "salesperson": pl.String, "contact": pl.String}
    return read_frame(sql, schema={**extra, **schema})


def _orm(kind: Kind, user: Any, references: dict[str, str] | None = None) -> pl.DataFrame:
    """Return a small shared table (products, salespeople, campaigns, goals) via the ORM."""
    model = kind.model
    names: dict[str, str] = {}
    schema: dict[str, Any] = {}
    for role in kind.roles:
        if role.field is None or role.value is Value.REFERENCE:
            continue
        field = column_of(model, role.field)
        names[field.attname] = _name(role.name, field)
        schema[names[field.attname]] = dtype_of(field)
    lookups = dict(references or {})
    rows = visible_to(model._default_manager.all(), user).order_by("pk")
    records = list(rows.values_list(*names, *lookups.values()))
    for role in lookups:
        schema[role] = pl.String
    columns = [*names.values(), *lookups]
    frame = pl.DataFrame(records, schema=columns, orient="row", infer_schema_length=None)
    casts = []
    for name, dtype in schema.items():
        column = pl.col(name)
        if name.endswith("_cents"):
            # The ORM gives Decimal amounts: back to the cents the database stores.
            column = (column.cast(pl.Float64) * 100).round(0)
        casts.append(column.cast(dtype).alias(name))
    return frame.with_columns(casts) if frame.height else pl.DataFrame(schema=schema)


def export_frame(*, kind: str, user: Any) -> pl.DataFrame:
    """Return every row of ``kind`` that ``user`` may see, in the columns import reads back."""
    spec = kind_named(kind)
    builders = {
        "clients": _accounts,
        "prospects": _accounts,
        "contacts": _contacts,
        "sales": _sales,
        "payments": _payments,
        "activities": _activities,
    }
    if spec.name in builders:
        frame = builders[spec.name](spec, user)
    elif spec.name == "goals":
        frame = _orm(spec, user, {"salesperson": "salesperson__name"})
    else:
        frame = _orm(spec, user)
    return _ordered(frame, spec)


def diagnosis_frame(*, user: Any, as_of: dt.date | None = None) -> pl.DataFrame:
    """Return the per-client diagnosis: ABC class, RFM scores and segment, last purchase.

    Computed by :mod:`cartera.analytics.diagnosis` on the sales ``user`` may see
    (S3.7, S2.4), with each client's name from the database.
    """
    from cartera.analytics.diagnosis import abc_classes, client_table, rfm_scores
    from cartera.sales.selectors import sales_frame

    sales = sales_frame(user=user, until=as_of)
    if sales.height == 0:
        return pl.DataFrame(schema={"client": pl.String})
    table, period = client_table(sales, as_of=as_of)
    scored = rfm_scores(abc_classes(table), period.as_of)
    names = read_frame(
        f"SELECT a.code AS client, a.legal_name AS client_name FROM clients_account a "
        f"WHERE {owner_clause(user)}",
        schema={"client": pl.String, "client_name": pl.String},
    )
    wanted = [
        "client",
        "client_name",
        "abc_class",
        "revenue_rank",
        "window_revenue_cents",
        "revenue_share",
        "cumulative_share",
        "previous_revenue_cents",
        "first_purchase",
        "last_purchase",
        "recency_days",
        "purchase_days",
        "tickets",
        "frequency",
        "monetary_cents",
        "r_score",
        "f_score",
        "m_score",
        "rfm_score",
        "rfm_segment",
        "status",
        "salesperson",
        "segment",
        "city",
    ]
    joined = scored.join(names, on="client", how="left")
    return joined.select([c for c in wanted if c in joined.columns]).sort(
        "revenue_rank", "client", nulls_last=True
    )
