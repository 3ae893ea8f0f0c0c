"""Clients and prospects (S1.1, S2.1), upserted by code, with their custom attributes.

Phones are read with the row's country, else the stored account's, else the
company's; tax ids are checked for that country (a tax id already stored for the
account is accepted as it is: it may predate the check). A new account with a
salesperson gets its first ownership period; a changed salesperson is a hand-over.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _

from cartera.clients.models import Account, OwnershipPeriod, Status
from cartera.common.bulk import next_id
from cartera.imports import attributes, ownership, references
from cartera.imports.loaders.base import Context, Plan, checked, given_fields, unique_in_file
from cartera.imports.matching import Step, plan_upsert
from cartera.imports.problems import Check
from cartera.imports.reading import ATTRIBUTE_PREFIX, checked_by_library
from cartera.imports.storage import read_rows
from cartera.imports.validators import phone, tax_id

# Stored values the checks need, whatever the file gives.
_CONTEXT = (
    "country",
    "tax_id",
    "status",
    "lost_on",
    "pipeline_stage",
    "disqualified_reason",
    "owner_id",
    "attributes",
)


def _stored(fields: list[str]) -> pl.DataFrame:
    stored = read_rows(Account, ["code", *_CONTEXT, *fields, "campaign_id"])
    return attributes.canonical_column(stored, "attributes")


def _with_stored(rows: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    context = stored.select(
        "code", pl.col("id").alias("__id"), *[pl.col(c).alias(f"__{c}") for c in _CONTEXT]
    ).unique(subset="code", keep="first")
    return rows.join(context, on="code", how="left", maintain_order="left")


def _country(ctx: Context) -> pl.Expr:
    stored = pl.when(pl.col("__country") != "").then(pl.col("__country"))
    given = [pl.col("country")] if ctx.has("country") else []
    return pl.coalesce(*given, stored, pl.lit(ctx.region))


def _validated(ctx: Context, rows: pl.DataFrame) -> pl.DataFrame:
    rows = rows.with_columns(_country(ctx).alias("__region"))
    if ctx.has("phone"):
        rows = checked_by_library(
            rows, "phone", ctx.header("phone"), phone, ctx.problems, extra=["__region"]
        )
    if ctx.has("tax_id"):
        fresh = pl.when(~pl.col("tax_id").eq_missing(pl.col("__tax_id"))).then(pl.col("tax_id"))
        rows = checked_by_library(
            rows.with_columns(fresh.alias("__tax_check")),
            "__tax_check",
            ctx.header("tax_id"),
            tax_id,
            ctx.problems,
            extra=["__region"],
        ).drop("__tax_check")
    return rows


def _rules(ctx: Context, rows: pl.DataFrame, default_status: str) -> pl.DataFrame:
    """Refuse rows the model's constraints would refuse, located."""

    def value(role: str) -> pl.Expr:
        stored = pl.col(f"__{role}")
        return pl.coalesce(pl.col(role), stored) if ctx.has(role) else stored

    status = pl.coalesce(value("status"), pl.lit(default_status))
    checks = [
        Check(
            (status == Status.LOST) & value("lost_on").is_null(),
            ctx.header("lost_on" if ctx.has("lost_on") else "status"),
            status,
            _("a lost-on date for a lost client (column lost_on)"),
        ),
        Check(
            (value("pipeline_stage") == "lost")
            & pl.coalesce(value("disqualified_reason"), pl.lit("")).eq(""),
            ctx.header("pipeline_stage"),
            value("pipeline_stage"),
            _("a disqualification reason for a disqualified prospect"),
        ),
    ]
    if ctx.has("credit_limit"):
        checks.append(
            Check(
                pl.col("credit_limit") < 0,
                ctx.header("credit_limit"),
                pl.col("credit_limit") / 100,
                _("a credit limit of zero or more"),
            )
        )
    return checked(ctx, rows, checks)


def plan(ctx: Context, rows: pl.DataFrame) -> Plan:
    """Plan the accounts of the file, their attributes and their ownership periods."""
    default_status = Status.CLIENT if ctx.kind.name == "clients" else Status.PROSPECT
    steps: list[Step] = []
    extra: list[str] = []
    if ctx.has("owner"):
        rows = ctx.resolve(references.salespeople, rows, "owner", into="owner_id", steps=steps)
        extra.append("owner_id")
    if ctx.has("campaign"):
        rows = references.campaigns(
            rows,
            "campaign",
            into="campaign_id",
            header=ctx.header("campaign"),
            problems=ctx.problems,
        )
        extra.append("campaign_id")
    rows = unique_in_file(ctx, rows, ["code"], "code")
    fields = given_fields(ctx, skip=("attributes",))
    stored = _stored([*fields.values(), *extra])
    rows = _validated(ctx, _with_stored(rows, stored))
    rows = _rules(ctx, rows, default_status)

    unknown = [c for c in rows.columns if c.startswith(ATTRIBUTE_PREFIX)]
    given_json = "attributes" if ctx.has("attributes") else None
    with_attributes = bool(unknown or given_json)
    if with_attributes:
        rows = attributes.merged(
            rows, stored="__attributes", given=given_json, unknown=unknown, prefix=ATTRIBUTE_PREFIX
        )
    incoming = rows.select(
        "row",
        *extra,
        *[pl.col(r).alias(a) for r, a in fields.items()],
        *([pl.col(attributes.MERGED).alias("attributes")] if with_attributes else []),
    )
    compared = [a for a in fields.values() if a != "code"] + extra
    compared += ["attributes"] if with_attributes else []
    label = ctx.kind.name
    step = plan_upsert(
        Account,
        label,
        incoming,
        stored,
        key=["code"],
        fields=compared,
        first_id=next_id(Account),
        now=ctx.now,
        fixed={"status": default_status},
    )
    steps.append(step)
    steps.append(
        Step(
            OwnershipPeriod,
            "ownership_periods",
            ownership.first_periods(
                step.creates,
                day=ctx.today,
                reason=ctx.reason,
                first_id=next_id(OwnershipPeriod),
                now=ctx.now,
            ),
        )
    )
    result = Plan(steps, label, incoming.height)
    if "owner_id" in extra:
        handed = rows.filter(
            pl.col("__id").is_not_null()
            & pl.col("owner_id").is_not_null()
            & ~pl.col("owner_id").eq_missing(pl.col("__owner_id"))
        ).select(pl.col("__id").alias("account_id"), pl.col("owner_id").alias("salesperson_id"))
        if handed.height:
            result.after.append(
                lambda: ownership.hand_over(handed, day=ctx.today, reason=ctx.reason, now=ctx.now)
            )
    return result
