"""``cartera goals``: propose, set and track revenue goals; drift alerts and their actions.

``propose`` shows next year's goals from the forecast plus a growth, spread by season,
and stores them with ``--apply`` (S3.5); ``set`` edits one; ``status`` tracks actual
against goal and forecast month by month and year to date; ``drift`` lists who runs
below the forecast's lower bound and the clients behind it, and with
``--create-activities`` plans the calls and visits (S3.4).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from gettext import gettext as _
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import polars as pl
import typer
from rich.console import Console
from rich.table import Table

from cartera.cli.common import acting_user, fail, parse_date, write_json
from cartera.cli.django_setup import setup_django

if TYPE_CHECKING:
    from cartera.analytics.goals import GoalStatus
    from cartera.goals.drift import DriftAlert, DriftReport
    from cartera.goals.selectors import GoalTracking
    from cartera.goals.services import GoalsProposal

console = Console()
goals = typer.Typer(help="Revenue goals: propose, set, track; drift alerts and actions.")
SCHEMA_VERSION = 1
MONTHS = ("J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D")

AsOption = Annotated[str, typer.Option("--as", help="Act as this login (its role applies).")]
AsOfOption = Annotated[
    str, typer.Option("--as-of", help="Date (YYYY-MM-DD); complete months up to it. Default today.")
]
JsonOption = Annotated[Path | None, typer.Option("--json", help="Write the JSON here.")]
# Worker processes cost more than they save below a few dozen series (bench_forecast_db).
JobsOption = Annotated[
    int, typer.Option(help="Processes for the model fits; -1 (every core) pays off for hundreds.")
]


def _amount(cents: int | float | None) -> str:
    return "—" if cents is None else f"{cents / 100:,.2f}"


def _thousands(cents: int) -> str:
    # Twelve months beside the year must fit a terminal: thousands, no decimals.
    return f"{cents / 100_000:,.0f}k"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _writable(path: Path | None, option: str) -> None:
    if path is not None and not path.parent.exists():
        raise fail(_("{o}: the folder {d} does not exist").format(o=option, d=path.parent))


def _write(payload: dict[str, Any], path: Path | None) -> None:
    if path is None:
        return
    try:
        write_json(payload, path)
    except OSError as error:
        raise fail(_("cannot write {f}: {e}").format(f=error.filename, e=error.strerror)) from None
    console.print(f"[green]{_('written')}:[/] {path}")


# --- propose -------------------------------------------------------------------------


def proposal_payload(proposal: GoalsProposal) -> dict[str, Any]:
    """Return a goals proposal as a JSON-ready dictionary (amounts in currency units)."""
    from cartera.reporting.json_report import records

    def block(part: Any, name: str | None) -> dict[str, Any]:
        annual = part.annual.filter(pl.col("series") == name) if name else part.annual
        months = part.monthly.filter(pl.col("series") == name) if name else part.monthly
        row = annual.row(0, named=True)
        return {
            "base": round(row["base_cents"] / 100, 2),
            "goal": round(max(row["goal_cents"], 0) / 100, 2),
            "months": records(months.select("month", "base_cents", "goal_cents")),
        }

    return {
        "schema_version": SCHEMA_VERSION,
        "year": proposal.year,
        "growth": float(proposal.growth),
        "spread": proposal.spread,
        "as_of": proposal.as_of.isoformat(),
        "through": proposal.through.isoformat(),
        "company": block(proposal.company, None),
        "salespeople": [
            {"salesperson": name, "salesperson_id": pk, **block(proposal.salespeople, name)}
            for name, pk in sorted(proposal.salesperson_ids.items())
        ],
        "skipped": list(proposal.skipped),
    }


def _print_proposal(proposal: GoalsProposal) -> None:
    shown = Table(
        title=_(
            "Goals proposed for {y}: expected revenue + {g:.1%}, spread by {s} "
            "(months in thousands)"
        ).format(y=proposal.year, g=float(proposal.growth), s=proposal.spread)
    )
    shown.add_column(_("salesperson"))
    for column in (_("expected"), _("goal"), *MONTHS):
        shown.add_column(column, justify="right")
    parts = [(proposal.salespeople, n) for n in sorted(proposal.salesperson_ids)]
    for part, name in [*parts, (proposal.company, None)]:
        annual = part.annual if name is None else part.annual.filter(pl.col("series") == name)
        months = part.monthly if name is None else part.monthly.filter(pl.col("series") == name)
        row = annual.row(0, named=True)
        shown.add_row(
            name or _("company"),
            _amount(row["base_cents"]),
            _amount(max(row["goal_cents"], 0)),
            *(_thousands(c) for c in months.sort("month")["goal_cents"]),
            style="bold" if name is None else None,
        )
    console.print(shown)
    people = int(proposal.salespeople.annual["goal_cents"].clip(lower_bound=0).sum())
    company = int(proposal.company.annual["goal_cents"].clip(lower_bound=0).sum())
    console.print(
        _(
            "Salespeople add up to {p}; the company forecast gives {c} "
            "(forecasting the total is not the sum of forecasts)."
        ).format(p=_amount(people), c=_amount(company)),
        style="dim",
    )
    if proposal.skipped:
        console.print(
            _("Not proposed (no active salesperson): {s}").format(s=", ".join(proposal.skipped)),
            style="yellow",
        )


@goals.command("propose")
def propose(
    year: Annotated[int, typer.Option(help="Year of the goals; default next year.")] = 0,
    growth: Annotated[str, typer.Option(help="Growth over the forecast: 0.08 is 8 %.")] = "0.08",
    spread: Annotated[
        str, typer.Option(help="Spread over months by profile (season), forecast or even.")
    ] = "profile",
    apply: Annotated[bool, typer.Option("--apply", help="Store the proposal as goals.")] = False,
    as_of: AsOfOption = "",
    json_out: JsonOption = None,
    jobs: JobsOption = 1,
    as_user: AsOption = "",
) -> None:
    """Propose next year's goal per salesperson and for the company (S3.5)."""
    if spread not in ("profile", "forecast", "even"):
        raise fail(_("--spread expects profile, forecast or even, got {s!r}").format(s=spread))
    try:
        rate = Decimal(growth)
    except InvalidOperation:
        raise fail(
            _("--growth expects a rate such as 0.08 (8 %), got {g!r}").format(g=growth)
        ) from None
    _writable(json_out, "--json")
    setup_django()
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    from cartera.goals.services import goals_accept, goals_propose

    day = parse_date(as_of, "--as-of") or timezone.localdate()
    user = acting_user(as_user)
    with console.status(_("Forecasting every portfolio…")):
        try:
            proposal = goals_propose(
                year=year or day.year + 1,
                growth=rate,
                acting_user=user,
                as_of=day,
                spread=spread,  # type: ignore[arg-type]
                n_jobs=jobs,
            )
        except (ValueError, PermissionDenied) as error:
            raise fail(str(error)) from None
    _print_proposal(proposal)
    _write(proposal_payload(proposal), json_out)
    if apply:
        written = goals_accept(proposal=proposal, acting_user=user)
        console.print(
            _("[green]Stored[/] {n} goal rows for {y}; edit them with `cartera goals set`.").format(
                n=written, y=proposal.year
            )
        )
    else:
        console.print(_("Nothing stored: run again with --apply to keep these goals."), style="dim")


