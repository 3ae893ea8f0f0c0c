"""The receivables pages' charts as inline SVG, titled and labelled in the page's language.

Drawn in the style of :mod:`cartera.reporting.charts` (its colours and font). Amounts are
written by the caller in the reader's locale, so no label reads differently from the
tables beside it. Every text drawn is escaped, so the SVG is marked safe for templates.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cartera.reporting import charts

# Not due in the accent blue, then warmer as the debt ages; the last repeats for longer lists.
BUCKET_COLOURS = ("#2563eb", "#facc15", "#f59e0b", "#f97316", "#ea580c", "#dc2626", "#991b1b")
EXPECTED = "#93c5fd"

Format = Callable[[float], str]


def _svg(width: int, height: int, body: list[str], title: str) -> SafeString:
    label = html.escape(title, quote=True)
    return mark_safe(  # every text in body is escaped by _text or the callers here
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' role='img' "
        f"aria-label='{label}' {charts.FONT}><title>{label}</title>{''.join(body)}</svg>"
    )


def _text(
    x: float, y: float, text: str, *, anchor: str = "middle", fill: str = charts.MUTED
) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{fill}'>"
        f"{html.escape(text)}</text>"
    )


def _axis_top(value: float) -> float:
    """Return a round number at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def ageing(labels: Sequence[str], amounts: Sequence[Decimal], shown: Sequence[str]) -> SafeString:
    """Return vertical bars of the open amount per bucket; ``shown`` are the amounts' texts."""
    width, height, left, bottom, top, right = 560, 240, 12, 44, 24, 12
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([float(a) for a in amounts] + [0.0]) or 1.0
    slot = plot_w / max(len(labels), 1)
    body = [
        f"<line x1='{left}' y1='{top + plot_h}' x2='{width - right}' y2='{top + plot_h}' "
        f"stroke='{charts.GRID}'/>"
    ]
    for index, (label, amount, text) in enumerate(zip(labels, amounts, shown, strict=True)):
        bar_h = max(float(amount), 0.0) / peak * plot_h
        x0 = left + index * slot + slot * 0.15
        middle = x0 + slot * 0.35
        colour = BUCKET_COLOURS[min(index, len(BUCKET_COLOURS) - 1)]
        body.append(
            f"<rect x='{x0:.1f}' y='{top + plot_h - bar_h:.1f}' width='{slot * 0.7:.1f}' "
            f"height='{bar_h:.1f}' fill='{colour}'>"
            f"<title>{html.escape(label)}: {html.escape(text)}</title></rect>"
        )
        body.append(_text(middle, top + plot_h - bar_h - 5, text, fill=charts.INK))
        body.append(_text(middle, height - bottom + 16, label))
    body.append(_text(left + plot_w / 2, height - 6, _("days overdue")))
    return _svg(width, height, body, _("Open amount by days overdue"))


def cashflow(
    months: Sequence[dt.date],
    net_sales: Sequence[float],
    collected: Sequence[float],
    expected_months: Sequence[dt.date],
    expected: Sequence[float],
    *,
    amount: Format,
) -> SafeString:
    """Return net sales beside collections per past month, then the collections expected.

    ``amount`` writes an axis value in the reader's locale.
    """
    width, height, left, bottom, top, right = 900, 320, 72, 40, 30, 16
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [*net_sales, *collected, *expected]
    peak = _axis_top(max([*values, 0.0]))
    floor = min([*values, 0.0])
    span = peak - floor or 1.0

    def y(value: float) -> float:
        return top + (peak - value) / span * plot_h

    slots = len(months) + len(expected_months)
    slot = plot_w / max(slots, 1)
    body: list[str] = []
    for step in range(5):
        value = floor + span * step / 4
        body.append(
            f"<line x1='{left}' y1='{y(value):.1f}' x2='{width - right}' y2='{y(value):.1f}' "
            f"stroke='{charts.GRID}'/>"
        )
        body.append(_text(left - 6, y(value) + 4, amount(value), anchor="end"))

    def bar(x0: float, bar_w: float, value: float, colour: str, tip: str) -> str:
        top_y, bar_h = min(y(value), y(0.0)), abs(y(value) - y(0.0))
        return (
            f"<rect x='{x0:.1f}' y='{top_y:.1f}' width='{bar_w:.1f}' height='{bar_h:.1f}' "
            f"fill='{colour}'><title>{html.escape(tip)}: {html.escape(amount(value))}</title>"
            "</rect>"
        )

    sales_name, collected_name, expected_name = (
        _("net sales"),
        _("collections"),
        _("expected collections"),
    )
    for index, (month, sold, paid) in enumerate(zip(months, net_sales, collected, strict=True)):
        x0 = left + index * slot + slot * 0.1
        label = f"{month:%Y-%m}"
        body.append(bar(x0, slot * 0.4, sold, charts.SECOND, f"{label} {sales_name}"))
        body.append(
            bar(x0 + slot * 0.4, slot * 0.4, paid, charts.ACCENT, f"{label} {collected_name}")
        )
    for offset, (month, value) in enumerate(zip(expected_months, expected, strict=True)):
        x0 = left + (len(months) + offset) * slot + slot * 0.15
        body.append(bar(x0, slot * 0.7, value, EXPECTED, f"{month:%Y-%m} {expected_name}"))
    every = 1 if slots <= 24 else 3
    for index, month in enumerate([*months, *expected_months]):
        if index % every == 0:
            # The year on the first month and each January; the month number elsewhere.
            label = f"{month:%Y-%m}" if index == 0 or month.month == 1 else f"{month:%m}"
            body.append(_text(left + (index + 0.5) * slot, height - bottom + 14, label))
    if expected_months:
        split = left + len(months) * slot
        body.append(
            f"<line x1='{split:.1f}' y1='{top - 4}' x2='{split:.1f}' y2='{top + plot_h}' "
            f"stroke='{charts.MUTED}' stroke-dasharray='4 3'/>"
        )
    for index, (colour, name) in enumerate(
        ((charts.SECOND, sales_name), (charts.ACCENT, collected_name), (EXPECTED, expected_name))
    ):
        x0 = left + index * 170
        body.append(f"<rect x='{x0}' y='8' width='10' height='10' fill='{colour}'/>")
        body.append(_text(x0 + 14, 17, name, anchor="start"))
    return _svg(width, height, body, _("Collections per month"))
