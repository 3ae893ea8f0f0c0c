"""Matching payments and credit notes to invoices, as of a date.

The rules, applied to the records dated on or before ``as_of`` and nothing else:

1. A payment (or a credit note) that names an invoice goes to that invoice first, in
   date order; what exceeds the invoice joins the client's pool. One that names an
   invoice not issued yet by ``as_of`` waits, as credit on the account.
2. The pool (every other payment and credit note, and those excesses) settles the
   client's remaining invoices oldest first: by due date, then issue date, then number
   (``priority="due"``), or by issue date first (``priority="issue"``).
3. What the pool holds beyond the client's invoices is unapplied credit.

Rule 2 is a first-in-first-out matching of two queues, computed without a loop: lay
each client's invoices end to end on a line in priority order (cumulative sums of
their amounts) and the pool the same way in date order; an invoice is settled where the
two intervals overlap, and an application is one piece of the overlay of both
partitions.

Consistency across dates: the result at ``as_of`` depends only on the records dated on
or before it, so an ageing of a past date printed today is the one printed then; a
payment made after ``as_of`` leaves its invoice open at ``as_of`` (the defect of OCA
account-financial-reporting #707). With ``priority="issue"`` the invoices that exist at
a date always form a prefix of the queue, so an amount matched at one date stays
matched to the same invoice at every later date. With the default ``priority="due"``
the same holds as long as a client's later invoices do not fall due before its earlier
ones (uniform payment terms); when they do, the newer invoice due sooner takes the
money from the moment it exists, as an oldest-due-first ageing run at that date would.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

import polars as pl

from cartera.analytics.frames import MONEY, FrameError
from cartera.analytics.receivables.columns import (
    check_invoices,
    check_payments,
    prepare_invoices,
    prepare_payments,
)

Priority = Literal["due", "issue"]

_ORDER: Final[dict[str, tuple[str, ...]]] = {
    "due": ("due_date", "date", "invoice"),
    "issue": ("date", "due_date", "invoice"),
}

PAYMENT: Final = "payment"
CREDIT_NOTE: Final = "credit_note"


@dataclass(frozen=True, slots=True)
class OpenItems:
    """What each invoice still owes at a date, and the credit clients hold.

    Attributes
    ----------
    as_of
        The date the matching describes.
    items
        One row per invoice issued on or before ``as_of`` with a positive amount: the
        invoice columns as given, plus ``applied_cents`` (settled by ``as_of``) and
        ``open_cents`` (still owed, never negative). In no particular order: sort
        them for display.
    credit
        ``client``, ``unapplied_cents``: money received (or credit notes) not matched to
        any invoice at ``as_of``, one row per client that has some.
    """

    as_of: dt.date
    items: pl.DataFrame
    credit: pl.DataFrame


@dataclass(frozen=True, slots=True)
class Allocation:
    """The full matching at a date: :class:`OpenItems` plus each application.

    Attributes
    ----------
    as_of, items, credit
        As in :class:`OpenItems`.
    applications
        One row per piece of a payment or credit note applied to an invoice:
        ``invoice``, ``client``, ``kind`` (``"payment"`` or ``"credit_note"``),
        ``source`` (payment reference or credit-note number), ``source_date``,
        ``applied_on`` (the later of the source date and the invoice date: money
        received before the invoice existed settles it on its issue date),
        ``explicit`` (the source named the invoice) and ``amount_cents``. In no
        particular order.
    """

    as_of: dt.date
    items: pl.DataFrame
    applications: pl.DataFrame
    credit: pl.DataFrame


def _sources(invoices: pl.LazyFrame, payments: pl.LazyFrame) -> pl.LazyFrame:
    """Return payments and credit notes as one frame of money that settles invoices."""
    schema = payments.collect_schema()
    inv_schema = invoices.collect_schema()
    nothing = pl.lit(None, inv_schema["invoice"])
    paid = payments.select(
        pl.col("client"),
        pl.lit(PAYMENT).alias("kind"),
        pl.col("payment").alias("source"),
        pl.col("date"),
        pl.col("amount_cents"),
        (pl.col("invoice") if "invoice" in schema else nothing).alias("target"),
    )
    credited = invoices.filter(pl.col("amount_cents") < 0).select(
        pl.col("client"),
        pl.lit(CREDIT_NOTE).alias("kind"),
        pl.col("invoice").alias("source"),
        pl.col("date"),
        (-pl.col("amount_cents")).alias("amount_cents"),
        (pl.col("applies_to") if "applies_to" in inv_schema else nothing).alias("target"),
    )
    return pl.concat([paid, credited], how="vertical")


def _inputs(
    invoices: pl.DataFrame | pl.LazyFrame, payments: pl.DataFrame | pl.LazyFrame, check: bool
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    inv, pay = _same_keys(prepare_invoices(invoices), prepare_payments(payments))
    if check:
        check_invoices(inv)
        check_payments(pay)
        _check_targets(inv, pay)
    return inv, pay


_INVOICE_KEYS: Final = ("invoice", "client", "applies_to")
_PAYMENT_KEYS: Final = ("payment", "client", "invoice")


def _same_keys(invoices: pl.LazyFrame, payments: pl.LazyFrame) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Return both frames with their keys all whole numbers, or else all text.

    Whole-number keys (database ids) are kept: matching on them is about three times
    faster. Any text key makes every key text, so that both sides of each join agree.
    """
    inv_schema, pay_schema = invoices.collect_schema(), payments.collect_schema()
    keys = [inv_schema[c] for c in _INVOICE_KEYS if c in inv_schema]
    keys += [pay_schema[c] for c in _PAYMENT_KEYS if c in pay_schema]
    if all(dtype.is_integer() for dtype in keys):
        return invoices, payments

    def text(frame: pl.LazyFrame, names: tuple[str, ...], schema: pl.Schema) -> pl.LazyFrame:
        return frame.with_columns(
            pl.col(c).cast(pl.String) for c in names if c in schema and schema[c].is_integer()
        )

    return (
        text(invoices, _INVOICE_KEYS, inv_schema),
        text(payments, _PAYMENT_KEYS, pay_schema),
    )


