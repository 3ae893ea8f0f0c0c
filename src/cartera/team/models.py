"""The sales team: salespeople and their link to a login."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.models import TimeStampedModel
from cartera.common.validators import validate_email, validate_phone_e164


class Salesperson(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="salesperson",
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"), blank=True, validators=[validate_email])
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone_e164]
    )
    territory = models.CharField(_("territory"), max_length=120, blank=True)
    hired_on = models.DateField(_("hired on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("salesperson")
        verbose_name_plural = _("salespeople")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="salesperson_unique_name"),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(hired_on__isnull=True)
                | models.Q(left_on__gte=models.F("hired_on")),
                name="salesperson_left_after_hired",
            ),
        ]

    def __str__(self) -> str:
        return self.name
