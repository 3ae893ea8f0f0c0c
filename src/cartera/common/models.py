"""Company-wide settings and the base model shared by the domain apps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class CompanySettings(models.Model):
    """The one row of settings of the company using cartera (primary key 1)."""

    name = models.CharField(_("company name"), max_length=200, default="Mi empresa")
    currency = models.CharField(
        _("currency"), max_length=3, default="EUR", help_text=_("ISO 4217 code, e.g. EUR, BRL.")
    )
    default_region = models.CharField(
        _("default country"),
        max_length=2,
        default="ES",
        help_text=_("ISO 3166 code used to read phone numbers written without +prefix."),
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=1
    )
    locale = models.CharField(_("locale"), max_length=8, default="es")

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fiscal_year_start_month__gte=1)
                & models.Q(fiscal_year_start_month__lte=12),
                name="company_fiscal_month_1_12",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DataVersion(models.Model):
    """A counter per kind of data, bumped after every committed write of that kind.

    Cached analytics are keyed by these counters (see :mod:`cartera.common.dataversion`),
    so a new sale or a hand-over makes the next read recompute instead of serving stale
    figures. A row per topic is created by the migration.
    """

    topic = models.CharField(_("topic"), max_length=20, primary_key=True)
    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.topic} v{self.version}"
