"""Start Django for the commands that need the database."""

from __future__ import annotations

import os


def setup_django(settings: str = "cartera.config.settings.base") -> None:
    """Configure Django once; ``DJANGO_SETTINGS_MODULE`` from the environment wins."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()
