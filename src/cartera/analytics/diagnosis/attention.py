"""Attention against value: do contacts go to the clients that bring the revenue? (S2.3)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from cartera.analytics.diagnosis.clients import Period
from cartera.analytics.frames import prepare_activities


@dataclass(frozen=True, slots=True)
class Attention:
    """Contacts (visits, calls, e-mails …) in the window by ABC class.

    Attributes
    ----------
    by_class
        ``abc_class``, ``clients``, ``contacts``, ``contact_share``, ``revenue_share``,
        ``contacts_per_client`` and ``attention_index`` (contact share / revenue share:
        above 1, the class gets more attention than its revenue weighs).
    typical_contacts
        The median contacts in the window of the active clients contacted at least once.
    over_served_c
        Class C clients with at least ``typical_contacts`` contacts (``client``,
        ``contacts``, ``window_revenue_cents``), most contacted first.
    under_served_a
        Class A clients with fewer than ``typical_contacts`` contacts, largest first.
    contacts_total
        Contacts in the window with active clients.
    """

    by_class: pl.DataFrame
    typical_contacts: float | None
    over_served_c: pl.DataFrame
    under_served_a: pl.DataFrame
    contacts_total: int


def attention(
    classified: pl.DataFrame, activities: pl.DataFrame | pl.LazyFrame, period: Period
) -> Attention:
    """Return attention by ABC class from the classified clients and their activities."""
    contacts = (
        prepare_activities(activities)
        .filter(period.window.contains(pl.col("date")))
        .group_by("client")
        .agg(pl.len().cast(pl.Int64).alias("contacts"))
        .collect()
    )
    clients = (
        classified.select("client", "abc_class", "window_revenue_cents", "active")
        .filter(pl.col("active"))
        .drop("active")
    )
    if contacts["client"].dtype != clients["client"].dtype:
        contacts = contacts.with_columns(pl.col("client").cast(clients["client"].dtype))
    joined = clients.join(contacts, on="client", how="left").with_columns(
        pl.col("contacts").fill_null(0)
    )
    total_contacts = int(joined["contacts"].sum())
    revenue = joined["window_revenue_cents"].sum()
    by_class = (
        joined.group_by("abc_class")
        .agg(
            pl.len().cast(pl.Int64).alias("clients"),
            pl.col("contacts").sum(),
            pl.col("window_revenue_cents").sum().alias("revenue_cents"),
        )
        .with_columns(
            (
                pl.col("contacts") / total_contacts if total_contacts else pl.lit(None, pl.Float64)
            ).alias("contact_share"),
            (pl.col("revenue_cents") / revenue if revenue > 0 else pl.lit(None, pl.Float64)).alias(
                "revenue_share"
            ),
            (pl.col("contacts") / pl.col("clients")).alias("contacts_per_client"),
        )
        .with_columns(
            pl.when(pl.col("revenue_share") > 0)
            .then(pl.col("contact_share") / pl.col("revenue_share"))
            .alias("attention_index")
        )
        .sort("abc_class")
    )
    contacted = joined.filter(pl.col("contacts") > 0)["contacts"]
    typical = float(contacted.median()) if contacted.len() else None  # type: ignore[arg-type]
    columns = ["client", "contacts", "window_revenue_cents"]
    if typical is None:
        over = joined.clear().select(columns)
        under = joined.clear().select(columns)
    else:
        over = (
            joined.filter((pl.col("abc_class") == "C") & (pl.col("contacts") >= typical))
            .sort(["contacts", "client"], descending=[True, False])
            .select(columns)
        )
        under = (
            joined.filter((pl.col("abc_class") == "A") & (pl.col("contacts") < typical))
            .sort(["window_revenue_cents", "client"], descending=[True, False])
            .select(columns)
        )
    return Attention(by_class, typical, over, under, total_contacts)
