"""The client list's rating filter (S2.4, S4.5): clients at the chosen levels.

Registered from :meth:`cartera.ratings.apps.RatingsConfig.ready`, so the list, its
CSV/XLSX export and the saved views get it through :mod:`cartera.clients.filters`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cartera.analytics.rating import default_policy
from cartera.clients.filters import ListFilter
from cartera.ratings.selectors import active_policy_version

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.clients.models import Account
    from cartera.users.models import User


def level_labels() -> tuple[str, ...]:
    """Return the levels of the rating in use, best first (the default policy's until
    the company activates its own)."""
    version = active_policy_version()
    policy = version.policy() if version is not None else default_policy()
    return policy.scale.labels


def _rating_field(user: User | AnonymousUser) -> forms.Field:
    # "Level D" rather than a bare "D": a label is policy data (letters, stars, marks),
    # and the words around it tell the reader which scale the boxes are on.
    return forms.MultipleChoiceField(
        label=gettext_lazy("Rating"),
        required=False,
        choices=[(label, _("Level %(level)s") % {"level": label}) for label in level_labels()],
        widget=forms.CheckboxSelectMultiple,
    )


def clients_rated(queryset: QuerySet[Account], levels: list[str]) -> QuerySet[Account]:
    """Return the accounts of ``queryset`` whose stored rating is at one of ``levels``.

    The condition on the rank lets the database read the ``(level_rank, account)``
    index of the ratings; the one on the label keeps out a rating a former policy gave
    on another scale at the same rank.
    """
    labels = level_labels()
    ranks = [labels.index(level) + 1 for level in levels if level in labels]
    return queryset.filter(rating__level_rank__in=ranks, rating__level__in=levels)


RATING_FILTER = ListFilter("rating", _rating_field, clients_rated, group="analytics")