# --- set ------------------------------------------------------------------------------


@goals.command("set")
def set_goal(
    year: Annotated[int, typer.Option(help="Year of the goal.")],
    target: Annotated[str, typer.Option(help="Amount of the goal.")],
    month: Annotated[int, typer.Option(help="Month 1–12; 0 for the yearly goal.")] = 0,
    salesperson: Annotated[
        str, typer.Option(help="Salesperson's name; empty for the company.")
    ] = "",
    spread: Annotated[
        str,
        typer.Option(help="Yearly goal: spread months as they were (keep), by profile, or even."),
    ] = "keep",
    as_of: AsOfOption = "",
    as_user: AsOption = "",
) -> None:
    """Set a yearly or monthly goal; the months and the year stay consistent."""
    try:
        amount = Decimal(target)
    except InvalidOperation:
        raise fail(
            _("--target expects an amount such as 1200000, got {t!r}").format(t=target)
        ) from None
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import timezone

    from cartera.goals.services import goal_set
    from cartera.team.models import Salesperson

    person = None
    if salesperson:
        person = Salesperson.objects.filter(name=salesperson).first()
        if person is None:
            raise fail(_("--salesperson: there is no salesperson {n!r}").format(n=salesperson))
    try:
        goal = goal_set(
            acting_user=acting_user(as_user),
            year=year,
            month=month or None,
            target=amount,
            salesperson=person,
            spread=spread,  # type: ignore[arg-type]
            as_of=parse_date(as_of, "--as-of") or timezone.localdate(),
        )
    except PermissionDenied as error:
        raise fail(str(error)) from None
    except ValidationError as error:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        raise fail(messages) from None
    console.print(_("[green]Goal set:[/] {g} = {t:,.2f}").format(g=goal, t=goal.target))


