"""Products, upserted by SKU."""

from __future__ import annotations

import polars as pl

from cartera.catalog.models import Product
from cartera.imports.loaders.base import Context, Plan, given_fields, unique_in_file, upsert


def plan(ctx: Context, rows: pl.DataFrame) -> Plan:
    """Plan the products of the file: new SKUs created, known ones updated."""
    fields = given_fields(ctx)
    rows = unique_in_file(ctx, rows, ["sku"], "sku")
    incoming = rows.select("row", *[pl.col(r).alias(a) for r, a in fields.items()])
    label = "products"
    compared = [a for a in fields.values() if a != "sku"]
    step = upsert(ctx, Product, label, incoming, key=["sku"], fields=compared)
    return Plan([step], label, incoming.height)
