"""Reads of receivables: the ledger frames through the Arrow bridge, and the reports.

Every figure is computed by ``cartera.analytics.receivables`` on the frames built
here; this module only chooses the rows the user may see and the company's policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

import polars as pl

from cartera.analytics import receivables as ar
from cartera.analytics.frames import MONEY
from cartera.common.arrow import read_frame
from cartera.receivables.models import (
    DEFAULT_BOUNDS,
    DEFAULT_PERCENTS,
    ProvisionOverride,
    ProvisionPolicy,
)
from cartera.sales.selectors import abc_by_client, owner_clause

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

INVOICES_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "invoice": pl.String,
    "client": pl.String,
    "date": pl.Date,
    "due_date": pl.Date,
    "amount_cents": MONEY,
    "salesperson": pl.String,
    "segment": pl.String,
    "client_name": pl.String,
    "owner": pl.String,
}
PAYMENTS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "payment": pl.String,
    "client": pl.String,
    "date": pl.Date,
    "amount_cents": MONEY,
    "invoice": pl.String,
}


def _date_clause(column: str, as_of: dt.date | None) -> str:
    return f" AND {column} <= '{as_of.isoformat()}'" if as_of else ""


def invoices_frame(
    *, user: User | AnonymousUser, as_of: dt.date | None = None, account_id: int | None = None
) -> pl.DataFrame:
    """Return the invoices and credit notes ``user`` may see, issued up to ``as_of``."""
    only = f" AND a.id = {int(account_id)}" if account_id is not None else ""
    sql = (
        "SELECT s.number AS invoice, a.code AS client, s.date AS date, s.due_date AS due_date,"
        " s.total AS amount_cents, sp.name AS salesperson, a.segment AS segment,"
        " COALESCE(NULLIF(a.trade_name, ''), a.legal_name) AS client_name, o.name AS owner"
        " FROM sales_sale s JOIN clients_account a ON a.id = s.account_id"
        " LEFT JOIN team_salesperson sp ON sp.id = s.salesperson_id"
        " LEFT JOIN team_salesperson o ON o.id = a.owner_id"
        f" WHERE s.kind <> 'order' AND {owner_clause(user)}{only}{_date_clause('s.date', as_of)}"
    )
    return read_frame(sql, schema=INVOICES_SCHEMA)


def payments_frame(
    *, user: User | AnonymousUser, as_of: dt.date | None = None, account_id: int | None = None
) -> pl.DataFrame:
    """Return the payments ``user`` may see, received up to ``as_of``."""
    only = f" AND a.id = {int(account_id)}" if account_id is not None else ""
    sql = (
        "SELECT p.reference AS payment, a.code AS client, p.date AS date,"
        " p.amount AS amount_cents, s.number AS invoice"
        " FROM receivables_payment p JOIN clients_account a ON a.id = p.account_id"
        " LEFT JOIN sales_sale s ON s.id = p.sale_id"
        f" WHERE {owner_clause(user)}{only}{_date_clause('p.date', as_of)}"
    )
    return read_frame(sql, schema=PAYMENTS_SCHEMA)


def provision_policy() -> ar.ProvisionPolicy:
    """Return the company's provision policy with the per-client overrides."""
    stored = ProvisionPolicy.objects.filter(pk=1).first()
    bounds = tuple(stored.bounds) if stored and stored.bounds else tuple(DEFAULT_BOUNDS)
    percents = stored.percents if stored and stored.percents else DEFAULT_PERCENTS
    overrides = dict(ProvisionOverride.objects.values_list("account__code", "percent").iterator())
    return ar.ProvisionPolicy(
        percents=tuple(Decimal(str(p)) for p in percents),
        buckets=ar.Buckets(bounds),
        overrides=overrides,
    )


@dataclass(frozen=True, slots=True)
class Ledger:
    invoices: pl.DataFrame
    payments: pl.DataFrame


def ledger(
    *, user: User | AnonymousUser, as_of: dt.date | None = None, account_id: int | None = None
) -> Ledger:
    return Ledger(
        invoices=invoices_frame(user=user, as_of=as_of, account_id=account_id),
        payments=payments_frame(user=user, as_of=as_of, account_id=account_id),
    )


def ageing_report(
    *,
    user: User | AnonymousUser,
    as_of: dt.date,
    account_id: int | None = None,
    with_abc: bool = False,
    policy: ar.ProvisionPolicy | None = None,
) -> ar.Ageing:
    """Return the ageing at ``as_of`` of what ``user`` may see, in the policy's buckets.

    ``with_abc`` adds each client's ABC class (company-wide, S3.7) so that the ageing
    can be broken down by class. ``policy`` saves reading it again when the caller has it.
    """
    books = ledger(user=user, as_of=as_of, account_id=account_id)
    invoices = books.invoices
    if with_abc:
        invoices = invoices.join(abc_by_client(as_of=as_of), on="client", how="left")
    buckets = (policy or provision_policy()).buckets
    return ar.ageing(invoices, books.payments, as_of=as_of, buckets=buckets, check=False)


