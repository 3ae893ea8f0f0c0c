"""Reads behind the client file (S2.1, S2.6, S2.2): what they bought, when, what is next,
how they are rated and why, what they owe, and who changed what.

The account passed in is one the caller already got through
:func:`cartera.clients.selectors.account_get`, so everything here hangs from a client
the user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from django.apps import apps
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cartera.activities.models import Activity
from cartera.analytics.rating.features import MEASURES
from cartera.analytics.rating.policy import Percentile, Ramp, Rule, Steps
from cartera.audit.selectors import (
    EXPORT_COLUMNS,
    SYSTEM_NAME,
    FieldChange,
    HistoryEntry,
    account_history,
    audit_entries,
    export_rows,
)
from cartera.clients.models import Account
from cartera.common import formatting
from cartera.common.money import quantize
from cartera.ratings.models import Change
from cartera.ratings.selectors import AccountRating, account_rating, ratings_policy
from cartera.receivables.selectors import account_receivables
from cartera.sales.models import Sale, SaleLine

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

SALES_SHOWN: Final = 20
PRODUCTS_SHOWN: Final = 30
ACTIVITIES_SHOWN: Final = 30


def latest_sales(*, account: Account) -> QuerySet[Sale]:
    """Return the account's latest invoices and credit notes, newest first."""
    return account.sales.select_related("salesperson").order_by("-date", "-id")[:SALES_SHOWN]


def products_bought(*, account: Account) -> QuerySet[SaleLine]:
    """Return one row per product the account bought: first and last date, quantity, amount.

    Rows are dictionaries (``sku``, ``name``, ``family``, ``first``, ``last``,
    ``quantity``, ``amount`` as Decimal, ``invoices``), the most recently bought first.
    """
    return (
        SaleLine.objects.filter(sale__account=account)
        .values("product__sku", "product__name", "product__family")
        .annotate(
            first=Min("sale__date"),
            last=Max("sale__date"),
            quantity=Sum("quantity"),
            amount=Sum("amount"),
            invoices=Count("sale", distinct=True),
        )
        .order_by("-last", "product__sku")[:PRODUCTS_SHOWN]
    )


def timeline(*, account: Account) -> QuerySet[Activity]:
    """Return the account's latest follow-ups, newest first."""
    return account.activities.select_related("contact", "salesperson").order_by("-date", "-id")[
        :ACTIVITIES_SHOWN
    ]


def next_action(*, account: Account) -> Activity | None:
    """Return the follow-up whose next action is pending: the latest one that set one.

    A later follow-up without a next action means the action was done, so only the
    latest activity counts.
    """
    latest = account.activities.order_by("-date", "-id").first()
    if latest is None or latest.next_action_on is None:
        return None
    return latest


# --- the rating with its explanation (S2.4, S4.5) ---------------------------------------

# The default policy's labels reach gettext at run time only; marked here so that
# makemessages keeps them in the catalogues.
DEFAULT_LABELS: Final = (
    gettext_noop("revenue"),
    gettext_noop("margin"),
    gettext_noop("recurrence"),
    gettext_noop("growth"),
    gettext_noop("tenure"),
    gettext_noop("ideal client fit"),
    gettext_noop("strategic"),
    gettext_noop("payment"),
)
# What a measure counts, for the figures of its value and thresholds.
_UNITS: Final = {
    "active_months": gettext_noop("months"),
    "purchase_days": gettext_noop("days"),
    "tenure_days": gettext_noop("days"),
    "tenure_years": gettext_noop("years"),
    "days_since_last": gettext_noop("days"),
    "days_late": gettext_noop("days"),
}


