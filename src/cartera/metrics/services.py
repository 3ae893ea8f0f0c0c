"""Refreshing the stored per-client metrics from the analytics (S2.7, S3.7, S0.4, S1.7, S1.8)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Final

import polars as pl
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from cartera.analytics.diagnosis import diagnose
from cartera.analytics.frames import to_cents
from cartera.clients.models import Account
from cartera.common.arrow import read_frame
from cartera.common.bulk import bulk_insert
from cartera.common.dataversion import Topic, data_versions
from cartera.metrics.models import ClientMetrics, MetricsRun
from cartera.metrics.portfolio import (
    company_reader,
    remember_company_diagnosis,
    remember_company_fit,
)
from cartera.metrics.valuation import FittedValue, client_values, fit_value_models
from cartera.receivables.selectors import ageing_report
from cartera.sales.selectors import sales_frame

INLINE_LIMIT_SETTING: Final = "CARTERA_METRICS_INLINE_MAX_CLIENTS"
DEFAULT_INLINE_LIMIT: Final = 50_000

_ACCOUNTS_SQL = "SELECT id AS account_id, code AS client FROM clients_account"
_COLUMNS: Final = (
    "account_id",
    "abc_class",
    "rfm_segment",
    "rfm_score",
    "movement",
    "window_revenue",
    "first_purchase",
    "last_purchase",
    "purchase_days",
    "p_alive",
    "expected_purchases",
    "clv",
    "value_at_risk",
    "at_risk",
    "open_receivable",
    "oldest_open_due",
)


def _receivables_frame(day: dt.date) -> pl.DataFrame:
    """Return per client what is still owed at ``day`` and the oldest open due date.

    From the company's ageing, so the list's overdue filter agrees with the receivables
    pages (same matching of payments to invoices).
    """
    aged = ageing_report(user=company_reader(), as_of=day)
    return aged.items.group_by("client").agg(
        pl.col("open_cents").sum().alias("open_receivable"),
        pl.col("due_date").min().alias("oldest_open_due"),
    )


def _metrics_frame(
    table: pl.DataFrame, values: pl.DataFrame | None, receivables: pl.DataFrame
) -> pl.DataFrame:
    """Return one row per known account in the columns of :class:`ClientMetrics`."""
    rows = table.select(
        pl.col("client").cast(pl.String),
        pl.col("abc_class").fill_null(""),
        pl.col("rfm_segment").fill_null(""),
        pl.col("rfm_score").fill_null(""),
        pl.col("status").alias("movement"),
        pl.col("window_revenue_cents").fill_null(0).alias("window_revenue"),
        "first_purchase",
        "last_purchase",
        pl.col("purchase_days").fill_null(0).cast(pl.Int64),
    )
    if values is None:
        rows = rows.with_columns(
            pl.lit(None, pl.Float64).alias("p_alive"),
            pl.lit(None, pl.Float64).alias("expected_purchases"),
            pl.lit(None, pl.Int64).alias("clv"),
            pl.lit(None, pl.Int64).alias("value_at_risk"),
            pl.lit(False).alias("at_risk"),
        )
    else:
        scored = values.select(
            pl.col("client").cast(pl.String),
            "p_alive",
            "expected_purchases",
            to_cents(pl.col("clv")).alias("clv"),
            to_cents(pl.col("value_at_risk")).alias("value_at_risk"),
            "at_risk",
        )
        rows = rows.join(scored, on="client", how="left").with_columns(
            pl.col("at_risk").fill_null(False)
        )
    rows = rows.join(
        receivables.with_columns(pl.col("client").cast(pl.String)), on="client", how="left"
    ).with_columns(pl.col("open_receivable").fill_null(0))
    accounts = read_frame(_ACCOUNTS_SQL, schema={"account_id": pl.Int64, "client": pl.String})
    return rows.join(accounts, on="client", how="inner").select(_COLUMNS)


def metrics_refresh(*, as_of: dt.date | None = None) -> MetricsRun:
    """Recompute every client's metrics from the sales and store them in one transaction.

    The diagnosis gives ABC class, RFM segment, movement, revenue and purchase dates; the
    value models give P(alive), expected purchases, CLV and value at risk; the ageing at
    ``as_of`` (today by default, not the last sale's date: debts fall due in real time)
    gives the open receivables. The sales and payments are read before the transaction
    (the bridge streams committed rows through Arrow); the run records the versions it
    saw, so a sale or payment recorded meanwhile makes the run stale at once.
    """
    started = time.perf_counter()
    versions = data_versions(Topic.SALES, Topic.ACCOUNTS)
    version = versions[0]
    (payments_version,) = data_versions(Topic.PAYMENTS)
    frame = sales_frame(user=company_reader())
    notes: list[str] = []
    values: pl.DataFrame | None = None
    if frame.is_empty():
        rows = pl.DataFrame(schema=dict.fromkeys(_COLUMNS, pl.Int64))
        day = as_of
    else:
        diagnosis = diagnose(frame, as_of=as_of)
        day = diagnosis.as_of
        remember_company_diagnosis(diagnosis, versions=versions)
        fitted = fit_value_models(frame, calibration_end=day)
        if isinstance(fitted, FittedValue):
            remember_company_fit(fitted, sales_version=version)
            values = client_values(fitted)
        else:
            notes.append(fitted)
        receivables = _receivables_frame(as_of or timezone.localdate())
        rows = _metrics_frame(diagnosis.client_table, values, receivables)
    with transaction.atomic():
        ClientMetrics.objects.all().delete()
        if rows.height:
            bulk_insert(ClientMetrics, rows)
        run = MetricsRun(
            as_of=day,
            sales_version=version,
            payments_version=payments_version,
            clients=rows.height,
            seconds=time.perf_counter() - started,
            clv_fitted=values is not None,
            note="; ".join(notes)[:300],
        )
        run.full_clean()
        run.save()
    _analyze(ClientMetrics)
    return run


def _analyze(model: type[models.Model]) -> None:
    """Refresh the planner's statistics of a table just rewritten in bulk.

    Without them SQLite sorts every match of an ABC or RFM filter instead of walking the
    list's sort index, which at a million clients is the difference between 10 ms and
    half a second.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def inline_limit() -> int:
    """Return how many accounts a page may refresh the metrics for while it waits."""
    return int(getattr(settings, INLINE_LIMIT_SETTING, DEFAULT_INLINE_LIMIT))


def metrics_refresh_if_stale() -> MetricsRun | None:
    """Refresh the metrics when the sales or payments changed since the last run and the
    portfolio is small enough to refresh while a page waits; return the latest run.

    Above :func:`inline_limit` accounts the refresh belongs to ``django-admin
    refresh_metrics`` (cron, after imports) or the manager's "refresh now" button, and
    the pages say how old the figures are.
    """
    run = MetricsRun.objects.order_by("-id").first()
    current = data_versions(Topic.SALES, Topic.PAYMENTS)
    if run is not None and (run.sales_version, run.payments_version) == current:
        return run
    if Account.objects.count() > inline_limit():
        return run
    return metrics_refresh()
