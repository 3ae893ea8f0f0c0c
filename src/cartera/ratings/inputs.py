"""The frames a rating run reads, through the Arrow bridge, lean enough for 100,000 clients.

A rating needs, per account, the dated invoice totals (revenue, margin, recurrence,
tenure), the payment behaviour and the account's attributes. The sales are read at the
invoice level (``sales_sale.total`` and ``cost_total`` are the sums of their lines),
keyed by account id: the same figures as the line-level sales frame at a fifth of the
rows and without the text columns, which is what keeps ``cartera rate`` within seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

import polars as pl

from cartera.analytics import receivables as ar
from cartera.analytics.frames import MONEY
from cartera.analytics.rating.features import MEASURES, PAYMENT_COLUMNS
from cartera.common.arrow import index_hint, read_frame
from cartera.sales.selectors import owner_clause

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.analytics.rating import RatingPolicy
    from cartera.ratings.compute import StoredProfile
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

_ACCOUNT_EXPRESSIONS: Final[dict[str, str]] = {
    "account_id": "a.id",
    "code": "a.code",
    "name": "COALESCE(NULLIF(a.trade_name, ''), a.legal_name)",
    "status": "a.status",
    "owner_id": "a.owner_id",
    "salesperson": "o.name",
    "is_special": "a.is_special",
    "segment": "a.segment",
    "industry": "a.industry",
    "employees": "a.employees",
    "revenue_band": "a.revenue_band",
    "city": "a.city",
    "region": "a.region",
    "country": "a.country",
    "kind": "a.kind",
    "source": "a.source",
    "campaign": "c.name",
    "payment_terms_days": "a.payment_terms_days",
    "pipeline_stage": "a.pipeline_stage",
    "pipeline_entered_on": "a.pipeline_entered_on",
    "won_on": "a.won_on",
    "disqualified_on": "a.disqualified_on",
    "disqualified_reason": "a.disqualified_reason",
    "created_on": "SUBSTR(CAST(a.created_at AS TEXT), 1, 10)",
    "attributes": "CAST(a.attributes AS TEXT)",
}
_ACCOUNT_JOINS: Final = {
    "salesperson": " LEFT JOIN team_salesperson o ON o.id = a.owner_id",
    "campaign": " LEFT JOIN prospecting_campaign c ON c.id = a.campaign_id",
}
"""The joins an account column needs, made only when it is read."""
COMPUTED_MEASURES: Final = frozenset({*MEASURES, *PAYMENT_COLUMNS, "icp_fit"}) - {"strategic"}
"""Measures a rating computes from the sales, the ledger or the profiles, not account columns."""

# Blank text means "not known" for the frames; done in Polars, once for every column.
_BLANK_IS_NULL: Final = (
    "segment", "industry", "revenue_band", "city", "region", "country", "source",
    "pipeline_stage", "disqualified_reason",
)  # fmt: skip


def _select_list(expressions: Mapping[str, str], names: Iterable[str]) -> str:
    """Return the SELECT list of ``names``, each computed by its SQL in ``expressions``."""
    return ", ".join(f"{expressions[name]} AS {name}" for name in names)


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


def _custom_attributes(accounts: pl.DataFrame, keys: Sequence[str] | None = None) -> pl.DataFrame:
    """Return ``accounts`` with its JSON attributes as columns (model columns win clashes).

    Every key any account has (or only ``keys``) becomes a column (unknown where an account
    lacks it), typed as yes/no, whole number, number or text by the values it holds.
    """
    raw = accounts["attributes"].fill_null("{}")
    if keys is None:
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


def rating_columns(profiles: Sequence[StoredProfile], policy: RatingPolicy) -> tuple[str, ...]:
    """Return the account columns a rating run reads, for :func:`accounts_frame`.

    Only what is used: the status and the special flag, the measures of ``policy`` and
    the conditions of ``profiles`` that are account columns or custom attributes
    (``strategic`` among them), and the segment and kind a profile's client type is
    matched on. Each custom attribute costs a pass over every account's JSON.
    """
    conditions = [c.attribute for stored in profiles for c in stored.profile.conditions]
    typed = ["segment", "kind"] if any(s.profile.client_type.strip() for s in profiles) else []
    # A "strategic" criterion reads the custom attribute beside the special flag.
    named = ["account_id", "status", "is_special", *typed, *conditions]
    named += [c.measure for c in policy.criteria if c.measure not in COMPUTED_MEASURES]
    return tuple(n for n in dict.fromkeys(named) if n not in ("attributes", "client"))


def accounts_frame(
    *,
    user: User | AnonymousUser,
    account_id: int | None = None,
    columns: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Return every account ``user`` may see (or just ``account_id``) with its attributes.

    Columns: :data:`ACCOUNT_SCHEMA` (without ``attributes``), or only ``columns`` of it
    (a rating reads :func:`rating_columns`: the names and pipeline dates are most of
    the text), ``client`` (the id as text), ``is_client`` and every key of the custom
    attributes as its own column. A name in ``columns`` that is not a column of
    :data:`ACCOUNT_SCHEMA` is a custom attribute: then only the attributes named are read.
    """
    wanted = tuple(columns) if columns is not None else tuple(ACCOUNT_SCHEMA)
    custom = [name for name in wanted if name not in ACCOUNT_SCHEMA]
    wanted = tuple(name for name in wanted if name in ACCOUNT_SCHEMA)
    if "attributes" in wanted:
        custom = []  # every key
    elif custom:
        wanted = (*wanted, "attributes")
    schema = {name: ACCOUNT_SCHEMA[name] for name in wanted}
    select = _select_list(_ACCOUNT_EXPRESSIONS, wanted)
    only = f" AND a.id = {int(account_id)}" if account_id is not None else ""
    sql = (
        f"SELECT {select} FROM clients_account a"
        + "".join(join for name, join in _ACCOUNT_JOINS.items() if name in schema)
        + f" WHERE {owner_clause(user)}{only} ORDER BY a.id"
    )
    frame = read_frame(sql, schema=schema)
    frame = frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c)).alias(c)
        for c in _BLANK_IS_NULL
        if c in schema
    )
    if "attributes" in schema:
        frame = _custom_attributes(frame, custom or None)
    frame = frame.with_columns(
        client_key(), pl.col("status").is_in(RATED_STATUSES).alias("is_client")
    )
    if "created_on" in schema:
        frame = frame.with_columns(pl.col("created_on").str.to_date("%Y-%m-%d", strict=False))
    return frame


