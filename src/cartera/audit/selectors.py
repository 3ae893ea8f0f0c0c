"""Reads of the audit trail: an account's history for its file, and the export.

Each history row is compared with the previous row of the same object, so an entry
says which fields changed and from what to what. Foreign keys to salespeople and
users show their names; choices their labels; money as amounts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _

from cartera.audit.models import AUDITED, AuditEvent
from cartera.common.scoping import visible_to

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.clients.models import Account
    from cartera.users.models import User

SYSTEM_NAME = "system"
# Bookkeeping columns every save changes: noise in a list of what changed.
_UNTRACKED = {"created_at", "updated_at"}
_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change: who, when, to what, and each field's old → new value."""

    at: dt.datetime
    who: str
    model: str
    """``clients.account``, ``sales.sale`` …, or ``audit.event`` for a bulk operation."""
    model_label: str
    object_id: int | None
    object_label: str
    account_id: int | None
    action: str
    """``created``, ``changed``, ``deleted`` or the bulk operation's name."""
    changes: tuple[FieldChange, ...]
    reason: str


def _account_path(model: type[models.Model]) -> str:
    return "id" if model._meta.model_name == "account" else "account_id"


def _tracked(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in _UNTRACKED and f.name != model._meta.pk.name
    ]


class _Names:
    """Names of the salespeople and users that history rows point at, read once."""

    def __init__(self) -> None:
        from cartera.team.models import Salesperson
        from cartera.users.models import User

        self.salespeople = dict(Salesperson.objects.values_list("pk", "name"))
        self.users = dict(User.objects.values_list("pk", "username"))

    def who(self, user_id: int | None) -> str:
        return str(self.users.get(user_id, SYSTEM_NAME)) if user_id else SYSTEM_NAME

    def show(self, field: models.Field[Any, Any], value: Any) -> str:
        if value is None:
            return ""
        target = getattr(field, "related_model", None)
        if target is not None:
            label = target._meta.label_lower
            if label == "team.salesperson":
                return str(self.salespeople.get(value, value))
            if label == "users.user":
                return str(self.users.get(value, value))
            return str(value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if isinstance(value, Decimal):
            return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
        return str(value)


def _object_label(model: type[models.Model], row: Any) -> str:
    for name in ("number", "reference", "code"):
        if hasattr(row, name):
            return str(getattr(row, name))
    return f"#{getattr(row, model._meta.pk.attname)}"


def _entries_of(
    model: type[models.Model], history: models.QuerySet[Any], names: _Names
) -> Iterator[HistoryEntry]:
    fields = _tracked(model)
    previous: dict[Any, Any] = {}
    pk = model._meta.pk.attname
    for row in history.order_by(pk, "history_date", "history_id").iterator(chunk_size=2000):
        key = getattr(row, pk)
        before = previous.get(key)
        changes: list[FieldChange] = []
        for field in fields:
            new = getattr(row, field.attname)
            old = getattr(before, field.attname) if before is not None else None
            if row.history_type == "-" or (before is not None and old == new):
                continue
            if before is None and new in (None, "", {}, []):
                continue
            changes.append(
                FieldChange(
                    field.name,
                    str(field.verbose_name),
                    names.show(field, old),
                    names.show(field, new),
                )
            )
        previous[key] = row
        who = (
            names.users.get(row.history_user_id, SYSTEM_NAME)
            if row.history_user_id
            else SYSTEM_NAME
        )
        yield HistoryEntry(
            at=row.history_date,
            who=str(who),
            model=model._meta.label_lower,
            model_label=str(model._meta.verbose_name),
            object_id=key,
            object_label=_object_label(model, row),
            account_id=getattr(row, _account_path(model)),
            action=_ACTIONS.get(row.history_type, row.history_type),
            changes=tuple(changes),
            reason=row.history_change_reason or "",
        )


def _events(events: models.QuerySet[AuditEvent], names: _Names) -> Iterator[HistoryEntry]:
    for event in events.order_by("at", "id").iterator(chunk_size=2000):
        yield HistoryEntry(
            at=event.at,
            who=names.who(event.user_id),
            model="audit.event",
            model_label=event.model,
            object_id=None,
            object_label=_("%(count)s rows") % {"count": event.count},
            account_id=event.account_id,
            action=event.action,
            changes=(),
            reason=event.detail,
        )


def _ratings(changes: models.QuerySet[Any], names: _Names) -> Iterator[HistoryEntry]:
    # Ratings are rewritten in bulk by a rating run; their own change log is the history.
    from cartera.ratings.models import RatingChange

    for change in changes.order_by("date", "id").iterator(chunk_size=2000):
        yield HistoryEntry(
            at=change.run.computed_at,
            who=names.who(change.run.run_by_id),
            model="ratings.rating",
            model_label=str(RatingChange._meta.verbose_name),
            object_id=change.account_id,
            object_label=str(change.date),
            account_id=change.account_id,
            action=change.change,
            changes=(
                FieldChange("level", _("level"), change.old_level, change.new_level),
                FieldChange(
                    "score",
                    _("score"),
                    "" if change.old_score is None else str(change.old_score),
                    "" if change.new_score is None else str(change.new_score),
                ),
            ),
            reason="",
        )


def audit_entries(
    *, user: User | AnonymousUser, account: Account | None = None
) -> list[HistoryEntry]:
    """Return every audited change ``user`` may see (of one account if given), newest first."""
    names = _Names()
    entries: list[HistoryEntry] = []
    for model in AUDITED:
        history = visible_to(model.history.all(), user)  # type: ignore[attr-defined]
        if account is not None:
            history = history.filter(**{_account_path(model): account.pk})
        entries.extend(_entries_of(model, history, names))
    events = visible_to(AuditEvent.objects.all(), user)
    if account is not None:
        events = events.filter(account_id=account.pk)
    entries.extend(_events(events, names))
    from cartera.ratings.models import RatingChange

    ratings = visible_to(RatingChange.objects.select_related("run"), user)
    if account is not None:
        ratings = ratings.filter(account_id=account.pk)
    entries.extend(_ratings(ratings, names))
    entries.sort(key=lambda e: (e.at, e.model, e.object_id or 0), reverse=True)
    return entries


def account_history(account: Account, user: User | AnonymousUser) -> list[HistoryEntry]:
    """Return the audited changes of ``account`` for its file, newest first.

    Empty when ``user`` may not see the account.
    """
    from cartera.clients.models import Account as AccountModel

    if not visible_to(AccountModel.objects.filter(pk=account.pk), user).exists():
        return []
    return audit_entries(user=user, account=account)


EXPORT_COLUMNS = (
    "at", "who", "model", "object_id", "object", "account_id", "action",
    "field", "old", "new", "reason",
)  # fmt: skip


def export_rows(entries: list[HistoryEntry]) -> Iterator[dict[str, Any]]:
    """Yield the entries one field change per row (an entry without changes: one row)."""
    for entry in entries:
        base = {
            "at": entry.at.isoformat(),
            "who": entry.who,
            "model": entry.model,
            "object_id": entry.object_id,
            "object": entry.object_label,
            "account_id": entry.account_id,
            "action": entry.action,
            "reason": entry.reason,
        }
        if not entry.changes:
            yield base | {"field": "", "old": "", "new": ""}
        for change in entry.changes:
            yield base | {"field": change.field, "old": change.old, "new": change.new}
