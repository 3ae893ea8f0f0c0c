"""Charts as inline SVG text, drawn in Python: no JavaScript, no CDN, safe to embed offline.

Each function takes plain sequences (not frames), so the web pages can reuse them
with data from anywhere, and returns one ``<svg>`` element sized by ``viewBox`` (it
scales to its container). Text is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import Final

INK: Final = "#1f2937"
MUTED: Final = "#6b7280"
GRID: Final = "#e5e7eb"
ACCENT: Final = "#2563eb"
SECOND: Final = "#f59e0b"
ALERT: Final = "#dc2626"
FONT: Final = "font-family='system-ui, sans-serif' font-size='11'"


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
        f"role='img' aria-label='{html.escape(title, quote=True)}' {FONT}>"
        f"<title>{html.escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = MUTED) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{fill}'>"
        f"{html.escape(text)}</text>"
    )


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _compact(value: float) -> str:
    """Return a short label for an amount: 1.2M, 35k, 950."""
    magnitude = abs(value)
    if magnitude >= 1e9:
        return f"{value / 1e9:.1f}G"
    if magnitude >= 1e6:
        return f"{value / 1e6:.1f}M"
    if magnitude >= 1e3:
        return f"{value / 1e3:.0f}k"
    return f"{value:.0f}"


def _nice_top(value: float) -> float:
    """Return a round number at or above ``value`` for an axis top."""
    if value <= 0:
        return 1.0
    exponent = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * exponent >= value:
            return step * exponent
    return 10 * exponent


def pareto_chart(
    client_share: Sequence[float],
    revenue_share: Sequence[float],
    *,
    thresholds: tuple[float, float] = (0.80, 0.95),
    title: str = "Pareto curve",
    x_label: str = "share of clients",
    y_label: str = "share of revenue",
) -> str:
    """Return the Pareto (cumulative revenue) curve with the A and B thresholds marked."""
    width, height, left, bottom, top, right = 520, 300, 48, 36, 16, 16
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(v: float) -> float:
        return left + v * plot_w

    def y(v: float) -> float:
        return top + (1 - v) * plot_h

    body: list[str] = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        body.append(
            f"<line x1='{x(0):.1f}' y1='{y(tick):.1f}' x2='{x(1):.1f}' y2='{y(tick):.1f}' "
            f"stroke='{GRID}'/>"
        )
        body.append(_text(left - 6, y(tick) + 4, _percent(tick), anchor="end"))
        body.append(_text(x(tick), height - bottom + 16, _percent(tick), anchor="middle"))
    for threshold, label in zip(thresholds, ("A", "B"), strict=True):
        body.append(
            f"<line x1='{x(0):.1f}' y1='{y(threshold):.1f}' x2='{x(1):.1f}' "
            f"y2='{y(threshold):.1f}' stroke='{SECOND}' stroke-dasharray='4 3'/>"
        )
        # Labels sit at the left edge, where the curve has already climbed past them.
        body.append(_text(x(0) + 4, y(threshold) - 4, f"{label}: {_percent(threshold)}"))
    points = " ".join(
        f"{x(cx):.1f},{y(cy):.1f}" for cx, cy in zip(client_share, revenue_share, strict=True)
    )
    if points:
        body.append(f"<polyline points='{points}' fill='none' stroke='{ACCENT}' stroke-width='2'/>")
    body.append(
        f"<line x1='{x(0):.1f}' y1='{y(0):.1f}' x2='{x(1):.1f}' y2='{y(1):.1f}' "
        f"stroke='{MUTED}' stroke-dasharray='2 3'/>"
    )
    body.append(_text(left + plot_w / 2, height - 4, x_label, anchor="middle"))
    body.append(
        f"<text transform='translate(12 {top + plot_h / 2:.1f}) rotate(-90)' "
        f"text-anchor='middle' fill='{MUTED}'>{html.escape(y_label)}</text>"
    )
    return _svg(width, height, body, title)


def monthly_revenue_chart(
    months: Sequence[dt.date],
    revenue: Sequence[float],
    moving_average: Sequence[float | None],
    *,
    highlight_from: dt.date | None = None,
    title: str = "Monthly revenue",
    legend: tuple[str, str] = ("revenue", "3-month moving average"),
) -> str:
    """Return monthly revenue bars with the moving average as a line.

    Months from ``highlight_from`` on (the analysis window) are drawn darker.
    """
    width, height, left, bottom, top, right = 720, 300, 56, 40, 24, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(months)
    peak = _nice_top(max([*revenue, *(v for v in moving_average if v is not None), 0.0]))
    floor = min([0.0, *revenue])
    span = peak - floor or 1.0

    def y(v: float) -> float:
        return top + (peak - v) / span * plot_h

    slot = plot_w / max(n, 1)
    body: list[str] = []
    for i in range(5):
        value = floor + span * i / 4
        body.append(
            f"<line x1='{left}' y1='{y(value):.1f}' x2='{width - right}' y2='{y(value):.1f}' "
            f"stroke='{GRID}'/>"
        )
        body.append(_text(left - 6, y(value) + 4, _compact(value), anchor="end"))
    zero = y(0.0)
    for i, (month, value) in enumerate(zip(months, revenue, strict=True)):
        x0 = left + i * slot + slot * 0.15
        bar_top, bar_height = min(y(value), zero), abs(y(value) - zero)
        strong = highlight_from is None or month >= highlight_from
        colour = ACCENT if strong else "#93c5fd"
        body.append(
            f"<rect x='{x0:.1f}' y='{bar_top:.1f}' width='{slot * 0.7:.1f}' "
            f"height='{bar_height:.1f}' fill='{colour}'><title>{month:%Y-%m}: "
            f"{value:,.2f}</title></rect>"
        )
        if n <= 24 or month.month == 1 or i == 0:
            label = f"{month:%Y-%m}" if (month.month == 1 or i == 0) else f"{month:%m}"
            body.append(_text(x0 + slot * 0.35, height - bottom + 14, label, anchor="middle"))
    points = [
        f"{left + i * slot + slot / 2:.1f},{y(v):.1f}"
        for i, v in enumerate(moving_average)
        if v is not None
    ]
    if points:
        body.append(
            f"<polyline points='{' '.join(points)}' fill='none' stroke='{SECOND}' "
            f"stroke-width='2'/>"
        )
    body.append(f"<rect x='{left}' y='6' width='10' height='10' fill='{ACCENT}'/>")
    body.append(_text(left + 14, 15, legend[0]))
    body.append(f"<rect x='{left + 110}' y='10' width='14' height='3' fill='{SECOND}'/>")
    body.append(_text(left + 128, 15, legend[1]))
    return _svg(width, height, body, title)


def _heat(value: float) -> str:
    """Return a blue of an intensity that follows ``value`` (0–1)."""
    v = min(max(value, 0.0), 1.0)
    r, g, b = (int(255 - (255 - c) * v) for c in (37, 99, 235))
    return f"rgb({r},{g},{b})"


def cohort_heatmap(
    cohorts: Sequence[dt.date],
    sizes: Sequence[int],
    cells: Mapping[tuple[dt.date, int], float],
    *,
    offsets: int,
    title: str = "Cohort retention",
    offset_label: str = "months after the first purchase",
) -> str:
    """Return the retention heatmap: a row per cohort, a column per month offset.

    ``cells`` maps (cohort, offset) to the share of the cohort active that month;
    missing cells (after ``as_of``) stay blank.
    """
    cell_w, cell_h, left, top = 26, 18, 120, 36
    width = left + cell_w * offsets + 10
    height = top + cell_h * len(cohorts) + 10
    body: list[str] = [_text(left, 12, offset_label)]
    for k in range(offsets):
        body.append(_text(left + k * cell_w + cell_w / 2, top - 8, str(k), anchor="middle"))
    for row, (cohort, size) in enumerate(zip(cohorts, sizes, strict=True)):
        y0 = top + row * cell_h
        body.append(_text(left - 6, y0 + 13, f"{cohort:%Y-%m} ({size:,})", anchor="end"))
        for k in range(offsets):
            value = cells.get((cohort, k))
            if value is None:
                continue
            fill = _heat(value)
            ink = "#ffffff" if value > 0.55 else INK
            body.append(
                f"<rect x='{left + k * cell_w}' y='{y0}' width='{cell_w - 1}' "
                f"height='{cell_h - 1}' fill='{fill}'><title>{cohort:%Y-%m} +{k}: "
                f"{value * 100:.1f}%</title></rect>"
            )
            if k > 0:
                body.append(
                    f"<text x='{left + k * cell_w + cell_w / 2 - 0.5:.1f}' y='{y0 + 12.5:.1f}' "
                    f"text-anchor='middle' font-size='8' fill='{ink}'>{value * 100:.0f}</text>"
                )
    return _svg(width, height, body, title)


def concentration_chart(
    labels: Sequence[str],
    shares: Sequence[float],
    *,
    alert_share: float = 0.25,
    title: str = "Largest clients' share of revenue",
) -> str:
    """Return horizontal bars of the largest clients' revenue shares, the alert line dashed."""
    bar_h, left, top, right = 20, 140, 20, 56
    width = 560
    height = top + bar_h * max(len(labels), 1) + 24
    plot_w = width - left - right
    top_share = max([*shares, alert_share * 1.2, 0.01])

    def x(v: float) -> float:
        return left + v / top_share * plot_w

    body: list[str] = []
    for i, (label, share) in enumerate(zip(labels, shares, strict=True)):
        y0 = top + i * bar_h
        colour = ALERT if share >= alert_share else ACCENT
        short = label if len(label) <= 22 else label[:21] + "…"
        body.append(_text(left - 6, y0 + 14, short, anchor="end", fill=INK))
        body.append(
            f"<rect x='{left}' y='{y0 + 3}' width='{max(x(share) - left, 1):.1f}' "
            f"height='{bar_h - 6}' fill='{colour}'/>"
        )
        body.append(_text(x(share) + 4, y0 + 14, f"{share * 100:.1f}%"))
    alert_x = x(alert_share)
    body.append(
        f"<line x1='{alert_x:.1f}' y1='{top - 6}' x2='{alert_x:.1f}' y2='{height - 18}' "
        f"stroke='{ALERT}' stroke-dasharray='4 3'/>"
    )
    body.append(_text(alert_x, top - 8, _percent(alert_share), anchor="middle", fill=ALERT))
    return _svg(width, height, body, title)
