"""Writes of the audit trail that the history signals cannot make by themselves.

* :func:`record_bulk` — one :class:`~cartera.audit.models.AuditEvent` per bulk operation
  (the demo load, an import, a rating run, a hand-over of many accounts): who, when,
  what, how many rows. Call it inside the operation's transaction.
* :func:`record_rows` — history rows for rows written by ``QuerySet.update()`` or
  ``bulk_create()`` when each row's old → new must stay visible (a hand-over).
* :func:`history_anonymise_account` — the personal-data erasure's counterpart in the
  history tables: the erased values must not survive there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from cartera.audit.context import current_user, login_of
from cartera.audit.models import AuditEvent


def _history_request_user() -> Any:
    from simple_history.models import HistoricalRecords

    return current_user(getattr(HistoricalRecords.context, "request", None))


@transaction.atomic
def record_bulk(
    *,
    action: str,
    model: type[models.Model] | str,
    count: int,
    user: Any = None,
    account: Any = None,
    detail: str = "",
) -> AuditEvent:
    """Record one bulk operation on ``count`` rows of ``model``.

    ``user`` defaults to whoever is acting (the request's user, or the CLI's ``--as``);
    the system principal is recorded as no user. ``account`` names the one account the
    operation concerns, if any, so that it shows on that client's file.
    """
    label = model if isinstance(model, str) else model._meta.label_lower
    event = AuditEvent(
        user=login_of(user) if user is not None else _history_request_user(),
        action=action[:60],
        model=label[:100],
        count=max(int(count), 0),
        account=account,
        detail=detail[:300],
    )
    event.full_clean()
    event.save()
    return event


def record_rows(
    *,
    model: type[models.Model],
    pks: Iterable[int],
    created: bool = False,
    reason: str = "",
) -> int:
    """Write a history row for each of ``pks`` as it is now; return how many.

    For rows a service wrote with ``QuerySet.update()`` (``created=False``) or
    ``bulk_create()`` (``created=True``), which send no signal. The history row's
    author is whoever is acting, as for a single save.
    """
    history = getattr(model, "history", None)
    if history is None:
        raise TypeError(f"{model._meta.label} has no audit history.")
    rows = list(model._default_manager.filter(pk__in=list(pks)))
    if not rows:
        return 0
    history.bulk_history_create(
        rows,
        update=not created,
        default_user=_history_request_user(),
        default_change_reason=reason[:100],
    )
    return len(rows)


ERASED_ACCOUNT_FIELDS = (
    "trade_name",
    "tax_id",
    "phone",
    "email",
    "website",
    "postal_code",
    "special_benefits",
)


def history_anonymise_account(*, account_id: int, legal_name: str) -> int:
    """Overwrite the personal fields of every history row of an account; return the rows.

    Called by :func:`cartera.privacy.services.personal_data_erase` with the same
    replacement name, so the history shows an anonymised client throughout.
    """
    from cartera.clients.models import Account

    blank: dict[str, Any] = dict.fromkeys(ERASED_ACCOUNT_FIELDS, "")
    return Account.history.filter(id=account_id).update(  # type: ignore[attr-defined]
        legal_name=legal_name, attributes={}, history_change_reason=None, **blank
    )
