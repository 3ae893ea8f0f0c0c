"""Writes shared by every app."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def validated_save(instance: models.Model, **full_clean_kwargs: Any) -> models.Model:
    """Run every model validation on ``instance``, then save it.

    Services call this instead of ``save()`` so that bad data never reaches the database
    without a message naming the field.
    """
    instance.full_clean(**full_clean_kwargs)
    instance.save()
    return instance


def field_error(field: str, message: str, *, code: str) -> ValidationError:
    """Return a ``ValidationError`` on ``field`` whose code survives.

    ``ValidationError({field: message}, code=…)`` silently drops the code for a dict;
    callers and tests rely on codes because messages are translated.
    """
    return ValidationError({field: [ValidationError(message, code=code)]})
