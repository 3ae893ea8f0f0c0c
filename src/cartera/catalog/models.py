"""What the company sells."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.fields import MoneyField
from cartera.common.models import TimeStampedModel


class Product(TimeStampedModel):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    family = models.CharField(_("family"), max_length=100, blank=True, db_index=True)
    list_price = MoneyField(_("list price"), default=0)
    unit_cost = MoneyField(_("unit cost"), default=0)
    launched_on = models.DateField(
        _("launch date"), null=True, blank=True, help_text=_("Used for “new products” (S3.9).")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(list_price__gte=0), name="product_price_gte_0"
            ),
            models.CheckConstraint(condition=models.Q(unit_cost__gte=0), name="product_cost_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"
