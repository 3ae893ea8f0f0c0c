"""Who may see what: the one place where the role rule is written.

An administrator and a manager see every portfolio; a salesperson sees the accounts
they own and everything hanging from them (contacts, sales, payments, activities,
ownership history), and their own goals. The product catalogue and the campaigns are
shared reading for everyone logged in. Views, the API, the admin and the CLI all scope
their querysets with :func:`visible_to`, so a guessed id of another salesperson's
account is simply not found.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from cartera.users.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.team.models import Salesperson
    from cartera.users.models import User

M = TypeVar("M", bound=models.Model)

# Path from each model to the salesperson who owns the row; "" = the salesperson itself;
# None = shared with everyone logged in.
OWNER_PATH: dict[str, str | None] = {
    "clients.account": "owner",
    "clients.contact": "account__owner",
    "clients.ownershipperiod": "account__owner",
    "sales.sale": "account__owner",
    "sales.saleline": "sale__account__owner",
    "receivables.payment": "account__owner",
    "activities.activity": "account__owner",
    "goals.goal": "salesperson",
    "receivables.provisionoverride": "account__owner",
    "receivables.creditevent": "account__owner",
    "receivables.provisionpolicy": None,
    "team.salesperson": "",
    "catalog.product": None,
    "prospecting.campaign": None,
    "prospecting.stagechange": "account__owner",
    "prospecting.qualificationitem": None,
    "ratings.ratingpolicyversion": None,
    "ratings.idealprofile": None,
    "ratings.contactfrequency": None,
    "ratings.ratingrun": None,
    "ratings.rating": "account__owner",
    "ratings.ratingchange": "account__owner",
    "ratings.accountfit": "account__owner",
    "imports.columnmapping": None,
    "metrics.clientmetrics": "account__owner",
    "metrics.metricsrun": None,
    "web.savedview": "user__salesperson",
    "api.apitoken": "user__salesperson",
    # The audit trail follows the account: its current owner sees its whole history.
    "audit.auditevent": "account__owner",
    "audit.historicalaccount": "owner",
    "audit.historicalownershipperiod": "account__owner",
    "audit.historicalsale": "account__owner",
    "audit.historicalpayment": "account__owner",
    "audit.historicalprovisionoverride": "account__owner",
}


class _System:
    """The command line acting for the company: sees and changes everything.

    Commands run by whoever operates the server (``cartera receivables aging``, a
    scheduler's ``cartera rate``) act as this principal unless ``--as USER`` names a
    login, in which case that login's role applies.
    """

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    role = Role.ADMIN
    username = "system"

    def __str__(self) -> str:
        return "system"


SYSTEM = _System()


def sees_all(user: User | AnonymousUser) -> bool:
    """Return whether ``user`` sees every portfolio (administrators and managers)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.role in {Role.ADMIN, Role.MANAGER})


def is_admin(user: User | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.ADMIN)
    )


def salesperson_of(user: User | AnonymousUser) -> Salesperson | None:
    """Return the salesperson record linked to ``user``, if any."""
    if not user.is_authenticated:
        return None
    from cartera.team.models import Salesperson

    return Salesperson.objects.filter(user_id=user.pk).first()


def owner_path(model: type[models.Model]) -> str | None:
    label = model._meta.label_lower
    try:
        return OWNER_PATH[label]
    except KeyError as exc:
        raise ImproperlyConfigured(f"No scoping rule for {label}; add it to OWNER_PATH.") from exc


def visible_to(queryset: models.QuerySet[M], user: User | AnonymousUser) -> models.QuerySet[M]:
    """Return the part of ``queryset`` that ``user`` may see."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if sees_all(user):
        return queryset
    path = owner_path(queryset.model)
    if path is None:
        return queryset
    if user.role != Role.SALESPERSON:
        return queryset.none()
    if path == "":
        return queryset.filter(user_id=user.pk)
    return queryset.filter(**{f"{path}__user_id": user.pk})


def can_change(user: User | AnonymousUser, obj: models.Model) -> bool:
    """Return whether ``user`` may change ``obj``: shared rows are for managers only."""
    if sees_all(user):
        return True
    if owner_path(type(obj)) is None:
        return False
    return visible_to(type(obj)._default_manager.filter(pk=obj.pk), user).exists()
