"""Writes of accounts, contacts and ownership: hand-overs and departures (S0.4, S3.12)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cartera.audit.services import record_bulk, record_rows
from cartera.clients.models import Account, Contact, OwnershipPeriod
from cartera.common.bulk import bulk_insert
from cartera.common.dataversion import Topic, data_changed
from cartera.common.scoping import SYSTEM, sees_all
from cartera.common.selectors import company_settings
from cartera.common.services import field_error, validated_save
from cartera.common.validators import normalize_email, normalize_phone
from cartera.team.models import Salesperson

CONTACT_FIELDS = ("phone", "email")


def _normalized_contact_data(data: dict[str, Any], *, region: str) -> dict[str, Any]:
    """Return ``data`` with phone in E.164 and e-mail normalised; errors name the field."""
    out = dict(data)
    errors: dict[str, list[ValidationError]] = {}
    if out.get("phone"):
        try:
            out["phone"] = normalize_phone(str(out["phone"]), region=region)
        except ValidationError as exc:
            errors["phone"] = exc.error_list
    if out.get("email"):
        try:
            out["email"] = normalize_email(str(out["email"]))
        except ValidationError as exc:
            errors["email"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return out


def _region_for(country: str | None) -> str:
    return (country or company_settings().default_region or "ES").upper()


@transaction.atomic
def account_create(
    *,
    code: str,
    legal_name: str,
    owner: Salesperson | None = None,
    since: dt.date | None = None,
    **fields: Any,
) -> Account:
    """Create a client or prospect; open its first ownership period when it has an owner."""
    data = _normalized_contact_data(fields, region=_region_for(fields.get("country")))
    account = Account(code=code.strip(), legal_name=legal_name.strip(), owner=owner, **data)
    validated_save(account)
    data_changed(Topic.ACCOUNTS)
    if owner is not None:
        OwnershipPeriod.objects.create(
            account=account,
            salesperson=owner,
            started_on=since or timezone.localdate(),
            reason=_("First owner"),
        )
    return account


@transaction.atomic
def account_update(*, account: Account, data: dict[str, Any]) -> Account:
    """Change an account's fields. The owner changes only through :func:`account_hand_over`."""
    if "owner" in data or "owner_id" in data:
        raise field_error(
            "owner", _("Hand the account over to change its salesperson."), code="use_hand_over"
        )
    clean = _normalized_contact_data(data, region=_region_for(data.get("country", account.country)))
    for field, value in clean.items():
        setattr(account, field, value)
    validated_save(account)
    data_changed(Topic.ACCOUNTS)
    return account


@transaction.atomic
def contact_create(*, account: Account, name: str, **fields: Any) -> Contact:
    data = _normalized_contact_data(fields, region=_region_for(account.country))
    contact = Contact(account=account, name=name.strip(), **data)
    return validated_save(contact)


def _require_manager(by: Any, message: str) -> None:
    if by is None or not sees_all(by):
        raise PermissionDenied(message)


def _author(by: Any) -> Any:
    """Return the login to record (None for the system principal of the command line)."""
    return None if by is None or by is SYSTEM or getattr(by, "pk", None) is None else by


