"""``cartera forecast``: monthly revenue ahead, per series, with the bottom-up view (S3.5, S3.8).

Calls :func:`cartera.goals.selectors.forecast_report` and prints each series' model and
backtest MASE, the forecast totals, the seasonal profile and the bottom-up view beside
the time series; ``--json`` and ``--html`` write them.
"""

from __future__ import annotations

from gettext import gettext as _
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cartera.cli.common import acting_user, fail, parse_date, write_json
from cartera.cli.django_setup import setup_django

if TYPE_CHECKING:
    from cartera.analytics.forecast import RevenueForecast
    from cartera.goals.selectors import ForecastReport

console = Console()
SCHEMA_VERSION = 1
# Worker processes cost more than they save below a few dozen series (bench_forecast_db).
JobsOption = Annotated[
    int, typer.Option(help="Processes for the model fits; -1 (every core) pays off for hundreds.")
]
MONTHS = ("J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D")


def _amount(cents: int | float | None) -> str:
    return "—" if cents is None else f"{cents / 100:,.2f}"


def _model(row: dict[str, Any]) -> str:
    # The tier says why a short series got a simpler model; the full tier goes unsaid.
    return row["model"] if row["tier"] == "full" else f"{row['model']} ({row['tier']})"


def _writable(path: Path | None, option: str) -> None:
    if path is not None and not path.parent.exists():
        raise fail(_("{o}: the folder {d} does not exist").format(o=option, d=path.parent))


def forecast_block(result: RevenueForecast) -> dict[str, Any]:
    """Return one forecast as JSON-ready lists (amounts in currency units)."""
    from cartera.reporting.forecast_html import models_table
    from cartera.reporting.json_report import records

    return {
        "models": records(models_table(result)),
        "forecast": records(result.forecast),
        "history": records(result.history),
        "profile": records(result.profile),
        "trend": records(
            result.decomposition.components.select(
                "series", "month", "trend_cents", "seasonal_index"
            )
        ),
    }


def forecast_payload(report: ForecastReport) -> dict[str, Any]:
    """Return the forecast report as a JSON-ready dictionary."""
    from cartera.reporting.json_report import records

    bottom_up = report.bottom_up
    acquired = bottom_up.acquired
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": report.as_of.isoformat(),
        "through": report.through.isoformat(),
        "by": report.by,
        "horizon": report.horizon,
        "levels": list(report.total.levels),
        "series": forecast_block(report.forecast),
        "company": forecast_block(report.total),
        "bottom_up": {
            "available": bottom_up.available,
            "note": bottom_up.note,
            "clients": bottom_up.clients,
            "new_clients_per_month": acquired.rate_per_month if acquired else None,
            "first_year_value": float(acquired.first_year_value) if acquired else None,
            "months": records(bottom_up.months),
        },
    }


def _print(report: ForecastReport, *, bottom_up: bool) -> None:
    from cartera.reporting.forecast_html import models_table

    total = report.total
    first, last = total.forecast["month"].min(), total.forecast["month"].max()
    heading = _("Revenue forecast {a:%Y-%m} – {b:%Y-%m} (history through {t:%Y-%m})").format(
        a=first, b=last, t=report.through
    )
    shown = Table(title=heading)
    for column in (_("series"), _("months"), _("model"), "MASE", _("forecast"), _("last 12 m")):
        shown.add_column(column, justify="left" if column == _("series") else "right")
    rows = models_table(report.forecast).iter_rows(named=True)
    for row in rows:
        shown.add_row(
            row["series"],
            str(row["months"]),
            _model(row),
            "—" if row["mase"] is None else f"{row['mase']:.2f}",
            _amount(row["horizon_cents"]),
            _amount(row["last_12_cents"]),
        )
    if report.by is not None:
        company = models_table(total).row(0, named=True)
        shown.add_row(
            _("company"),
            str(company["months"]),
            _model(company),
            "—" if company["mase"] is None else f"{company['mase']:.2f}",
            _amount(company["horizon_cents"]),
            _amount(company["last_12_cents"]),
            style="bold",
        )
    console.print(shown)
    console.print(
        _("MASE below 1 beats last year repeated (backtest on the series' own history)."),
        style="dim",
    )
    profile = total.decomposition.indices(str(total.models["series"][0]))
    console.print(
        _("Seasonal profile (company):")
        + " "
        + " · ".join(f"{label} {value:.2f}" for label, value in zip(MONTHS, profile, strict=True))
    )
    view = report.bottom_up
    if not view.available:
        if bottom_up:
            console.print(_("Bottom-up view: {note}").format(note=view.note), style="yellow")
        return
    months = view.months
    existing, new = int(months["existing_cents"].sum()), int(months["new_cents"].sum())
    series = int(months["time_series_cents"].sum())
    console.print(
        _(
            "[bold]Bottom-up[/] {total} = current clients {existing} + new clients {new} "
            "· time series {series} · difference {diff:+.1%}"
        ).format(
            total=_amount(existing + new),
            existing=_amount(existing),
            new=_amount(new),
            series=_amount(series),
            diff=(existing + new) / series - 1 if series else 0.0,
        )
    )


def forecast(
    by: Annotated[
        str, typer.Option(help="Break down by salesperson, segment or family; empty: the total.")
    ] = "",
    horizon: Annotated[int, typer.Option(help="Months ahead.")] = 12,
    as_of: Annotated[
        str, typer.Option(help="Date (YYYY-MM-DD); complete months up to it. Default today.")
    ] = "",
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON here.")] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")
    ] = None,
    bottom_up: Annotated[
        bool, typer.Option("--bottom-up/--no-bottom-up", help="Fit the customer-base view.")
    ] = True,
    jobs: JobsOption = 1,
    as_user: Annotated[
        str, typer.Option("--as", help="Act as this login (its role applies).")
    ] = "",
) -> None:
    """Forecast monthly revenue with intervals, per series, beside the bottom-up view (S3.5)."""
    if by and by not in ("salesperson", "segment", "family"):
        raise fail(_("--by expects salesperson, segment or family, got {b!r}").format(b=by))
    if horizon < 1:
        raise fail(_("--horizon must be a whole number of months, 1 or more"))
    _writable(json_out, "--json")
    _writable(html_out, "--html")
    setup_django()
    from django.utils import timezone

    from cartera.goals.selectors import forecast_report
    from cartera.reporting.forecast_html import write_forecast_html

    day = parse_date(as_of, "--as-of") or timezone.localdate()
    user = acting_user(as_user)
    with console.status(_("Forecasting (backtests of every candidate model)…")):
        try:
            report = forecast_report(
                user=user,
                by=by or None,
                horizon=horizon,
                as_of=day,
                n_jobs=jobs,
                bottom_up=bottom_up,
            )
        except ValueError as error:
            raise fail(str(error)) from None
    _print(report, bottom_up=bottom_up)
    try:
        if json_out:
            write_json(forecast_payload(report), json_out)
            console.print(f"[green]{_('written')}:[/] {json_out}")
        if html_out:
            write_forecast_html(report, html_out)
            console.print(f"[green]{_('written')}:[/] {html_out}")
    except OSError as error:
        raise fail(_("cannot write {f}: {e}").format(f=error.filename, e=error.strerror)) from None


def register(app: typer.Typer) -> None:
    """Add ``forecast`` to the ``cartera`` command."""
    app.command("forecast")(forecast)
