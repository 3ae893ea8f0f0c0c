"""Who is acting, for the history rows: the web or API request's user, or the CLI's.

django-simple-history finds the user of a web request through its middleware. A
command has no request, so the CLI states its acting login with :func:`act_as`; the
system principal (``cartera.common.scoping.SYSTEM``, no primary key) is recorded as
no user, which the audit shows as "system".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cartera.users.models import User

_acting: ContextVar[Any] = ContextVar("cartera_acting_user", default=None)


def act_as(user: Any) -> None:
    """Record ``user`` as the author of the changes made from now on in this context."""
    _acting.set(user)


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Record ``user`` as the author of the changes made inside the block."""
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


def login_of(user: Any) -> User | None:
    """Return ``user`` if it is a stored login, else ``None`` (system, anonymous)."""
    # SYSTEM and anonymous users have no row to point at.
    if user is None or getattr(user, "pk", None) is None or not user.is_authenticated:
        return None
    return user  # type: ignore[no-any-return]


def current_user(request: Any = None) -> User | None:
    """Return the login to record: the request's user, else the acting user of the CLI."""
    # A request's user wins: a command's --as, set for the whole process, must never
    # sign the changes of a web or API request served by the same process.
    from_request = login_of(getattr(request, "user", None))
    if from_request is not None:
        return from_request
    return login_of(_acting.get())


def history_user(instance: Any = None, request: Any = None, **kwargs: Any) -> User | None:
    """Return the author of a history row (django-simple-history's ``get_user`` hook)."""
    if request is None:
        from simple_history.models import HistoricalRecords

        request = getattr(HistoricalRecords.context, "request", None)
    return current_user(request)
