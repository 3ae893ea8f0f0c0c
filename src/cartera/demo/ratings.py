"""The demo's rating set-up: the default policy, an ideal client profile, the contact
plan and the qualification checklist, stored as a company would (S4.1, S4.5, S2.2, S0.6)."""

from __future__ import annotations

from typing import Final

from cartera.analytics.profile import Condition, Profile
from cartera.analytics.rating import default_policy
from cartera.common.scoping import SYSTEM
from cartera.prospecting.checklist import DEFAULT_CHECKLIST
from cartera.prospecting.services import qualification_checklist_set
from cartera.ratings.definitions import FREQUENCY_DEFAULTS
from cartera.ratings.services import (
    contact_frequencies_set,
    profile_save,
    rating_policy_publish,
)

DEMO_PROFILE: Final = Profile(
    name="Hostelería con volumen",
    description="Bars, restaurants, hotels and supermarkets big enough to order every month.",
    competition_note=(
        "Two regional bottlers compete for hostelería on price; supermarkets buy "
        "from national brands under yearly contracts."
    ),
    conditions=(
        Condition(
            "industry", "in", ("Hostelería", "Turismo", "Gran consumo"), weight=3,
            label="Hostelería, turismo o gran consumo",
        ),
        Condition("employees", "gte", 10, weight=2, label="10 empleados o más"),
        Condition("terraza", "true", weight=1, group="fit", label="Con terraza (verano)"),
        Condition(
            "payment_terms_days", "lte", 30, weight=1, group="fit",
            label="Paga a 30 días o menos",
        ),
    ),
)  # fmt: skip


def store_rating_setup() -> None:
    """Store the policy, the profile, the contact plan and the checklist (as the system)."""
    rating_policy_publish(
        name="default",
        definition=default_policy().to_dict(),
        by=SYSTEM,
        note="Demo: the default policy.",
    )
    profile_save(definition=DEMO_PROFILE.to_dict(), by=SYSTEM)
    contact_frequencies_set(frequencies=FREQUENCY_DEFAULTS, by=SYSTEM)
    qualification_checklist_set(items=[dict(item) for item in DEFAULT_CHECKLIST], by=SYSTEM)