def _check_targets(invoices: pl.LazyFrame, payments: pl.LazyFrame) -> None:
    sources = _sources(invoices, payments).filter(pl.col("target").is_not_null())
    known = invoices.filter(pl.col("amount_cents") > 0).select(
        pl.col("invoice").alias("target"), pl.col("client").alias("target_client")
    )
    wrong = (
        sources.join(known, on="target", how="left")
        .filter(pl.col("target_client").is_null() | (pl.col("target_client") != pl.col("client")))
        .select("kind", "source", "target", "target_client")
        .head(1)
        .collect()
    )
    if wrong.height:
        kind, source, target, owner = wrong.row(0)
        what = "payment" if kind == PAYMENT else "credit note"
        column = "invoice" if kind == PAYMENT else "applies_to"
        reason = "is not an invoice" if owner is None else f"belongs to client {owner!r}"
        raise FrameError(
            f"{what} {source!r} names invoice {target!r}, which {reason}", column=column
        )


def _line_ends(
    frame: pl.LazyFrame, amount: str, order: tuple[str, ...], group: str = "client"
) -> pl.LazyFrame:
    """Return ``frame`` sorted per ``group`` by ``order``, with ``_end``: the running total.

    The running total restarts at each group; a group's items lie end to end on
    ``[0, total)`` in ``order``.
    """
    # Sorting by the integer code of the group is several times faster than by the
    # string; groups only need to be kept apart, not put in alphabetical order.
    if frame.collect_schema()[group].is_integer():
        code = pl.col(group).alias("_code")
    else:
        code = pl.col(group).cast(pl.Categorical).to_physical().alias("_code")
    starts = pl.col("_code").ne_missing(pl.col("_code").shift(1))
    return (
        frame.with_columns(code)
        .sort("_code", *order)
        .with_columns(pl.col(amount).cum_sum().alias("_end"))
        .with_columns(
            pl.col("_end")
            .sub(pl.when(starts).then(pl.col("_end") - pl.col(amount)).forward_fill())
            .alias("_end")
        )
        .drop("_code")
    )