# --- status ---------------------------------------------------------------------------


def _status_block(status: GoalStatus | None, goals_in_force: pl.DataFrame) -> list[dict[str, Any]]:
    from cartera.reporting.json_report import records

    if status is None:
        return []
    months = status.monthly.join(
        goals_in_force.select("series", "month", "source"), on=["series", "month"], how="left"
    )
    blocks = []
    for row in status.summary.iter_rows(named=True):
        name = row["series"]
        summary = records(status.summary.filter(pl.col("series") == name))[0]
        ids = goals_in_force.filter(pl.col("series") == name)["salesperson_id"]
        blocks.append(
            {
                "salesperson": name,
                "salesperson_id": ids[0] if ids.len() else None,
                "summary": summary,
                "months": records(months.filter(pl.col("series") == name).drop("series")),
            }
        )
    return blocks


def status_payload(tracking: GoalTracking) -> dict[str, Any]:
    """Return goal tracking as a JSON-ready dictionary (amounts in currency units)."""
    company = _status_block(tracking.company, tracking.goals)
    if company:
        company[0].pop("salesperson")
        company[0].pop("salesperson_id")
    return {
        "schema_version": SCHEMA_VERSION,
        "year": tracking.year,
        "as_of": tracking.as_of.isoformat(),
        "through": tracking.through.isoformat(),
        "company": company[0] if company else None,
        "salespeople": _status_block(tracking.salespeople, tracking.goals),
    }


def _print_status(tracking: GoalTracking) -> None:
    shown = Table(
        title=_("Goals {y}: actual through {t:%Y-%m} against goal and forecast").format(
            y=tracking.year, t=tracking.through
        )
    )
    for column in (
        _("who"),
        _("goal (year)"),
        _("goal to date"),
        _("actual to date"),
        _("gap"),
        _("attainment"),
        _("projected"),
        _("projected gap"),
    ):
        shown.add_column(column, justify="left" if column == _("who") else "right")
    rows: list[tuple[str, dict[str, Any], str | None]] = []
    if tracking.salespeople is not None:
        rows += [(r["series"], r, None) for r in tracking.salespeople.summary.iter_rows(named=True)]
    if tracking.company is not None:
        rows += [(_("company"), r, "bold") for r in tracking.company.summary.iter_rows(named=True)]
    for name, row, style in rows:
        gap = row["ytd_gap_cents"]
        shown.add_row(
            name,
            _amount(row["goal_cents"]),
            _amount(row["ytd_goal_cents"]),
            _amount(row["ytd_actual_cents"]),
            f"[{'red' if gap < 0 else 'green'}]{_amount(gap)}[/]",
            _share(row["attainment"]),
            _amount(row["projected_cents"]),
            _amount(row["projected_gap_cents"]),
            style=style,
        )
    console.print(shown)
    detail = tracking.company or tracking.salespeople
    if detail is None or (tracking.company is None and detail.summary.height != 1):
        return
    who = _("company") if tracking.company is not None else detail.summary["series"][0]
    months = Table(title=_("Month by month ({who})").format(who=who))
    for column in (_("month"), _("goal"), _("actual"), _("forecast"), _("gap"), _("gap to date")):
        months.add_column(column, justify="right")
    for row in detail.monthly.iter_rows(named=True):
        months.add_row(
            f"{row['month']:%Y-%m}",
            _amount(row["goal_cents"]),
            _amount(row["actual_cents"]),
            _amount(row["forecast_cents"]),
            _amount(row["gap_cents"]),
            _amount(row["ytd_gap_cents"]),
        )
    console.print(months)


@goals.command("status")
def status(
    year: Annotated[int, typer.Option(help="Year tracked; default the year of --as-of.")] = 0,
    as_of: AsOfOption = "",
    json_out: JsonOption = None,
    jobs: JobsOption = 1,
    as_user: AsOption = "",
) -> None:
    """Show actual against goal and forecast, month by month and year to date (S3.5)."""
    _writable(json_out, "--json")
    setup_django()
    from django.utils import timezone

    from cartera.goals.selectors import goal_status_for

    day = parse_date(as_of, "--as-of") or timezone.localdate()
    with console.status(_("Forecasting the rest of the year…")):
        try:
            tracking = goal_status_for(
                user=acting_user(as_user), year=year or day.year, as_of=day, n_jobs=jobs
            )
        except ValueError as error:
            raise fail(str(error)) from None
    if tracking.company is None and tracking.salespeople is None:
        console.print(
            _("No goals for {y}: propose them with `cartera goals propose --year {y}`.").format(
                y=tracking.year
            ),
            style="yellow",
        )
    else:
        _print_status(tracking)
    _write(status_payload(tracking), json_out)


