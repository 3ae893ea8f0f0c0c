"""The contact plan: follow every client at a rhythm that fits its rating (S2.2, S2.3).

Each rating level has a target contact frequency (by default A every 14 days, B 30,
C 90, D 180). A client is due when its last contact is that old, or on its next-action
date if one is set and falls earlier. Each salesperson's list is ranked by value at
stake, so the big clients are not the ones left waiting (S2.3). Adherence compares the
contacts actually made with the plan, client by client, and attention by rating level
(contact share against revenue share) reuses the diagnosis's attention.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Final

import polars as pl

from cartera.analytics.diagnosis import Attention, attention, period_for
from cartera.analytics.frames import FrameError, prepare_activities

DEFAULT_FREQUENCIES: Final[Mapping[str, int]] = {"A": 14, "B": 30, "C": 90, "D": 180}
"""Target days between contacts per rating level."""


def _frequency(clients: pl.DataFrame, frequencies: Mapping[str, int]) -> pl.Expr:
    for level, days in frequencies.items():
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"frequencies: level {level!r} needs a positive number of days")
    levels = clients["level"].cast(pl.String).drop_nulls().unique().sort().to_list()
    unplanned = [level for level in levels if level not in frequencies]
    if unplanned:
        raise ValueError(
            f"frequencies: no contact frequency for level {unplanned[0]!r}; "
            f"planned levels are {', '.join(map(repr, frequencies)) or 'none'}"
        )
    return (
        pl.col("level")
        .cast(pl.String)
        .replace_strict(dict(frequencies), default=None, return_dtype=pl.Int64)
    )


def _check_clients(clients: pl.DataFrame, value: str) -> None:
    for column in ("client", "level", "salesperson", value):
        if column not in clients.columns:
            raise FrameError(f"clients: missing required column {column}", column=column)
    if clients["client"].is_duplicated().any():
        repeated = clients.filter(pl.col("client").is_duplicated())["client"][0]
        raise FrameError(f"clients: client {repeated} appears more than once", column="client")


def _contacts(
    activities: pl.DataFrame | pl.LazyFrame | None,
    as_of: dt.date,
    kinds: Collection[str] | None,
) -> pl.LazyFrame:
    if activities is None:
        return pl.LazyFrame(schema={"client": pl.String, "date": pl.Date})
    frame = prepare_activities(activities).filter(pl.col("date") <= as_of)
    if kinds is not None:
        frame = frame.filter(pl.col("kind").is_in(list(kinds)))
    return frame.select("client", "date")


def contacts_due(
    clients: pl.DataFrame,
    *,
    as_of: dt.date,
    activities: pl.DataFrame | pl.LazyFrame | None = None,
    next_actions: pl.DataFrame | None = None,
    frequencies: Mapping[str, int] = DEFAULT_FREQUENCIES,
    value: str = "revenue_cents",
    horizon_days: int = 0,
    contact_kinds: Collection[str] | None = None,
) -> pl.DataFrame:
    """Return the clients due for contact by ``as_of``, per salesperson, by value at stake.

    Parameters
    ----------
    clients
        One row per client: ``client``, ``level`` (its rating level), ``salesperson``
        and the ``value`` column (revenue, lifetime value …).
    as_of
        The day the list is for.
    activities
        Contacts made (:data:`cartera.analytics.frames.ACTIVITIES`); the last one up to
        ``as_of`` starts the rhythm again.
    next_actions
        Open next actions: ``client`` and ``date``; the earliest per client counts.
    frequencies
        Target days between contacts per level; every level present needs one.
    value
        Column of ``clients`` with the value at stake.
    horizon_days
        Also list clients due within this many days after ``as_of`` ("upcoming").
    contact_kinds
        Activity kinds that count as a contact (all kinds by default).

    Returns
    -------
    polars.DataFrame
        ``salesperson``, ``rank`` (1 = most value at stake in that salesperson's list),
        ``client``, ``level``, the value column, ``last_contact``, ``next_action``,
        ``due_date``, ``days_overdue``, ``status`` (``"overdue"``, ``"due"`` or
        ``"upcoming"``) and ``reason`` (``"rhythm"``, ``"next_action"`` or
        ``"never_contacted"``). A client never contacted is due on ``as_of`` unless
        a next action is planned for it.
    """
    _check_clients(clients, value)
    if horizon_days < 0:
        raise ValueError(f"horizon_days must be ≥ 0, got {horizon_days}")
    frequency = _frequency(clients, frequencies)
    last = (
        _contacts(activities, as_of, contact_kinds)
        .group_by("client")
        .agg(pl.col("date").max().alias("last_contact"))
    )
    frame = (
        clients.lazy()
        .select("client", "level", "salesperson", value, frequency.alias("_frequency"))
        .join(last, on="client", how="left")
    )
    if next_actions is not None:
        for column in ("client", "date"):
            if column not in next_actions.columns:
                raise FrameError(f"next actions: missing required column {column}", column=column)
        planned = (
            next_actions.lazy()
            .select(pl.col("client").cast(pl.String), pl.col("date").cast(pl.Date))
            .group_by("client")
            .agg(pl.col("date").min().alias("next_action"))
        )
        frame = frame.join(planned, on="client", how="left")
    else:
        frame = frame.with_columns(pl.lit(None, pl.Date).alias("next_action"))

    # Never contacted: due at once, unless a first action is already planned.
    rhythm = pl.col("last_contact") + pl.duration(days=pl.col("_frequency"))
    by_action = pl.col("next_action").is_not_null() & (
        rhythm.is_null() | (pl.col("next_action") <= rhythm)
    )
    due = pl.when(by_action).then(pl.col("next_action")).otherwise(rhythm.fill_null(as_of))
    reason = (
        pl.when(by_action)
        .then(pl.lit("next_action"))
        .when(pl.col("last_contact").is_null())
        .then(pl.lit("never_contacted"))
        .otherwise(pl.lit("rhythm"))
    )
    until = as_of + dt.timedelta(days=horizon_days)
    overdue = (pl.lit(as_of) - pl.col("due_date")).dt.total_days()
    status = (
        pl.when(pl.col("due_date") < as_of)
        .then(pl.lit("overdue"))
        .when(pl.col("due_date") == as_of)
        .then(pl.lit("due"))
        .otherwise(pl.lit("upcoming"))
    )
    return (
        frame.with_columns(due.alias("due_date"), reason.alias("reason"))
        .filter(pl.col("due_date") <= until)
        .with_columns(overdue.clip(lower_bound=0).alias("days_overdue"), status.alias("status"))
        .sort(
            ["salesperson", value, "days_overdue", "client"],
            descending=[False, True, True, False],
            nulls_last=True,
        )
        .with_columns(pl.int_range(1, pl.len() + 1).over("salesperson").alias("rank"))
        .select(
            "salesperson",
            "rank",
            "client",
            "level",
            value,
            "last_contact",
            "next_action",
            "due_date",
            "days_overdue",
            "status",
            "reason",
        )
        .collect()
    )


def contact_adherence(
    clients: pl.DataFrame,
    activities: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: dt.date,
    window_days: int = 365,
    frequencies: Mapping[str, int] = DEFAULT_FREQUENCIES,
    contact_kinds: Collection[str] | None = None,
) -> pl.DataFrame:
    """Return, per client, the contacts made in the window against the plan.

    Returns
    -------
    polars.DataFrame
        ``client``, ``salesperson``, ``level``, ``contacts`` (in ``(as_of -
        window_days, as_of]``), ``planned`` (``window_days ÷ frequency``) and
        ``adherence`` (contacts ÷ planned: above 1 more attention than the plan, below
        1 less), sorted by adherence, least first.
    """
    for column in ("client", "level", "salesperson"):
        if column not in clients.columns:
            raise FrameError(f"clients: missing required column {column}", column=column)
    if window_days < 1:
        raise ValueError(f"window_days must be positive, got {window_days}")
    frequency = _frequency(clients, frequencies)
    start = as_of - dt.timedelta(days=window_days)
    made = (
        _contacts(activities, as_of, contact_kinds)
        .filter(pl.col("date") > start)
        .group_by("client")
        .agg(pl.len().cast(pl.Int64).alias("contacts"))
    )
    planned = window_days / pl.col("_frequency")
    return (
        clients.lazy()
        .select("client", "salesperson", "level", frequency.alias("_frequency"))
        .join(made, on="client", how="left")
        .with_columns(pl.col("contacts").fill_null(0), planned.alias("planned"))
        .with_columns((pl.col("contacts") / pl.col("planned")).alias("adherence"))
        .drop("_frequency")
        .sort(["adherence", "client"])
        .collect()
    )


def attention_by_level(
    clients: pl.DataFrame,
    activities: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: dt.date,
    value: str = "revenue_cents",
) -> Attention:
    """Return attention against value (S2.3) by rating level rather than by ABC class.

    A thin adapter over :func:`cartera.analytics.diagnosis.attention`: each level takes
    the place of a class, so ``by_class`` compares the share of contacts each level gets
    in the 12 months ending on ``as_of`` with its share of ``value``. Clients with no
    positive value are left out, as inactive clients are there. The over-served and
    neglected lists of that function concern the levels labelled ``"C"`` and ``"A"``.

    Parameters
    ----------
    clients
        ``client``, ``level`` and the ``value`` column (revenue in the window, as in
        :func:`cartera.analytics.rating.client_features`).
    activities
        Contacts made (:data:`cartera.analytics.frames.ACTIVITIES`).
    as_of
        Last day of the window.
    value
        Column of ``clients`` holding the value in the window, in cents.
    """
    for column in ("client", "level", value):
        if column not in clients.columns:
            raise FrameError(f"clients: missing required column {column}", column=column)
    classified = clients.select(
        pl.col("client").cast(pl.String),
        pl.col("level").cast(pl.String).alias("abc_class"),
        pl.col(value).fill_null(0).alias("window_revenue_cents"),
        (pl.col(value).fill_null(0) > 0).alias("active"),
    )
    return attention(classified, activities, period_for(as_of))
