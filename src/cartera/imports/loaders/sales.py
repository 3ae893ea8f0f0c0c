"""Sales (S2.6, S3.9): invoices and credit notes with their lines, line- or invoice-level.

A file with a product column has one row per line (invoice number + line number; the
lines are numbered in file order when there is no line column); a file without one
has one row per invoice, recorded as a single line of the product
:data:`TOTAL_SKU`. The rules of :func:`cartera.sales.services.sale_record` hold:
quantities above zero, the salesperson defaults to the client's owner, the due date to
the date plus the client's payment terms, a credit note's amounts are negative, the
invoice total is the sum of its lines. Credit limits are *not* checked: an import
records sales that already happened (see docs/import.md).

A row in error takes the other lines of its invoice with it: an invoice is written
whole or not at all.
"""

from __future__ import annotations

from typing import Final

import polars as pl
from django.db import connection
from django.utils.translation import gettext as _

from cartera.analytics.frames import to_cents
from cartera.catalog.models import Product
from cartera.common.bulk import next_id
from cartera.imports import references
from cartera.imports.loaders.base import Context, Plan, checked
from cartera.imports.matching import Step, duplicates, plan_upsert
from cartera.imports.problems import Check
from cartera.imports.storage import complete, read_rows
from cartera.sales.models import Channel, Sale, SaleKind, SaleLine

TOTAL_SKU = "(total)"
"""SKU of the product that stands for a whole invoice in invoice-level files."""
_HEADER = ("account_id", "date", "due_date", "__salesperson", "channel", "kind")
_IDS_PER_STATEMENT = 5_000


def _total_product(ctx: Context, rows: pl.DataFrame) -> tuple[pl.DataFrame, list[Step]]:
    """Give every row the invoice-total product, creating it on first use."""
    found = Product.objects.filter(sku=TOTAL_SKU).values_list("id", flat=True).first()
    steps: list[Step] = []
    if found is None:
        found = next_id(Product)
        new = pl.DataFrame(
            {"sku": [TOTAL_SKU], "name": [_("Invoice total (no line detail)")]},
        )
        created = complete(Product, new, first_id=found, now=ctx.now)
        steps.append(Step(Product, "products", created, first_id=found))
    return rows.with_columns(
        pl.lit(found, pl.Int64).alias("product_id"),
        pl.lit(0, pl.Int64).alias("__list_price"),
        pl.lit(0, pl.Int64).alias("__unit_cost"),
    ), steps


def _kind(ctx: Context) -> pl.Expr:
    if ctx.has("kind"):
        return pl.coalesce(pl.col("kind").first().over("invoice"), pl.lit(SaleKind.INVOICE))
    if ctx.has("amount"):
        negative = (pl.col("amount") < 0).any().over("invoice")
        return (
            pl.when(negative).then(pl.lit(SaleKind.CREDIT_NOTE)).otherwise(pl.lit(SaleKind.INVOICE))
        )
    return pl.lit(SaleKind.INVOICE)


