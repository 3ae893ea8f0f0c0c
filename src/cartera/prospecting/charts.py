"""The acquisition-cost chart: what a client costs against what it brings in its first year.

Drawn as inline SVG like :mod:`cartera.reporting.charts` (its colours and font), text
escaped here; the page marks the result safe.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from cartera.reporting.charts import ACCENT, FONT, GRID, INK, MUTED, SECOND


def _label(x: float, y: float, text: str, *, anchor: str = "start", fill: str = MUTED) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{fill}'>"
        f"{html.escape(text)}</text>"
    )


def cost_against_revenue_chart(
    labels: Sequence[str],
    costs: Sequence[float | None],
    revenues: Sequence[float | None],
    *,
    title: str,
    legend: tuple[str, str],
    amount: Callable[[float], str] = str,
) -> str:
    """Return paired horizontal bars per group: acquisition cost and first-year revenue.

    ``amount`` writes an amount (currency units) beside its bar; a missing figure (no
    win yet, no full first year) draws no bar.
    """
    bar_h, left, top, right, gap = 12, 160, 30, 110, 10
    width = 640
    group_h = 2 * bar_h + gap
    height = top + group_h * max(len(labels), 1) + 8
    peak = max([v for v in (*costs, *revenues) if v is not None] + [1.0])
    plot_w = width - left - right

    def span(value: float) -> float:
        return max(value / peak * plot_w, 1.0)

    body = [
        f"<rect x='{left}' y='8' width='12' height='8' fill='{ACCENT}'/>",
        _label(left + 16, 16, legend[0]),
        f"<rect x='{left + 200}' y='8' width='12' height='8' fill='{SECOND}'/>",
        _label(left + 216, 16, legend[1]),
        f"<line x1='{left}' y1='{top - 4}' x2='{left}' y2='{height - 4}' stroke='{GRID}'/>",
    ]
    for index, label in enumerate(labels):
        y0 = top + index * group_h
        short = label if len(label) <= 24 else label[:23] + "…"
        body.append(_label(left - 6, y0 + bar_h + 4, short, anchor="end", fill=INK))
        for offset, value, colour in ((0, costs[index], ACCENT), (bar_h, revenues[index], SECOND)):
            if value is None:
                continue
            body.append(
                f"<rect x='{left}' y='{y0 + offset}' width='{span(value):.1f}' "
                f"height='{bar_h - 2}' fill='{colour}'/>"
            )
            body.append(_label(left + span(value) + 4, y0 + offset + bar_h - 3, amount(value)))
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
        f"role='img' aria-label='{html.escape(title, quote=True)}' {FONT}>"
        f"<title>{html.escape(title)}</title>" + "".join(body) + "</svg>"
    )
