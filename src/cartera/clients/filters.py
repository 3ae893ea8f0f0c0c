"""The client list's filters (S2.7): one registry, so later apps add theirs without editing here.

Each :class:`ListFilter` owns a form field and the narrowing of the accounts queryset.
The page, its CSV/XLSX export and the saved views all go through
:class:`AccountFilterForm`, so an export holds exactly the rows the list shows.

Second round: the rating (S2.4, S4.5) and overdue (S1.8) filters belong to the apps
that compute them; each registers itself from its ``AppConfig.ready()``::

    from cartera.clients.filters import ListFilter, register_filter
    register_filter(ListFilter("rating", rating_field, apply_rating, group="analytics"))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cartera.clients.models import CLIENT_STATUSES, PROSPECT_STATUSES, Account, Contact, Status
from cartera.common.scoping import sees_all, visible_to
from cartera.metrics.models import AbcClass, RfmSegment
from cartera.sales.models import Sale
from cartera.team.models import Salesperson

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

Narrow = Callable[[QuerySet[Account], Any], QuerySet[Account]]
FieldFor = Callable[["User | AnonymousUser"], forms.Field | None]


@dataclass(frozen=True, slots=True)
class ListFilter:
    """One filter of the client list: its query-string name, form field and narrowing.

    ``field`` is built per user (a salesperson gets no salesperson filter; ``None``
    leaves the filter out); ``apply`` runs only with a non-empty cleaned value.
    """

    name: str
    field: FieldFor
    apply: Narrow
    group: str = "main"
    """``main`` (always shown), ``more`` (folded away on a phone) or ``analytics``."""


_REGISTRY: dict[str, ListFilter] = {}


def register_filter(list_filter: ListFilter) -> None:
    """Add ``list_filter`` to the client list (replacing one of the same name)."""
    _REGISTRY[list_filter.name] = list_filter


def registered_filters() -> tuple[ListFilter, ...]:
    return tuple(_REGISTRY.values())


def _text(label: Any, *, suggestions: str = "") -> FieldFor:
    def build(user: User | AnonymousUser) -> forms.Field:
        attrs = {"list": f"{suggestions}-options"} if suggestions else {}
        return forms.CharField(
            label=label, required=False, max_length=200, widget=forms.TextInput(attrs=attrs)
        )

    return build


def _choice(label: Any, choices: list[tuple[str, Any]]) -> FieldFor:
    def build(user: User | AnonymousUser) -> forms.Field:
        return forms.ChoiceField(label=label, required=False, choices=[("", _("All")), *choices])

    return build


def _date(label: Any) -> FieldFor:
    def build(user: User | AnonymousUser) -> forms.Field:
        return forms.DateField(
            label=label,
            required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )

    return build


def _flag(label: Any) -> FieldFor:
    def build(user: User | AnonymousUser) -> forms.Field:
        return forms.BooleanField(label=label, required=False)

    return build


def _owner_field(user: User | AnonymousUser) -> forms.Field | None:
    if not sees_all(user):
        return None  # a salesperson's list holds their own clients only
    return forms.ModelChoiceField(
        label=_("Salesperson"),
        required=False,
        queryset=visible_to(Salesperson.objects.order_by("name"), user),
        empty_label=_("All"),
    )


def _abc_field(user: User | AnonymousUser) -> forms.Field:
    return forms.MultipleChoiceField(
        label=_("ABC class"),
        required=False,
        choices=AbcClass.choices,
        widget=forms.CheckboxSelectMultiple,
    )


def _rfm_field(user: User | AnonymousUser) -> forms.Field:
    return forms.MultipleChoiceField(
        label=_("RFM segment"),
        required=False,
        choices=RfmSegment.choices,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )


def _search(queryset: QuerySet[Account], term: str) -> QuerySet[Account]:
    term = term.strip()
    return queryset.filter(
        Q(legal_name__icontains=term)
        | Q(trade_name__icontains=term)
        | Q(code__iexact=term)
        | Q(tax_id__iexact=term)
    )


def _kind(queryset: QuerySet[Account], kind: str) -> QuerySet[Account]:
    statuses = CLIENT_STATUSES if kind == "clients" else PROSPECT_STATUSES
    return queryset.filter(status__in=statuses)


def _bought(queryset: QuerySet[Account], lines: Q) -> QuerySet[Account]:
    # IN (accounts of matching sales) lets the database build the set once, with the
    # product and (sale, account) indexes, instead of probing sales for every account.
    return queryset.filter(pk__in=Sale.objects.filter(lines).values("account_id"))


def _contact(queryset: QuerySet[Account], name: str) -> QuerySet[Account]:
    people = Contact.objects.filter(name__icontains=name.strip()).values("account_id")
    return queryset.filter(pk__in=people)


def _before(queryset: QuerySet[Account], day: dt.date) -> QuerySet[Account]:
    return queryset.filter(metrics__last_purchase__lt=day)


def _after(queryset: QuerySet[Account], day: dt.date) -> QuerySet[Account]:
    return queryset.filter(metrics__last_purchase__gte=day)


for _filter in (
    ListFilter("q", _text(_("Search")), _search),
    ListFilter(
        "kind",
        _choice(_("Show"), [("clients", _("Clients")), ("prospects", _("Prospects"))]),
        _kind,
    ),
    ListFilter("status", _choice(_("Status"), Status.choices), lambda q, v: q.filter(status=v)),
    ListFilter("city", _text(_("City"), suggestions="city"), lambda q, v: q.filter(city=v.strip())),
    ListFilter(
        "region",
        _text(_("Region"), suggestions="region"),
        lambda q, v: q.filter(region=v.strip()),
        group="more",
    ),
    ListFilter(
        "segment",
        _text(_("Segment"), suggestions="segment"),
        lambda q, v: q.filter(segment=v.strip()),
    ),
    ListFilter("owner", _owner_field, lambda q, v: q.filter(owner=v)),
    ListFilter("abc", _abc_field, lambda q, v: q.filter(metrics__abc_class__in=v), "analytics"),
    ListFilter(
        "rfm", _rfm_field, lambda q, v: q.filter(metrics__rfm_segment__in=v), group="analytics"
    ),
    ListFilter("last_from", _date(_("Last purchase on or after")), _after, group="analytics"),
    ListFilter("last_before", _date(_("Last purchase before")), _before, group="analytics"),
    ListFilter(
        "product",
        _text(_("Product bought (SKU)"), suggestions="product"),
        lambda q, v: _bought(q, Q(lines__product__sku=v.strip())),
        group="more",
    ),
    ListFilter(
        "family",
        _text(_("Product family bought"), suggestions="family"),
        lambda q, v: _bought(q, Q(lines__product__family=v.strip())),
        group="more",
    ),
    ListFilter("contact", _text(_("Contact name")), _contact, group="more"),
    ListFilter(
        "special", _flag(_("Special clients")), lambda q, v: q.filter(is_special=True), "more"
    ),
):
    register_filter(_filter)


class AccountFilterForm(forms.Form):
    """The registered filters as a form bound to the query string."""

    def __init__(self, data: Any = None, *, user: User | AnonymousUser) -> None:
        super().__init__(data, label_suffix="")
        self.groups: dict[str, list[str]] = {}
        for list_filter in registered_filters():
            field = list_filter.field(user)
            if field is not None:
                self.fields[list_filter.name] = field
                self.groups.setdefault(list_filter.group, []).append(list_filter.name)

    @property
    def grouped(self) -> dict[str, list[forms.BoundField]]:
        """Return the bound fields by layout group (``main``, ``more``, ``analytics``)."""
        return {group: [self[name] for name in names] for group, names in self.groups.items()}

    def apply(self, queryset: QuerySet[Account]) -> QuerySet[Account]:
        """Return ``queryset`` narrowed by every filled-in filter (nothing if invalid)."""
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        for list_filter in registered_filters():
            value = self.cleaned_data.get(list_filter.name)
            if value not in (None, "", [], False):
                queryset = list_filter.apply(queryset, value)
        return queryset

    def active(self) -> list[tuple[str, str]]:
        """Return (label, value) of the filters in use, for the page's summary line."""
        if not self.is_bound or not self.is_valid():
            return []
        shown: list[tuple[str, str]] = []
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", [], False):
                continue
            if isinstance(field, forms.BooleanField):
                text = "✓"
            elif isinstance(field, forms.MultipleChoiceField):
                text = ", ".join(str(dict(field.choices).get(v, v)) for v in value)
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                text = str(dict(field.choices).get(value, value))
            else:
                text = str(value)
            shown.append((str(field.label), text))
        return shown
