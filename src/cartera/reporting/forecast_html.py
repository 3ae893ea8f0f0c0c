"""The revenue forecast as one self-contained HTML file: inline CSS and SVG, nothing fetched.

The company's history and forecast with its 80 % and 95 % intervals, its seasonal
profile, the bottom-up view beside the time series, and one chart per series of the
breakdown with its model and backtest MASE (S3.5, S3.8).
"""

from __future__ import annotations

import datetime as dt
import html
from gettext import gettext as _
from pathlib import Path
from typing import TYPE_CHECKING, Final

import polars as pl

from cartera.analytics.forecast import RevenueForecast
from cartera.reporting import forecast_charts
from cartera.reporting.html_report import cards, figure, table

if TYPE_CHECKING:
    from cartera.goals.selectors import ForecastReport

HISTORY_SHOWN: Final = 36
"""Months of history drawn before the forecast."""

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2937;margin:0;
background:#f9fafb}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}
h2{font-size:1.2rem;margin:32px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.meta{color:#6b7280;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:1.2rem}.card span{color:#6b7280;font-size:.8rem}
.note{background:#fffbeb;border:1px solid #fde68a;padding:8px 12px;border-radius:8px;margin:8px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
figure{margin:0;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:8px}
figure svg{width:100%;height:auto}figcaption{color:#6b7280;font-size:.8rem}
table{border-collapse:collapse;background:#fff;font-size:.85rem;margin:8px 0;width:100%}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:right}th{background:#f3f4f6}
td:first-child,th:first-child{text-align:left}
.scroll{overflow-x:auto}
"""


def _money(cents: float | int | None) -> str:
    if cents is None:
        return "—"
    return f"{cents / 100:,.2f}".replace(",", "\u202f").replace(".", ",")


def series_chart(
    result: RevenueForecast,
    series: str,
    *,
    title: str,
    legend: tuple[str, str, str, str] | None = None,
) -> str:
    """Return the history, trend and forecast chart of one series of ``result``.

    ``legend`` names revenue, forecast, interval and trend; the web app passes its own
    translations (this module's are the command line's).
    """
    history = (
        result.decomposition.components.filter(pl.col("series") == series)
        .sort("month")
        .tail(HISTORY_SHOWN)
    )
    ahead = result.forecast.filter(pl.col("series") == series).sort("month")
    bands = [
        (
            (ahead[f"lo_{level}_cents"] / 100).to_list(),
            (ahead[f"hi_{level}_cents"] / 100).to_list(),
        )
        for level in result.levels
    ]
    return forecast_charts.forecast_chart(
        history["month"].to_list(),
        (history["revenue_cents"] / 100).to_list(),
        ahead["month"].to_list(),
        (ahead["forecast_cents"] / 100).to_list(),
        bands=bands,
        trend=(history["trend_cents"] / 100).to_list(),
        title=title,
        legend=legend
        or (
            _("revenue"),
            _("forecast"),
            _("interval %(levels)s") % {"levels": " / ".join(f"{lv}%" for lv in result.levels)},
            _("trend"),
        ),
    )


def _last_year(result: RevenueForecast) -> pl.DataFrame:
    last = result.history["month"].max()
    assert isinstance(last, dt.date)
    start = dt.date(last.year - 1, last.month, 1)
    return (
        result.history.filter(pl.col("month") > start)
        .group_by("series")
        .agg(pl.col("revenue_cents").sum().alias("last_12_cents"))
    )


def models_table(result: RevenueForecast) -> pl.DataFrame:
    """Return per series: months, tier, model, MASE, the forecast total and the last 12 months."""
    return (
        result.models.join(
            result.totals().rename({"forecast_cents": "horizon_cents"}), on="series", how="left"
        )
        .join(_last_year(result), on="series", how="left")
        .sort("horizon_cents", descending=True, nulls_last=True)
    )


def render_forecast_html(report: ForecastReport, *, title: str | None = None) -> str:
    """Return the whole forecast report as one HTML document."""
    total = report.total
    company = total.models["series"][0] if total.models.height else None
    horizon_total = int(total.forecast["forecast_cents"].sum())
    last_12 = int(_last_year(total)["last_12_cents"].sum())
    first = total.forecast["month"].min()
    last = total.forecast["month"].max()
    headline = [
        (
            _("forecast %(first)s – %(last)s")
            % {"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"},
            _money(horizon_total),
        ),
        (_("last 12 months"), _money(last_12)),
        (
            _("change"),
            f"{(horizon_total / last_12 - 1) * 100:+.1f}%" if last_12 > 0 else "—",
        ),
    ]
    bottom_up = report.bottom_up
    if bottom_up.available:
        headline.append((_("bottom-up total"), _money(int(bottom_up.months["total_cents"].sum()))))
    parts: list[str] = [cards(headline), f"<h2>{html.escape(_('Company'))}</h2>"]
    if company is not None:
        indices = total.decomposition.indices(company)
        parts.append(
            "<div class='charts'>"
            + figure(
                series_chart(total, company, title=_("Revenue and forecast")),
                _(
                    "Monthly revenue (complete months), trend (centred 12-month average), "
                    "and the forecast with its prediction intervals."
                ),
            )
            + figure(
                forecast_charts.seasonal_profile_chart(indices, title=_("Seasonal profile")),
                _("Seasonal index per month: 1.2 sells 20 % above the trend (S3.5)."),
            )
            + "</div>"
        )
    parts.append(f"<h2>{html.escape(_('Bottom-up view'))}</h2>")
    if bottom_up.available:
        months = bottom_up.months
        parts.append(
            figure(
                forecast_charts.bottom_up_chart(
                    months["month"].to_list(),
                    (months["existing_cents"] / 100).to_list(),
                    (months["new_cents"] / 100).to_list(),
                    (months["time_series_cents"] / 100).to_list(),
                    title=_("Bottom-up and time-series forecasts"),
                    legend=(_("current clients"), _("new clients"), _("time-series forecast")),
                ),
                _(
                    "Current clients: expected purchases (BG/NBD) × expected spend "
                    "(Gamma-Gamma); new clients: the recent acquisition rate × a new "
                    "client's first-year revenue. %(clients)d clients scored."
                )
                % {"clients": bottom_up.clients},
            )
        )
        parts.append(
            table(
                months,
                [
                    ("month", _("month")),
                    ("existing_cents", _("current clients")),
                    ("new_cents", _("new clients")),
                    ("total_cents", _("bottom-up")),
                    ("time_series_cents", _("time series")),
                    ("difference_cents", _("difference")),
                ],
            )
        )
    else:
        parts.append(f"<p class='note'>{html.escape(bottom_up.note)}</p>")
    parts.append(f"<h2>{html.escape(_('Models'))}</h2>")
    parts.append(
        "<p class='meta'>"
        + html.escape(
            _(
                "Each series is forecast by the candidate with the lowest backtest MASE "
                "(mean absolute scaled error): below 1 beats the seasonal naive forecast "
                "(last year repeated). Short histories fall back to simpler models (tier)."
            )
        )
        + "</p>"
    )
    columns = [
        ("series", _("series")),
        ("months", _("months")),
        ("tier", _("tier")),
        ("model", _("model")),
        ("mase", "MASE"),
        ("horizon_cents", _("forecast")),
        ("last_12_cents", _("last 12 months")),
    ]
    if report.by is not None:
        detail = report.forecast
        parts.append(table(models_table(detail), columns))
        figures = []
        for row in models_table(detail).iter_rows(named=True):
            mase = "—" if row["mase"] is None else f"{row['mase']:.2f}"
            figures.append(
                figure(
                    series_chart(detail, row["series"], title=row["series"]),
                    f"{row['series']}: {row['model']} · MASE {mase}",
                )
            )
        parts.append("<div class='charts'>" + "".join(figures) + "</div>")
    else:
        parts.append(table(models_table(total), columns))
    parts.append(f"<h2>{html.escape(_('Forecast by month'))}</h2>")
    interval = [
        (f"{side}_{level}_cents", f"{side} {level}%")
        for level in total.levels
        for side in ("lo", "hi")
    ]
    parts.append(
        table(total.forecast, [("month", _("month")), ("forecast_cents", _("forecast")), *interval])
    )
    heading = title or _("Revenue forecast")
    by = report.by or _("company")
    meta = _(
        "By %(by)s · history through %(through)s · %(horizon)d months ahead · as of %(as_of)s"
    ) % {
        "by": by,
        "through": f"{report.through:%Y-%m}",
        "horizon": report.horizon,
        "as_of": report.as_of.isoformat(),
    }
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(heading)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{html.escape(heading)}</h1><p class='meta'>{html.escape(meta)}</p>"
        + "".join(parts)
        + "</main></body></html>\n"
    )


def write_forecast_html(report: ForecastReport, path: str | Path) -> Path:
    """Write :func:`render_forecast_html` to ``path`` and return it."""
    target = Path(path)
    target.write_text(render_forecast_html(report), encoding="utf-8")
    return target