def provisioned_ageing(
    *, user: User | AnonymousUser, as_of: dt.date, with_abc: bool = False
) -> tuple[ar.Ageing, ar.Provision]:
    """Return the ageing at ``as_of`` and the provision on it, the policy read once."""
    policy = provision_policy()
    aged = ageing_report(user=user, as_of=as_of, with_abc=with_abc, policy=policy)
    return aged, ar.provision(aged, policy)


def provision_report(*, user: User | AnonymousUser, as_of: dt.date) -> ar.Provision:
    """Return the provision for doubtful debts at ``as_of`` (S1.11)."""
    return provisioned_ageing(user=user, as_of=as_of)[1]


def overdue_clients(aged: ar.Ageing) -> pl.DataFrame:
    """Return the clients with overdue debt in ``aged``, the most overdue first."""
    return (
        aged.table(by="client")
        .filter(pl.col("overdue_cents") > 0)
        .sort(["overdue_cents", "client"], descending=[True, False])
    )


def provision_movement_report(
    *, user: User | AnonymousUser, start: dt.date, end: dt.date
) -> ar.ProvisionMovement:
    """Return what to charge and release between the provisions at ``start`` and ``end``."""
    return ar.provision_movement(
        provision_report(user=user, as_of=start), provision_report(user=user, as_of=end)
    )


def purchasing_contacts(*, user: User | AnonymousUser) -> pl.DataFrame:
    """Return per client the purchasing contact (or first contact), phone and e-mail."""
    sql = (
        "SELECT a.code AS client, c.name AS contact, c.phone AS phone, c.email AS email"
        " FROM clients_contact c JOIN clients_account a ON a.id = c.account_id"
        f" WHERE {owner_clause(user)} ORDER BY a.code, c.is_purchasing DESC, c.id"
    )
    frame = read_frame(
        sql,
        schema={"client": pl.String, "contact": pl.String, "phone": pl.String, "email": pl.String},
    )
    return frame.unique(subset="client", keep="first", maintain_order=True)


def dunning_report(*, user: User | AnonymousUser, as_of: dt.date) -> ar.DunningList:
    """Return overdue items by client with the purchasing contact and a suggested action."""
    return ar.dunning_list(
        ageing_report(user=user, as_of=as_of), contacts=purchasing_contacts(user=user)
    )


def cashflow_report(
    *, user: User | AnonymousUser, as_of: dt.date, months_back: int = 12, months_ahead: int = 3
) -> tuple[pl.DataFrame, ar.CollectionForecast]:
    """Return monthly sales vs collections and expected collections ahead (S3.6)."""
    books = ledger(user=user, as_of=as_of)
    start = _months_before(as_of, months_back - 1)
    monthly = ar.monthly_cashflow(books.invoices, books.payments, start=start, end=as_of)
    allocation = ar.allocate(books.invoices, books.payments, as_of=as_of, check=False)
    return monthly, ar.expected_collections(allocation, months=months_ahead)


