"""The date (and horizon) the receivables pages are read at, from the query string."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_MONTHS_AHEAD = 12


class AsOfForm(forms.Form):
    """``?as_of=YYYY-MM-DD``; today when absent or not a date."""

    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def day(self) -> dt.date:
        """Return the date asked for, or today (the form then carries the error)."""
        self.is_valid()  # a field in error is left out of cleaned_data
        return self.cleaned_data.get("as_of") or timezone.localdate()


class CashflowForm(AsOfForm):
    """The date and how many months of expected collections to show."""

    months = forms.IntegerField(
        label=_("Months ahead"),
        required=False,
        min_value=1,
        max_value=MAX_MONTHS_AHEAD,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_MONTHS_AHEAD}),
    )

    def months_ahead(self) -> int:
        """Return the months asked for, or three."""
        self.is_valid()
        return self.cleaned_data.get("months") or 3
