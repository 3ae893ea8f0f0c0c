"""What clients owe and pay (S1.8, S1.11, S3.6)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.fields import MoneyField
from cartera.common.models import TimeStampedModel


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
        indexes = [models.Index(fields=["account", "date"], name="payment_account_date")]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_gt_0"),
        ]

    def __str__(self) -> str:
        return self.reference