def _chunks(ids: list[int], size: int = 5000) -> Iterable[list[int]]:
    # SQLite caps the parameters of one statement; a whole book can exceed it.
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@transaction.atomic
def account_hand_over(
    *,
    accounts: Iterable[Account] | QuerySet[Account],
    to: Salesperson,
    reason: str,
    on: dt.date | None = None,
    by: Any = None,
) -> int:
    """Give ``accounts`` to salesperson ``to`` from date ``on``, keeping the history (S0.4).

    Closes each account's open ownership period the day before ``on`` and opens a new
    one recording the reason and who did it; returns how many accounts changed hands.
    Activities, open invoices, ratings and the pipeline history stay on the account, so
    they follow it, and the previous owner stops seeing it at once (scoping reads the
    owner). ``by`` is the acting user: only a manager or an administrator hands clients
    over; ``None`` is kept for internal callers that checked already.
    """
    if by is not None:
        _require_manager(by, _("Only a manager can hand clients over."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the accounts change hands.")})
    if not to.is_active:
        raise ValidationError({"to": _("%(name)s is not an active salesperson.") % {"name": to}})
    day = on or timezone.localdate()
    if isinstance(accounts, QuerySet):
        candidates = accounts.exclude(owner=to)
    else:
        candidates = Account.objects.filter(
            pk__in=[a.pk for a in accounts if a.owner_id != to.pk]
        ).exclude(owner=to)
    locked = list(
        Account.objects.select_for_update()
        .filter(pk__in=candidates.values("pk"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not locked:
        return 0
    for part in _chunks(locked):
        open_periods = OwnershipPeriod.objects.filter(account_id__in=part, ended_on__isnull=True)
        # A period closed the day before the hand-over cannot end before it started.
        open_periods.filter(started_on__lt=day).update(ended_on=day - dt.timedelta(days=1))
        open_periods.filter(started_on__gte=day).update(ended_on=day)
        Account.objects.filter(pk__in=part).update(owner=to, updated_at=timezone.now())
    author = _author(by)
    bulk_insert(
        OwnershipPeriod,
        pl.DataFrame(
            {
                "account_id": locked,
                "salesperson_id": [to.pk] * len(locked),
                "started_on": [day] * len(locked),
                "reason": [reason.strip()[:200]] * len(locked),
                "handed_over_by_id": [author.pk if author else None] * len(locked),
            },
            schema_overrides={"handed_over_by_id": pl.Int64},
        ),
    )
    # The owner changed by update(): snapshot the accounts for their history, and log
    # the operation itself (who, when, how many, why).
    for part in _chunks(locked):
        record_rows(model=Account, pks=part, reason=reason.strip())
    record_bulk(
        action="hand_over",
        model=Account,
        count=len(locked),
        user=by,
        detail=f"→ {to.name}: {reason.strip()}",
    )
    data_changed(Topic.ACCOUNTS)
    return len(locked)


HANDOVER_FILTERS: dict[str, str] = {
    "code": "code",
    "city": "city",
    "region": "region",
    "country": "country",
    "segment": "segment",
    "industry": "industry",
    "status": "status",
    "source": "source",
    "kind": "kind",
    "level": "rating__level",
    "abc": "rating__abc",
}
"""Filters a hand-over of a set of accounts accepts (``city=Madrid``), and their lookups."""


def handover_queryset(*, owner: Salesperson | None, filters: dict[str, str]) -> QuerySet[Account]:
    """Return the accounts of ``owner`` (all owners when None) matching ``filters``.

    Each filter is ``name → value``; several values separated by commas match any of
    them; text compares without regard to case (S2.7: as one filters a spreadsheet).
    """
    accounts = Account.objects.all() if owner is None else Account.objects.filter(owner=owner)
    for name, raw in filters.items():
        if name not in HANDOVER_FILTERS:
            raise ValidationError(
                {
                    "filter": _("Unknown filter %(name)s; use one of %(names)s.")
                    % {"name": name, "names": ", ".join(HANDOVER_FILTERS)}
                },
                code="unknown_filter",
            )
        values = [v.strip() for v in str(raw).split(",") if v.strip()]
        if not values:
            raise ValidationError({"filter": _("Filter %(name)s has no value.") % {"name": name}})
        lookup = HANDOVER_FILTERS[name]
        condition = Q()
        for value in values:
            condition |= Q(**{f"{lookup}__iexact": value})
        accounts = accounts.filter(condition)
    return accounts


@transaction.atomic
def account_hand_over_filtered(
    *,
    from_: Salesperson | None,
    to: Salesperson,
    filters: dict[str, str],
    reason: str,
    by: Any,
    on: dt.date | None = None,
) -> int:
    """Hand over the accounts of ``from_`` that match ``filters`` (a city, a level …)."""
    _require_manager(by, _("Only a manager can hand clients over."))
    return account_hand_over(
        accounts=handover_queryset(owner=from_, filters=filters),
        to=to,
        reason=reason,
        on=on,
        by=by,
    )


def _book_by_value(salesperson: Salesperson) -> pl.DataFrame:
    """Return ``account_id``, ``value``: the book of ``salesperson``, largest first."""
    from cartera.common.arrow import read_frame

    sql = (
        "SELECT a.id AS account_id, COALESCE(r.revenue, 0) AS value FROM clients_account a"
        " LEFT JOIN ratings_rating r ON r.account_id = a.id"
        f" WHERE a.owner_id = {int(salesperson.pk)}"
    )
    frame = read_frame(sql, schema={"account_id": pl.Int64, "value": pl.Int64})
    return frame.sort(["value", "account_id"], descending=[True, False])


def split_by_value(book: pl.DataFrame, receivers: int) -> pl.DataFrame:
    """Return ``book`` with ``receiver`` (0-based): its accounts dealt out by value.

    Largest first, in a snake order (0, 1, …, n−1, n−1, …, 0, …) so that every receiver
    gets a similar count and a similar value, and the best clients do not all go to the
    first name.
    """
    position = np.arange(book.height)
    turn, seat = position // receivers, position % receivers
    receiver = np.where(turn % 2 == 0, seat, receivers - 1 - seat)
    return book.with_columns(pl.Series("receiver", receiver, dtype=pl.Int64))


@dataclass(frozen=True, slots=True)
class Departure:
    """What a salesperson's leaving did: who got how many accounts."""

    salesperson: Salesperson
    left_on: dt.date
    handed: dict[str, int]


@transaction.atomic
def salesperson_leave(
    *,
    salesperson: Salesperson,
    to: Sequence[Salesperson],
    reason: str,
    by: Any,
    on: dt.date | None = None,
) -> Departure:
    """Record that ``salesperson`` leaves and hand their whole book over (S0.4).

    Sets ``left_on``, deactivates the salesperson and their login (no access from now
    on), and deals the accounts out to ``to`` by value (see :func:`split_by_value`), so
    that no client is left without an owner when its salesperson goes.
    """
    _require_manager(by, _("Only a manager can record a departure."))
    receivers = list(dict.fromkeys(to))
    if not receivers:
        raise ValidationError({"to": _("Name who takes over the clients.")}, code="no_receiver")
    if any(r.pk == salesperson.pk for r in receivers):
        raise field_error(
            "to",
            _("%(name)s cannot take over their own clients.") % {"name": salesperson},
            code="self",
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the salesperson leaves.")})
    day = on or timezone.localdate()
    book = split_by_value(_book_by_value(salesperson), len(receivers))
    handed: dict[str, int] = {}
    for index, receiver in enumerate(receivers):
        ids = book.filter(pl.col("receiver") == index)["account_id"].to_list()
        handed[receiver.name] = account_hand_over(
            accounts=Account.objects.filter(pk__in=ids) if len(ids) < 5000 else
            Account.objects.filter(owner=salesperson, pk__in=ids),
            to=receiver,
            reason=reason,
            on=day,
            by=by,
        ) if ids else 0  # fmt: skip
    salesperson.left_on = day
    salesperson.is_active = False
    validated_save(salesperson)
    if salesperson.user_id is not None:
        type(salesperson.user).objects.filter(pk=salesperson.user_id).update(is_active=False)
    return Departure(salesperson, day, handed)


@transaction.atomic
def handover_accept(
    *, moves: Sequence[tuple[int, int]], reason: str, by: Any, on: dt.date | None = None
) -> int:
    """Apply the accepted lines of a proposal: ``(account id, salesperson id)`` pairs (S3.12)."""
    _require_manager(by, _("Only a manager can hand clients over."))
    targets: dict[int, list[int]] = {}
    for account_id, salesperson_id in moves:
        targets.setdefault(int(salesperson_id), []).append(int(account_id))
    moved = 0
    for salesperson_id, ids in targets.items():
        receiver = Salesperson.objects.get(pk=salesperson_id)
        for part in _chunks(ids):
            moved += account_hand_over(
                accounts=Account.objects.filter(pk__in=part), to=receiver, reason=reason,
                on=on, by=by,
            )  # fmt: skip
    return moved


CONTACT_FIELDS = ("name", "role", "phone", "email", "is_purchasing")


@transaction.atomic
def contact_update(*, contact: Contact, data: dict[str, Any]) -> Contact:
    """Change a contact person; the phone and e-mail are normalised as on creation."""
    unknown = sorted(set(data) - set(CONTACT_FIELDS))
    if unknown:
        raise ValidationError({f: _("This field cannot be changed.") for f in unknown})
    clean = _normalized_contact_data(data, region=_region_for(contact.account.country))
    for field, value in clean.items():
        setattr(contact, field, value.strip() if isinstance(value, str) else value)
    data_changed(Topic.ACCOUNTS)
    return validated_save(contact)
