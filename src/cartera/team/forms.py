"""The hand-over wizard's form: which clients, to whom, why, and whether the salesperson leaves."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cartera.team.models import Salesperson

FILTERS = ("city", "segment", "abc")
"""The filters the wizard offers, named as :data:`cartera.clients.services.HANDOVER_FILTERS`."""


class HandOverForm(forms.Form):
    receivers = forms.ModelMultipleChoiceField(
        label=_("Who takes the clients over"),
        queryset=Salesperson.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Name who takes over the clients.")},
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    segment = forms.CharField(label=_("Segment"), max_length=80, required=False)
    abc = forms.ChoiceField(
        label=_("ABC class"),
        required=False,
        choices=[("", "—"), ("A", "A"), ("B", "B"), ("C", "C")],
    )
    leaving = forms.BooleanField(label=_("The salesperson leaves the company"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    on = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )

    def __init__(self, *args: Any, salesperson: Salesperson, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.salesperson = salesperson
        self.fields["receivers"].queryset = Salesperson.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).exclude(pk=salesperson.pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("leaving") and self.filters():
            raise forms.ValidationError(
                _("A departure hands the whole book over: clear the filters."), code="filtered"
            )
        return data

    def filters(self) -> dict[str, str]:
        """Return the filters given, as ``clients.services.handover_queryset`` reads them."""
        data = getattr(self, "cleaned_data", {})
        return {name: str(data[name]).strip() for name in FILTERS if data.get(name)}
