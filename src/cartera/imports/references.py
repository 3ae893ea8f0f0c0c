"""Resolve the rows a file names (a client code, a SKU, a salesperson) to their ids.

Each lookup reads the referenced table once through the Arrow bridge and joins it to
the whole column. A name the database does not know is a located problem, except
products and salespeople with ``--create-missing``: they are then created from the
file (their new rows are returned as a :class:`~cartera.imports.matching.Step`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from cartera.common.bulk import next_id
from cartera.imports.matching import Step, name_key
from cartera.imports.problems import Check, Problems, apply_checks
from cartera.imports.storage import complete, read_rows


@dataclass(frozen=True, slots=True)
class Resolved:
    """Rows with a reference resolved, and the rows created to resolve it (if any)."""

    frame: pl.DataFrame
    created: Step | None = None


def accounts(*columns: str) -> pl.DataFrame:
    """Return ``id``, ``code`` and ``columns`` of every account."""
    from cartera.clients.models import Account

    return read_rows(Account, ["code", *columns])


def resolve_codes(
    frame: pl.DataFrame,
    column: str,
    stored: pl.DataFrame,
    *,
    code: str,
    into: str,
    header: str,
    expected: str,
    problems: Problems,
    carry: dict[str, str] | None = None,
    shown: pl.Expr | None = None,
) -> pl.DataFrame:
    """Return ``frame`` with ``into`` = the id of the stored row whose ``code`` is ``column``.

    Rows naming an unknown code are listed in ``problems`` and left out; an empty cell
    stays null. ``carry`` brings more stored columns along (stored name → new name);
    ``shown`` is the value reported (the column by default).
    """
    carried = carry or {}
    table = (
        stored.select(
            pl.col(code).alias("__code"),
            pl.col("id").alias(into),
            *[pl.col(s).alias(n) for s, n in carried.items()],
        )
        .filter(pl.col("__code").is_not_null())
        .unique(subset="__code", keep="first")
    )
    joined = frame.join(table, left_on=column, right_on="__code", how="left", maintain_order="left")
    unknown = pl.col(column).is_not_null() & pl.col(into).is_null()
    value = pl.col(column) if shown is None else shown
    return apply_checks(joined, [Check(unknown, header, value, expected)], problems)


def _by_name_or_email(frame: pl.DataFrame, column: str, into: str) -> pl.DataFrame:
    from cartera.team.models import Salesperson

    stored = read_rows(Salesperson, ["name", "email"])
    names = (
        stored.select(name_key(pl.col("name")).alias("__key"), pl.col("id").alias("__by_name"))
        .sort("__by_name")
        .unique(subset="__key", keep="first")
    )
    emails = (
        stored.filter(pl.col("email") != "")
        .select(pl.col("email").str.to_lowercase().alias("__key"), pl.col("id").alias("__by_email"))
        .sort("__by_email")
        .unique(subset="__key", keep="first")
    )
    key = name_key(pl.col(column))
    return (
        frame.with_columns(key.alias("__key"))
        .join(names, on="__key", how="left", maintain_order="left")
        .join(emails, on="__key", how="left", maintain_order="left")
        .with_columns(pl.coalesce("__by_name", "__by_email").alias(into))
        .drop("__by_name", "__by_email")
    )


def salespeople(
    frame: pl.DataFrame,
    column: str,
    *,
    into: str,
    header: str,
    problems: Problems,
    create_missing: bool,
    now: object,
) -> Resolved:
    """Return ``frame`` with ``into`` = the salesperson named (name or e-mail) in ``column``.

    With ``create_missing``, a salesperson the database does not know is created from
    the file (the value as name; as e-mail too when it is one).
    """
    from cartera.team.models import Salesperson

    joined = _by_name_or_email(frame, column, into)
    missing = pl.col(column).is_not_null() & pl.col(into).is_null()
    if not create_missing:
        check = Check(
            missing,
            header,
            pl.col(column),
            _("the name or e-mail of a salesperson in cartera (or --create-missing)"),
        )
        return Resolved(apply_checks(joined.drop("__key"), [check], problems))
    new = (
        joined.filter(missing)
        .select(pl.col(column).str.strip_chars().alias("name"), "__key")
        .unique(subset="__key", keep="first", maintain_order=True)
    )
    first = next_id(Salesperson)
    new = new.with_columns(
        pl.int_range(first, first + pl.len(), dtype=pl.Int64).alias("__new_id"),
        pl.when(pl.col("name").str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"))
        .then(pl.col("name").str.to_lowercase())
        .alias("email"),
    )
    filled = (
        joined.join(new.select("__key", "__new_id"), on="__key", how="left", maintain_order="left")
        .with_columns(pl.coalesce(into, "__new_id").alias(into))
        .drop("__key", "__new_id")
    )
    created = complete(Salesperson, new.drop("__key", "__new_id"), first_id=first, now=now)
    return Resolved(filled, Step(Salesperson, "salespeople", created, first_id=first))


def products(
    frame: pl.DataFrame,
    column: str,
    *,
    into: str,
    header: str,
    problems: Problems,
    create_missing: bool,
    now: object,
) -> Resolved:
    """Return ``frame`` with ``into``, ``__list_price`` and ``__unit_cost`` of the SKU named.

    With ``create_missing``, an unknown SKU becomes a product named after the file's
    ``product_name`` column (else the SKU), in its ``family``, at the first unit price
    and unit cost the file gives for it.
    """
    from cartera.catalog.models import Product

    stored = read_rows(Product, ["sku", "list_price", "unit_cost"])
    carry = {"list_price": "__list_price", "unit_cost": "__unit_cost"}
    if not create_missing:
        resolved = resolve_codes(
            frame,
            column,
            stored,
            code="sku",
            into=into,
            header=header,
            expected=_("the SKU of a product in cartera (or --create-missing)"),
            problems=problems,
            carry=carry,
        )
        return Resolved(resolved)
    table = stored.select(
        pl.col("sku").alias(column),
        pl.col("id").alias(into),
        *[pl.col(s).alias(n) for s, n in carry.items()],
    )
    joined = frame.join(table, on=column, how="left", maintain_order="left")
    missing = joined.filter(pl.col(column).is_not_null() & pl.col(into).is_null())
    described = {
        "name": pl.col("product_name") if "product_name" in frame.columns else pl.col(column),
        "family": pl.col("family") if "family" in frame.columns else pl.lit(None, pl.String),
        "list_price": pl.col("unit_price") if "unit_price" in frame.columns else pl.lit(0),
        "unit_cost": pl.col("unit_cost") if "unit_cost" in frame.columns else pl.lit(0),
    }
    first = next_id(Product)
    new = (
        missing.group_by(column, maintain_order=True)
        .agg(e.drop_nulls().first().alias(n) for n, e in described.items())
        .with_columns(
            pl.coalesce("name", column).alias("name"),
            pl.col("list_price").fill_null(0).abs().cast(pl.Int64),
            pl.col("unit_cost").fill_null(0).abs().cast(pl.Int64),
            pl.int_range(first, first + pl.len(), dtype=pl.Int64).alias("__new_id"),
        )
    )
    filled = (
        joined.join(
            new.select(
                column,
                "__new_id",
                pl.col("list_price").alias("__new_price"),
                pl.col("unit_cost").alias("__new_cost"),
            ),
            on=column,
            how="left",
            maintain_order="left",
        )
        .with_columns(
            pl.coalesce(into, "__new_id").alias(into),
            pl.coalesce("__list_price", "__new_price").alias("__list_price"),
            pl.coalesce("__unit_cost", "__new_cost").alias("__unit_cost"),
        )
        .drop("__new_id", "__new_price", "__new_cost")
    )
    created = complete(
        Product, new.rename({column: "sku"}).drop("__new_id"), first_id=first, now=now
    )
    return Resolved(filled, Step(Product, "products", created, first_id=first))


def campaigns(
    frame: pl.DataFrame, column: str, *, into: str, header: str, problems: Problems
) -> pl.DataFrame:
    """Return ``frame`` with ``into`` = the id of the campaign named in ``column``."""
    from cartera.prospecting.models import Campaign

    stored = read_rows(Campaign, ["name"]).with_columns(name_key(pl.col("name")).alias("__name"))
    keyed = frame.with_columns(name_key(pl.col(column)).alias("__campaign"))
    resolved = resolve_codes(
        keyed,
        "__campaign",
        stored,
        code="__name",
        into=into,
        header=header,
        expected=_("the name of a campaign in cartera"),
        problems=problems,
        shown=pl.col(column),
    )
    return resolved.drop("__campaign")
