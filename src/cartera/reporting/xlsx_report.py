"""The diagnosis as an XLSX workbook: the per-client table and the summary sheets.

Money is written as numbers in currency units with a two-decimal format, shares as
percentages, dates as dates; every sheet has its header frozen and an autofilter,
so the user can filter by class, segment or city as they do today (S2.7).
"""

from __future__ import annotations

from gettext import gettext as _
from pathlib import Path
from typing import Final

import polars as pl
import xlsxwriter

from cartera.analytics.diagnosis import Diagnosis

MAX_ROWS: Final = 1_048_575
"""Data rows an XLSX sheet holds below its header."""
_MONEY_FORMAT: Final = "#,##0.00"
_SHARE_FORMAT: Final = "0.0%"


def _sheet_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` ready for a sheet: cents as currency units, masks dropped."""
    frame = frame.drop([c for c in ("month_mask",) if c in frame.columns])
    return frame.with_columns(
        [
            (pl.col(c) / 100).alias(c.removesuffix("_cents"))
            for c in frame.columns
            if c.endswith("_cents")
        ]
    ).drop([c for c in frame.columns if c.endswith("_cents")])


def write_sheet(book: xlsxwriter.Workbook, name: str, frame: pl.DataFrame) -> None:
    """Write ``frame`` as sheet ``name``: money in units, shares as %, header frozen, filter on."""
    sheet = _sheet_frame(frame)
    if sheet.width == 0:
        return
    money = [
        c
        for c in frame.columns
        if c.endswith("_cents") and c.removesuffix("_cents") in sheet.columns
    ]
    shares = [
        c
        for c in sheet.columns
        if c.endswith(("_share", "_rate", "growth")) or c in ("retention", "share")
    ]
    formats: dict[str, str] = {c.removesuffix("_cents"): _MONEY_FORMAT for c in money}
    formats.update({c: _SHARE_FORMAT for c in shares if sheet.schema[c].is_float()})
    sheet.head(MAX_ROWS).write_excel(
        book,
        name[:31],
        column_formats=formats,  # type: ignore[arg-type]
        dtype_formats={pl.Date: "yyyy-mm-dd"},
        autofilter=True,
        autofit=sheet.height <= 10_000,
        freeze_panes=(1, 0),
        float_precision=2,
    )


def _summary(d: Diagnosis) -> pl.DataFrame:
    rows: list[tuple[str, str]] = [
        (_("as of"), d.as_of.isoformat()),
        (_("window"), str(d.window)),
        (_("previous window"), str(d.previous_window)),
        (_("clients"), str(d.clients.total)),
        (_("active clients"), str(d.clients.active)),
        (_("new clients"), str(d.clients.new)),
        (_("lost clients"), str(d.clients.lost)),
        (_("revenue in the window"), str(d.revenue.window)),
        (_("revenue in the previous window"), str(d.revenue.previous_window)),
        (_("growth"), "" if d.revenue.growth is None else f"{d.revenue.growth:.4f}"),
        (_("retention rate"), "" if d.retention.rate is None else f"{d.retention.rate:.4f}"),
        (
            _("attrition rate"),
            "" if d.retention.attrition_rate is None else f"{d.retention.attrition_rate:.4f}",
        ),
        (_("lost revenue"), str(d.retention.lost_revenue)),
        (
            _("replacement ratio"),
            "" if d.retention.replacement_ratio is None else f"{d.retention.replacement_ratio:.4f}",
        ),
        (
            _("repeat clients share"),
            ""
            if d.recurrence.repeat_clients_share is None
            else f"{d.recurrence.repeat_clients_share:.4f}",
        ),
        (
            _("average ticket"),
            "" if d.average_ticket.average is None else str(d.average_ticket.average),
        ),
        (_("tickets"), f"{d.average_ticket.tickets} ({d.average_ticket.counted_by})"),
        (
            _("top-1 share"),
            "" if d.concentration.top1_share is None else f"{d.concentration.top1_share:.4f}",
        ),
        (
            _("top-5 share"),
            "" if d.concentration.top5_share is None else f"{d.concentration.top5_share:.4f}",
        ),
        (
            _("top-10 share"),
            "" if d.concentration.top10_share is None else f"{d.concentration.top10_share:.4f}",
        ),
        (_("HHI"), "" if d.concentration.hhi is None else f"{d.concentration.hhi:.6f}"),
        (_("Gini"), "" if d.concentration.gini is None else f"{d.concentration.gini:.4f}"),
        (_("concentration alert"), _("yes") if d.concentration.alert else _("no")),
    ]
    for c in d.abc.classes:
        rows.append(
            (
                _("class") + f" {c.label}",
                f"{c.clients} · {c.revenue} · {(c.revenue_share or 0):.4f}",
            )
        )
    rows += [(_("note"), n) for n in d.notes]
    return pl.DataFrame(rows, schema=[_("figure"), _("value")], orient="row")


def write_xlsx(d: Diagnosis, path: str | Path) -> Path:
    """Write the diagnosis workbook to ``path`` and return it.

    Sheets: summary, clients (one row per client: class, RFM, revenue, first and
    last purchase …), ABC, RFM, one per breakdown, monthly, cohorts, sources, and
    product mix, margin and attention when computed. A client table longer than a
    sheet is cut at :data:`MAX_ROWS` rows (the summary says so).
    """
    target = Path(path)
    with xlsxwriter.Workbook(target) as book:
        summary = _summary(d)
        if d.client_table.height > MAX_ROWS:
            summary = pl.concat(
                [
                    summary,
                    pl.DataFrame(
                        [
                            [
                                _("note"),
                                _("the clients sheet holds the largest {n} clients").format(
                                    n=MAX_ROWS
                                ),
                            ]
                        ],
                        schema=summary.columns,
                        orient="row",
                    ),
                ]
            )
        write_sheet(book, _("summary"), summary)
        write_sheet(book, _("clients"), d.client_table)
        abc = pl.DataFrame(
            {
                "class": [c.label for c in d.abc.classes],
                "clients": [c.clients for c in d.abc.classes],
                "client_share": [c.client_share for c in d.abc.classes],
                "revenue_cents": [int(c.revenue * 100) for c in d.abc.classes],
                "revenue_share": [c.revenue_share for c in d.abc.classes],
            }
        )
        write_sheet(book, "ABC", abc)
        write_sheet(book, "RFM", d.rfm.segments)
        for grouping, frame in d.breakdowns.items():
            write_sheet(book, _("by") + f" {grouping}", frame)
        write_sheet(book, _("monthly"), d.monthly.months)
        write_sheet(book, _("cohorts"), d.cohorts)
        for dimension, frame in d.sources.items():
            write_sheet(book, _("sources") + f" {dimension}", frame.rename({"value": dimension}))
        if d.product_mix is not None:
            write_sheet(book, _("product mix"), d.product_mix.families)
        if d.new_products is not None:
            write_sheet(book, _("new products"), d.new_products.top)
        if d.margin is not None:
            write_sheet(book, _("margin"), d.margin.by_class)
        if d.attention is not None:
            write_sheet(book, _("attention"), d.attention.by_class)
            write_sheet(book, _("under-served A"), d.attention.under_served_a)
            write_sheet(book, _("over-served C"), d.attention.over_served_c)
    return target