def _months_before(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 - months
    return dt.date(total // 12, total % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class CreditReport:
    """Payment behaviour, solvency, limits and risk of what a user may see (S1.8, S1.9)."""

    as_of: dt.date
    behaviour: pl.DataFrame  # per client: share on time, average days late
    dso_by_salesperson: pl.DataFrame
    solvency: pl.DataFrame  # per client: score 0–100 with its components
    proposals: pl.DataFrame  # per client: proposed limit and the reason
    exposure: pl.DataFrame  # per client: exposure against the limit
    concentration: pl.DataFrame  # per salesperson: credit carried and its concentration
    risk_matrix: pl.DataFrame  # ABC class × payment-risk class


def _limits_frame(*, user: User | AnonymousUser) -> pl.DataFrame:
    sql = (
        "SELECT a.code AS client, a.credit_limit AS limit_cents, o.name AS salesperson"
        " FROM clients_account a LEFT JOIN team_salesperson o ON o.id = a.owner_id"
        f" WHERE a.status IN ('client', 'inactive', 'lost') AND {owner_clause(user)}"
    )
    return read_frame(
        sql, schema={"client": pl.String, "limit_cents": MONEY, "salesperson": pl.String}
    )


def _unbilled_frame(*, user: User | AnonymousUser) -> pl.DataFrame:
    sql = (
        "SELECT a.code AS client, SUM(s.total) AS unbilled_cents FROM sales_sale s"
        " JOIN clients_account a ON a.id = s.account_id"
        f" WHERE s.kind = 'order' AND {owner_clause(user)} GROUP BY a.code"
    )
    return read_frame(sql, schema={"client": pl.String, "unbilled_cents": MONEY})


def credit_report(*, user: User | AnonymousUser, as_of: dt.date) -> CreditReport:
    """Return the credit view at ``as_of``: one matching of the ledger feeds every table."""
    books = ledger(user=user, as_of=as_of)
    allocation = ar.allocate(books.invoices, books.payments, as_of=as_of, check=False)
    scores = ar.solvency(allocation, books.invoices)
    limits = _limits_frame(user=user)
    return CreditReport(
        as_of=as_of,
        behaviour=ar.payment_behaviour(allocation, by="client"),
        dso_by_salesperson=ar.days_sales_outstanding(books.invoices, allocation, by="salesperson"),
        solvency=scores,
        proposals=ar.propose_credit_limits(scores, books.invoices, as_of=as_of),
        exposure=ar.credit_exposure(
            allocation, limits.select("client", "limit_cents"), unbilled=_unbilled_frame(user=user)
        ),
        concentration=ar.credit_concentration(
            allocation,
            limits=limits.select("client", "limit_cents"),
            owners=limits.select("client", "salesperson"),
        ),
        risk_matrix=ar.risk_matrix(scores, allocation, classes=abc_by_client(as_of=as_of)),
    )


PAYMENTS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class AccountReceivables:
    """One client's receivables at a date, for its file (S1.8, S1.11).

    ``ageing.items`` are its open invoices with ``days_overdue`` and ``bucket``;
    ``exposure`` the row of :func:`cartera.analytics.receivables.credit_exposure`
    (``open_cents`` … ``over_limit``), ``None`` only when the user may not see the client;
    ``payments`` its latest payments, newest first.
    """

    as_of: dt.date
    ageing: ar.Ageing
    provision: ar.Provision
    exposure: dict[str, object] | None
    payments: pl.DataFrame


def account_receivables(
    *, account_id: int, user: User | AnonymousUser, as_of: dt.date
) -> AccountReceivables:
    """Return the receivables of one client at ``as_of``; empty if ``user`` may not see it.

    The ledger is read for this client only and matched once: the ageing, the provision
    and the exposure all come from that one matching, so a client file never runs the
    whole portfolio's analytics.
    """
    books = ledger(user=user, as_of=as_of, account_id=account_id)
    policy = provision_policy()
    opened = ar.open_items(books.invoices, books.payments, as_of=as_of, check=False)
    aged = ar.age_open_items(opened, policy.buckets)
    credit = read_frame(
        "SELECT a.code AS client, a.credit_limit AS limit_cents,"
        " (SELECT SUM(s.total) FROM sales_sale s WHERE s.account_id = a.id AND s.kind = 'order')"
        " AS unbilled_cents FROM clients_account a"
        f" WHERE a.id = {int(account_id)} AND {owner_clause(user)}",
        schema={"client": pl.String, "limit_cents": MONEY, "unbilled_cents": MONEY},
    )
    limits = credit.select("client", "limit_cents")
    unbilled = credit.select("client", pl.col("unbilled_cents").fill_null(0))
    exposure = ar.credit_exposure(opened, limits, unbilled=unbilled)
    return AccountReceivables(
        as_of=as_of,
        ageing=aged,
        provision=ar.provision(aged, policy),
        exposure=exposure.row(0, named=True) if exposure.height else None,
        payments=books.payments.sort("date", "payment", descending=True).head(PAYMENTS_SHOWN),
    )


def credit_exposure(report: CreditReport) -> pl.DataFrame:
    """Return the clients with exposure or a limit, with the proposed limit and risk class."""
    return (
        report.exposure.filter(
            (pl.col("exposure_cents") != 0) | pl.col("limit_cents").is_not_null()
        )
        .join(
            report.proposals.select("client", "score", "proposed_limit_cents", "reason"),
            on="client",
            how="left",
        )
        .with_columns(
            # A client with a limit but no invoice has no score, hence no risk class.
            pl.when(pl.col("score").is_not_null()).then(ar.risk_class("score")).alias("risk")
        )
    )


def credit_by_salesperson(report: CreditReport) -> pl.DataFrame:
    """Return each salesperson's credit carried and its concentration, with their DSO."""
    return report.concentration.join(
        report.dso_by_salesperson.select("salesperson", "sales_cents", "dso"),
        on="salesperson",
        how="left",
        nulls_equal=True,
    )
