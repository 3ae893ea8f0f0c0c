"""What clients owe and pay (S1.8, S1.11, S3.6)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.fields import MoneyField
from cartera.common.models import TimeStampedModel

DEFAULT_BOUNDS = [0, 30, 60, 90, 180, 365]
DEFAULT_PERCENTS = ["0", "1", "5", "15", "30", "60", "100"]


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    CARD = "card", _("Card")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    PIX = "pix", _("Pix")
    BOLETO = "boleto", _("Boleto")
    OTHER = "other", _("Other")


class Payment(TimeStampedModel):
    """Money received from a client; applied to ``sale`` or, when empty, oldest first."""

    reference = models.CharField(_("reference"), max_length=64, unique=True)
    account = models.ForeignKey(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,  # covered by the (account, date) index
    )
    sale = models.ForeignKey(
        "sales.Sale",
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    date = models.DateField(_("date"))
    amount = MoneyField(_("amount"))
    method = models.CharField(
        _("method"), max_length=14, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["account", "date"], name="payment_account_date"),
            # The columns a ledger read by date takes (the rating's payment behaviour):
            # read from the index alone.
            models.Index(fields=["date", "account", "amount", "sale"], name="payment_date_cover"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return self.reference


class ProvisionPolicy(models.Model):
    """The company's policy for doubtful debts (S1.11): one percentage per overdue bucket.

    ``bounds`` are the buckets' upper limits in days overdue (``[0, 30, …]`` gives not
    due, 1–30, …, > 365); ``percents`` has one entry more than ``bounds``.
    """

    bounds = models.JSONField(_("bucket limits (days overdue)"), default=list)
    percents = models.JSONField(_("percentages per bucket"), default=list)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("provision policy")
        verbose_name_plural = _("provision policy")

    def __str__(self) -> str:
        return str(_("Provision policy"))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from cartera.analytics.receivables import Buckets

        try:
            buckets = Buckets(tuple(int(b) for b in self.bounds))
            percents = [Decimal(str(p)) for p in self.percents]
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise ValidationError({"bounds": str(exc)}) from exc
        if len(percents) != len(buckets):
            raise ValidationError(
                {
                    "percents": _("Give %(n)s percentages, one per bucket (%(labels)s).")
                    % {"n": len(buckets), "labels": ", ".join(buckets.labels)}
                }
            )
        if any(p < 0 or p > 100 for p in percents):
            raise ValidationError({"percents": _("Percentages go from 0 to 100.")})


class ProvisionOverride(TimeStampedModel):
    """A percentage provisioned for all of one client's debt (bankrupt client: 100 %)."""

    account = models.OneToOneField(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="provision_override",
    )
    percent = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    reason = models.CharField(_("reason"), max_length=300)
    set_by = models.ForeignKey(
        "users.User", verbose_name=_("set by"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("provision override")
        verbose_name_plural = _("provision overrides")

    def __str__(self) -> str:
        return f"{self.account} {self.percent} %"


class CreditEvent(models.Model):
    """The log of credit decisions (S1.8): limits set and sales let over the limit."""

    class Kind(models.TextChoices):
        LIMIT_SET = "limit_set", _("Credit limit set")
        OVERRIDE = "override", _("Limit exceeded with approval")

    account = models.ForeignKey(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="credit_events",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sale = models.ForeignKey(
        "sales.Sale", verbose_name=_("sale"), on_delete=models.CASCADE, null=True, blank=True
    )
    old_limit = MoneyField(_("previous limit"), null=True, blank=True)
    new_limit = MoneyField(_("limit"), null=True, blank=True)
    exposure = MoneyField(_("exposure before"), null=True, blank=True)
    amount = MoneyField(_("amount"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    user = models.ForeignKey(
        "users.User", verbose_name=_("by"), on_delete=models.PROTECT, null=True, blank=True
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.account}"
