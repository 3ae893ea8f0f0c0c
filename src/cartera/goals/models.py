"""Sales goals per salesperson or for the whole company (S3.5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.fields import MoneyField
from cartera.common.models import TimeStampedModel


class Goal(TimeStampedModel):
    """A revenue target for a year, or for one month of it; no salesperson = the company."""

    salesperson = models.ForeignKey(
        "team.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goals",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    target = MoneyField(_("target"))

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["year", "month", "salesperson"]
        constraints = [
            models.CheckConstraint(condition=models.Q(target__gte=0), name="goal_target_gte_0"),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True)
                | (models.Q(month__gte=1) & models.Q(month__lte=12)),
                name="goal_month_1_12",
            ),
            # NULL is never equal to NULL in a unique index, so each case needs its own.
            models.UniqueConstraint(
                fields=["salesperson", "year", "month"],
                condition=models.Q(salesperson__isnull=False, month__isnull=False),
                name="goal_unique_person_month",
            ),
            models.UniqueConstraint(
                fields=["salesperson", "year"],
                condition=models.Q(salesperson__isnull=False, month__isnull=True),
                name="goal_unique_person_year",
            ),
            models.UniqueConstraint(
                fields=["year", "month"],
                condition=models.Q(salesperson__isnull=True, month__isnull=False),
                name="goal_unique_company_month",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(salesperson__isnull=True, month__isnull=True),
                name="goal_unique_company_year",
            ),
        ]

    def __str__(self) -> str:
        who = self.salesperson or _("Company")
        period = f"{self.year}-{self.month:02d}" if self.month else str(self.year)
        return f"{who} {period}"
