"""Reads of the prospect pipeline: the frames of ``analytics.pipeline`` and the summary.

Funnel and conversion per stage, per source and per campaign, lost reasons, the sales
cycle, and acquisition cost per source and campaign against first-year revenue (S0.5–S0.7,
S1.4), all computed by :mod:`cartera.analytics.pipeline` on frames read here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl
from django.utils import timezone

from cartera.analytics import pipeline as ap
from cartera.analytics.frames import MONEY
from cartera.common.arrow import read_frame
from cartera.prospecting.checklist import DEFAULT_CHECKLIST, condition_of
from cartera.prospecting.models import QualificationItem
from cartera.sales.selectors import owner_clause

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.analytics.profile import Condition
    from cartera.users.models import User


_PROSPECTS_SQL = """
SELECT a.id AS account_id, a.code AS prospect, a.pipeline_entered_on AS created,
       a.pipeline_stage AS stage, a.source AS source, c.name AS campaign,
       a.won_on AS won_date, a.disqualified_on AS lost_date,
       a.disqualified_reason AS lost_reason, o.name AS salesperson
FROM clients_account a
LEFT JOIN prospecting_campaign c ON c.id = a.campaign_id
LEFT JOIN team_salesperson o ON o.id = a.owner_id
"""
_PROSPECTS_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "account_id": pl.Int64,
    "prospect": pl.String,
    "created": pl.Date,
    "stage": pl.String,
    "source": pl.String,
    "campaign": pl.String,
    "won_date": pl.Date,
    "lost_date": pl.Date,
    "lost_reason": pl.String,
    "salesperson": pl.String,
}


def _blank_as_null(*columns: str) -> list[pl.Expr]:
    return [pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in columns]


def stage_events_frame(*, user: User | AnonymousUser) -> pl.DataFrame:
    """Return the stage history of the accounts ``user`` sees: ``prospect``, ``stage``, ``date``."""
    sql = (
        "SELECT a.code AS prospect, e.stage AS stage, e.date AS date, e.id AS id,"
        " e.from_stage AS from_stage"
        " FROM prospecting_stagechange e JOIN clients_account a ON a.id = e.account_id"
        f" WHERE {owner_clause(user)} ORDER BY e.account_id, e.date, e.id"
    )
    return read_frame(
        sql,
        schema={
            "prospect": pl.String,
            "stage": pl.String,
            "date": pl.Date,
            "id": pl.Int64,
            "from_stage": pl.String,
        },
    )


def prospects_frame(
    *, user: User | AnonymousUser, events: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Return every account that went through the pipeline, as ``analytics.pipeline.PROSPECTS``.

    ``client`` is the account code once won (the same account: its sales link by it);
    ``lost_stage`` is the stage a disqualified prospect stood at before, from the history.
    """
    sql = f"{_PROSPECTS_SQL} WHERE a.pipeline_stage <> '' AND {owner_clause(user)}"
    frame = read_frame(sql, schema=_PROSPECTS_SCHEMA).with_columns(
        _blank_as_null("source", "lost_reason")
    )
    if events is None:
        events = stage_events_frame(user=user)
    lost_from = (
        events.filter(pl.col("stage") == ap.LOST)
        .sort("date", "id")
        .group_by("prospect")
        .agg(pl.col("from_stage").last().alias("lost_stage"))
        .with_columns(
            pl.when(pl.col("lost_stage").is_in(list(ap.STAGES[:-1]))).then(pl.col("lost_stage"))
        )
    )
    return (
        frame.join(lost_from, on="prospect", how="left")
        .with_columns(
            pl.when(pl.col("stage") == "won").then(pl.col("prospect")).alias("client"),
            pl.when(pl.col("stage") == ap.LOST).then(pl.col("lost_stage")).alias("lost_stage"),
        )
        .drop("account_id")
    )


def campaigns_frame() -> pl.DataFrame:
    """Return the campaigns as ``analytics.pipeline.CAMPAIGNS`` (shared reading)."""
    return read_frame(
        "SELECT name AS campaign, source AS source, cost AS cost_cents FROM prospecting_campaign",
        schema={"campaign": pl.String, "source": pl.String, "cost_cents": MONEY},
    )


def _won_sales(*, user: User | AnonymousUser) -> pl.DataFrame:
    """Return the invoices of the won clients: ``client`` (code), ``date``, ``amount_cents``."""
    sql = (
        "SELECT a.code AS client, s.date AS date, s.total AS amount_cents FROM sales_sale s"
        " JOIN clients_account a ON a.id = s.account_id"
        f" WHERE s.kind <> 'order' AND a.pipeline_stage = 'won' AND {owner_clause(user)}"
    )
    return read_frame(sql, schema={"client": pl.String, "date": pl.Date, "amount_cents": MONEY})


