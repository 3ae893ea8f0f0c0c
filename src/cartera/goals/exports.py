"""The forecast and goals workbook: what the page shows, one sheet per table."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

import polars as pl
from django.utils.translation import gettext as _

from cartera.analytics.forecast import TOTAL
from cartera.goals import reports

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User


def _label(series: str) -> str:
    return _("Company") if series == TOTAL else series


def _euros(column: str) -> pl.Expr:
    # Cents are integers in the frames; the sheet shows currency units.
    return (pl.col(column) / 100).round(2)


def _forecast_sheet(report: reports.ForecastReport) -> pl.DataFrame:
    frames = [report.total.forecast]
    if report.by is not None:
        frames.append(report.forecast.forecast)
    levels = report.total.levels
    return pl.concat(frames).select(
        pl.when(pl.col("series") == TOTAL)
        .then(pl.lit(_("Company")))
        .otherwise(pl.col("series"))
        .alias(_("Series")),
        pl.col("month").alias(_("Month")),
        _euros("forecast_cents").alias(_("Forecast")),
        *(
            _euros(f"{side}_{level}_cents").alias(
                (_("Low %(level)s %%") if side == "lo" else _("High %(level)s %%"))
                % {"level": level}
            )
            for level in levels
            for side in ("lo", "hi")
        ),
    )


def _models_sheet(report: reports.ForecastReport) -> pl.DataFrame:
    rows = reports.series_rows(report.total)
    if report.by is not None:
        rows += reports.series_rows(report.forecast)
    return pl.DataFrame(
        {
            _("Series"): [_label(r["series"]) for r in rows],
            _("Months of history"): [r["months"] for r in rows],
            _("Model"): [str(r["model_label"]) for r in rows],
            _("Accuracy (MASE)"): [r["mase"] for r in rows],
            _("Next 12 months"): [(r["horizon_cents"] or 0) / 100 for r in rows],
            _("Last 12 months"): [(r["last_12_cents"] or 0) / 100 for r in rows],
        },
        schema_overrides={_("Accuracy (MASE)"): pl.Float64},
    )


def _goals_sheet(rows: list[reports.GoalRow]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            _("Series"): [_label(r.series) for r in rows],
            _("Goal for the year"): [r.goal_cents / 100 for r in rows],
            _("Goal to date"): [r.ytd_goal_cents / 100 for r in rows],
            _("Achieved to date"): [r.ytd_actual_cents / 100 for r in rows],
            _("Expected at year end"): [
                None if r.projected_cents is None else r.projected_cents / 100 for r in rows
            ],
            _("Gap at year end"): [
                None if r.projected_gap_cents is None else r.projected_gap_cents / 100 for r in rows
            ],
            _("On track"): [r.on_track for r in rows],
        },
        schema_overrides={
            _("Expected at year end"): pl.Float64,
            _("Gap at year end"): pl.Float64,
            _("On track"): pl.Boolean,
        },
    )


def goals_workbook(*, user: User | AnonymousUser, year: int, as_of: dt.date) -> IO[bytes]:
    """Return the forecast of what ``user`` sees and the goals of ``year`` as a workbook."""
    forecast = reports.revenue_forecast(user=user, as_of=as_of)
    rows = reports.goal_rows(reports.goal_tracking(user=user, year=year, as_of=as_of))
    goals = _goals_sheet(rows)

    def write(path: Path) -> None:
        import xlsxwriter

        with xlsxwriter.Workbook(path) as workbook:
            goals.write_excel(workbook, _("Goals"), autofit=True, float_precision=2)
            if forecast is not None:
                _forecast_sheet(forecast).write_excel(
                    workbook, _("Forecast"), autofit=True, freeze_panes=(1, 0), float_precision=2
                )
                _models_sheet(forecast).write_excel(
                    workbook, _("Models"), autofit=True, float_precision=2
                )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        write(path)
        # The open handle keeps the data after the directory is removed (POSIX).
        return path.open("rb")
