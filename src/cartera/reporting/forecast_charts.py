"""Forecast charts as inline SVG: history and forecast with its interval, the season, bottom-up.

Same rules as :mod:`cartera.reporting.charts` (whose helpers and colours these reuse):
plain sequences in, one ``<svg>`` out, no JavaScript, safe to embed offline.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Sequence
from typing import Final

from cartera.reporting.charts import (
    ACCENT,
    ALERT,
    GRID,
    INK,
    MUTED,
    SECOND,
    _compact,
    _nice_top,
    _svg,
    _text,
)

BAND: Final = ("#bfdbfe", "#dbeafe")
"""Fill of the prediction bands, narrowest first (80 % darker than 95 %)."""

NEW_CLIENTS: Final = "#93c5fd"
MONTHS: Final = ("J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D")


def _axis(
    body: list[str],
    y: Callable[[float], float],
    left: int,
    right: int,
    low: float,
    high: float,
    label: Callable[[float], str] = _compact,
) -> None:
    for i in range(5):
        value = low + (high - low) * i / 4
        level = y(value)
        body.append(
            f"<line x1='{left}' y1='{level:.1f}' x2='{right}' y2='{level:.1f}' stroke='{GRID}'/>"
        )
        body.append(_text(left - 6, level + 4, label(value), anchor="end"))


def _month_labels(
    body: list[str], months: Sequence[dt.date], x: Callable[[float], float], baseline: float
) -> None:
    for i, month in enumerate(months):
        # The first month is labelled too, unless a January follows closely enough to clash.
        if month.month == 1 or (i == 0 and month.month <= 9):
            body.append(_text(x(i), baseline + 14, f"{month:%Y-%m}", anchor="middle"))


def _polyline(points: Sequence[tuple[float, float]], colour: str, *, dashed: bool = False) -> str:
    dash = " stroke-dasharray='5 3'" if dashed else ""
    joined = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    return f"<polyline points='{joined}' fill='none' stroke='{colour}' stroke-width='2'{dash}/>"


def forecast_chart(
    months: Sequence[dt.date],
    actual: Sequence[float],
    forecast_months: Sequence[dt.date],
    forecast: Sequence[float],
    *,
    bands: Sequence[tuple[Sequence[float], Sequence[float]]] = (),
    trend: Sequence[float | None] = (),
    title: str = "Revenue forecast",
    legend: tuple[str, str, str, str] = ("revenue", "forecast", "interval", "trend"),
) -> str:
    """Return monthly revenue, its trend and the forecast with its prediction bands.

    ``bands`` are (lower, upper) sequences over ``forecast_months``, narrowest first;
    ``trend`` (same length as ``months``, ``None`` where undefined) is drawn dotted.
    """
    width, height, left, bottom, top, right = 720, 300, 56, 40, 28, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(months) + len(forecast_months)
    highs = [*actual, *forecast, *(v for _low, high in bands for v in high), 0.0]
    peak = _nice_top(max(highs))

    def x(i: float) -> float:
        return left + (i + 0.5) * plot_w / max(n, 1)

    def y(v: float) -> float:
        return top + (peak - v) / peak * plot_h

    body: list[str] = []
    _axis(body, y, left, width - right, 0.0, peak)
    offset = len(months)
    for (low, high), fill in zip(reversed(list(bands)), BAND[: len(bands)][::-1], strict=False):
        upper = [(x(offset + i), y(v)) for i, v in enumerate(high)]
        lower = [(x(offset + i), y(v)) for i, v in reversed(list(enumerate(low)))]
        if upper:
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in [*upper, *lower])
            body.append(f"<polygon points='{points}' fill='{fill}' stroke='none'/>")
    if months:
        body.append(_polyline([(x(i), y(v)) for i, v in enumerate(actual)], ACCENT))
    defined = [(x(i), y(v)) for i, v in enumerate(trend) if v is not None]
    if defined:
        body.append(_polyline(defined, MUTED, dashed=True))
    if forecast_months:
        joined = ([(x(offset - 1), y(actual[-1]))] if months else []) + [
            (x(offset + i), y(v)) for i, v in enumerate(forecast)
        ]
        body.append(_polyline(joined, SECOND, dashed=True))
        start = x(offset - 0.5)
        body.append(
            f"<line x1='{start:.1f}' y1='{top}' x2='{start:.1f}' y2='{top + plot_h}' "
            f"stroke='{MUTED}' stroke-dasharray='2 3'/>"
        )
    _month_labels(body, [*months, *forecast_months], x, top + plot_h)
    for k, (label, colour) in enumerate(zip(legend, (ACCENT, SECOND, BAND[0], MUTED), strict=True)):
        lx = left + k * 130
        body.append(f"<rect x='{lx}' y='8' width='12' height='8' fill='{colour}'/>")
        body.append(_text(lx + 16, 16, label))
    return _svg(width, height, body, title)


def seasonal_profile_chart(
    indices: Sequence[float],
    *,
    labels: Sequence[str] = MONTHS,
    title: str = "Seasonal profile",
) -> str:
    """Return the twelve seasonal indices as bars around 1 (an average month).

    A bar above the line is a month that sells more than the trend, below one that
    sells less; the hover text gives the index.
    """
    width, height, left, bottom, top, right = 420, 220, 40, 28, 16, 12
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(2.0, math.ceil(max(indices, default=0.0) * 2) / 2)

    def y(v: float) -> float:
        return top + (peak - v) / peak * plot_h

    body: list[str] = []
    _axis(body, y, left, width - right, 0.0, peak, label=lambda v: f"{v:.2g}")
    slot = plot_w / max(len(indices), 1)
    one = y(1.0)
    for i, (value, label) in enumerate(zip(indices, labels, strict=False)):
        x0 = left + i * slot + slot * 0.15
        top_y, bar_h = min(y(value), one), abs(y(value) - one)
        colour = ACCENT if value >= 1 else ALERT
        body.append(
            f"<rect x='{x0:.1f}' y='{top_y:.1f}' width='{slot * 0.7:.1f}' "
            f"height='{max(bar_h, 0.5):.1f}' fill='{colour}'><title>{html.escape(label)}: "
            f"{value:.2f}</title></rect>"
        )
        body.append(_text(x0 + slot * 0.35, height - bottom + 14, label, anchor="middle"))
    body.append(
        f"<line x1='{left}' y1='{one:.1f}' x2='{width - right}' y2='{one:.1f}' stroke='{INK}'/>"
    )
    return _svg(width, height, body, title)


def bottom_up_chart(
    months: Sequence[dt.date],
    existing: Sequence[float],
    new: Sequence[float],
    time_series: Sequence[float | None],
    *,
    title: str = "Bottom-up and time-series forecasts",
    legend: tuple[str, str, str] = ("current clients", "new clients", "time-series forecast"),
) -> str:
    """Return stacked bars (current and new clients) with the time-series forecast as a line."""
    width, height, left, bottom, top, right = 720, 280, 56, 36, 28, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    stacked = [a + b for a, b in zip(existing, new, strict=True)]
    peak = _nice_top(max([*stacked, *(v for v in time_series if v is not None), 0.0]))

    def y(v: float) -> float:
        return top + (peak - v) / peak * plot_h

    slot = plot_w / max(len(months), 1)

    def x(i: float) -> float:
        return left + (i + 0.5) * slot

    body: list[str] = []
    _axis(body, y, left, width - right, 0.0, peak)
    for i, (month, old, fresh) in enumerate(zip(months, existing, new, strict=True)):
        x0 = left + i * slot + slot * 0.15
        for low, high, colour in ((0.0, old, ACCENT), (old, old + fresh, NEW_CLIENTS)):
            body.append(
                f"<rect x='{x0:.1f}' y='{y(high):.1f}' width='{slot * 0.7:.1f}' "
                f"height='{max(y(low) - y(high), 0):.1f}' fill='{colour}'><title>{month:%Y-%m}: "
                f"{high - low:,.2f}</title></rect>"
            )
        body.append(_text(x(i), height - bottom + 14, f"{month:%m}", anchor="middle"))
    line = [(x(i), y(v)) for i, v in enumerate(time_series) if v is not None]
    if line:
        body.append(_polyline(line, SECOND))
    for k, (label, colour) in enumerate(zip(legend, (ACCENT, NEW_CLIENTS, SECOND), strict=True)):
        lx = left + k * 170
        body.append(f"<rect x='{lx}' y='8' width='12' height='8' fill='{colour}'/>")
        body.append(_text(lx + 16, 16, label))
    return _svg(width, height, body, title)
