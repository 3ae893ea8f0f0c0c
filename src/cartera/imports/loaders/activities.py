"""Follow-up activities (S2.2): visits, calls, e-mails … matched by what they are.

An activity has no code of its own, so it is identified by client, date, kind and
summary, and, when a file holds several identical ones, by their order: the second
identical call of a day in the file is the second one stored. Importing the same file
again, or a file exported by cartera, thus finds every activity already there.
"""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext as _

from cartera.activities.models import Activity
from cartera.clients.models import Contact
from cartera.imports import references
from cartera.imports.loaders.base import Context, Plan, given_fields, upsert
from cartera.imports.matching import name_key
from cartera.imports.problems import Check, apply_checks
from cartera.imports.storage import read_rows

KEY = ["account_id", "date", "kind", "__summary", "__nth"]


def _numbered(summary: pl.Expr) -> list[pl.Expr]:
    keyed = summary.fill_null("")
    return [
        keyed.alias("__summary"),
        pl.int_range(pl.len()).over(["account_id", "date", "kind", keyed]).alias("__nth"),
    ]


def plan(ctx: Context, rows: pl.DataFrame) -> Plan:
    """Plan the activities of the file; by default each is its client's owner's."""
    steps = []
    rows = references.resolve_codes(
        rows,
        "client",
        references.accounts("owner_id"),
        code="code",
        into="account_id",
        header=ctx.header("client"),
        expected=_("the code of a client in cartera"),
        problems=ctx.problems,
        carry={"owner_id": "__owner"},
    )
    given = ["account_id"]
    if ctx.has("salesperson"):
        rows = ctx.resolve(
            references.salespeople, rows, "salesperson", into="salesperson_id", steps=steps
        )
        given.append("salesperson_id")
        rows = rows.with_columns(pl.coalesce("salesperson_id", "__owner").alias("__salesperson"))
    else:
        rows = rows.with_columns(pl.col("__owner").alias("__salesperson"))
    if ctx.has("contact"):
        contacts = (
            read_rows(Contact, ["account_id", "name"])
            .select(
                pl.col("account_id"),
                name_key(pl.col("name")).alias("__contact"),
                pl.col("id").alias("contact_id"),
            )
            .unique(subset=["account_id", "__contact"], keep="first")
        )
        rows = rows.with_columns(name_key(pl.col("contact")).alias("__contact")).join(
            contacts, on=["account_id", "__contact"], how="left", maintain_order="left"
        )
        rows = apply_checks(
            rows,
            [
                Check(
                    pl.col("contact").is_not_null() & pl.col("contact_id").is_null(),
                    ctx.header("contact"),
                    pl.col("contact"),
                    _("the name of a contact of the same client"),
                )
            ],
            ctx.problems,
        )
        given.append("contact_id")
    fields = given_fields(ctx)
    summary = pl.col("summary") if ctx.has("summary") else pl.lit(None, pl.String)
    incoming = rows.select(
        "row",
        *[c for c in given if c != "salesperson_id"],
        pl.col("__salesperson").alias("salesperson_id"),
        *[pl.col(r).alias(a) for r, a in fields.items()],
        *_numbered(summary),
    )
    stored = read_rows(
        Activity, ["account_id", "date", "kind", "summary", *given[1:], *fields.values()]
    ).sort("id")
    stored = stored.with_columns(_numbered(pl.col("summary")))
    compared = [c for c in [*given[1:], *fields.values()] if c not in KEY]
    label = "activities"
    steps.append(upsert(ctx, Activity, label, incoming, key=KEY, fields=compared, stored=stored))
    return Plan(steps, label, incoming.height)