@dataclass(frozen=True, slots=True)
class PipelineSummary:
    """The pipeline as a manager reads it (S0.5–S0.7, S1.4).

    Every table is a frame of :mod:`cartera.analytics.pipeline`; money in ``*_cents``.
    """

    as_of: dt.date
    prospects: int
    open: int
    won: int
    lost: int
    funnel: pl.DataFrame
    funnel_by_source: pl.DataFrame
    funnel_by_campaign: pl.DataFrame
    lost_reasons: pl.DataFrame
    cycle: pl.DataFrame
    cycle_by_source: pl.DataFrame
    cost_by_campaign: pl.DataFrame
    cost_by_source: pl.DataFrame


def pipeline_summary(user: User | AnonymousUser, as_of: dt.date | None = None) -> PipelineSummary:
    """Return the funnel, conversion, lost reasons, sales cycle and CAC ``user`` may see.

    A salesperson sees their own prospects; the campaign costs are the company's, so a
    salesperson's acquisition cost divides them by their own wins only and is shown to
    managers alone (the cost tables are empty for a salesperson).
    """
    from cartera.common.scoping import sees_all

    day = as_of or timezone.localdate()
    events = stage_events_frame(user=user)
    prospects = prospects_frame(user=user, events=events)
    events = events.select("prospect", "stage", "date")
    counts = prospects.select(
        pl.len().alias("prospects"),
        pl.col("stage").is_in(list(ap.STAGES[:-1])).sum().alias("open"),
        (pl.col("stage") == "won").sum().alias("won"),
        (pl.col("stage") == ap.LOST).sum().alias("lost"),
    ).row(0, named=True)
    if prospects.is_empty():
        empty = pl.DataFrame()
        return PipelineSummary(day, 0, 0, 0, 0, *([empty] * 8))
    with_source = prospects.with_columns(pl.col("source").fill_null("—"))
    with_campaign = prospects.with_columns(pl.col("campaign").fill_null("—"))
    cost_by_campaign = cost_by_source = pl.DataFrame()
    if sees_all(user):
        campaigns = campaigns_frame()
        sales = _won_sales(user=user)
        cost_by_campaign = ap.acquisition_cost(
            prospects.filter(pl.col("campaign").is_not_null()),
            campaigns,
            by="campaign",
            sales=sales,
            as_of=day,
        )
        cost_by_source = ap.acquisition_cost(
            prospects, campaigns, by="source", sales=sales, as_of=day
        )
    return PipelineSummary(
        as_of=day,
        prospects=counts["prospects"],
        open=counts["open"],
        won=counts["won"],
        lost=counts["lost"],
        funnel=ap.funnel(prospects, events=events),
        funnel_by_source=ap.funnel(with_source, by=("source",), events=events),
        funnel_by_campaign=ap.funnel(with_campaign, by=("campaign",), events=events),
        lost_reasons=ap.lost_reasons(prospects),
        cycle=ap.sales_cycle(prospects),
        cycle_by_source=ap.sales_cycle(with_source, by=("source",)),
        cost_by_campaign=cost_by_campaign,
        cost_by_source=cost_by_source,
    )


def qualification_checklist() -> list[Condition]:
    """Return the stored checklist as conditions, or the default one when none is stored."""
    stored = list(QualificationItem.objects.filter(is_active=True).order_by("position", "id"))
    if stored:
        return [condition_of(item) for item in stored]
    return [condition_of(QualificationItem(**item)) for item in DEFAULT_CHECKLIST]


def qualification_for(user: User | AnonymousUser) -> pl.DataFrame:
    """Return the open prospects ``user`` sees checked against the checklist (S0.6).

    Columns ``code``, ``name``, ``stage``, ``salesperson``, ``fit``, ``qualified``,
    ``failed`` and ``unknown`` (the questions still to ask).
    """
    from cartera.ratings.compute import conform_to_profile
    from cartera.ratings.inputs import accounts_frame

    checklist = qualification_checklist()
    accounts = accounts_frame(user=user).filter(
        pl.col("pipeline_stage").is_in(list(ap.STAGES[:-1]))
    )
    fits = read_frame(
        "SELECT account_id, fit FROM ratings_accountfit",
        schema={"account_id": pl.Int64, "fit": pl.Int64},
    )
    from cartera.analytics.profile import Profile

    frame = conform_to_profile(
        accounts.join(fits, on="account_id", how="left"), Profile("checklist", tuple(checklist))
    )
    checked = ap.qualification(frame, checklist, id_column="client")
    return frame.select("client", "code", "name", pl.col("pipeline_stage").alias("stage"),
                        "salesperson", "fit").join(checked, on="client").drop("client")  # fmt: skip
