"""The machine-readable diagnosis: a JSON document with the keys pinned in issue 3.

Amounts are numbers rounded to cents; shares are fractions (0–1); dates ISO strings.
Frames become lists of records whose ``*_cents`` columns are given in currency units
under the name without the suffix.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from cartera.analytics.diagnosis import Diagnosis

SCHEMA_VERSION = 1


def _number(value: Any) -> Any:
    """Return ``value`` as a JSON-safe scalar (Decimal → float, NaN → None, date → ISO)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _amount(cents: int | None) -> float | None:
    return None if cents is None else round(cents / 100, 2)


def records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Return ``frame`` as JSON-ready records, ``*_cents`` columns as amounts."""
    converted = frame.with_columns(
        [
            (pl.col(c) / 100).round(2).alias(c.removesuffix("_cents"))
            for c in frame.columns
            if c.endswith("_cents")
        ]
    ).drop([c for c in frame.columns if c.endswith("_cents") and c.removesuffix("_cents") != c])
    return [{k: _number(v) for k, v in row.items()} for row in converted.iter_rows(named=True)]


def diagnosis_to_dict(d: Diagnosis, *, source: str | None = None) -> dict[str, Any]:
    """Return the diagnosis as a JSON-ready dictionary (see the module docstring)."""
    segments = {
        row["segment"]: {
            "clients": row["clients"],
            "client_share": _number(row["client_share"]),
            "revenue": _amount(row["revenue_cents"]),
            "revenue_share": _number(row["revenue_share"]),
        }
        for row in d.rfm.segments.iter_rows(named=True)
    }
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "source": source,
        "as_of": d.as_of.isoformat(),
        "window": {"start": d.window.start.isoformat(), "end": d.window.end.isoformat()},
        "previous_window": {
            "start": d.previous_window.start.isoformat(),
            "end": d.previous_window.end.isoformat(),
        },
        "clients": {
            "total": d.clients.total,
            "active": d.clients.active,
            "new": d.clients.new,
            "lost": d.clients.lost,
            "previous_active": d.clients.previous_active,
            "retained": d.clients.retained,
            "reactivated": d.clients.reactivated,
        },
        "revenue": {
            "window": _number(d.revenue.window),
            "previous_window": _number(d.revenue.previous_window),
            "growth": _number(d.revenue.growth),
        },
        "abc": {
            c.label: {
                "clients": c.clients,
                "revenue": _number(c.revenue),
                "revenue_share": _number(c.revenue_share),
                "client_share": _number(c.client_share),
            }
            for c in d.abc.classes
        },
        "abc_thresholds": list(d.abc.thresholds),
        "pareto_curve": records(d.abc.curve),
        "concentration": {
            "top1_share": _number(d.concentration.top1_share),
            "top5_share": _number(d.concentration.top5_share),
            "top10_share": _number(d.concentration.top10_share),
            "hhi": _number(d.concentration.hhi),
            "gini": _number(d.concentration.gini),
            "alert": d.concentration.alert,
            "alert_share": d.concentration.alert_share,
            "over_threshold": [
                {"client": c, "share": s} for c, s in d.concentration.over_threshold
            ],
        },
        "recurrence": {
            "repeat_clients_share": _number(d.recurrence.repeat_clients_share),
            "repeat_clients": d.recurrence.repeat_clients,
            "mean_purchase_days": _number(d.recurrence.mean_purchase_days),
        },
        "retention": {
            "rate": _number(d.retention.rate),
            "attrition_rate": _number(d.retention.attrition_rate),
            "lost": d.retention.lost,
            "lost_revenue": _number(d.retention.lost_revenue),
            "new": d.retention.new,
            "new_revenue": _number(d.retention.new_revenue),
            "replacement_ratio": _number(d.retention.replacement_ratio),
        },
        "average_ticket": _number(d.average_ticket.average),
        "tickets": {
            "count": d.average_ticket.tickets,
            "counted_by": d.average_ticket.counted_by,
        },
        "new_clients": {
            "count": d.new_clients.count,
            "revenue": _number(d.new_clients.revenue),
            "revenue_share": _number(d.new_clients.revenue_share),
        },
        "rfm_population": d.rfm.population,
        "rfm_segments": segments,
        "monthly": {
            "months": records(d.monthly.months),
            "mean": _number(d.monthly.mean),
            "median": _number(d.monthly.median),
            "std": _number(d.monthly.std),
            "coefficient_of_variation": _number(d.monthly.coefficient_of_variation),
            "best_month": _number(d.monthly.best_month),
            "worst_month": _number(d.monthly.worst_month),
            "trend_per_month": _number(d.monthly.trend_per_month),
            "seasonality": records(d.monthly.seasonality),
        },
        "cohorts": records(d.cohorts),
        "sources": {k: records(v.rename({"value": k})) for k, v in d.sources.items()},
        "notes": list(d.notes),
    }
    for grouping, frame in d.breakdowns.items():
        document[f"by_{grouping}"] = records(frame)
    document.setdefault("by_salesperson", [])
    if d.product_mix is not None:
        document["product_mix"] = {
            "families": records(d.product_mix.families),
            "families_per_client": _number(d.product_mix.families_per_client),
        }
    if d.new_products is not None:
        document["new_products"] = {
            "products": d.new_products.products,
            "revenue": _number(d.new_products.revenue),
            "revenue_share": _number(d.new_products.revenue_share),
            "launch_inferred": d.new_products.launch_inferred,
            "top": records(d.new_products.top),
        }
    if d.margin is not None:
        document["margin"] = {
            "revenue": _number(d.margin.revenue),
            "cost": _number(d.margin.cost),
            "margin": _number(d.margin.margin),
            "margin_rate": _number(d.margin.margin_rate),
            "by_class": records(d.margin.by_class),
        }
    if d.attention is not None:
        document["attention"] = {
            "contacts": d.attention.contacts_total,
            "typical_contacts": _number(d.attention.typical_contacts),
            "by_class": records(d.attention.by_class),
            "over_served_c": records(d.attention.over_served_c),
            "under_served_a": records(d.attention.under_served_a),
        }
    if d.risk is not None:
        document["risk_profitability"] = records(d.risk.matrix)
    return document


def write_json(d: Diagnosis, path: str | Path, *, source: str | None = None) -> Path:
    """Write the diagnosis as JSON (UTF-8, indented) to ``path`` and return it."""
    target = Path(path)
    text = json.dumps(diagnosis_to_dict(d, source=source), ensure_ascii=False, indent=2)
    target.write_text(text + "\n", encoding="utf-8")
    return target