INVOICE_SCHEMA: Final[dict[str, pl.DataType | type[pl.DataType]]] = {
    "invoice": pl.Int64,
    "account_id": pl.Int64,
    "date": pl.Date,
    "due_date": pl.Date,
    "amount_cents": MONEY,
    "cost_cents": MONEY,
}


_INVOICE_EXPRESSIONS: Final[dict[str, str]] = {
    "invoice": "s.id",
    "account_id": "s.account_id",
    "date": "s.date",
    "due_date": "s.due_date",
    "amount_cents": "s.total",
    "cost_cents": "s.cost_total",
}


def invoices_frame(
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    columns: Sequence[str] | None = None,
) -> pl.DataFrame:
    """Return the invoices and credit notes dated after ``since`` and up to ``until``.

    Columns :data:`INVOICE_SCHEMA` (or only ``columns`` of it), keyed by database ids:
    one read serves both the sales features and the payment behaviour of a rating.
    Without ``since`` (``until``) from the first (to the last).
    """
    schema = {n: t for n, t in INVOICE_SCHEMA.items() if columns is None or n in columns}
    sql = (
        f"SELECT {_select_list(_INVOICE_EXPRESSIONS, schema)}"
        # Read from the index sale_date_cover alone: only the rows after since.
        " FROM sales_sale s WHERE s.kind <> 'order'"
    )
    if since is not None:
        sql += f" AND s.date > '{since.isoformat()}'"
    if until is not None:
        sql += f" AND s.date <= '{until.isoformat()}'"
    return read_frame(sql, schema=schema)


def purchase_bounds_frame(*, until: dt.date) -> pl.DataFrame:
    """Return per account the first and last day it was invoiced, up to ``until``.

    Columns ``account_id``, ``first``, ``last``.
    """
    return read_frame(
        "SELECT s.account_id AS account_id, MIN(s.date) AS first, MAX(s.date) AS last"
        f" FROM sales_sale s{index_hint('sale_account_date_kind')} WHERE s.kind <> 'order'"
        f" AND s.date <= '{until.isoformat()}' GROUP BY s.account_id",
        schema={"account_id": pl.Int64, "first": pl.Date, "last": pl.Date},
    )


