"""The diagnosis as one self-contained HTML file: inline CSS and SVG, nothing fetched."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from decimal import Decimal
from gettext import gettext as _
from pathlib import Path

import polars as pl

from cartera.analytics.diagnosis import Diagnosis
from cartera.reporting import charts
from cartera.reporting.glossary import GLOSSARY

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2937;margin:0;
background:#f9fafb}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6rem;margin:0 0 4px}
h2{font-size:1.2rem;margin:32px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
.meta{color:#6b7280;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:1.25rem}.card span{color:#6b7280;font-size:.8rem}
.alert{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;padding:10px 12px;
border-radius:8px;margin:12px 0}
.note{background:#fffbeb;border:1px solid #fde68a;padding:8px 12px;border-radius:8px;margin:8px 0}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
figure{margin:0;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:8px}
figure svg{width:100%;height:auto}figcaption{color:#6b7280;font-size:.8rem}
table{border-collapse:collapse;background:#fff;font-size:.85rem;margin:8px 0;width:100%}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:right}th{background:#f3f4f6}
td:first-child,th:first-child{text-align:left}
.scroll{overflow-x:auto}
dl{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:8px 16px}
dt{font-weight:600;margin-top:8px}dd{margin:2px 0 0 0;color:#374151}
"""


def _amount(value: Decimal | float | int | None, comma: bool) -> str:
    if value is None:
        return "—"
    text = f"{float(value):,.2f}"
    return text.replace(",", "\u202f").replace(".", ",") if comma else text


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", "\u202f")