def _signs(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """Refuse amounts whose sign contradicts the kind; give credit notes negative amounts."""
    credit = pl.col("__kind") == SaleKind.CREDIT_NOTE
    checks = []
    if ctx.has("amount"):
        if ctx.has("kind"):
            wrong, expected = (
                ~credit & (pl.col("amount") < 0),
                _("an amount of zero or more (a credit note's kind is credit_note)"),
            )
        else:
            wrong, expected = (
                credit & (pl.col("amount") > 0),
                _("amounts of one sign on every line of the invoice (negative: a credit note)"),
            )
        checks.append(Check(wrong, ctx.header("amount"), pl.col("amount") / 100, expected))
    if ctx.has("cost"):
        checks.append(
            Check(
                ~credit & (pl.col("cost") < 0),
                ctx.header("cost"),
                pl.col("cost") / 100,
                _("a cost of zero or more on an invoice"),
            )
        )
    return checked(ctx, rows, checks)


def _lines(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """Return the stored values of each line: quantity, price, discount, amount, cost."""
    sign = pl.when(pl.col("__kind") == SaleKind.CREDIT_NOTE).then(-1).otherwise(1)
    quantity = pl.col("quantity").fill_null(1.0) if ctx.has("quantity") else pl.lit(1.0)
    discount = pl.col("discount_pct").fill_null(0.0) if ctx.has("discount_pct") else pl.lit(0.0)
    amount = pl.col("amount").abs() if ctx.has("amount") else pl.lit(None, pl.Int64)
    per_unit = to_cents(amount.cast(pl.Float64) / 100 / quantity)
    price = pl.col("unit_price") if ctx.has("unit_price") else pl.lit(None, pl.Int64)
    price = pl.coalesce(price, per_unit, pl.col("__list_price"))
    computed = to_cents(price.cast(pl.Float64) / 100 * quantity * (1 - discount / 100))
    unit_cost = pl.col("unit_cost") if ctx.has("unit_cost") else pl.lit(None, pl.Int64)
    unit_cost = pl.coalesce(unit_cost, pl.col("__unit_cost"))
    cost = pl.col("cost").abs() if ctx.has("cost") else pl.lit(None, pl.Int64)
    cost = pl.coalesce(cost, to_cents(unit_cost.cast(pl.Float64) / 100 * quantity))
    return rows.with_columns(
        quantity.round(3).alias("quantity"),
        price.alias("unit_price"),
        discount.round(2).alias("discount_pct"),
        (sign * pl.coalesce(amount, computed)).alias("amount"),
        (sign * cost).alias("cost"),
    )


def _consistent(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    """Refuse lines whose invoice fields differ from the invoice's first line."""
    roles = {
        "account_id": "client",
        "date": "date",
        "due_date": "due_date",
        "__salesperson": "salesperson",
        "channel": "channel",
        "kind": "kind",
    }
    checks = []
    first_row = pl.col("row").first().over("invoice")
    for column in _HEADER:
        role = roles[column]
        if not ctx.has(role):
            continue
        first = pl.col(column).first().over("invoice")
        shown = pl.col(role) if role in rows.columns else pl.col(column)
        template = _("the same value as the invoice's first line (row {})")
        checks.append(
            Check(
                ~pl.col(column).eq_missing(first),
                ctx.header(role),
                shown,
                pl.format(template, first_row),
            )
        )
    return checked(ctx, rows, checks)


def _whole_invoices(ctx: Context, rows: pl.DataFrame, everything: pl.DataFrame) -> pl.DataFrame:
    """Refuse the remaining lines of invoices that lost a line to a problem."""
    lost = everything.join(rows.select("row"), on="row", how="anti")["invoice"]
    if ctx.rejected is not None:
        lost = pl.concat([lost, ctx.rejected])
    if lost.len() == 0:
        return rows
    check = Check(
        pl.col("invoice").is_in(lost.unique().implode()),
        ctx.header("invoice"),
        pl.col("invoice"),
        _("every line of this invoice valid (another line has a problem)"),
    )
    return checked(ctx, rows, [check])


_LINE_VALUES: Final = (
    "line_no", "product_id", "quantity", "unit_price", "discount_pct", "amount", "cost",
)  # fmt: skip
"""What a sale line stores, as compared between the file and the database."""


def _stored_lines(sale_ids: pl.Series) -> pl.DataFrame:
    columns = ["sale_id", *_LINE_VALUES]
    if sale_ids.len() == 0:
        return read_rows(SaleLine, columns, where="1 = 0")
    low, high = int(sale_ids.min()), int(sale_ids.max())  # type: ignore[arg-type]
    stored = read_rows(SaleLine, columns, where=f"sale_id BETWEEN {low} AND {high}")
    return stored.filter(pl.col("sale_id").is_in(sale_ids.implode())).with_columns(
        pl.col("quantity").round(3), pl.col("discount_pct").round(2)
    )


def refresh_totals(sale_ids: list[int]) -> None:
    """Set the total and cost of ``sale_ids`` to the sums of their stored lines."""
    quote = connection.ops.quote_name
    sale, line = quote(Sale._meta.db_table), quote(SaleLine._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(sale_ids), _IDS_PER_STATEMENT):
            part = ", ".join(str(int(i)) for i in sale_ids[start : start + _IDS_PER_STATEMENT])
            sums = f"FROM {line} WHERE sale_id = {sale}.id), 0)"
            cursor.execute(
                f"UPDATE {sale} SET total = COALESCE((SELECT SUM(amount) {sums}, "
                f"cost_total = COALESCE((SELECT SUM(cost) {sums} WHERE id IN ({part})"
            )


def _references(ctx: Context, rows: pl.DataFrame) -> tuple[pl.DataFrame, list[Step]]:
    steps: list[Step] = []
    rows = references.resolve_codes(
        rows,
        "client",
        references.accounts("owner_id", "payment_terms_days"),
        code="code",
        into="account_id",
        header=ctx.header("client"),
        expected=_("the code of a client in cartera"),
        problems=ctx.problems,
        carry={"owner_id": "__owner", "payment_terms_days": "__terms"},
    )
    if ctx.has("product"):
        rows = ctx.resolve(references.products, rows, "product", into="product_id", steps=steps)
    else:
        rows, created = _total_product(ctx, rows)
        steps += created
    if ctx.has("salesperson"):
        rows = ctx.resolve(
            references.salespeople, rows, "salesperson", into="salesperson_id", steps=steps
        )
        rows = rows.with_columns(pl.coalesce("salesperson_id", "__owner").alias("__salesperson"))
    else:
        rows = rows.with_columns(pl.col("__owner").alias("__salesperson"))
    return rows, steps


def plan(ctx: Context, rows: pl.DataFrame) -> Plan:
    """Plan the invoices and lines of the file (see the module's rules)."""
    everything = rows.select("row", "invoice")
    line_level = ctx.has("product")
    rows, steps = _references(ctx, rows)
    terms = pl.duration(days=pl.col("__terms").fill_null(0))
    rows = rows.with_columns(
        _kind(ctx).alias("__kind"),
        (pl.col("line") if ctx.has("line") else pl.int_range(1, pl.len() + 1).over("invoice"))
        .cast(pl.Int64)
        .alias("line_no"),
        (
            pl.coalesce("due_date", pl.col("date") + terms)
            if ctx.has("due_date")
            else pl.col("date") + terms
        ).alias("due_date"),
        (
            pl.coalesce("channel", pl.lit(Channel.B2B))
            if ctx.has("channel")
            else pl.lit(Channel.B2B, pl.String)
        ).alias("channel"),
    )
    rows = checked(
        ctx,
        rows,
        [
            Check(
                pl.col("due_date") < pl.col("date"),
                ctx.header("due_date"),
                pl.col("due_date"),
                _("a due date on or after the invoice date"),
            )
        ],
    )
    rows = _signs(ctx, rows)
    key_role = "line" if ctx.has("line") else "invoice"
    rows = checked(
        ctx,
        rows,
        [
            duplicates(
                ["invoice", "line_no"] if line_level else ["invoice"],
                ctx.header(key_role),
                pl.col(key_role),
            )
        ],
    )
    rows = _consistent(ctx, rows)
    rows = _whole_invoices(ctx, rows, everything)
    del everything
    # Only what the invoices and lines need from here: a million rows of helper columns
    # would otherwise be copied by every join below.
    rows = _lines(ctx, rows).select(
        "row",
        "invoice",
        "line_no",
        "__kind",
        "account_id",
        "date",
        "due_date",
        "channel",
        "__salesperson",
        "product_id",
        "quantity",
        "unit_price",
        "discount_pct",
        "amount",
        "cost",
    )

    invoices = (
        rows.group_by("invoice", maintain_order=True)
        .agg(
            pl.col("row").first(),
            pl.col("__kind").first().alias("kind"),
            *[pl.col(c).first() for c in ("account_id", "date", "due_date", "channel")],
            pl.col("__salesperson").first().alias("salesperson_id"),
            pl.col("amount").sum().alias("total"),
            pl.col("cost").sum().alias("cost_total"),
        )
        .rename({"invoice": "number"})
    )
    compared = ["account_id", "date"]
    compared += ["kind"] if ctx.has("kind") or ctx.has("amount") else []
    compared += [
        c
        for c, r in (
            ("due_date", "due_date"),
            ("salesperson_id", "salesperson"),
            ("channel", "channel"),
        )
        if ctx.has(r)
    ]
    stored = read_rows(Sale, ["number", *compared])
    sales = plan_upsert(
        Sale,
        "sales",
        invoices,
        stored,
        key=["number"],
        fields=compared,
        first_id=next_id(Sale),
        now=ctx.now,
    )
    ids = pl.concat(
        [
            stored.select("number", pl.col("id").alias("sale_id")),
            sales.creates.select("number", pl.col("id").alias("sale_id")),
        ]
    )
    lines = rows.select("row", "invoice", *_LINE_VALUES).join(
        ids, left_on="invoice", right_on="number", how="inner", maintain_order="left"
    )
    del rows
    lines = lines.select("row", "sale_id", pl.exclude("row", "sale_id", "invoice"))
    existing = stored.join(invoices.select("number"), on="number", how="semi")["id"]
    line_fields = ["product_id", "amount"]
    line_fields += [c for c in ("quantity", "unit_price", "discount_pct") if ctx.has(c)]
    line_fields += ["cost"] if ctx.has("cost") or ctx.has("unit_cost") else []
    if not ctx.has("amount") and not ctx.has("unit_price"):
        line_fields.remove("amount")
    stored_lines = _stored_lines(existing)
    planned = plan_upsert(
        SaleLine,
        "sale_lines",
        lines,
        stored_lines,
        key=["sale_id", "line_no"],
        fields=line_fields,
        first_id=next_id(SaleLine),
        now=ctx.now,
    )
    steps += [sales, planned]
    result = Plan(steps, "sales", lines.height)
    touched = (
        pl.concat(
            [
                planned.updates.select("id").join(stored_lines.select("id", "sale_id"), on="id")[
                    "sale_id"
                ],
                planned.creates["sale_id"].filter(
                    planned.creates["sale_id"].is_in(existing.implode())
                ),
            ]
        )
        .unique()
        .to_list()
        if existing.len()
        else []
    )
    if touched:
        result.after.append(lambda: refresh_totals(touched))
    return result