# --- drift ----------------------------------------------------------------------------


def alert_payload(alert: DriftAlert) -> dict[str, Any]:
    """Return one drift alert as a JSON-ready dictionary."""
    from cartera.reporting.json_report import records

    return {
        "dimension": alert.dimension,
        "series": alert.series,
        "start": alert.start.isoformat(),
        "end": alert.end.isoformat(),
        "months": alert.months,
        "revenue": float(alert.revenue),
        "forecast": float(alert.forecast),
        "lower": float(alert.lower),
        "gap": float(alert.gap),
        "ongoing": alert.ongoing,
        "salesperson_id": alert.salesperson_id,
        "suggested": alert.suggested["client"].to_list(),
        "clients": records(alert.clients),
    }


def drift_payload(report: DriftReport) -> dict[str, Any]:
    """Return the drift check as a JSON-ready dictionary."""
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": report.as_of.isoformat(),
        "through": report.through.isoformat(),
        "recent_months": report.recent,
        "level": report.level,
        "alerts": [alert_payload(a) for a in report.alerts],
    }


def _print_alert(alert: DriftAlert, limit: int) -> None:
    what = _("salesperson") if alert.dimension == "salesperson" else _("segment")
    console.print(
        _(
            "[bold]{what} {s}[/]: {a:%Y-%m} – {b:%Y-%m}, revenue {r:,.2f} against a forecast of "
            "{f:,.2f} (lower bound {lo:,.2f}): [red]gap {g:,.2f}[/]{now}"
        ).format(
            what=what,
            s=alert.series,
            a=alert.start,
            b=alert.end,
            r=alert.revenue,
            f=alert.forecast,
            lo=alert.lower,
            g=alert.gap,
            now=_(" · ongoing") if alert.ongoing else "",
        )
    )
    shown = Table()
    for column in (
        "#",
        _("client"),
        _("name"),
        _("owner"),
        _("status"),
        _("expected"),
        _("bought"),
        _("shortfall"),
        _("cumulative"),
        _("overdue"),
    ):
        shown.add_column(
            column, justify="right" if column not in (_("name"), _("status")) else "left"
        )
    for row in alert.clients.head(limit).iter_rows(named=True):
        shown.add_row(
            str(row["rank"]),
            row["client"],
            row["client_name"] or "",
            row["owner"] or "",
            row["status"],
            _amount(row["expected_cents"]),
            _amount(row["revenue_cents"]),
            _amount(row["shortfall_cents"]),
            _share(row["cumulative_share"]),
            _amount(row["overdue_cents"]),
        )
    console.print(shown)


@goals.command("drift")
def drift(
    as_of: AsOfOption = "",
    create_activities: Annotated[
        bool,
        typer.Option(
            "--create-activities",
            help="Plan calls and visits for the clients behind each ongoing alert.",
        ),
    ] = False,
    limit: Annotated[int, typer.Option(help="Clients shown per alert.")] = 10,
    json_out: JsonOption = None,
    jobs: JobsOption = 1,
    as_user: AsOption = "",
) -> None:
    """List salespeople and segments below the forecast's lower bound two months running (S3.4)."""
    _writable(json_out, "--json")
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import timezone

    from cartera.goals.selectors import drift_check
    from cartera.goals.services import drift_actions_create

    day = parse_date(as_of, "--as-of") or timezone.localdate()
    user = acting_user(as_user)
    with console.status(_("Judging the last months against the forecast…")):
        report = drift_check(user=user, as_of=day, n_jobs=jobs)
    if not report.alerts:
        console.print(
            _(
                "No drift: no salesperson or segment below the {lv} % lower bound "
                "two months running in the {n} months through {t:%Y-%m}."
            ).format(lv=report.level, n=report.recent, t=report.through),
            style="green",
        )
    for alert in report.alerts:
        _print_alert(alert, limit)
    _write(drift_payload(report), json_out)
    if not create_activities:
        return
    planned = 0
    for alert in report.alerts:
        if not alert.ongoing:
            continue
        try:
            created = drift_actions_create(alert=alert, acting_user=user, on=day)
        except (PermissionDenied, ValidationError) as error:
            raise fail(str(error)) from None
        planned += len(created)
    console.print(_("[green]Planned[/] {n} calls and visits.").format(n=planned))


def register(app: typer.Typer) -> None:
    """Add ``goals`` to the ``cartera`` command."""
    app.add_typer(goals, name="goals")
