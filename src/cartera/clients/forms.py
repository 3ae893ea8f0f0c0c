"""Forms of the client file: the quick log of a follow-up (S2.2)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cartera.activities.models import ActivityKind, Outcome
from cartera.clients.models import Account, Contact

QUICK_KINDS = (
    ActivityKind.VISIT,
    ActivityKind.CALL,
    ActivityKind.EMAIL,
    ActivityKind.OFFER,
    ActivityKind.SURVEY,
)
"""The follow-ups S2.2 names, offered first; the others stay a choice away."""


class ActivityQuickForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What"),
        choices=[(k.value, k.label) for k in QUICK_KINDS]
        + [(k.value, k.label) for k in ActivityKind if k not in QUICK_KINDS],
        initial=ActivityKind.VISIT,
    )
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    contact = forms.ModelChoiceField(
        label=_("With"), queryset=Contact.objects.none(), required=False, empty_label="—"
    )
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *Outcome.choices], required=False
    )
    next_action_on = forms.DateField(
        label=_("Next action on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    next_action = forms.CharField(label=_("Next action"), max_length=300, required=False)

    def __init__(self, *args: object, account: Account, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["contact"].queryset = account.contacts.order_by(  # type: ignore[attr-defined]
            "-is_purchasing", "name", "id"
        )
