"""The qualification checklist as data: stored items ↔ profile conditions (S0.6)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError

from cartera.analytics.profile import Condition
from cartera.analytics.rating import PolicyError

if TYPE_CHECKING:
    from cartera.prospecting.models import QualificationItem

DEFAULT_CHECKLIST: Final[tuple[dict[str, Any], ...]] = (
    {
        "key": "needs_confirmed",
        "label": "Needs confirmed in a conversation",
        "attribute": "needs_confirmed",
        "op": "true",
        "value": None,
    },
    {
        "key": "payment_capacity",
        "label": "Payment capacity: credit rating at least 600",
        "attribute": "credit_rating",
        "op": "gte",
        "value": 600,
    },
    {
        "key": "profile_fit",
        "label": "Fits the ideal client profile (60 or more)",
        "attribute": "fit",
        "op": "gte",
        "value": 60,
    },
)
"""The checklist used until the company stores its own: needs, payment capacity, fit."""


def condition_of(item: QualificationItem) -> Condition:
    """Return ``item`` as a profile condition; raise ValidationError naming the field."""
    try:
        return Condition(
            item.attribute,
            item.op,  # type: ignore[arg-type]
            item.value,
            key=item.key,
            label=item.label,
        )
    except PolicyError as error:
        field = error.path.split(".")[0].split("[")[0] or "op"
        if field not in {"attribute", "op", "value", "key", "label"}:
            field = "value"
        raise ValidationError({field: ValidationError(str(error), code="invalid")}) from None
