"""``/products``: the catalogue, shared reading for everyone (S2.6, S3.9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from cartera.api.access import get_visible, require_manager, visible
from cartera.api.schemas import PageQuery, Problem, keyset, page_schema
from cartera.api.types import Day, Id, Money, Name, Text64, text
from cartera.catalog.models import Product
from cartera.catalog.services import product_create, product_update

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


Family = text(100)
WRITE = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


class ProductIn(Schema):
    sku: Text64 = Field(..., min_length=1)
    name: Name
    family: Family = ""
    list_price: Money = Decimal(0)
    unit_cost: Money = Decimal(0)
    launched_on: Day | None = None
    is_active: bool = True


class ProductPatch(Schema):
    sku: Text64 | None = Field(None, min_length=1)
    name: Name | None = None
    family: Family | None = None
    list_price: Money | None = None
    unit_cost: Money | None = None
    launched_on: Day | None = None
    is_active: bool | None = None


@router.post("", response={201: ProductOut, **WRITE})
def product_add(request: HttpRequest, payload: ProductIn) -> Any:
    """Add a product to the catalogue (managers)."""
    require_manager(request)
    return Status(201, product_create(by=request.user, **payload.dict()))


@router.patch("/{product_id}", response={200: ProductOut, **WRITE})
def product_change(request: HttpRequest, product_id: Id, payload: ProductPatch) -> Any:
    """Change a product: price, cost, family, launch date, active (managers)."""
    product = get_visible(request, Product.objects.all(), product_id)
    require_manager(request)
    data = payload.dict(exclude_unset=True, exclude_none=True)
    return product_update(product=product, data=data, by=request.user)
