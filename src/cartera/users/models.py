"""Users and their role: admin, manager or salesperson."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Sales manager")
    SALESPERSON = "salesperson", _("Salesperson")


class User(AbstractUser):
    """A person who logs in. What they may see follows from ``role`` (see common.scoping)."""

    role = models.CharField(
        _("role"), max_length=16, choices=Role.choices, default=Role.SALESPERSON
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        help_text=_("Preferred language; empty follows the browser."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def sees_all_portfolios(self) -> bool:
        return self.is_superuser or self.role in {Role.ADMIN, Role.MANAGER}
