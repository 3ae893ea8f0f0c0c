"""Risk against profitability (S1.9, S3.12) and the credit in each portfolio (S3.9.3)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from cartera.analytics.frames import FrameError
from cartera.analytics.receivables.allocation import Allocation, OpenItems
from cartera.analytics.receivables.solvency import risk_class


def _latest(items: pl.DataFrame, column: str) -> pl.LazyFrame:
    """Return ``client`` and the ``column`` of the client's most recent invoice."""
    return (
        items.lazy()
        .filter(pl.col(column).is_not_null())
        .group_by("client")
        .agg(pl.col(column).sort_by("date", "invoice").last())
    )


def risk_matrix(
    scores: pl.DataFrame,
    opened: OpenItems | Allocation,
    *,
    classes: pl.DataFrame | None = None,
    class_column: str = "abc",
    high_below: float = 40.0,
    low_from: float = 70.0,
) -> pl.DataFrame:
    """Return the matrix of value class (ABC or margin) against payment risk.

    Parameters
    ----------
    scores
        ``client``, ``score`` (from :func:`~cartera.analytics.receivables.solvency.solvency`).
    opened
        Open items at the same date (for the amounts at stake).
    classes
        ``client`` and ``class_column``; when omitted, the ``class_column`` of each
        client's most recent invoice is used.
    class_column
        Name of the class column (``abc``, or a margin class).
    high_below, low_from
        Score thresholds of the risk classes (see
        :func:`~cartera.analytics.receivables.solvency.risk_class`).

    Returns
    -------
    polars.DataFrame
        One row per (class, risk) pair present: ``class_column``, ``risk`` (``low``,
        ``medium``, ``high``), ``clients``, ``open_cents``, ``overdue_cents`` and
        ``share_of_open`` (of the whole portfolio's open amount).
    """
    if classes is None:
        if class_column not in opened.items.columns:
            raise FrameError(
                f"no {class_column!r} column in the invoices and no classes given",
                column=class_column,
            )
        classes_lf = _latest(opened.items, class_column)
    else:
        if {"client", class_column} - set(classes.columns):
            raise FrameError(f"classes need client and {class_column}", column=class_column)
        classes_lf = classes.lazy().select("client", class_column)
    is_overdue = pl.col("due_date") < opened.as_of
    balances = (
        opened.items.lazy()
        .group_by("client")
        .agg(
            pl.col("open_cents").sum(),
            pl.col("open_cents").filter(is_overdue).sum().alias("overdue_cents"),
        )
    )
    matrix = (
        scores.lazy()
        .select(
            "client", risk_class("score", high_below=high_below, low_from=low_from).alias("risk")
        )
        .join(classes_lf, on="client", how="left")
        .join(balances, on="client", how="left")
        .with_columns(pl.col("open_cents", "overdue_cents").fill_null(0))
        .group_by(class_column, "risk")
        .agg(
            pl.len().cast(pl.Int64).alias("clients"),
            pl.col("open_cents").sum(),
            pl.col("overdue_cents").sum(),
        )
        .with_columns(
            (pl.col("open_cents") / pl.col("open_cents").sum().clip(lower_bound=1)).alias(
                "share_of_open"
            )
        )
        .sort(class_column, "risk", nulls_last=True)
    )
    return matrix.collect()


