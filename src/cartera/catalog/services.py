"""Writes of the product catalogue: shared by everyone, changed by managers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cartera.catalog.models import Product
from cartera.common.scoping import sees_all
from cartera.common.services import validated_save

EDITABLE = ("sku", "name", "family", "list_price", "unit_cost", "launched_on", "is_active")


def _require_manager(by: Any) -> None:
    if by is not None and not sees_all(by):
        raise PermissionDenied(_("Only a manager can change the product catalogue."))


@transaction.atomic
def product_create(*, by: Any, sku: str, name: str, **fields: Any) -> Product:
    """Add a product; ``by`` must be a manager or an administrator."""
    _require_manager(by)
    product = Product(sku=sku.strip(), name=name.strip(), **fields)
    return validated_save(product)


@transaction.atomic
def product_update(*, product: Product, data: dict[str, Any], by: Any) -> Product:
    """Change a product's fields (those in :data:`EDITABLE`)."""
    _require_manager(by)
    for field, value in data.items():
        if field not in EDITABLE:
            raise PermissionDenied(_("%(field)s cannot be changed.") % {"field": field})
        setattr(product, field, value.strip() if isinstance(value, str) else value)
    return validated_save(product)
