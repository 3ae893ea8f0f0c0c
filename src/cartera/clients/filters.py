"""The client list's filters (S2.7), parsed from the query string."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cartera.clients.models import CLIENT_STATUSES, PROSPECT_STATUSES, Account, Status


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("Clients and prospects")),
            ("clients", _("Clients")),
            ("prospects", _("Prospects")),
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Status.choices]
    )
    city = forms.CharField(label=_("City"), required=False)
    segment = forms.CharField(label=_("Segment"), required=False)
    special = forms.BooleanField(label=_("Special clients"), required=False)

    def apply(self, queryset: QuerySet[Account]) -> QuerySet[Account]:
        """Return ``queryset`` narrowed by every filled-in filter."""
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["q"]:
            term = data["q"].strip()
            queryset = queryset.filter(
                Q(legal_name__icontains=term)
                | Q(trade_name__icontains=term)
                | Q(code__iexact=term)
                | Q(tax_id__iexact=term)
            )
        if data["kind"] == "clients":
            queryset = queryset.filter(status__in=CLIENT_STATUSES)
        elif data["kind"] == "prospects":
            queryset = queryset.filter(status__in=PROSPECT_STATUSES)
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["city"]:
            queryset = queryset.filter(city__iexact=data["city"].strip())
        if data["segment"]:
            queryset = queryset.filter(segment__iexact=data["segment"].strip())
        if data["special"]:
            queryset = queryset.filter(is_special=True)
        return queryset