def _figure(measure: str, value: float | None) -> str:
    """Return ``value`` of ``measure`` as the reader writes it: money, %, yes/no, days …"""
    locale = formatting.current_locale()
    if value is None:
        return _("no data")
    if measure.endswith("_cents"):
        return formatting.format_money(
            quantize(repr(value / 100)), currency=formatting.current_currency(), locale=locale
        )
    if measure.endswith("_pct"):
        return formatting.format_percent(value / 100, locale=locale, digits=1)
    if measure == "on_time_share":
        return formatting.format_percent(value, locale=locale, digits=0)
    if measure == "strategic":
        return _("yes") if value else _("no")
    shape = MEASURES.get(measure)
    scale, digits = (shape.display_scale, shape.decimals) if shape else (1.0, 1)
    shown = formatting.format_number(value * scale, locale=locale, digits=digits)
    return f"{shown} {_(_UNITS[measure])}" if measure in _UNITS else shown


def describe_rule(rule: Rule, measure: str) -> str:
    """Return the thresholds of a scoring rule in words: why a value earns its points."""
    locale = formatting.current_locale()
    if isinstance(rule, Percentile):
        if rule.direction == "higher":
            return _("by rank among the rated clients, higher is better")
        return _("by rank among the rated clients, lower is better")
    if isinstance(rule, Ramp):
        return _("no points at %(start)s, all from %(full)s") % {
            "start": _figure(measure, rule.start),
            "full": _figure(measure, rule.full),
        }
    if isinstance(rule, Steps):
        steps = "; ".join(
            _("from %(threshold)s: %(share)s")
            % {
                "threshold": _figure(measure, threshold),
                "share": formatting.format_percent(share, locale=locale, digits=0),
            }
            for threshold, share in rule.steps
        )
        below = formatting.format_percent(rule.below, locale=locale, digits=0)
        return _("%(steps)s; below: %(share)s") % {"steps": steps, "share": below}
    return _("all points when yes") if rule.when else _("all points when no")


@dataclass(frozen=True, slots=True)
class CriterionRow:
    """One line of the explanation: the value, the rule's thresholds and the points."""

    label: str
    value: str
    rule: str
    earned: float
    points: int
    max_points: float
    penalty: bool


@dataclass(frozen=True, slots=True)
class RatingFile:
    rating: AccountRating
    rows: tuple[CriterionRow, ...]


def rating_of(*, account: Account) -> RatingFile:
    """Return the account's rating with one explained row per criterion of its policy."""
    # The account came through a scoped selector: no second visibility check.
    rating = account_rating(account)
    version = ratings_policy() if rating.level is not None else None
    rules = {c.key: c.rule for c in version.policy().criteria} if version else {}
    rows = tuple(
        CriterionRow(
            label=_(item.label),
            value=_figure(item.measure, item.value),
            rule=describe_rule(rules[item.criterion], item.measure)
            if item.criterion in rules
            else "",
            earned=item.fraction,
            points=item.points,
            max_points=item.max_points,
            penalty=item.effect == "penalty",
        )
        for item in rating.items
    )
    return RatingFile(rating, rows)


# --- receivables of the client (S1.8, S1.11) -------------------------------------------


def bucket_label(key: str, label: str) -> str:
    """Return the label of an overdue bucket in the reader's language."""
    return _("not due") if key == "not_due" else label


@dataclass(frozen=True, slots=True)
class BucketRow:
    label: str
    amount: Decimal
    invoices: int
    percent: Decimal
    provision: Decimal

    @property
    def share(self) -> float:
        """Return the percentage provisioned as a share, for the ``percent`` filter."""
        return float(self.percent) / 100


@dataclass(frozen=True, slots=True)
class ReceivablesFile:
    """What the client owes, how late, against which limit, and what to provision."""

    as_of: dt.date
    open_items: list[dict[str, Any]]
    buckets: tuple[BucketRow, ...]
    total_open: Decimal
    total_overdue: Decimal
    unapplied_credit: Decimal
    provision: Decimal
    overridden: bool
    exposure: dict[str, Any] | None
    credit_use: float | None  # exposure over limit, 1.0 = at the limit
    payments: list[dict[str, Any]]

    @property
    def credit_bar(self) -> int:
        """Return the width of the credit-use bar, in percent of its track (at most 100)."""
        return min(100, round(100 * self.credit_use)) if self.credit_use is not None else 0


