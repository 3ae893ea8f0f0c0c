"""Stored JSON definitions ↔ the library's policies and profiles, with located errors.

The library raises :class:`cartera.analytics.rating.PolicyError` whose ``path`` names the
field (``criteria[2].rule.full``); here it becomes a Django ``ValidationError`` on the
``definition`` field that starts with that path, so the admin and the CLI show it
beside the JSON it concerns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cartera.analytics.contact_plan import DEFAULT_FREQUENCIES
from cartera.analytics.profile import Profile
from cartera.analytics.rating import PolicyError, RatingPolicy

DEFAULT_POLICY_NAME: Final = "default"

FREQUENCY_DEFAULTS: Final[Mapping[str, int]] = DEFAULT_FREQUENCIES
"""Target days between contacts per level until the company sets its own: A 14 … D 180."""


def definition_error(error: PolicyError, *, field: str = "definition") -> ValidationError:
    """Return ``error`` as a validation error on ``field``, its path first."""
    where = error.path or _("(whole document)")
    return ValidationError(
        {field: ValidationError("%(path)s: %(reason)s", code="invalid",
                                params={"path": where, "reason": error.reason})}
    )  # fmt: skip


def policy_from_definition(definition: Any) -> RatingPolicy:
    """Return the rating policy stored as ``definition``; raise ValidationError if invalid."""
    try:
        return RatingPolicy.from_dict(definition)
    except PolicyError as error:
        raise definition_error(error) from None


def profile_from_definition(definition: Any) -> Profile:
    """Return the profile stored as ``definition``; raise ValidationError if invalid."""
    try:
        return Profile.from_dict(definition)
    except PolicyError as error:
        raise definition_error(error) from None
