"""Sales: invoices (and credit notes) with their lines (S2.6, S3.9, S3.13)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.fields import MoneyField
from cartera.common.models import TimeStampedModel


class Channel(models.TextChoices):
    B2B = "b2b", _("B2B")
    B2C = "b2c", _("B2C")
    ECOMMERCE = "ecommerce", _("E-commerce")
    PARTNER = "partner", _("Partner")


class SaleKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
    ORDER = "order", _("Order (not yet invoiced)")


INVOICED_KINDS = (SaleKind.INVOICE, SaleKind.CREDIT_NOTE)


class Sale(TimeStampedModel):
    """An invoice. ``total`` is the sum of its lines (negative for a credit note)."""

    number = models.CharField(_("number"), max_length=50, unique=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=SaleKind.choices, default=SaleKind.INVOICE
    )
    account = models.ForeignKey(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="sales",
        db_index=False,  # covered by the (account, date) index
    )
    salesperson = models.ForeignKey(
        "team.Salesperson",
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
        db_index=False,  # covered by the (salesperson, date) index
        help_text=_("Who sold it, at the time of the sale."),
    )
    date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"))
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.B2B
    )
    total = MoneyField(_("total"), default=0)
    cost_total = MoneyField(_("total cost"), default=0)
    credit_override_reason = models.CharField(
        _("credit limit override"),
        max_length=300,
        blank=True,
        help_text=_("Why a manager let this sale exceed the client's credit limit."),
    )
    credit_override_by = models.ForeignKey(
        "users.User",
        verbose_name=_("overridden by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-date", "-id"]
        indexes = [
            # kind too: each client's first and last invoice is then read from the index
            # alone, in client order, with no sort.
            models.Index(fields=["account", "date", "kind"], name="sale_account_date_kind"),
            models.Index(fields=["salesperson", "date"], name="sale_salesperson_date"),
            # Every column the analytics read by date (a rating's invoices and ledger):
            # SQLite then reads the index alone, a third of the table's bytes.
            models.Index(
                fields=["date", "kind", "account", "due_date", "total", "cost_total"],
                name="sale_date_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("date")), name="sale_due_after_date"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class SaleLine(models.Model):
    sale = models.ForeignKey(
        Sale,
        verbose_name=_("sale"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,  # covered by the unique (sale, line_no)
    )
    line_no = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="sale_lines",
        db_index=False,  # the saleline_product index below
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit_price = MoneyField(_("unit price"))
    discount_pct = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2, default=0)
    amount = MoneyField(_("amount"), help_text=_("Net of discount; negative on a credit note."))
    cost = MoneyField(_("cost"), default=0)

    class Meta:
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        ordering = ["sale", "line_no"]
        indexes = [models.Index(fields=["product"], name="saleline_product")]
        constraints = [
            models.UniqueConstraint(fields=["sale", "line_no"], name="saleline_unique_number"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="saleline_qty_gt_0"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="saleline_price_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(discount_pct__gte=0) & models.Q(discount_pct__lte=100),
                name="saleline_discount_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sale_id}/{self.line_no}"
