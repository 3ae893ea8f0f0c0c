"""Provision for doubtful debts (*provisión de cartera*, S1.11) at a date and its movement.

The provision of an open invoice is its open amount times the percentage of its
overdue bucket, or the client's own percentage when the policy overrides it (a
bankrupt client: 100 %). Each invoice is rounded half up to the cent, so the
accountant can tie every cent of the total to an invoice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

import polars as pl

from cartera.analytics.receivables.ageing import Ageing
from cartera.analytics.receivables.buckets import DEFAULT_BUCKETS, Buckets
from cartera.analytics.receivables.money import basis_points, decimal, share_of

DEFAULT_PERCENTS: tuple[Decimal, ...] = tuple(
    Decimal(p) for p in ("0", "1", "5", "15", "30", "60", "100")
)
"""Percent provisioned per default bucket: not due 0 %, 1–30 1 % … > 365 100 %."""


@dataclass(frozen=True, slots=True)
class ProvisionPolicy:
    """Percentages provisioned per overdue bucket, and per-client overrides.

    Attributes
    ----------
    percents
        One percentage (0–100, at most two decimals) per bucket of ``buckets``.
    buckets
        The buckets the percentages refer to.
    overrides
        Client code → percentage applied to all the client's open items, whatever
        their age (100 for a bankrupt client, 50 for one in a payment plan …).
    """

    percents: tuple[Decimal, ...] = DEFAULT_PERCENTS
    buckets: Buckets = DEFAULT_BUCKETS
    overrides: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.percents) != len(self.buckets):
            raise ValueError(
                f"{len(self.percents)} percentages for {len(self.buckets)} buckets "
                f"({', '.join(self.buckets.labels)})"
            )
        for value in (*self.percents, *self.overrides.values()):
            basis_points(value)
        # Frozen means frozen: a caller's later edit of its dict must not leak in.
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))


@dataclass(frozen=True, slots=True)
class BucketProvision:
    """Open amount, percentage and provision of one bucket (overridden clients apart)."""

    key: str
    label: str
    percent: Decimal
    open: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Provision:
    """The provision for doubtful debts at a date.

    Attributes
    ----------
    as_of
        The date of the provision.
    items
        One row per open invoice: ``invoice``, ``client``, the grouping columns present
        (``salesperson``, ``segment``, ``abc``), ``due_date``, ``days_overdue``,
        ``bucket``, ``open_cents``, ``percent`` (Float64, for display),
        ``overridden`` and ``provision_cents``.
    by_client
        ``client``, ``open_cents``, ``provision_cents``, ``overridden``; largest first.
    by_bucket
        One :class:`BucketProvision` per bucket, for items at the bucket percentage.
    overridden
        Total provision of the clients whose percentage is overridden.
    total
        Total provision.
    """

    as_of: dt.date
    items: pl.DataFrame
    by_client: pl.DataFrame
    by_bucket: tuple[BucketProvision, ...]
    overridden: Decimal
    total: Decimal


def provision(aged: Ageing, policy: ProvisionPolicy | None = None) -> Provision:
    """Return the provision of the open items of ``aged`` under ``policy``.

    Parameters
    ----------
    aged
        An ageing, at the date of the provision; its buckets must be the policy's.
    policy
        Percentages per bucket and overrides; the default policy when omitted.

    Raises
    ------
    ValueError
        When the ageing and the policy use different buckets.
    """
    policy = policy or ProvisionPolicy()
    if aged.buckets != policy.buckets:
        raise ValueError("the ageing and the provision policy use different buckets")
    keys = list(policy.buckets.keys)
    bucket_bp = pl.col("bucket").replace_strict(
        keys, [basis_points(p) for p in policy.percents], return_dtype=pl.Int64
    )
    overrides = pl.DataFrame(
        {
            "client": list(policy.overrides),
            "_override": [basis_points(p) for p in policy.overrides.values()],
        },
        schema={"client": pl.String, "_override": pl.Int64},
    )
    present = [c for c in ("salesperson", "segment", "abc") if c in aged.items.columns]
    items = (
        aged.items.lazy()
        .join(overrides.lazy(), on="client", how="left")
        .with_columns(
            pl.col("_override").is_not_null().alias("overridden"),
            pl.coalesce("_override", bucket_bp).alias("_bp"),
        )
        .select(
            "invoice",
            "client",
            *present,
            "due_date",
            "days_overdue",
            "bucket",
            "open_cents",
            (pl.col("_bp") / 100).alias("percent"),
            "overridden",
            share_of(pl.col("open_cents"), pl.col("_bp")).alias("provision_cents"),
        )
        .sort("client", "due_date", "invoice")
        .collect()
    )
    by_client = (
        items.group_by("client")
        .agg(
            pl.col("open_cents").sum(),
            pl.col("provision_cents").sum(),
            pl.col("overridden").any(),
        )
        .sort(["provision_cents", "client"], descending=[True, False])
    )
    regular = items.filter(~pl.col("overridden"))
    sums = regular.group_by("bucket").agg(pl.col("open_cents", "provision_cents").sum())
    lookup = {row[0]: row[1:] for row in sums.iter_rows()}
    by_bucket = tuple(
        BucketProvision(
            key=key,
            label=label,
            percent=percent,
            open=decimal(lookup.get(key, (0, 0))[0]),
            amount=decimal(lookup.get(key, (0, 0))[1]),
        )
        for key, label, percent in zip(
            policy.buckets.keys, policy.buckets.labels, policy.percents, strict=True
        )
    )
    return Provision(
        as_of=aged.as_of,
        items=items,
        by_client=by_client,
        by_bucket=by_bucket,
        overridden=decimal(items.filter(pl.col("overridden"))["provision_cents"].sum()),
        total=decimal(items["provision_cents"].sum()),
    )


@dataclass(frozen=True, slots=True)
class ProvisionMovement:
    """How the provision moved between two dates: what to charge and what to release.

    Attributes
    ----------
    start, end
        The two dates.
    by_client
        ``client``, ``opening_cents``, ``closing_cents``, ``charge_cents`` (increase,
        to expense), ``release_cents`` (decrease, back to income), ``net_cents``;
        clients whose provision did not move are left out.
    opening, closing
        Total provision at ``start`` and at ``end``.
    charge, release
        Sums of the client charges and of the client releases.
    net
        ``closing - opening`` (equal to ``charge - release``).
    """

    start: dt.date
    end: dt.date
    by_client: pl.DataFrame
    opening: Decimal
    closing: Decimal
    charge: Decimal
    release: Decimal
    net: Decimal

    def entries(self) -> pl.DataFrame:
        """Return the movement as rows for the accountant: one charge, one release.

        Columns ``date``, ``movement`` (``"charge"`` or ``"release"``) and
        ``amount_cents``; a movement of zero is left out.
        """
        rows = [("charge", int(self.charge * 100)), ("release", int(self.release * 100))]
        return pl.DataFrame(
            {
                "date": [self.end] * 2,
                "movement": [r[0] for r in rows],
                "amount_cents": [r[1] for r in rows],
            },
            schema={"date": pl.Date, "movement": pl.String, "amount_cents": pl.Int64},
        ).filter(pl.col("amount_cents") != 0)


def provision_movement(opening: Provision, closing: Provision) -> ProvisionMovement:
    """Return the movement of the provision from ``opening`` to ``closing``, client by client.

    A client whose provision grows is charged the increase; one whose provision falls
    (paid, written off by a credit note, or moved to a lower percentage) releases the
    decrease. Charges and releases are not netted across clients, as the accountant
    books them separately.

    Raises
    ------
    ValueError
        When ``opening`` is dated after ``closing``.
    """
    if opening.as_of > closing.as_of:
        raise ValueError(f"the opening ({opening.as_of}) is after the closing ({closing.as_of})")
    start = opening.by_client.select("client", pl.col("provision_cents").alias("opening_cents"))
    end = closing.by_client.select("client", pl.col("provision_cents").alias("closing_cents"))
    by_client = (
        start.join(end, on="client", how="full", coalesce=True)
        .with_columns(pl.col("opening_cents", "closing_cents").fill_null(0))
        .with_columns((pl.col("closing_cents") - pl.col("opening_cents")).alias("net_cents"))
        .with_columns(
            pl.col("net_cents").clip(lower_bound=0).alias("charge_cents"),
            (-pl.col("net_cents")).clip(lower_bound=0).alias("release_cents"),
        )
        .filter(pl.col("net_cents") != 0)
        .select(
            "client", "opening_cents", "closing_cents", "charge_cents", "release_cents", "net_cents"
        )
        .sort("client")
    )
    return ProvisionMovement(
        start=opening.as_of,
        end=closing.as_of,
        by_client=by_client,
        opening=opening.total,
        closing=closing.total,
        charge=decimal(by_client["charge_cents"].sum()),
        release=decimal(by_client["release_cents"].sum()),
        net=closing.total - opening.total,
    )