def _open(debts: pl.LazyFrame, lined: pl.LazyFrame, ledger: pl.LazyFrame) -> pl.LazyFrame:
    """Return ``debts`` (with ``residual_cents``) with ``open_cents`` after the pool.

    ``lined`` holds the debts with a residual, laid on their client's line
    (:func:`_owing`); ``ledger`` holds ``client``, ``pool_cents``: what each client's
    pool can settle. A debt its named payments settled is not on the line: it is closed.
    """
    on_line = (
        lined.join(ledger.select("client", "pool_cents"), on="client", how="left")
        .with_columns(
            # The pool covers [0, pool) of the client's line; this invoice is
            # [end - residual, end). What it keeps open lies beyond the pool.
            (pl.col("_end") - pl.col("pool_cents").fill_null(0))
            .clip(lower_bound=0, upper_bound=pl.col("residual_cents"))
            .alias("open_cents")
        )
        .drop("_end", "pool_cents")
    )
    closed = debts.filter(pl.col("residual_cents") == 0).with_columns(
        pl.lit(0, MONEY).alias("open_cents")
    )
    return (
        pl.concat([on_line, closed], how="vertical")
        .with_columns((pl.col("amount_cents") - pl.col("open_cents")).alias("applied_cents"))
        .drop("residual_cents")
    )


def _owing(debts: pl.LazyFrame, order: tuple[str, ...]) -> pl.LazyFrame:
    """Return the debts with a residual, each client's laid end to end in ``order``.

    Most invoices are settled by the payments that name them; leaving those off the line
    spares sorting them, which is most of the cost of a matching.
    """
    return _line_ends(debts.filter(pl.col("residual_cents") > 0), "residual_cents", order)


def _credit(ledger: pl.LazyFrame) -> pl.LazyFrame:
    """Return ``client``, ``unapplied_cents`` from the ledger of pool, owed and earmarked."""
    return (
        ledger.select(
            "client",
            (
                (pl.col("pool_cents") - pl.col("owed_cents")).clip(lower_bound=0)
                + pl.col("earmarked_cents")
            )
            .cast(MONEY)
            .alias("unapplied_cents"),
        )
        .filter(pl.col("unapplied_cents") > 0)
        .sort("client")
    )


