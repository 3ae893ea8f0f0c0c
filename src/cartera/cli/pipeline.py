"""``cartera pipeline``: funnel, conversion, lost reasons, sales cycle and CAC (S0.5–S0.7, S1.4)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from cartera.analytics.pipeline import conversion_by
from cartera.cli.common import acting_user, parse_date, write_json
from cartera.cli.django_setup import setup_django

console = Console()

AsOption = Annotated[str, typer.Option("--as", help="Act as this login (its role applies).")]


def _share(value: Any) -> str:
    return "" if value is None else f"{value:.0%}"


def _money(cents: Any) -> str:
    return "" if cents is None else f"{cents / 100:,.0f}"


def _funnel_table(title: str, funnel: pl.DataFrame, by: str | None) -> Table:
    table = Table(title=title)
    columns = ([by] if by else []) + [_("stage"), _("reached"), _("open"), _("lost here"),
                                      _("conversion")]  # fmt: skip
    text_columns = 2 if by else 1
    for position, column in enumerate(columns):
        table.add_column(column, justify="left" if position < text_columns else "right")
    for row in funnel.iter_rows(named=True):
        table.add_row(
            *([str(row[by])] if by else []), row["stage"], f"{row['reached']:,}",
            f"{row['open']:,}", f"{row['lost_here']:,}", _share(row["conversion"]),
        )  # fmt: skip
    return table


def _conversion_by(funnel: pl.DataFrame, by: str) -> Table:
    """Return created → won per group: the conversion a manager compares across sources."""
    rows = conversion_by(funnel, by)
    table = Table(title=_("Conversion by {by}").format(by=by))
    for position, column in enumerate((by, _("created"), _("won"), _("win rate"))):
        table.add_column(column, justify="left" if position == 0 else "right")
    for row in rows.iter_rows(named=True):
        table.add_row(
            str(row[by]), f"{row['created']:,}", f"{row['won']:,}", _share(row["win_rate"])
        )
    return table


def _cost_table(title: str, costs: pl.DataFrame, by: str) -> Table:
    table = Table(title=title)
    headers = (by, _("cost"), _("prospects"), _("won"), _("CAC"), _("1st-year revenue/client"),
               _("CAC ÷ rev."))  # fmt: skip
    for position, column in enumerate(headers):
        table.add_column(column, justify="left" if position == 0 else "right")
    for row in costs.iter_rows(named=True):
        ratio = row.get("cac_to_first_year")
        table.add_row(
            str(row[by]), _money(row["cost_cents"]), f"{row['prospects']:,}", f"{row['won']:,}",
            _money(row["cac_cents"]), _money(row.get("first_year_revenue_per_client_cents")),
            "" if ratio is None else f"{ratio:.2f}",
        )  # fmt: skip
    return table


def pipeline(
    as_of: Annotated[str, typer.Option(help="Date (YYYY-MM-DD); default today.")] = "",
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write every table as JSON.")
    ] = None,
    as_user: AsOption = "",
) -> None:
    """Show the prospect funnel, conversion, lost reasons, sales cycle and acquisition cost."""
    setup_django()
    from cartera.prospecting.selectors import pipeline_summary
    from cartera.reporting.json_report import records

    day = parse_date(as_of, "--as-of")
    with console.status(_("Reading the pipeline…")):
        summary = pipeline_summary(acting_user(as_user), as_of=day)
    console.print(
        _("{prospects:,} prospects: {open:,} open, {won:,} won, {lost:,} disqualified").format(
            prospects=summary.prospects, open=summary.open, won=summary.won, lost=summary.lost
        )
    )
    if summary.prospects == 0:
        return
    console.print(_funnel_table(_("Funnel"), summary.funnel, None))
    console.print(_conversion_by(summary.funnel_by_source, "source"))
    console.print(_conversion_by(summary.funnel_by_campaign, "campaign"))
    reasons = Table(title=_("Why prospects were discarded (S0.6)"))
    for position, column in enumerate((_("reason"), _("prospects"), _("share"))):
        reasons.add_column(column, justify="left" if position == 0 else "right")
    for row in summary.lost_reasons.iter_rows(named=True):
        reasons.add_row(str(row["lost_reason"]), f"{row['prospects']:,}", _share(row["share"]))
    console.print(reasons)
    cycle = {k: (v or 0) for k, v in summary.cycle.row(0, named=True).items()}
    console.print(
        _(
            "Sales cycle: median {median_days:.0f} days from creation to won ({won:,} won; "
            "quartiles {p25_days:.0f}–{p75_days:.0f}) · median {median_days_to_discard:.0f} "
            "days to discard"
        ).format(**cycle)
    )
    if summary.cost_by_campaign.height:
        by_campaign = _("Acquisition cost by campaign (S1.4)")
        console.print(_cost_table(by_campaign, summary.cost_by_campaign, "campaign"))
        by_source = _("Acquisition cost by source")
        console.print(_cost_table(by_source, summary.cost_by_source, "source"))
    if json_out:
        payload: dict[str, Any] = {
            "as_of": summary.as_of.isoformat(),
            "prospects": summary.prospects,
            "open": summary.open,
            "won": summary.won,
            "lost": summary.lost,
        }
        for name in ("funnel", "funnel_by_source", "funnel_by_campaign", "lost_reasons", "cycle",
                     "cycle_by_source", "cost_by_campaign", "cost_by_source"):  # fmt: skip
            payload[name] = records(getattr(summary, name))
        write_json(payload, json_out)


def register(app: typer.Typer) -> None:
    app.command("pipeline")(pipeline)
