"""Reads shared by every app."""

from __future__ import annotations

from cartera.common.models import CompanySettings


def company_settings() -> CompanySettings:
    """Return the company's settings, creating the defaults on first use."""
    settings, _created = CompanySettings.objects.get_or_create(pk=1)
    return settings
