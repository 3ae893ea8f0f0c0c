"""The frames a rating run reads, through the Arrow bridge, lean enough for 100,000 clients.

A rating needs, per account, the dated invoice totals (revenue, margin, recurrence,
tenure), the payment behaviour and the account's attributes. The sales are read at the
invoice level (``sales_sale.total`` and ``cost_total`` are the sums of their lines),
keyed by account id: the same figures as the line-level sales frame at a fifth of the
rows and without the text columns, which is what keeps ``cartera rate`` within seconds.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Final

import polars as pl

from cartera.analytics import receivables as ar
from cartera.analytics.frames import MONEY
from cartera.common.arrow import read_frame
from cartera.sales.selectors import owner_clause

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

RATED_STATUSES: Final[tuple[str, ...]] = ("client", "inactive")
"""Statuses rated: clients, active or not; a lost client or a prospect has no rating."""

ACCOUNT_SCHEMA: Final[dict[str, pl.DataType | type[pl.DataType]]] = {
    "account_id": pl.Int64,
    "code": pl.String,
    "name": pl.String,
    "status": pl.String,
    "owner_id": pl.Int64,
    "salesperson": pl.String,
    "is_special": pl.Boolean,
    "segment": pl.String,
    "industry": pl.String,
    "employees": pl.Int64,
    "revenue_band": pl.String,
    "city": pl.String,
    "region": pl.String,
    "country": pl.String,
    "kind": pl.String,
    "source": pl.String,
    "campaign": pl.String,
    "payment_terms_days": pl.Int64,
    "pipeline_stage": pl.String,
    "pipeline_entered_on": pl.Date,
    "won_on": pl.Date,
    "disqualified_on": pl.Date,
    "disqualified_reason": pl.String,
    "created_on": pl.String,
    "attributes": pl.String,
}

ATTRIBUTE_COLUMNS: Final[tuple[str, ...]] = (
    "segment",
    "industry",
    "employees",
    "revenue_band",
    "city",
    "region",
    "country",
    "kind",
    "source",
    "payment_terms_days",
)
"""Account columns a profile condition or a learned profile may read (plus custom ones)."""

_ACCOUNTS_SQL: Final = """
SELECT a.id AS account_id, a.code AS code,
       COALESCE(NULLIF(a.trade_name, ''), a.legal_name) AS name, a.status AS status,
       a.owner_id AS owner_id, o.name AS salesperson, a.is_special AS is_special,
       a.segment AS segment, a.industry AS industry, a.employees AS employees,
       a.revenue_band AS revenue_band, a.city AS city, a.region AS region,
       a.country AS country, a.kind AS kind, a.source AS source, c.name AS campaign,
       a.payment_terms_days AS payment_terms_days, a.pipeline_stage AS pipeline_stage,
       a.pipeline_entered_on AS pipeline_entered_on, a.won_on AS won_on,
       a.disqualified_on AS disqualified_on, a.disqualified_reason AS disqualified_reason,
       SUBSTR(CAST(a.created_at AS TEXT), 1, 10) AS created_on,
       CAST(a.attributes AS TEXT) AS attributes