def _cell(column: str, value: object, comma: bool) -> str:
    if value is None:
        return "—"
    if column.endswith("_cents"):
        return _amount(float(value) / 100, comma)  # type: ignore[arg-type]
    if column.endswith(("_share", "_rate", "growth", "retention")) and isinstance(value, float):
        return _share(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return _count(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def table(frame: pl.DataFrame, columns: Sequence[tuple[str, str]], *, comma: bool = True) -> str:
    """Return an HTML table of ``frame``'s ``columns`` given as (column, heading) pairs."""
    present = [(c, h) for c, h in columns if c in frame.columns]
    head = "".join(f"<th>{html.escape(h)}</th>" for _c, h in present)
    rows = []
    for record in frame.select([c for c, _h in present]).iter_rows(named=True):
        cells = "".join(f"<td>{html.escape(_cell(c, record[c], comma))}</td>" for c, _h in present)
        rows.append(f"<tr>{cells}</tr>")
    return f"<div class='scroll'><table><tr>{head}</tr>{''.join(rows)}</table></div>"


def cards(items: Iterable[tuple[str, str]]) -> str:
    """Return the headline figures as cards: each (label, value) pair."""
    return (
        "<div class='cards'>"
        + "".join(
            f"<div class='card'><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>"
            for k, v in items
        )
        + "</div>"
    )


def figure(svg: str, caption: str) -> str:
    """Return a chart with its caption."""
    return f"<figure>{svg}<figcaption>{html.escape(caption)}</figcaption></figure>"


def _charts(d: Diagnosis) -> str:
    curve = d.abc.curve
    pareto = charts.pareto_chart(
        curve["client_share"].to_list(),
        curve["revenue_share"].to_list(),
        thresholds=d.abc.thresholds,
        title=_("Pareto curve"),
        x_label=_("share of clients"),
        y_label=_("share of revenue"),
    )
    months = d.monthly.months.tail(36)
    monthly = charts.monthly_revenue_chart(
        months["month"].to_list(),
        (months["revenue_cents"] / 100).to_list(),
        (months["moving_average_3m_cents"] / 100).to_list(),
        highlight_from=d.window.start.replace(day=1),
        title=_("Monthly revenue"),
        legend=(_("revenue"), _("3-month moving average")),
    )
    cohorts = d.cohorts
    sizes = cohorts.group_by("cohort").agg(pl.col("size").first()).sort("cohort")
    cells = {(c, k): r for c, k, r in cohorts.select("cohort", "offset", "retention").iter_rows()}
    heatmap = charts.cohort_heatmap(
        sizes["cohort"].to_list(),
        sizes["size"].to_list(),
        cells,
        offsets=int(cohorts["offset"].max() or 0) + 1 if cohorts.height else 1,
        title=_("Cohort retention"),
        offset_label=_("months after the first purchase"),
    )
    top = d.client_table.filter(pl.col("active")).head(10)
    label = "client_name" if "client_name" in top.columns else "client"
    shares = top["revenue_share"].fill_null(0.0).to_list()
    concentration = charts.concentration_chart(
        [str(v) for v in top[label].to_list()],
        shares,
        alert_share=d.concentration.alert_share,
        title=_("Largest clients' share of revenue"),
    )
    return (
        "<div class='charts'>"
        + "".join(
            [
                figure(
                    pareto,
                    _("Cumulative share of the window revenue by clients, largest first (S3.7)."),
                ),
                figure(
                    concentration,
                    _("The ten largest clients; red at or above the alert share (S4.4)."),
                ),
            ]
        )
        + "</div>"
        + figure(
            monthly,
            _(
                "Revenue per month; the window darker; "
                "the line is the 3-month moving average (S3.8)."
            ),
        )
        + figure(
            heatmap,
            _("Share of each monthly cohort buying k months after its first purchase (S0.4)."),
        )
    )


_BREAKDOWN_COLUMNS = (
    ("clients", _("clients")),
    ("active", _("active")),
    ("new", _("new")),
    ("lost", _("lost")),
    ("revenue_cents", _("revenue")),
    ("revenue_share", _("share")),
    ("growth", _("growth")),
    ("retention_rate", _("retention")),
    ("replacement_ratio", _("new / lost")),
    ("average_ticket_cents", _("avg. ticket")),
    ("repeat_clients_share", _("repeat")),
    ("a_clients", "A"),
    ("b_clients", "B"),
    ("c_clients", "C"),
    ("top1_share", _("top-1 share")),
    ("margin_rate", _("margin")),
)


def render_html(
    d: Diagnosis, *, title: str | None = None, source: str | None = None, decimal_comma: bool = True
) -> str:
    """Return the diagnosis as a self-contained HTML document.

    Parameters
    ----------
    d
        The diagnosis.
    title
        Page title.
    source
        The file analysed, shown under the title.
    decimal_comma
        Write amounts ``1 234,56`` (Spanish, Portuguese) rather than ``1,234.56``.
    """
    comma = decimal_comma
    title = title or _("Portfolio diagnosis")
    parts: list[str] = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p class='meta'>{html.escape(source or '')} · {_('as of')} {d.as_of.isoformat()} · "
        f"{_('window')} {d.window} · {_('previous window')} {d.previous_window}</p>",
    ]
    if d.concentration.alert:
        names = ", ".join(f"{c} ({s * 100:.1f}%)" for c, s in d.concentration.over_threshold)
        parts.append(
            "<div class='alert'>"
            + html.escape(_("Concentration alert: one client holds 25% or more of the revenue"))
            + f" — {html.escape(names)} (S4.4)</div>"
        )
    parts.append(
        cards(
            [
                (_("revenue in the window"), _amount(d.revenue.window, comma)),
                (_("growth on the previous window"), _share(d.revenue.growth)),
                (_("active clients"), _count(d.clients.active)),
                (_("new clients"), _count(d.clients.new)),
                (_("lost clients"), _count(d.clients.lost)),
                (_("retention rate"), _share(d.retention.rate)),
                (_("average ticket"), _amount(d.average_ticket.average, comma)),
                (_("repeat clients"), _share(d.recurrence.repeat_clients_share)),
                (_("top-1 client share"), _share(d.concentration.top1_share)),
                (_("HHI"), "—" if d.concentration.hhi is None else f"{d.concentration.hhi:.3f}"),
                (_("Gini"), "—" if d.concentration.gini is None else f"{d.concentration.gini:.2f}"),
                (
                    _("replacement ratio (new / lost)"),
                    "—"
                    if d.retention.replacement_ratio is None
                    else f"{d.retention.replacement_ratio:.2f}",
                ),
            ]
        )
    )
    parts += [f"<div class='note'>{html.escape(n)}</div>" for n in d.notes]
    parts.append(f"<h2>{_('Charts')}</h2>" + _charts(d))

    abc = pl.DataFrame(
        {
            "class": [c.label for c in d.abc.classes],
            "clients": [c.clients for c in d.abc.classes],
            "client_share": [c.client_share for c in d.abc.classes],
            "revenue_cents": [int(c.revenue * 100) for c in d.abc.classes],
            "revenue_share": [c.revenue_share for c in d.abc.classes],
        }
    )
    parts.append(f"<h2>{_('ABC classes')} (S3.7)</h2>")
    parts.append(
        table(
            abc,
            [
                ("class", _("class")),
                ("clients", _("clients")),
                ("client_share", _("of clients")),
                ("revenue_cents", _("revenue")),
                ("revenue_share", _("of revenue")),
            ],
            comma=comma,
        )
    )
    parts.append(f"<h2>{_('RFM segments')}</h2>")
    parts.append(
        table(
            d.rfm.segments,
            [
                ("segment", _("segment")),
                ("clients", _("clients")),
                ("client_share", _("of clients")),
                ("revenue_cents", _("revenue")),
                ("revenue_share", _("of revenue")),
                ("mean_recency_days", _("mean recency (days)")),
                ("mean_frequency", _("mean frequency")),
            ],
            comma=comma,
        )
    )
    for grouping, frame in d.breakdowns.items():
        parts.append(f"<h2>{html.escape(_('By') + ' ' + _(grouping))}</h2>")
        parts.append(table(frame, [(grouping, _(grouping)), *_BREAKDOWN_COLUMNS], comma=comma))
    for dimension, frame in d.sources.items():
        parts.append(f"<h2>{html.escape(_('Revenue sources') + ': ' + _(dimension))} (S3.1)</h2>")
        parts.append(
            table(
                frame.head(30),
                [
                    ("value", _(dimension)),
                    ("revenue_cents", _("revenue")),
                    ("share", _("share")),
                    ("previous_revenue_cents", _("previous window")),
                    ("growth", _("growth")),
                ],
                comma=comma,
            )
        )
    if d.product_mix is not None:
        parts.append(f"<h2>{_('Product mix')} (S3.9.4)</h2>")
        per_client = d.product_mix.families_per_client
        parts.append(
            f"<p>{_('Families per active client')}: "
            f"{'—' if per_client is None else f'{per_client:.2f}'}</p>"
        )
        parts.append(
            table(
                d.product_mix.families,
                [
                    ("family", _("family")),
                    ("revenue_cents", _("revenue")),
                    ("share", _("share")),
                    ("growth", _("growth")),
                    ("margin_rate", _("margin")),
                ],
                comma=comma,
            )
        )
    if d.new_products is not None:
        n = d.new_products
        parts.append(f"<h2>{_('New products')} (S3.9.5)</h2>")
        parts.append(
            cards(
                [
                    (_("new products sold"), _count(n.products)),
                    (_("their revenue"), _amount(n.revenue, comma)),
                    (_("share of revenue"), _share(n.revenue_share)),
                ]
            )
        )
        parts.append(
            table(
                n.top,
                [
                    ("product", _("product")),
                    ("launch_date", _("launch")),
                    ("revenue_cents", _("revenue")),
                ],
                comma=comma,
            )
        )
    if d.margin is not None:
        parts.append(f"<h2>{_('Margin')} (S3.11)</h2>")
        parts.append(
            cards(
                [
                    (_("margin"), _amount(d.margin.margin, comma)),
                    (_("margin rate"), _share(d.margin.margin_rate)),
                ]
            )
        )
        parts.append(
            table(
                d.margin.by_class,
                [
                    ("abc_class", _("class")),
                    ("revenue_cents", _("revenue")),
                    ("margin_cents", _("margin")),
                    ("margin_rate", _("margin rate")),
                ],
                comma=comma,
            )
        )
    if d.attention is not None:
        a = d.attention
        parts.append(f"<h2>{_('Attention against value')} (S2.3)</h2>")
        parts.append(
            table(
                a.by_class,
                [
                    ("abc_class", _("class")),
                    ("clients", _("clients")),
                    ("contacts", _("contacts")),
                    ("contact_share", _("of contacts")),
                    ("revenue_share", _("of revenue")),
                    ("attention_index", _("attention index")),
                ],
                comma=comma,
            )
        )
        columns = [
            ("client", _("client")),
            ("contacts", _("contacts")),
            ("window_revenue_cents", _("revenue")),
        ]
        parts.append(f"<p>{_('Under-served A clients')}: {a.under_served_a.height}</p>")
        parts.append(table(a.under_served_a.head(20), columns, comma=comma))
        parts.append(f"<p>{_('Over-served C clients')}: {a.over_served_c.height}</p>")
        parts.append(table(a.over_served_c.head(20), columns, comma=comma))
    monthly = d.monthly
    parts.append(f"<h2>{_('Monthly statistics')} (S3.5, S3.8)</h2>")
    parts.append(
        cards(
            [
                (_("mean month (last 12)"), _amount(monthly.mean, comma)),
                (
                    _("coefficient of variation"),
                    "—"
                    if monthly.coefficient_of_variation is None
                    else f"{monthly.coefficient_of_variation:.2f}",
                ),
                (
                    _("best month"),
                    "—" if monthly.best_month is None else f"{monthly.best_month:%Y-%m}",
                ),
                (
                    _("worst month"),
                    "—" if monthly.worst_month is None else f"{monthly.worst_month:%Y-%m}",
                ),
                (_("trend per month (24 months)"), _amount(monthly.trend_per_month, comma)),
            ]
        )
    )
    parts.append(
        table(
            monthly.months.tail(24).reverse(),
            [
                ("month", _("month")),
                ("revenue_cents", _("revenue")),
                ("moving_average_3m_cents", _("3-month average")),
                ("yoy_growth", _("year on year")),
                ("active_clients", _("active clients")),
                ("new_clients", _("new clients")),
            ],
            comma=comma,
        )
    )
    label = [("client_name", _("name"))] if "client_name" in d.client_table.columns else []
    parts.append(f"<h2>{_('Largest clients')}</h2>")
    parts.append(
        table(
            d.client_table.filter(pl.col("active")).head(25),
            [
                ("client", _("client")),
                *label,
                ("abc_class", _("class")),
                ("rfm_segment", _("RFM segment")),
                ("window_revenue_cents", _("revenue")),
                ("revenue_share", _("share")),
                ("cumulative_share", _("cumulative")),
                ("last_purchase", _("last purchase")),
                ("purchase_days", _("purchase days")),
            ],
            comma=comma,
        )
    )
    parts.append(f"<h2>{_('Glossary')}</h2><dl>")
    parts += [f"<dt>{html.escape(t)}</dt><dd>{html.escape(g)}</dd>" for t, g in GLOSSARY]
    parts.append("</dl>")
    body = "\n".join(parts)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def write_html(d: Diagnosis, path: str | Path, **options: object) -> Path:
    """Write :func:`render_html`'s document to ``path`` (UTF-8) and return it."""
    target = Path(path)
    target.write_text(render_html(d, **options), encoding="utf-8")  # type: ignore[arg-type]
    return target