def _open_by_totals(
    invoices: pl.LazyFrame, payments: pl.LazyFrame, as_of: dt.date, priority: Priority
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Return open items and credit from per-invoice and per-client totals only.

    Which payment settled which invoice does not change what stays open, so this
    path needs no sort of the payments: the fast path of the ageing.
    """
    invoices = invoices.filter(pl.col("date") <= as_of)
    sources = _sources(invoices, payments.filter(pl.col("date") <= as_of)).select(
        "client", "amount_cents", "target"
    )
    named = pl.col("target").is_not_null()
    by_client = sources.group_by("client").agg(
        pl.col("amount_cents").filter(~named).sum().alias("_general"),
        pl.col("amount_cents").filter(named).sum().alias("_named"),
    )
    by_target = (
        sources.filter(named)
        .group_by("target")
        .agg(pl.col("amount_cents").sum().alias("_named"))
        .rename({"target": "invoice"})
    )
    debts = (
        invoices.filter(pl.col("amount_cents") > 0)
        .join(by_target, on="invoice", how="left")
        .with_columns(pl.col("_named").fill_null(0))
        .with_columns(pl.min_horizontal("_named", "amount_cents").alias("_explicit"))
        .with_columns((pl.col("amount_cents") - pl.col("_explicit")).alias("residual_cents"))
    )
    by_debtor = debts.group_by("client").agg(
        pl.col("residual_cents").sum().alias("owed_cents"),
        pl.col("_named").sum().alias("_matched"),
        (pl.col("_named") - pl.col("_explicit")).sum().alias("_excess"),
    )
    ledger = (
        by_client.join(by_debtor, on="client", how="full", coalesce=True)
        .with_columns(pl.exclude("client").fill_null(0))
        .select(
            "client",
            "owed_cents",
            # What named an invoice beyond its amount joins the pool; what named an
            # invoice not issued by as_of waits for it, as credit.
            (pl.col("_general") + pl.col("_excess")).alias("pool_cents"),
            (pl.col("_named") - pl.col("_matched")).alias("earmarked_cents"),
        )
    )
    debts = debts.drop("_named", "_explicit")
    return _open(debts, _owing(debts, _ORDER[priority]), ledger), _credit(ledger)


def _running_per_target(named: pl.LazyFrame) -> pl.LazyFrame:
    """Return ``named`` with ``_cum``: the running total of the sources naming each target.

    Sources run in date order; an invoice named by one source only (most of them) needs
    no sort: its running total is its amount.
    """
    alone = pl.len().over("target") == 1
    marked = named.with_columns(alone.alias("_alone"))
    single = marked.filter(pl.col("_alone")).with_columns(pl.col("amount_cents").alias("_cum"))
    several = (
        marked.filter(~pl.col("_alone"))
        .pipe(_line_ends, "amount_cents", ("date", "kind", "source"), group="target")
        .rename({"_end": "_cum"})
    )
    return pl.concat([single, several], how="vertical").drop("_alone")


def _applications(
    invoices: pl.LazyFrame, payments: pl.LazyFrame, as_of: dt.date, priority: Priority
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Return open items, applications and credit, source by source."""
    invoices = invoices.filter(pl.col("date") <= as_of)
    sources = _sources(invoices, payments.filter(pl.col("date") <= as_of))
    debts = invoices.filter(pl.col("amount_cents") > 0)
    targets = debts.select(
        pl.col("invoice").alias("target"),
        pl.col("amount_cents").alias("target_cents"),
        pl.col("date").alias("target_date"),
    )
    named = (
        _running_per_target(
            sources.filter(pl.col("target").is_not_null()).join(targets, on="target", how="left")
        )
        .with_columns(
            # min_horizontal skips nulls: a target not issued yet must take nothing.
            pl.when(pl.col("target_cents").is_not_null())
            .then(
                pl.min_horizontal("_cum", "target_cents")
                .sub(pl.col("_cum") - pl.col("amount_cents"))
                .clip(lower_bound=0)
            )
            .otherwise(0)
            .alias("applied_cents")
        )
        # Materialised: explicit applications, earmarks and excesses all read it, and
        # Polars would otherwise run the join and the window for each of them.
        .collect()
        .lazy()
    )
    explicit = named.filter(pl.col("applied_cents") > 0).select(
        pl.col("target").alias("invoice"),
        "client",
        "kind",
        "source",
        pl.col("date").alias("source_date"),
        pl.max_horizontal("date", "target_date").alias("applied_on"),
        pl.lit(True).alias("explicit"),
        pl.col("applied_cents").alias("amount_cents"),
    )
    earmarked = (
        named.filter(pl.col("target_cents").is_null())
        .group_by("client")
        .agg(pl.col("amount_cents").sum().alias("earmarked_cents"))
    )
    excess = named.filter(pl.col("target_cents").is_not_null()).select(
        "client",
        "kind",
        "source",
        "date",
        (pl.col("amount_cents") - pl.col("applied_cents")).alias("amount_cents"),
    )
    pool = pl.concat(
        [sources.filter(pl.col("target").is_null()).drop("target"), excess], how="vertical"
    ).filter(pl.col("amount_cents") > 0)
    settled = explicit.group_by("invoice").agg(pl.col("amount_cents").sum().alias("_explicit"))
    debts = (
        debts.join(settled, on="invoice", how="left")
        .with_columns(
            (pl.col("amount_cents") - pl.col("_explicit").fill_null(0)).alias("residual_cents")
        )
        .drop("_explicit")
    )
    # Materialise the matching inputs once: each is read by several of the plans below.
    debts_df, explicit_df, pool_df, earmarked_df = pl.collect_all(
        [debts, explicit, pool, earmarked]
    )
    order = _ORDER[priority]
    ledger = (
        debts_df.lazy()
        .group_by("client")
        .agg(pl.col("residual_cents").sum().alias("owed_cents"))
        .join(
            pool_df.lazy().group_by("client").agg(pl.col("amount_cents").sum().alias("pool_cents")),
            on="client",
            how="full",
            coalesce=True,
        )
        .join(earmarked_df.lazy(), on="client", how="full", coalesce=True)
        .with_columns(pl.exclude("client").fill_null(0))
        .collect()
        .lazy()
    )
    lined = _owing(debts_df.lazy(), order).collect()
    items, fifo, credit = pl.collect_all(
        [
            _open(debts_df.lazy(), lined.lazy(), ledger),
            _overlay(lined.lazy(), pool_df.lazy(), ledger),
            _credit(ledger),
        ]
    )
    # Left unsorted: sorting 2 million rows by strings would cost more than the matching.
    applications = pl.concat([explicit_df, fifo], how="vertical")
    return items, applications, credit


def _overlay(lined: pl.LazyFrame, pool: pl.LazyFrame, ledger: pl.LazyFrame) -> pl.LazyFrame:
    """Return the first-in-first-out applications as pieces of the overlay of both queues.

    ``lined`` is the debts' queue (:func:`_owing`).
    """
    longer = pl.max_horizontal("owed_cents", "pool_cents")
    offsets = (
        ledger.filter((pl.col("owed_cents") > 0) & (pl.col("pool_cents") > 0))
        .sort("client")
        # Give each client its own stretch of one global line, so that one sorted as-of
        # join serves every client at once.
        .with_columns((longer.cum_sum() - longer).alias("_offset"))
        .select(
            "client",
            "_offset",
            (pl.col("_offset") + pl.min_horizontal("owed_cents", "pool_cents")).alias("_cap"),
        )
    )
    inv_ends = (
        lined.join(offsets, on="client", how="inner")
        .select(
            (pl.col("_offset") + pl.col("_end")).alias("_end"),
            "invoice",
            pl.col("date").alias("invoice_date"),
        )
        .sort("_end")
    )
    pool_ends = (
        _line_ends(pool, "amount_cents", ("date", "kind", "source"))
        .join(offsets, on="client", how="inner")
        .select(
            (pl.col("_offset") + pl.col("_end")).alias("_end"),
            "client",
            "kind",
            "source",
            pl.col("date").alias("source_date"),
            "_offset",
            "_cap",
        )
        .sort("_end")
    )
    points = (
        pl.concat(
            [
                offsets.select(pl.col("_offset").alias("_end")),
                inv_ends.select("_end"),
                pool_ends.select("_end"),
            ],
            how="vertical",
        )
        .sort("_end")
        # Sorted already: dropping repeats of the previous value is cheaper than hashing.
        .filter(pl.col("_end").ne_missing(pl.col("_end").shift(1)))
        .with_columns(pl.col("_end").shift(1).alias("_start"))
    )
    return (
        points.join_asof(pool_ends, on="_end", strategy="forward", check_sortedness=False)
        # A piece (start, end] is an application only inside the stretch of its client
        # where both queues run: [offset, offset + the shorter queue].
        .filter((pl.col("_start") >= pl.col("_offset")) & (pl.col("_end") <= pl.col("_cap")))
        .join_asof(inv_ends, on="_end", strategy="forward", check_sortedness=False)
        .select(
            "invoice",
            "client",
            "kind",
            "source",
            "source_date",
            pl.max_horizontal("source_date", "invoice_date").alias("applied_on"),
            pl.lit(False).alias("explicit"),
            (pl.col("_end") - pl.col("_start")).alias("amount_cents"),
        )
    )


def open_items(
    invoices: pl.DataFrame | pl.LazyFrame,
    payments: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: dt.date,
    priority: Priority = "due",
    check: bool = True,
) -> OpenItems:
    """Return what each invoice still owes at ``as_of``, and each client's unapplied credit.

    Parameters
    ----------
    invoices, payments
        Frames following :data:`~cartera.analytics.receivables.columns.INVOICES` and
        :data:`~cartera.analytics.receivables.columns.PAYMENTS`.
    as_of
        Only invoices, credit notes and payments dated on or before it are considered.
    priority
        ``"due"``: oldest due date first; ``"issue"``: oldest issue date first.
    check
        Validate uniqueness, signs and explicit references first (one extra pass).
        Turn it off only for frames built from the database, whose constraints hold
        the same facts.

    Raises
    ------
    FrameError
        When a column is missing or the data break the contract (``check=True``).
    """
    inv, pay = _inputs(invoices, payments, check)
    items, credit = pl.collect_all(list(_open_by_totals(inv, pay, as_of, priority)))
    return OpenItems(as_of=as_of, items=items, credit=credit)


def allocate(
    invoices: pl.DataFrame | pl.LazyFrame,
    payments: pl.DataFrame | pl.LazyFrame,
    *,
    as_of: dt.date,
    priority: Priority = "due",
    check: bool = True,
) -> Allocation:
    """Return the matching of payments and credit notes to invoices at ``as_of``.

    Same rules and parameters as :func:`open_items`; also returns every application,
    which the payment behaviour needs (when each invoice was paid, by what).
    """
    inv, pay = _inputs(invoices, payments, check)
    items, applications, credit = _applications(inv, pay, as_of, priority)
    return Allocation(as_of=as_of, items=items, applications=applications, credit=credit)