def receivables_of(
    *, account: Account, user: User | AnonymousUser, as_of: dt.date
) -> ReceivablesFile:
    """Return the client's open invoices, ageing, credit use, payments and provision."""
    found = account_receivables(account_id=account.pk, user=user, as_of=as_of)
    aged, provision = found.ageing, found.provision
    labels = dict(zip(aged.buckets.keys, aged.buckets.labels, strict=True))
    items = (
        aged.items.join(
            provision.items.select("invoice", "percent", "provision_cents"),
            on="invoice",
            how="left",
        )
        .sort("due_date", "invoice")
        .with_columns(pl.col("bucket").cast(pl.String))
    )
    open_items = [
        row | {"bucket_label": bucket_label(row["bucket"], labels[row["bucket"]])}
        for row in items.iter_rows(named=True)
    ]
    provided = {p.key: p for p in provision.by_bucket}
    buckets = tuple(
        BucketRow(
            label=bucket_label(total.key, total.label),
            amount=total.amount,
            invoices=total.invoices,
            percent=provided[total.key].percent,
            provision=provided[total.key].amount,
        )
        for total in aged.totals
    )
    exposure = found.exposure
    limit = exposure["limit_cents"] if exposure else None
    credit_use = exposure["exposure_cents"] / limit if exposure and limit else None
    return ReceivablesFile(
        as_of=as_of,
        open_items=open_items,
        buckets=buckets,
        total_open=aged.total_open,
        total_overdue=aged.total_overdue,
        unapplied_credit=aged.unapplied_credit,
        provision=provision.total,
        overridden=bool(provision.items["overridden"].any()),
        exposure=exposure,
        credit_use=credit_use,
        payments=list(found.payments.iter_rows(named=True)),
    )


# --- history (audit) ---------------------------------------------------------------------

HISTORY_SHOWN: Final = 20
_ACTIONS: Final = {
    "created": gettext_noop("created"),
    "changed": gettext_noop("changed"),
    "deleted": gettext_noop("deleted"),
    "rating_run": gettext_noop("rating run"),
    "hand_over": gettext_noop("handed over"),
    "personal_data_erase": gettext_noop("personal data erased"),
    "goals_accept": gettext_noop("goals accepted"),
}


@dataclass(frozen=True, slots=True)
class HistoryLine:
    entry: HistoryEntry
    who: str
    what: str
    action: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class HistoryFile:
    lines: tuple[HistoryLine, ...]
    total: int


def _model_label(entry: HistoryEntry) -> str:
    if entry.model != "audit.event":
        return entry.model_label
    try:
        return str(apps.get_model(entry.model_label)._meta.verbose_name)
    except (LookupError, ValueError):
        return entry.model_label


def _action(entry: HistoryEntry) -> str:
    if entry.model == "ratings.rating" and entry.action in Change.values:
        return str(Change(entry.action).label)
    return _(_ACTIONS[entry.action]) if entry.action in _ACTIONS else entry.action


def history_of(*, account: Account, user: User | AnonymousUser) -> HistoryFile:
    """Return the latest changes of the account (who, what, old → new) and how many in all.

    A creation lists no fields: its values are what the rest of the file shows.
    """
    # ``account_history`` less its visibility check: the account came through a scoped
    # selector.
    entries = audit_entries(user=user, account=account)
    lines = tuple(
        HistoryLine(
            entry=entry,
            who=_("system") if entry.who == SYSTEM_NAME else entry.who,
            what=_model_label(entry),
            action=_action(entry),
            changes=() if entry.action == "created" else entry.changes,
        )
        for entry in entries[:HISTORY_SHOWN]
    )
    return HistoryFile(lines, len(entries))


def history_csv(*, account: Account, user: User | AnonymousUser) -> str:
    """Return every audited change of the account as CSV, in the columns of ``cartera audit``."""
    frame = pl.DataFrame(
        list(export_rows(account_history(account, user))),
        schema={c: pl.Int64 if c.endswith("id") else pl.String for c in EXPORT_COLUMNS},
    ).select(EXPORT_COLUMNS)
    return frame.write_csv()
