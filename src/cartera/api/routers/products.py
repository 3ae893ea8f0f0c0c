"""``/products``: the catalogue, shared reading for everyone (S2.6, S3.9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from cartera.api.access import get_visible, visible
from cartera.api.schemas import PageQuery, Problem, keyset, page_schema
from cartera.api.types import Id
from cartera.catalog.models import Product

router = Router(tags=["products"])


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    family: str
    list_price: Decimal
    unit_cost: Decimal
    launched_on: dt.date | None
    is_active: bool


ProductPage = page_schema(ProductOut, "ProductPage")


class ProductQuery(PageQuery):
    sku: str | None = Field(None, max_length=64)
    family: str | None = Field(None, max_length=100)


@router.get("", response={200: ProductPage, 401: Problem, 422: Problem})
def product_list(
    request: HttpRequest,
    params: Query[ProductQuery],
) -> Any:
    """List the products, newest first."""
    products = visible(request, Product.objects.all())
    if params.sku:
        products = products.filter(sku=params.sku)
    if params.family:
        products = products.filter(family=params.family)
    return keyset(products, cursor=params.cursor, limit=params.limit)


@router.get("/{product_id}", response={200: ProductOut, 401: Problem, 404: Problem})
def product_read(request: HttpRequest, product_id: Id) -> Any:
    """Return one product."""
    return get_visible(request, Product.objects.all(), product_id)
