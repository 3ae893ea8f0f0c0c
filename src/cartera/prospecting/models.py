"""Acquisition: campaigns and the sources clients come from (S1.4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.fields import MoneyField
from cartera.common.models import TimeStampedModel


class Source(models.TextChoices):
    TRADE_FAIR = "trade_fair", _("Trade fair")
    EVENT = "event", _("Event")
    REFERRAL = "referral", _("Referral")
    WEB = "web", _("Web")
    COLD_CALL = "cold_call", _("Cold call")
    PARTNER = "partner", _("Partner")
    MARKETPLACE = "marketplace", _("Marketplace")
    OTHER = "other", _("Other")


class Campaign(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
    cost = MoneyField(_("cost"), default=0)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-started_on", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="campaign_cost_gte_0"),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name
