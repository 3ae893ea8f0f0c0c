"""Acquisition: campaigns, sources, the prospect pipeline and its checklist (S0.5–S0.7, S1.4)."""

from __future__ import annotations

from django.conf import settings
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


class PipelineStage(models.TextChoices):
    """Where a prospect stands: new → contacted → qualified → proposal → won, or lost."""

    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    PROPOSAL = "proposal", _("Proposal")
    WON = "won", _("Won")
    LOST = "lost", _("Disqualified")


OPEN_STAGES = (
    PipelineStage.NEW,
    PipelineStage.CONTACTED,
    PipelineStage.QUALIFIED,
    PipelineStage.PROPOSAL,
)


class DisqualificationReason(models.TextChoices):
    """Why a prospect was discarded (S0.6: discard quickly what has no potential)."""

    NO_POTENTIAL = "no_potential", _("No potential")
    NO_BUDGET = "no_budget", _("No budget")
    BAD_PAYER = "bad_payer", _("Bad payer")
    OUT_OF_TERRITORY = "out_of_territory", _("Out of territory")
    NO_NEED = "no_need", _("No need for the product")
    COMPETITOR = "competitor", _("Stays with a competitor")
    UNREACHABLE = "unreachable", _("Unreachable")
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


class StageChange(models.Model):
    """One move of an account through the pipeline: the history behind funnel and cycle."""

    account = models.ForeignKey(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="stage_changes",
        db_index=False,  # covered by the (account, date) index
    )
    stage = models.CharField(_("stage"), max_length=10, choices=PipelineStage.choices)
    from_stage = models.CharField(
        _("previous stage"), max_length=10, choices=PipelineStage.choices, blank=True
    )
    date = models.DateField(_("date"))
    reason = models.CharField(
        _("disqualification reason"),
        max_length=20,
        choices=DisqualificationReason.choices,
        blank=True,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["account", "date", "id"]
        indexes = [models.Index(fields=["account", "date"], name="stagechange_account_date")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(stage="lost") | ~models.Q(reason=""),
                name="stagechange_lost_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} → {self.stage} {self.date}"


class QualificationItem(models.Model):
    """One item of the qualification checklist (S0.6), a condition on the prospect's data.

    Evaluated with :func:`cartera.analytics.pipeline.qualification`; ``attribute`` names a
    column of the account frame (``fit``, ``industry``, a custom attribute such as
    ``needs_confirmed`` or ``credit_rating``).
    """

    key = models.SlugField(_("key"), max_length=60, unique=True)
    label = models.CharField(_("label"), max_length=200)
    attribute = models.CharField(_("attribute"), max_length=80)
    op = models.CharField(_("operator"), max_length=8)
    value = models.JSONField(_("value"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("qualification item")
        verbose_name_plural = _("qualification checklist")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        from cartera.prospecting.checklist import condition_of

        condition_of(self)