def credit_exposure(
    opened: OpenItems | Allocation,
    limits: pl.DataFrame,
    *,
    unbilled: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return each client's exposure against its credit limit.

    Exposure is the open balance net of unapplied credit plus unbilled orders; the
    same figure the sale-time check of the web app compares with the limit.

    Parameters
    ----------
    opened
        Open items and credit at the date.
    limits
        ``client``, ``limit_cents`` (null: no credit granted).
    unbilled
        Optional ``client``, ``unbilled_cents`` (orders not invoiced yet).

    Returns
    -------
    polars.DataFrame
        ``client``, ``open_cents``, ``unapplied_cents``, ``unbilled_cents``,
        ``exposure_cents``, ``limit_cents``, ``headroom_cents`` (limit minus exposure;
        null without a limit) and ``over_limit``; most over the limit first.
    """
    if {"client", "limit_cents"} - set(limits.columns):
        raise FrameError("limits need client and limit_cents columns", column="limit_cents")
    pending = (
        unbilled.lazy().select("client", "unbilled_cents")
        if unbilled is not None
        else pl.LazyFrame(schema={"client": pl.String, "unbilled_cents": pl.Int64})
    )
    frames = [
        opened.items.lazy().group_by("client").agg(pl.col("open_cents").sum()),
        opened.credit.lazy(),
        pending,
        limits.lazy().select("client", "limit_cents"),
    ]
    joined = frames[0]
    for frame in frames[1:]:
        joined = joined.join(frame, on="client", how="full", coalesce=True)
    return (
        joined.with_columns(pl.col("open_cents", "unapplied_cents", "unbilled_cents").fill_null(0))
        .with_columns(
            (pl.col("open_cents") - pl.col("unapplied_cents") + pl.col("unbilled_cents")).alias(
                "exposure_cents"
            )
        )
        .with_columns((pl.col("limit_cents") - pl.col("exposure_cents")).alias("headroom_cents"))
        .with_columns(
            (pl.col("headroom_cents") < 0)
            .fill_null(pl.col("exposure_cents") > 0)
            .alias("over_limit")
        )
        .select(
            "client",
            "open_cents",
            "unapplied_cents",
            "unbilled_cents",
            "exposure_cents",
            "limit_cents",
            "headroom_cents",
            "over_limit",
        )
        .sort(["headroom_cents", "client"], nulls_last=True)
        .collect()
    )


def credit_concentration(
    opened: OpenItems | Allocation,
    *,
    by: str | Sequence[str] = "salesperson",
    limits: pl.DataFrame | None = None,
    owners: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return the credit carried by each salesperson's portfolio and how concentrated it is.

    Open amounts count for the salesperson of each invoice; credit limits for the
    client's owner (``owners``, or the salesperson of its most recent invoice).

    Parameters
    ----------
    opened
        Open items at the date.
    by
        The portfolio column, ``salesperson`` by default (``segment`` works too).
    limits
        Optional ``client``, ``limit_cents``: adds the credit granted per portfolio.
    owners
        Optional ``client`` and the ``by`` column(s): who owns each client's limit.

    Returns
    -------
    polars.DataFrame
        The ``by`` columns, ``clients``, ``open_cents``, ``overdue_cents``,
        ``share_of_open`` (of the portfolio total), ``top_client_share`` (the largest
        client's share of this portfolio), ``hhi`` (Herfindahl–Hirschman index of the
        clients' shares, 0–1: 1 is one client holding everything), and with ``limits``
        ``limit_cents`` and ``limit_used`` (open over limits); largest first.
    """
    keys = [by] if isinstance(by, str) else list(by)
    missing = [k for k in keys if k not in opened.items.columns]
    if missing:
        raise FrameError(f"the invoices have no {missing[0]!r} column", column=missing[0])
    is_overdue = pl.col("due_date") < opened.as_of
    per_client = (
        opened.items.lazy()
        .filter(pl.col("open_cents") > 0)
        .group_by([*keys, "client"])
        .agg(
            pl.col("open_cents").sum(),
            pl.col("open_cents").filter(is_overdue).sum().alias("overdue_cents"),
        )
    )
    share = pl.col("open_cents") / pl.col("open_cents").sum()
    table = (
        per_client.group_by(keys)
        .agg(
            pl.len().cast(pl.Int64).alias("clients"),
            pl.col("open_cents").sum(),
            pl.col("overdue_cents").sum(),
            share.max().alias("top_client_share"),
            (share**2).sum().alias("hhi"),
        )
        .with_columns((pl.col("open_cents") / pl.col("open_cents").sum()).alias("share_of_open"))
    )
    if limits is not None:
        if owners is None:
            owner_lf = (
                opened.items.lazy()
                .group_by("client")
                .agg(*(pl.col(k).sort_by("date", "invoice").last() for k in keys))
            )
        else:
            owner_lf = owners.lazy().select("client", *keys)
        granted = (
            limits.lazy()
            .select("client", "limit_cents")
            .join(owner_lf, on="client", how="inner")
            .group_by(keys)
            .agg(pl.col("limit_cents").sum())
        )
        table = (
            table.join(granted, on=keys, how="full", coalesce=True)
            .with_columns(
                pl.col("clients", "open_cents", "overdue_cents").fill_null(0),
                pl.col("limit_cents").fill_null(0),
            )
            .with_columns(
                pl.when(pl.col("limit_cents") > 0)
                .then(pl.col("open_cents") / pl.col("limit_cents"))
                .alias("limit_used")
            )
        )
    return table.sort(["open_cents", *keys], descending=[True, *(False for _ in keys)]).collect()