FROM clients_account a
LEFT JOIN team_salesperson o ON o.id = a.owner_id
LEFT JOIN prospecting_campaign c ON c.id = a.campaign_id
"""
# Blank text means "not known" for the frames (SQL NULLIF would hide the column type
# from connectorx on SQLite, so it is done here).
_BLANK_IS_NULL: Final = (
    "segment", "industry", "revenue_band", "city", "region", "country", "source",
    "pipeline_stage", "disqualified_reason",
)  # fmt: skip


def client_key(column: str = "account_id") -> pl.Expr:
    """Return the key a rating run uses for an account: its id as text."""
    return pl.col(column).cast(pl.String).alias("client")


def _typed(values: pl.Series) -> pl.Series:
    """Return JSON scalars read as text in the narrowest type that holds them all."""
    known = values.drop_nulls()
    if known.len() and known.is_in(["true", "false"]).all():
        return values == "true"
    for dtype in (pl.Int64, pl.Float64):
        converted = values.cast(dtype, strict=False)
        if converted.null_count() == values.null_count():
            return converted
    return values


def _custom_attributes(accounts: pl.DataFrame) -> pl.DataFrame:
    """Return ``accounts`` with its JSON attributes as columns (model columns win clashes).

    Every key any account has becomes a column (unknown where an account lacks it), typed
    as yes/no, whole number, number or text by the values it holds.
    """
    raw = accounts["attributes"].fill_null("{}")
    keys = (
        raw.str.extract_all(r'"[^"]+"\s*:')
        .explode()
        .drop_nulls()
        .str.strip_chars_end(": \t")
        .str.strip_chars('"')
        .unique()
        .sort()
        .to_list()
    )
    reserved = set(accounts.columns) | {"client", "fit", "is_client", "is_best"}
    columns = []
    for key in keys:
        if key in reserved:
            continue
        path = "$['" + key.replace("'", "\\'") + "']"
        values = raw.str.json_path_match(path)
        if values.null_count() < len(values):
            columns.append(_typed(values).alias(key))
    return accounts.drop("attributes").with_columns(columns)


def accounts_frame(*, user: User | AnonymousUser, account_id: int | None = None) -> pl.DataFrame:
    """Return every account ``user`` may see (or just ``account_id``) with its attributes.

    Columns: :data:`ACCOUNT_SCHEMA` (without ``attributes``), ``client`` (the id as
    text), ``is_client`` and every key of the custom attributes as its own column.
    """
    only = f" AND a.id = {int(account_id)}" if account_id is not None else ""
    sql = f"{_ACCOUNTS_SQL} WHERE {owner_clause(user)}{only} ORDER BY a.id"
    frame = read_frame(sql, schema=ACCOUNT_SCHEMA)
    frame = frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)).alias(c) for c in _BLANK_IS_NULL
    )
    return _custom_attributes(frame).with_columns(
        client_key(),
        pl.col("status").is_in(RATED_STATUSES).alias("is_client"),
        pl.col("created_on").str.to_date("%Y-%m-%d", strict=False),
    )


def invoice_totals_frame(*, until: dt.date, since: dt.date | None = None) -> pl.DataFrame:
    """Return the company's invoices and credit notes up to ``until`` as dated totals.

    Columns ``client`` (account id as text), ``date``, ``amount_cents``, ``cost_cents``:
    the sales contract of :mod:`cartera.analytics.frames` at the invoice level.

    With ``since``, the invoices on or before it are not read one by one: each client
    gets instead two lines of amount 0 on its first and last purchase day up to
    ``since``. Every client feature of a rating whose windows start after ``since``
    (revenue, margin, recurrence, growth, tenure, recency) comes out the same, at a
    fraction of the rows for a long history.
    """
    schema = {"account_id": pl.Int64, "date": pl.Date, "amount_cents": MONEY, "cost_cents": MONEY}
    columns = (
        "SELECT s.account_id AS account_id, s.date AS date, s.total AS amount_cents,"
        " s.cost_total AS cost_cents FROM sales_sale s WHERE s.kind <> 'order'"
    )
    if since is None:
        # No date condition in SQL: every invoice is wanted, and SQLite would walk the
        # date index and fetch each row from it, slower than reading the table straight.
        lines = read_frame(columns, schema=schema)
    else:
        recent = read_frame(f"{columns} AND s.date > '{since.isoformat()}'", schema=schema)
        bounds = read_frame(
            "SELECT s.account_id AS account_id, MIN(s.date) AS first, MAX(s.date) AS last"
            " FROM sales_sale s WHERE s.kind <> 'order'"
            f" AND s.date <= '{since.isoformat()}' GROUP BY s.account_id",
            # Text, then dates: SQLite returns an aggregate of dates as text.
            schema={"account_id": pl.Int64, "first": pl.String, "last": pl.String},
        ).with_columns(pl.col("first", "last").str.slice(0, 10).str.to_date("%Y-%m-%d"))
        earlier = (
            bounds.unpivot(index="account_id", on=["first", "last"], value_name="date")
            .select(
                "account_id",
                "date",
                pl.lit(0, MONEY).alias("amount_cents"),
                pl.lit(0, MONEY).alias("cost_cents"),
            )
            .unique()
        )
        lines = pl.concat([earlier, recent])
    return lines.filter(pl.col("date") <= until).select(
        client_key(), "date", "amount_cents", "cost_cents"
    )


PAYMENT_HORIZON_DAYS: Final = 180
"""Days of ledger read before the payment-behaviour window opens."""


def payment_behaviour_frame(*, as_of: dt.date, window_days: int = 365) -> pl.DataFrame | None:
    """Return per rated client ``avg_days_late`` and ``share_on_time``, or None without payments.

    The ledger is matched by :func:`cartera.analytics.receivables.allocate` (the rules of
    the receivables reports), then :func:`~cartera.analytics.receivables.payment_behaviour`
    looks at what fell due in the window. Only the invoices and payments dated from
    :data:`PAYMENT_HORIZON_DAYS` before the window are read: every invoice falling due in
    the window is among them (terms up to half a year), and matching the whole history
    would triple the time of a rating. The one difference it can make: an unlinked
    payment that settled a debt older than that is applied to a newer invoice here.
    """
    since = as_of - dt.timedelta(days=window_days + PAYMENT_HORIZON_DAYS)
    # Only the clients rated: the matching is client by client, so leaving the others out
    # changes nothing for these.
    statuses = ", ".join(f"'{status}'" for status in RATED_STATUSES)
    rated = f"IN (SELECT id FROM clients_account WHERE status IN ({statuses}))"
    invoices = read_frame(
        "SELECT s.id AS invoice, s.account_id AS account_id, s.date AS date,"
        " s.due_date AS due_date, s.total AS amount_cents FROM sales_sale s"
        f" WHERE s.kind <> 'order' AND s.date > '{since.isoformat()}' AND s.account_id {rated}",
        schema={
            "invoice": pl.Int64,
            "account_id": pl.Int64,
            "date": pl.Date,
            "due_date": pl.Date,
            "amount_cents": MONEY,
        },
    )
    payments = read_frame(
        "SELECT p.id AS payment, p.account_id AS account_id, p.date AS date,"
        " p.amount AS amount_cents, p.sale_id AS invoice FROM receivables_payment p"
        f" WHERE p.date > '{since.isoformat()}' AND p.account_id {rated}",
        schema={
            "payment": pl.Int64,
            "account_id": pl.Int64,
            "date": pl.Date,
            "amount_cents": MONEY,
            "invoice": pl.Int64,
        },
    )
    # The upper bound here rather than in SQL (see invoice_totals_frame); the lower one
    # in SQL, where it spares reading a third of the ledger.
    invoices = invoices.filter(pl.col("date") <= as_of)
    payments = payments.filter(pl.col("date") <= as_of)
    if payments.is_empty() or invoices.is_empty():
        return None
    allocation = ar.allocate(
        invoices.select(
            pl.col("invoice").cast(pl.String), client_key(), "date", "due_date", "amount_cents"
        ),
        payments.select(
            pl.col("payment").cast(pl.String),
            client_key(),
            "date",
            "amount_cents",
            pl.col("invoice").cast(pl.String),
        ),
        as_of=as_of,
        check=False,
    )
    behaviour = ar.payment_behaviour(allocation, window_days=window_days, by="client")
    return behaviour.select("client", "avg_days_late", "share_on_time")


def activities_frame(*, user: User | AnonymousUser, until: dt.date) -> pl.DataFrame:
    """Return the contacts with the accounts ``user`` may see: ``client``, ``date``, ``kind``."""
    sql = (
        "SELECT t.account_id AS account_id, t.date AS date, t.kind AS kind"
        " FROM activities_activity t JOIN clients_account a ON a.id = t.account_id"
        f" WHERE {owner_clause(user)} AND t.date <= '{until.isoformat()}'"
    )
    frame = read_frame(sql, schema={"account_id": pl.Int64, "date": pl.Date, "kind": pl.String})
    return frame.select(client_key(), "date", "kind")


def next_actions_frame(*, user: User | AnonymousUser) -> pl.DataFrame:
    """Return the planned next action of each account ``user`` may see: ``client``, ``date``.

    Only the latest activity's next action counts: a later contact supersedes what an
    older one planned.
    """
    sql = (
        "SELECT t.account_id AS account_id, t.date AS date, t.id AS id,"
        " t.next_action_on AS next_action_on"
        " FROM activities_activity t JOIN clients_account a ON a.id = t.account_id"
        f" WHERE {owner_clause(user)}"
    )
    frame = read_frame(
        sql,
        schema={"account_id": pl.Int64, "date": pl.Date, "id": pl.Int64, "next_action_on": pl.Date},
    )
    latest = frame.sort("account_id", "date", "id").group_by("account_id").last()
    return latest.filter(pl.col("next_action_on").is_not_null()).select(
        client_key(), pl.col("next_action_on").alias("date")
    )
