"""Writes of the rating: policy versions, profiles, the contact plan, recalculation.

Every function takes the acting user (``by``) and refuses what the role does not allow:
only a manager or an administrator changes the policy, the profiles or the plan, or
recalculates the ratings; a salesperson reads them (S2.4: a pattern everyone
understands).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Final, TypeVar

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cartera.analytics.rating import default_policy
from cartera.analytics.rating.features import PAYMENT_COLUMNS
from cartera.audit.services import record_bulk
from cartera.common.arrow import read_frame
from cartera.common.bulk import bulk_insert, replace_indexes
from cartera.common.scoping import SYSTEM, sees_all
from cartera.common.services import validated_save
from cartera.ratings.compute import (
    abc_classes_of,
    change_rows,
    profile_fits,
    rated_rows,
    sales_features,
)
from cartera.ratings.definitions import (
    DEFAULT_POLICY_NAME,
    policy_from_definition,
    profile_from_definition,
)
from cartera.ratings.inputs import (
    accounts_frame,
    invoice_totals,
    invoices_frame,
    payment_behaviour,
    payment_ledger_start,
    payments_frame,
    purchase_bounds_frame,
    rating_columns,
)
from cartera.ratings.models import (
    AccountFit,
    ContactFrequency,
    IdealProfile,
    Rating,
    RatingChange,
    RatingPolicyVersion,
    RatingRun,
)
from cartera.ratings.selectors import active_profiles, stored_ratings_frame

if TYPE_CHECKING:
    from cartera.users.models import User

Actor = Any  # a User, or SYSTEM for the command line and the scheduler
T = TypeVar("T")


def require_manager(by: Actor, message: str) -> None:
    """Raise PermissionDenied with ``message`` unless ``by`` manages every portfolio."""
    if by is None or not sees_all(by):
        raise PermissionDenied(message)


def _user_or_none(by: Actor) -> User | None:
    """Return the login to record as author (None for the system principal)."""
    return None if by is SYSTEM or getattr(by, "pk", None) is None else by


def in_background(task: Callable[..., T], **arguments: Any) -> Callable[[], T]:
    """Start ``task`` on a thread of its own and return a function that waits for it.

    Only outside a transaction: the thread reads with a connection of its own, which
    could not see rows the caller's open transaction wrote (then it simply runs now).
    """
    if connection.in_atomic_block:
        result = task(**arguments)
        return lambda: result

    def run() -> T:
        try:
            return task(**arguments)
        finally:
            connections.close_all()  # this thread's connections only

    return on_thread(run)


def on_thread(task: Callable[[], T]) -> Callable[[], T]:
    """Start ``task``, which must not touch the database, on a thread of its own.

    Return a function that waits for its result (or raises its error).
    """
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(task)
    pool.shutdown(wait=False)
    return future.result


Stretch = tuple[dt.date, dt.date, tuple[str, ...]]
"""Rows dated after the first day and up to the second, and the columns read of them."""


def _in_stretches(
    read: Callable[..., pl.DataFrame], stretches: list[Stretch]
) -> Callable[[], pl.DataFrame]:
    """Start ``read`` of each stretch on a thread of its own.

    Return a function that waits for them all and stacks them, a column a stretch does
    not read being unknown there. The invoices and the payments are most of what a
    rating reads: in stretches, no core waits for one long read, and no stretch reads
    a column no one looks at in it.
    """
    reads = [
        in_background(read, since=since, until=until, columns=columns)
        for since, until, columns in stretches
    ]
    return lambda: pl.concat([wait() for wait in reads], how="diagonal")


def _invoice_stretches(
    *, day: dt.date, window_days: int, ledger_since: dt.date | None
) -> list[Stretch]:
    """Return what a rating reads of the invoices: each stretch only the columns used there.

    The sales features read the amounts of two windows (growth compares them) and the
    costs of the last (the margin); the payment behaviour, the ids and due dates of
    the ledger, when a criterion measures it. The last window, the largest, is read in
    two halves.
    """
    window_start = day - dt.timedelta(days=window_days)
    needs = [
        (window_start - dt.timedelta(days=window_days), ("account_id", "date", "amount_cents")),
        (window_start, ("cost_cents",)),
    ]
    if ledger_since is not None:
        needs.append((ledger_since, ("invoice", "account_id", "date", "due_date", "amount_cents")))
    cuts = sorted({since for since, _ in needs} | {window_start + (day - window_start) / 2, day})
    return [
        (since, until, tuple(dict.fromkeys(c for start, cs in needs if start <= since for c in cs)))
        for since, until in pairwise(cuts)
    ]


@transaction.atomic
def rating_policy_publish(
    *, name: str, definition: Mapping[str, Any], by: Actor, note: str = "", activate: bool = True
) -> RatingPolicyVersion:
    """Store ``definition`` as the next version of policy ``name`` (S4.5).

    Versions are immutable: every edit is a new row, so a rating keeps pointing at the
    exact rules that made it. With ``activate`` the new version replaces the active one.
    """
    require_manager(by, _("Only a manager can change the rating policy."))
    name = name.strip()
    data = dict(definition)
    data["name"] = name
    policy = policy_from_definition(data)
    # Lock the name's versions so that two editors do not both write version n + 1.
    list(RatingPolicyVersion.objects.select_for_update().filter(name=name).values_list("pk"))
    top = RatingPolicyVersion.objects.filter(name=name).aggregate(top=Max("version"))["top"]
    if activate:
        RatingPolicyVersion.objects.filter(name=name, is_active=True).update(is_active=False)
    version = RatingPolicyVersion(
        name=name,
        version=(top or 0) + 1,
        definition=policy.to_dict(),
        is_active=activate,
        note=note.strip()[:300],
        created_by=_user_or_none(by),
    )
    return validated_save(version)


@transaction.atomic
def rating_policy_activate(*, version: RatingPolicyVersion, by: Actor) -> RatingPolicyVersion:
    """Make ``version`` the active one of its name (going back to an earlier version)."""
    require_manager(by, _("Only a manager can change the rating policy."))
    RatingPolicyVersion.objects.filter(name=version.name, is_active=True).exclude(
        pk=version.pk
    ).update(is_active=False)
    RatingPolicyVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True
    return version


def _policy_for_run(name: str | None, by: Actor) -> RatingPolicyVersion:
    wanted = (name or DEFAULT_POLICY_NAME).strip()
    version = RatingPolicyVersion.objects.filter(name=wanted, is_active=True).first()
    if version is not None:
        return version
    if (
        wanted == DEFAULT_POLICY_NAME
        and not RatingPolicyVersion.objects.filter(name=wanted).exists()
    ):
        return rating_policy_publish(
            name=wanted,
            definition=default_policy().to_dict(),
            by=by,
            note=_("The default policy, stored on first use."),
        )
    raise ValidationError(
        {"policy": _("There is no active rating policy named %(name)s.") % {"name": wanted}},
        code="unknown_policy",
    )


@transaction.atomic
def profile_save(
    *, definition: Mapping[str, Any], by: Actor, is_active: bool = True
) -> IdealProfile:
    """Create or replace the ideal client profile named in ``definition`` (S4.1)."""
    require_manager(by, _("Only a manager can change the ideal client profiles."))
    profile = profile_from_definition(dict(definition))
    stored = IdealProfile.objects.filter(name=profile.name).first() or IdealProfile(
        name=profile.name
    )
    stored.client_type = profile.client_type
    stored.definition = profile.to_dict()
    stored.is_active = is_active
    return validated_save(stored)


@transaction.atomic
def contact_frequencies_set(*, frequencies: Mapping[str, int], by: Actor) -> dict[str, int]:
    """Store the target days between contacts per rating level (S2.2); return them all."""
    require_manager(by, _("Only a manager can change the contact plan."))
    for level, days in frequencies.items():
        row = ContactFrequency.objects.filter(level=level).first() or ContactFrequency(
            level=str(level)
        )
        row.days = days
        validated_save(row)
    return dict(ContactFrequency.objects.values_list("level", "days"))


_FIT_COLUMNS: Final = ("account_id", "profile_id", "fit")
_DELETE_BATCH: Final = 500


def _store_fits(fits: pl.DataFrame) -> int:
    """Make the stored fits those of ``fits`` (inside a transaction); return how many fit.

    Fits change only when an account's attributes or the profiles do: rather than
    rewrite 100,000 unchanged rows on every rating run, only the rows that differ are
    deleted and written, unless most of them do.
    """
    fits = fits.select(pl.col(c).cast(pl.Int64) for c in _FIT_COLUMNS)
    stored = read_frame(
        "SELECT account_id, profile_id, fit FROM ratings_accountfit",
        schema=dict.fromkeys(_FIT_COLUMNS, pl.Int64),
    )
    gone = stored.join(fits, on=list(_FIT_COLUMNS), how="anti")["account_id"].to_list()
    if 2 * len(gone) > stored.height:
        with replace_indexes(AccountFit):
            AccountFit.objects.all().delete()
            bulk_insert(AccountFit, fits)
        return fits.height
    for start in range(0, len(gone), _DELETE_BATCH):
        AccountFit.objects.filter(account_id__in=gone[start : start + _DELETE_BATCH]).delete()
    bulk_insert(AccountFit, fits.join(stored, on=list(_FIT_COLUMNS), how="anti"))
    return fits.height


def fits_refresh(*, by: Actor) -> int:
    """Recompute every account's fit to the stored profiles (S4.1); return how many fit."""
    require_manager(by, _("Only a manager can recalculate the profile fits."))
    fits = profile_fits(accounts_frame(user=SYSTEM), active_profiles())
    with transaction.atomic():
        return _store_fits(fits)


