"""Writes of the web app: saving and deleting a user's list views."""

from __future__ import annotations

from django.db import transaction

from cartera.users.models import User
from cartera.web.models import SavedView


@transaction.atomic
def saved_view_save(*, user: User, page: str, name: str, query: str) -> SavedView:
    """Save the filters ``query`` of ``page`` as ``name``, replacing a view of that name."""
    view = SavedView.objects.filter(user=user, page=page, name=name.strip()).first()
    if view is None:
        view = SavedView(user=user, page=page, name=name.strip())
    view.query = query.lstrip("?")
    view.full_clean()
    view.save()
    return view


@transaction.atomic
def saved_view_delete(*, user: User, pk: int) -> bool:
    """Delete the user's saved view ``pk``; return whether there was one (never another's)."""
    deleted, _ = SavedView.objects.filter(user=user, pk=pk).delete()
    return bool(deleted)
