"""Validators for contact data: phone numbers (phonenumbers) and e-mails (email-validator)."""

from __future__ import annotations

import email_validator
import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalize_phone(value: str, *, region: str | None) -> str:
    """Return ``value`` as an E.164 number, read with ``region`` when it has no ``+`` prefix.

    Raise ``ValidationError`` when it is not a valid number.
    """
    raw = value.strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region.upper() if region else None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number (%(reason)s)."),
            code="invalid_phone",
            params={"value": value, "reason": str(exc)},
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("“%(value)s” is not a valid phone number for its country."),
            code="invalid_phone",
            params={"value": value},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone_e164(value: str) -> None:
    """Accept only a valid phone number already written in E.164 (``+34912345678``)."""
    if not value:
        return
    if not value.startswith("+") or normalize_phone(value, region=None) != value:
        raise ValidationError(
            _("“%(value)s” is not a phone number in international format (+34912345678)."),
            code="invalid_phone",
            params={"value": value},
        )


def normalize_email(value: str) -> str:
    """Return ``value`` normalised by email-validator; raise ``ValidationError`` if invalid."""
    raw = value.strip()
    if not raw:
        return ""
    try:
        result = email_validator.validate_email(raw, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise ValidationError(
            _("“%(value)s” is not a valid e-mail address: %(reason)s"),
            code="invalid_email",
            params={"value": value, "reason": str(exc)},
        ) from exc
    return result.normalized


def validate_email(value: str) -> None:
    """Accept only an e-mail address that email-validator accepts."""
    if value:
        normalize_email(value)