def invoice_totals(
    invoices: pl.DataFrame, *, until: dt.date, since: dt.date | None, bounds: pl.DataFrame | None
) -> pl.DataFrame:
    """Return the invoices up to ``until`` as the sales lines of a rating.

    Columns ``client`` (account id as text), ``date``, ``amount_cents``, ``cost_cents``:
    the sales contract of :mod:`cartera.analytics.frames` at the invoice level, from
    :func:`invoices_frame`.

    With ``since``, the invoices on or before it are left out, and with ``bounds``
    (:func:`purchase_bounds_frame` up to ``since``) each client gets instead two lines of
    amount 0 on its first and last purchase day. Every client feature of a rating whose
    windows start after ``since`` (revenue, margin, recurrence, growth, tenure, recency)
    comes out the same, at a fraction of the rows for a long history.
    """
    lines = invoices.select("account_id", "date", "amount_cents", "cost_cents")
    if since is not None:
        lines = lines.filter(pl.col("date") > since)
        if bounds is not None:
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
            lines = pl.concat([earlier, lines])
    return lines.filter(pl.col("date") <= until).select(
        client_key(), "date", "amount_cents", "cost_cents"
    )


PAYMENT_HORIZON_DAYS: Final = 180
"""Days of ledger read before the payment-behaviour window opens."""

PAYMENT_SCHEMA: Final[dict[str, pl.DataType | type[pl.DataType]]] = {
    "payment": pl.Int64,
    "account_id": pl.Int64,
    "date": pl.Date,
    "amount_cents": MONEY,
    "invoice": pl.Int64,
}


_PAYMENT_EXPRESSIONS: Final[dict[str, str]] = {
    "payment": "p.id",
    "account_id": "p.account_id",
    "date": "p.date",
    "amount_cents": "p.amount",
    "invoice": "p.sale_id",
}


def payment_ledger_start(*, as_of: dt.date, window_days: int = 365) -> dt.date:
    """Return the day after which the ledger is read for the payment behaviour."""
    return as_of - dt.timedelta(days=window_days + PAYMENT_HORIZON_DAYS)


def payments_frame(
    *, since: dt.date, until: dt.date | None = None, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """Return the payments dated after ``since`` (and up to ``until``): :data:`PAYMENT_SCHEMA`
    (or only ``columns`` of it), by database id."""
    schema = {n: t for n, t in PAYMENT_SCHEMA.items() if columns is None or n in columns}
    sql = (
        f"SELECT {_select_list(_PAYMENT_EXPRESSIONS, schema)}"
        # Read from the index payment_date_cover alone: only the rows after since.
        f" FROM receivables_payment p WHERE p.date > '{since.isoformat()}'"
    )
    if until is not None:
        sql += f" AND p.date <= '{until.isoformat()}'"
    return read_frame(sql, schema=schema)


def payment_behaviour(
    invoices: pl.DataFrame, payments: pl.DataFrame, *, as_of: dt.date, window_days: int = 365
) -> pl.DataFrame | None:
    """Return per client ``avg_days_late`` and ``share_on_time``, or None without payments.

    ``invoices`` (:func:`invoices_frame`) and ``payments`` (:func:`payments_frame`) are
    taken from :func:`payment_ledger_start` on; they are matched by
    :func:`cartera.analytics.receivables.allocate` on their database ids (the rules of
    the receivables reports; the payments' own ids may be left out), then
    :func:`~cartera.analytics.receivables.payment_behaviour` looks at what fell due in
    the window. Every invoice falling due in the window is among them (terms up to half
    a year), and matching the whole history would triple the time of a rating. The one
    difference it can make: an unlinked payment that settled a debt older than that is
    applied to a newer invoice here.
    """
    since = payment_ledger_start(as_of=as_of, window_days=window_days)
    invoices = invoices.filter(pl.col("date").is_between(since, as_of, closed="right"))
    payments = payments.filter(pl.col("date").is_between(since, as_of, closed="right"))
    if payments.is_empty() or invoices.is_empty():
        return None
    if "payment" not in payments.columns:
        # Payments of one client on one day settle the same invoices on the same day
        # whichever goes first, so any distinct ids serve.
        payments = payments.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("payment"))
    allocation = ar.allocate(
        invoices.select(
            "invoice", pl.col("account_id").alias("client"), "date", "due_date", "amount_cents"
        ),
        payments.select(
            "payment", pl.col("account_id").alias("client"), "date", "amount_cents", "invoice"
        ),
        as_of=as_of,
        check=False,
    )
    behaviour = ar.payment_behaviour(allocation, window_days=window_days, by="client")
    return behaviour.select(client_key("client"), "avg_days_late", "share_on_time")


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
