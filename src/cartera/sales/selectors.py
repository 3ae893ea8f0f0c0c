"""Reads of sales: the frame every analysis of the portfolio starts from."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import polars as pl

from cartera.analytics.frames import MONEY
from cartera.common.arrow import read_frame
from cartera.common.scoping import sees_all

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User

SALES_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "client": pl.String,
    "date": pl.Date,
    "amount_cents": MONEY,
    "invoice": pl.String,
    "product": pl.String,
    "family": pl.String,
    "quantity": pl.Float64,
    "cost_cents": MONEY,
    "salesperson": pl.String,
    "segment": pl.String,
    "city": pl.String,
    "channel": pl.String,
    "source": pl.String,
    "launch_date": pl.Date,
}

_SALES_SQL = """
SELECT a.code AS client, s.date AS date, l.amount AS amount_cents, s.number AS invoice,
       p.sku AS product, p.family AS family, CAST(l.quantity AS REAL) AS quantity,
       l.cost AS cost_cents, sp.name AS salesperson, a.segment AS segment, a.city AS city,
       s.channel AS channel, a.source AS source, p.launched_on AS launch_date
FROM sales_saleline l
JOIN sales_sale s ON s.id = l.sale_id
JOIN clients_account a ON a.id = s.account_id
JOIN catalog_product p ON p.id = l.product_id
LEFT JOIN team_salesperson sp ON sp.id = s.salesperson_id
"""


def owner_clause(user: User | AnonymousUser) -> str:
    """Return the SQL condition on the account ``a`` limiting rows to what ``user`` may see.

    The raw-SQL twin of ``common.scoping.visible_to`` for the Arrow bridge: the same
    rule, expressed on the ``clients_account`` row aliased ``a``.
    """
    if sees_all(user):
        return "1 = 1"
    if not user.is_authenticated or not user.is_active:
        return "1 = 0"
    return f"a.owner_id IN (SELECT id FROM team_salesperson WHERE user_id = {int(user.pk)})"


def sales_frame(
    *, user: User | AnonymousUser, since: dt.date | None = None, until: dt.date | None = None
) -> pl.DataFrame:
    """Return the sales lines ``user`` may see as a frame following ``analytics.frames.SALES``.

    A salesperson gets the whole history of the clients they own today, including sales
    made by the previous owner, because the client's history follows the client.
    """
    conditions = [owner_clause(user), "s.kind <> 'order'"]
    if since is not None:
        conditions.append(f"s.date >= '{since.isoformat()}'")
    if until is not None:
        conditions.append(f"s.date <= '{until.isoformat()}'")
    sql = f"{_SALES_SQL} WHERE {' AND '.join(conditions)} ORDER BY s.date, s.id, l.line_no"
    return read_frame(sql, schema=SALES_SCHEMA)


def abc_by_client(*, as_of: dt.date | None = None) -> pl.DataFrame:
    """Return ``client``, ``abc`` (A/B/C; null when inactive) over the whole company (S3.7).

    The class is a company-wide ranking, so it is computed on every sale whoever asks;
    callers join it to rows the user may already see.
    """
    from cartera.analytics.diagnosis import abc_classes, client_table
    from cartera.common.scoping import SYSTEM

    sales = sales_frame(user=SYSTEM, until=as_of)
    if sales.height == 0:
        return pl.DataFrame(schema={"client": pl.String, "abc": pl.String})
    table, _period = client_table(sales, as_of=as_of)
    return abc_classes(table).select("client", pl.col("abc_class").alias("abc"))
