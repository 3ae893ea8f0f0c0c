"""Admin for the rating set-up: policies edited as JSON and saved as new versions.

A policy version is immutable: "saving" an existing one stores the edited JSON as the
next version of the same name (through ``rating_policy_publish``), so every stored
rating keeps pointing at the rules that made it. The JSON is validated by the library
and an error names the field (``criteria[2].rule.full: must differ from start``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cartera.common.admin_base import ScopedModelAdmin
from cartera.ratings.definitions import policy_from_definition, profile_from_definition
from cartera.ratings.models import (
    ContactFrequency,
    IdealProfile,
    Rating,
    RatingChange,
    RatingPolicyVersion,
    RatingRun,
)
from cartera.ratings.selectors import rating_texts
from cartera.ratings.services import (
    contact_frequencies_set,
    profile_save,
    rating_policy_publish,
)


class PolicyForm(forms.ModelForm):
    definition = forms.JSONField(
        label=_("definition"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        help_text=_("Criteria with weights and scoring rules, and the scale (docs/rating.md)."),
    )

    class Meta:
        model = RatingPolicyVersion
        fields = ["name", "definition", "is_active", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        definition = data.get("definition")
        if isinstance(definition, dict):
            definition = {**definition, "name": data.get("name") or definition.get("name", "")}
            try:
                policy_from_definition(definition)
            except ValidationError as error:
                self.add_error("definition", error.message_dict["definition"])
        return data

    def _post_clean(self) -> None:
        # Versions are written by the service, which numbers them; skip the model check
        # of the version field the form does not carry.
        pass


@admin.register(RatingPolicyVersion)
class RatingPolicyAdmin(ScopedModelAdmin):
    form = PolicyForm
    list_display = ["name", "version", "is_active", "note", "created_at", "created_by"]
    list_filter = ["name", "is_active"]
    readonly_fields = ["version", "created_at", "created_by"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # ratings and history point at their version

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = rating_policy_publish(
            name=form.cleaned_data["name"],
            definition=form.cleaned_data["definition"],
            by=request.user,
            note=form.cleaned_data.get("note") or "",
            activate=form.cleaned_data.get("is_active", True),
        )
        obj.pk, obj.name, obj.version = saved.pk, saved.name, saved.version
        if change:
            messages.info(request, _("Saved as version %(v)s.") % {"v": saved.version})


class ProfileForm(forms.ModelForm):
    definition = forms.JSONField(
        label=_("definition"),
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
    )

    class Meta:
        model = IdealProfile
        fields = ["definition", "is_active"]

    def clean_definition(self) -> Any:
        definition = self.cleaned_data["definition"]
        try:
            profile_from_definition(definition)
        except ValidationError as error:
            raise ValidationError(error.message_dict["definition"]) from None
        return definition

    def _post_clean(self) -> None:
        pass


@admin.register(IdealProfile)
class IdealProfileAdmin(ScopedModelAdmin):
    form = ProfileForm
    list_display = ["name", "client_type", "is_active", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = profile_save(
            definition=form.cleaned_data["definition"],
            by=request.user,
            is_active=form.cleaned_data.get("is_active", True),
        )
        obj.pk, obj.name = saved.pk, saved.name


@admin.register(ContactFrequency)
class ContactFrequencyAdmin(ScopedModelAdmin):
    list_display = ["level", "days"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        contact_frequencies_set(frequencies={obj.level: obj.days}, by=request.user)
        obj.pk = ContactFrequency.objects.get(level=obj.level).pk


class ReadOnly(ScopedModelAdmin):
    """Derived rows: written by a rating run only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnly):
    list_display = ["account", "level", "score", "abc", "revenue", "as_of", "explained"]
    list_filter = ["level", "abc"]
    search_fields = ["account__code", "account__legal_name"]
    list_select_related = ["account"]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _RatingChangeList

    @admin.display(description=_("explanation"))
    def explained(self, obj: Rating) -> str:
        # Written for the whole page by the change list; one rating shown alone is
        # written by itself.
        text = getattr(obj, "text", None)
        return text if text is not None else rating_texts([obj])[obj.account_id]


class _RatingChangeList(ChangeList):
    """The change list of ratings: the short texts of a page are written in one pass."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        page = list(self.result_list)  # evaluated once; the rows shown are these objects
        texts = rating_texts(page)
        for rating in page:
            rating.text = texts.get(rating.account_id, "")


@admin.register(RatingChange)
class RatingChangeAdmin(ReadOnly):
    list_display = ["date", "account", "old_level", "new_level", "change", "old_score",
                    "new_score", "policy"]  # fmt: skip
    list_filter = ["change", "old_level", "new_level"]
    date_hierarchy = "date"
    search_fields = ["account__code"]
    list_select_related = ["account", "policy"]


@admin.register(RatingRun)
class RatingRunAdmin(ReadOnly):
    list_display = ["computed_at", "policy", "as_of", "clients", "changes", "seconds", "run_by"]
