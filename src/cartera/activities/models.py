"""Follow-up of every client: visits, calls, e-mails, offers, surveys (S2.2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.models import TimeStampedModel


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    CALL = "call", _("Call")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    OFFER = "offer", _("Offer")
    SURVEY = "survey", _("Survey")
    COMPLAINT = "complaint", _("Complaint")
    NOTE = "note", _("Note")


class Outcome(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")
    NO_ANSWER = "no_answer", _("No answer")


class Activity(TimeStampedModel):
    account = models.ForeignKey(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="activities",
        db_index=False,  # covered by the (account, date) index
    )
    contact = models.ForeignKey(
        "clients.Contact",
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    salesperson = models.ForeignKey(
        "team.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        db_index=False,  # covered by the (salesperson, date) index
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    next_action_on = models.DateField(_("next action on"), null=True, blank=True)
    next_action = models.CharField(_("next action"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["account", "date"], name="activity_account_date"),
            models.Index(fields=["salesperson", "date"], name="activity_salesperson_date"),
            models.Index(fields=["next_action_on"], name="activity_next_action"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"
