"""Accounts (clients and prospects, S0.1), their contacts and who has held them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.fields import MoneyField
from cartera.common.models import TimeStampedModel
from cartera.common.validators import validate_email, validate_phone_e164
from cartera.prospecting.models import DisqualificationReason, PipelineStage, Source


class AccountKind(models.TextChoices):
    COMPANY = "company", _("Company")
    INDIVIDUAL = "individual", _("Individual")


class Status(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    QUALIFIED = "qualified", _("Qualified prospect")
    CLIENT = "client", _("Client")
    INACTIVE = "inactive", _("Inactive client")
    LOST = "lost", _("Lost client")


PROSPECT_STATUSES = (Status.PROSPECT, Status.QUALIFIED)
CLIENT_STATUSES = (Status.CLIENT, Status.INACTIVE, Status.LOST)


class LostReason(models.TextChoices):
    """Why a client was lost (S0.4)."""

    MOVED = "moved", _("Moved out of the territory")
    BANKRUPT = "bankrupt", _("Bankrupt or closed")
    COMPETITOR = "competitor", _("Went to a competitor")
    SALESPERSON_LEFT = "salesperson_left", _("Salesperson left")
    NO_LONGER_NEEDS = "no_longer_needs", _("No longer needs the product")
    OTHER = "other", _("Other")


class RevenueBand(models.TextChoices):
    MICRO = "micro", _("Under 2 M")
    SMALL = "small", _("2–10 M")
    MEDIUM = "medium", _("10–50 M")
    LARGE = "large", _("Over 50 M")


class Account(TimeStampedModel):
    """One client or prospect: the *ficha* every client must have (S1.1, S2.1, S2.6)."""

    code = models.CharField(
        _("code"), max_length=50, unique=True, help_text=_("Your own key; re-imports match on it.")
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=32, blank=True, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=AccountKind.choices, default=AccountKind.COMPANY
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROSPECT
    )
    lost_on = models.DateField(_("lost on"), null=True, blank=True)
    lost_reason = models.CharField(
        _("lost reason"), max_length=20, choices=LostReason.choices, blank=True
    )
    segment = models.CharField(_("segment"), max_length=80, blank=True)
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue_band = models.CharField(
        _("annual revenue"), max_length=8, choices=RevenueBand.choices, blank=True
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=16, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166 code"))
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone_e164]
    )
    email = models.EmailField(_("e-mail"), blank=True, validators=[validate_email])
    website = models.URLField(_("website"), blank=True)
    source = models.CharField(
        _("acquisition source"), max_length=20, choices=Source.choices, blank=True
    )
    campaign = models.ForeignKey(
        "prospecting.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    owner = models.ForeignKey(
        "team.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accounts",
    )
    is_special = models.BooleanField(_("special client"), default=False)
    special_benefits = models.TextField(_("special benefits"), blank=True)
    credit_limit = MoneyField(
        _("credit limit"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit set. 0: no credit, every sale needs a manager's approval."),
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    attributes = models.JSONField(
        _("custom attributes"),
        default=dict,
        blank=True,
        help_text=_("Free criteria for the ideal client profile (age band, rating, …)."),
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    # The prospect pipeline (S0.5, S0.6). Empty for a client that never went through it
    # (clients from before cartera); a won prospect keeps its stage "won" and its dates.
    pipeline_stage = models.CharField(
        _("pipeline stage"), max_length=10, choices=PipelineStage.choices, blank=True
    )
    pipeline_entered_on = models.DateField(_("entered the pipeline on"), null=True, blank=True)
    won_on = models.DateField(_("won on"), null=True, blank=True)
    disqualified_on = models.DateField(_("disqualified on"), null=True, blank=True)
    disqualified_reason = models.CharField(
        _("disqualification reason"),
        max_length=20,
        choices=DisqualificationReason.choices,
        blank=True,
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["legal_name", "id"]
        indexes = [
            models.Index(fields=["owner", "status"], name="account_owner_status"),
            models.Index(fields=["status"], name="account_status"),
            # Filter column, then the list's default order (name, id): the database
            # reads a city's, segment's or salesperson's accounts already sorted and
            # stops after a page, instead of sorting every match (issue 9).
            models.Index(fields=["city", "legal_name", "id"], name="account_city_name"),
            models.Index(fields=["region"], name="account_region"),
            models.Index(fields=["segment", "legal_name", "id"], name="account_segment_name"),
            models.Index(fields=["owner", "legal_name", "id"], name="account_owner_name"),
            models.Index(fields=["legal_name", "id"], name="account_name_id"),
            models.Index(
                fields=["legal_name", "id"],
                name="account_special_name",
                condition=models.Q(is_special=True),
            ),
            models.Index(fields=["pipeline_stage"], name="account_pipeline_stage"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_limit__isnull=True) | models.Q(credit_limit__gte=0),
                name="account_credit_limit_gte_0",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.LOST) | models.Q(lost_on__isnull=False),
                name="account_lost_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(pipeline_stage="lost") | ~models.Q(disqualified_reason=""),
                name="account_disqualified_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    @property
    def display_name(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def is_prospect(self) -> bool:
        return self.status in PROSPECT_STATUSES


class Contact(TimeStampedModel):
    """A person at an account; the purchasing contact comes first (S2.6)."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=120, blank=True)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, validators=[validate_phone_e164]
    )
    email = models.EmailField(_("e-mail"), blank=True, validators=[validate_email])
    is_purchasing = models.BooleanField(_("purchasing contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_purchasing", "name", "id"]
        indexes = [models.Index(fields=["name"], name="contact_name")]

    def __str__(self) -> str:
        return self.name


class OwnershipPeriod(models.Model):
    """Who held an account, from when to when, and why it changed hands (S0.4)."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="ownership"
    )
    salesperson = models.ForeignKey(
        "team.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="ownership_periods",
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    handed_over_by = models.ForeignKey(
        "users.User",
        verbose_name=_("handed over by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ownership period")
        verbose_name_plural = _("ownership periods")
        ordering = ["account", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(ended_on__isnull=True),
                name="ownership_one_open_period",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="ownership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} · {self.salesperson} {self.started_on}–{self.ended_on or ''}"
