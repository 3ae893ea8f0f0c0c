"""Forms of the import page: the upload (step 1) and the column mapping (step 2)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cartera.imports.kinds import KIND_NAMES, LABELS, Kind
from cartera.imports.models import ColumnMapping
from cartera.imports.selectors import mappings

SUFFIXES = (".csv", ".txt", ".xlsx", ".xls", ".ods", ".parquet")
"""What the importer reads (see :func:`cartera.analytics.io.open_table`)."""
MAX_BYTES = 200 * 1024 * 1024
"""The largest upload taken: a million rows of a wide CSV fit well under it."""

# Roles that fill no field of the kind's own model: named here, since no verbose_name
# says what they are.
_ROLE_LABELS = {
    "line": _("line"),
    "product": _("product"),
    "product_name": _("product name"),
    "family": _("product family"),
    "quantity": _("quantity"),
    "unit_price": _("unit price"),
    "discount_pct": _("discount %"),
    "amount": _("amount"),
    "cost": _("cost"),
    "unit_cost": _("unit cost"),
}


def role_label(kind: Kind, role: str) -> str:
    """Return what the field ``role`` of ``kind`` is called on screen (translated)."""
    if role in _ROLE_LABELS and kind.name == "sales":
        return capfirst(str(_ROLE_LABELS[role]))
    field = kind.role(role).field
    if field:
        try:
            return capfirst(str(kind.model._meta.get_field(field).verbose_name))
        except FieldDoesNotExist:
            pass
    return capfirst(str(_ROLE_LABELS.get(role, role.replace("_", " "))))


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(name, capfirst(LABELS[name])) for name in KIND_NAMES],  # type: ignore[arg-type]
        initial="clients",
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX, XLS, ODS or Parquet; up to 200 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )
    mapping = forms.TypedChoiceField(
        label=_("Saved mapping"), coerce=int, required=False, empty_value=None
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        max_length=100,
        required=False,
        help_text=_("Of a spreadsheet: its name or number from 0; the first one if empty."),
    )
    create_missing = forms.BooleanField(
        label=_("Create the products and salespeople the file names and cartera lacks"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved = {m.pk: m for m in mappings()}
        self.fields["mapping"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (m.pk, f"{capfirst(LABELS[m.kind])}: {m.name}")  # type: ignore[arg-type]
            for m in self.saved.values()
            if m.kind in LABELS
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Send a CSV, XLSX, XLS, ODS or Parquet file."))
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen: ColumnMapping | None = self.saved.get(data.get("mapping"))  # type: ignore[arg-type]
        if chosen is not None and chosen.kind != data.get("kind"):
            self.add_error(
                "mapping",
                _("That mapping is for %(kind)s.") % {"kind": LABELS[chosen.kind]},
            )
        data["mapping_name"] = chosen.name if chosen is not None else ""
        return data


class MappingForm(forms.Form):
    """One select per header of the file: which field it fills, if any.

    Fields are named ``column_0``, ``column_1`` … in the file's order, since headers
    may hold any character.
    """

    save_as = forms.CharField(
        label=_("Save this mapping as"),
        max_length=80,
        required=False,
        help_text=_("To read the next file from the same system the same way."),
    )

    def __init__(
        self,
        *args: Any,
        kind: Kind,
        headers: Sequence[str],
        columns: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.headers = list(headers)
        unused = _("custom attribute") if kind.attributes else _("not imported")
        choices = [("", f"— {unused} —")] + [
            (
                role.name,
                f"{role_label(kind, role.name)}{' *' if role.required else ''}",
            )
            for role in kind.roles
        ]
        filled = {header: role for role, header in columns.items()}
        for index, header in enumerate(self.headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=filled.get(header, "")
            )
        # The name box comes after the selects.
        self.order_fields([f"column_{i}" for i in range(len(self.headers))] + ["save_as"])

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{i}"] for i in range(len(self.headers))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        columns: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            role = data.get(f"column_{index}")
            if not role:
                continue
            if role in columns:
                self.add_error(
                    f"column_{index}",
                    _("%(field)s is already filled from the column %(header)s.")
                    % {"field": role_label(self.kind, role), "header": columns[role]},
                )
                continue
            columns[role] = header
        data["columns"] = columns
        return data