def rating_recalculate(
    *, by: Actor, policy_name: str | None = None, as_of: dt.date | None = None
) -> RatingRun:
    """Rate every client with the active version of ``policy_name`` and store the result.

    Reads the invoices, the payment behaviour (when payments are recorded) and the
    account attributes through the Arrow bridge, fits every account to the stored
    profiles, rates with :func:`cartera.analytics.rating.rate`, and then, in one
    transaction, replaces the ratings and the fits and appends a history row for every
    level that changed (S4.5: measured constantly).
    """
    require_manager(by, _("Only a manager can recalculate the ratings."))
    started = time.perf_counter()
    version = _policy_for_run(policy_name, by)
    policy = version.policy()
    day = as_of or timezone.localdate()

    # Growth compares two windows; older invoices matter only for first/last purchase.
    sales_since = day - dt.timedelta(days=2 * policy.window_days)
    wants_payments = bool({c.measure for c in policy.criteria} & set(PAYMENT_COLUMNS))
    ledger_since = payment_ledger_start(as_of=day, window_days=policy.window_days)
    # The reads run side by side, each on a connection of its own: SQLite and Polars
    # both work without holding the GIL, so they share the machine's cores.
    invoices = _in_stretches(
        invoices_frame,
        _invoice_stretches(
            day=day,
            window_days=policy.window_days,
            ledger_since=ledger_since if wants_payments else None,
        ),
    )
    bounds = in_background(purchase_bounds_frame, until=sales_since)
    ledger = None
    if wants_payments:
        middle = ledger_since + (day - ledger_since) / 2
        paid_columns = ("account_id", "date", "amount_cents", "invoice")
        ledger = _in_stretches(
            payments_frame, [(ledger_since, middle, paid_columns), (middle, day, paid_columns)]
        )
    profiles = active_profiles()
    accounts = accounts_frame(user=SYSTEM, columns=rating_columns(profiles, policy))
    fits = profile_fits(accounts, profiles)
    invoiced = invoices()
    paid = ledger() if ledger is not None else None
    sales = invoice_totals(invoiced, until=day, since=sales_since, bounds=bounds())

    def behaviour() -> pl.DataFrame | None:
        if paid is None:
            return None
        return payment_behaviour(invoiced, paid, as_of=day, window_days=policy.window_days)

    # Once everything is read, the work is Polars', off the GIL: the ledger is matched in
    # a thread of its own while this one computes the sales features and the ABC
    # classes, then clears the old ratings and writes the fits with SQLite's single
    # writer.
    matched = on_thread(behaviour)
    features = sales_features(accounts=accounts, fits=fits, sales=sales, policy=policy, as_of=day)
    abc = abc_classes_of(sales, day)
    previous = stored_ratings_frame()
    same_scale = previous.is_empty() or set(previous["scale"].unique().to_list()) == {
        "|".join(policy.scale.labels)
    }
    with transaction.atomic():
        run = RatingRun(policy=version, as_of=day, run_by=_user_or_none(by))
        validated_save(run)
        _store_fits(fits)
        with replace_indexes(Rating):
            # Inside: without their indexes, the old rows go three times faster too.
            Rating.objects.all().delete()
            computed = rated_rows(features, abc=abc, payments=matched(), policy=policy)
            bulk_insert(Rating, computed.rows.with_columns(pl.lit(day, pl.Date).alias("as_of")))
        changes = change_rows(previous, computed.rows, same_scale=same_scale)
        stamp = [
            pl.lit(run.pk, pl.Int64).alias("run_id"),
            pl.lit(version.pk, pl.Int64).alias("policy_id"),
            pl.lit(day, pl.Date).alias("date"),
        ]
        bulk_insert(RatingChange, changes.with_columns(stamp))
        record_bulk(
            action="rating_run",
            model=Rating,
            count=computed.rows.height,
            user=by,
            detail=f"{version} as of {day.isoformat()}: {changes.height} level changes",
        )
        run.clients = computed.rows.height
        run.changes = changes.height
        run.dropped = list(computed.ratings.dropped)
        run.seconds = time.perf_counter() - started
        run.save(update_fields=["clients", "changes", "dropped", "seconds"])
    return run
