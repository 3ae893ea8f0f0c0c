"""Forecasts, goals and drift on the database: the demo portfolio end to end (issue 8; S3.5, S3.4).

The library's own benchmark (``bench_forecast``: 500 series × 36 months) times the
models. This one times what a manager waits for on the web app or the command line,
on the demo database (2,000 clients, three years, SQLite): the Arrow bridge and the
monthly series, then ``forecast_report`` by salesperson, segment, family and for the
company (with the bottom-up view), ``goal_status_for``, ``drift_check`` and
``goals_propose``, and the backtest MASE of every series (issue 8, point 1).

The named peer is the database half written the usual Django way: for each breakdown,
the ORM aggregates the lines by ``TruncMonth`` and the breakdown key
(``values().annotate(Sum())``), and pandas pivots the result and fills the months
without sales. It is timed against our bridge (connectorx → Polars, the current owner
joined in) plus ``monthly_revenue``, for the same series; the ratio is peer / ours.
The model fits have no database peer here: ``bench_forecast`` compares them with
statsforecast as documented.

Every measurement runs in a fresh interpreter; imports (Django, statsforecast) and a
first warm-up fit are excluded and reported apart; CPU seconds include the workers of
``n_jobs=-1``.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Final

from bench._common import DATA, run_isolated, write_result

AS_OF: Final = dt.date(2026, 11, 22)
BREAKDOWNS: Final = ("salesperson", "segment", "family")
PEER_KEYS: Final = {
    "salesperson": "sale__account__owner__name",
    "segment": "sale__account__segment",
    "family": "product__family",
}


def database(clients: int) -> Path:
    """Return the data folder of a demo database of ``clients`` clients, building it once."""
    folder = DATA / f"forecast_db_{clients}_{AS_OF:%Y%m%d}"
    if not (folder / "cartera.sqlite3").exists():
        folder.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "CARTERA_DATA_DIR": str(folder)}
        env.pop("DATABASE_URL", None)
        command = [sys.executable, "-c", "from cartera.cli.main import main; main()"]
        for args in (
            ["setup", "--skip-demo"],
            ["demo", "--clients", str(clients), "--as-of", AS_OF.isoformat()],
        ):
            subprocess.run([*command, *args], env=env, check=True, capture_output=True)
    return folder


def peer_monthly(by: str, through: dt.date) -> Any:
    """Return the monthly revenue of ``by`` the way a Django view usually builds it."""
    import pandas as pd
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth

    from cartera.goals.history import month_end
    from cartera.sales.models import SaleLine

    key = PEER_KEYS[by]
    rows = (
        SaleLine.objects.exclude(sale__kind="order")
        .filter(sale__date__lte=month_end(through))
        .annotate(month=TruncMonth("sale__date"))
        .values("month", key)
        .annotate(revenue=Sum("amount"))
    )
    frame = pd.DataFrame.from_records(list(rows))
    table = frame.pivot_table(
        index="month", columns=key, values="revenue", aggfunc="sum", fill_value=0
    )
    table = table.reindex(pd.date_range(table.index.min(), through, freq="MS").date, fill_value=0)
    return table.stack().rename("revenue").reset_index()


def ours_monthly(by: str, through: dt.date) -> Any:
    """Return the monthly revenue of ``by`` through the Arrow bridge (what the selectors do)."""
    from cartera.analytics.forecast import monthly_revenue
    from cartera.common.scoping import SYSTEM
    from cartera.goals.history import portfolio_sales

    return monthly_revenue(portfolio_sales(user=SYSTEM, through=through), by=by, through=through)


_MEASURE: Final = textwrap.dedent(
    """
    import datetime as dt, json, os, resource, time
    os.environ["CARTERA_DATA_DIR"] = {folder!r}
    os.environ.pop("DATABASE_URL", None)
    t0 = time.perf_counter()
    from cartera.cli.django_setup import setup_django
    setup_django()
    import polars as pl
    import statsforecast.core, statsforecast.models
    from bench._common import best_of
    from bench.bench_forecast_db import ours_monthly, peer_monthly, BREAKDOWNS
    from cartera.analytics.forecast import forecast_revenue
    from cartera.common.scoping import SYSTEM
    from cartera.goals.history import last_complete_month
    from cartera.goals.selectors import drift_check, forecast_report, goal_status_for
    from cartera.goals.services import goals_propose
    from cartera.sales.models import SaleLine
    as_of = dt.date.fromisoformat({as_of!r})
    through = last_complete_month(as_of)
    # Warm-up: the first fit pays for compiling the models; a web worker pays it once.
    months = pl.date_range(dt.date(2020, 1, 1), dt.date(2022, 6, 1), "1mo", eager=True)
    warm = pl.DataFrame({{"series": ["w"] * 30, "month": months, "revenue_cents": range(30)}})
    forecast_revenue(warm, horizon=2)
    imports = time.perf_counter() - t0

    def cpu():
        a = resource.getrusage(resource.RUSAGE_SELF)
        b = resource.getrusage(resource.RUSAGE_CHILDREN)
        return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime

    def timed(fn):
        c0, w0 = cpu(), time.perf_counter()
        value = fn()
        return value, {{"seconds": time.perf_counter() - w0, "cpu_seconds": cpu() - c0}}

    out = {{"import_seconds": imports, "lines": SaleLine.objects.count(), "monthly": {{}},
            "forecast": {{}}}}
    for by in BREAKDOWNS:
        ours_s, ours_v = best_of(lambda: ours_monthly(by, through))
        peer_s, peer_v = best_of(lambda: peer_monthly(by, through))
        out["monthly"][by] = {{
            "series": ours_v["series"].n_unique(), "rows": ours_v.height,
            "peer_rows": int(len(peer_v)), "ours_seconds": ours_s, "peer_seconds": peer_s,
            "ratio": peer_s / ours_s,
        }}
    for by in (None, *BREAKDOWNS):
        report, cost = timed(lambda: forecast_report(
            user=SYSTEM, by=by, horizon=12, as_of=as_of, n_jobs=-1, bottom_up=by is None))
        models = report.forecast.models
        out["forecast"][by or "company"] = {{
            **cost, "series": models.height,
            "mase": dict(zip(models["series"].to_list(), models["mase"].to_list())),
            "models": dict(zip(models["series"].to_list(), models["model"].to_list())),
            "bottom_up_available": report.bottom_up.available,
        }}
    _r, out["forecast_salesperson_one_process"] = timed(lambda: forecast_report(
        user=SYSTEM, by="salesperson", horizon=12, as_of=as_of, n_jobs=1, bottom_up=False))
    _r, out["bottom_up_only"] = timed(lambda: forecast_report(
        user=SYSTEM, by=None, horizon=12, as_of=as_of, n_jobs=1, bottom_up=True))
    _r, out["goal_status"] = timed(lambda: goal_status_for(
        user=SYSTEM, year=as_of.year, as_of=as_of, n_jobs=-1))
    report, out["drift_check"] = timed(lambda: drift_check(user=SYSTEM, as_of=as_of, n_jobs=-1))
    out["drift_check"]["alerts"] = len(report.alerts)
    _r, out["goals_propose"] = timed(lambda: goals_propose(
        year=as_of.year + 1, growth="0.08", acting_user=SYSTEM, as_of=as_of, n_jobs=-1))
    print(json.dumps(out))
    """
)


def run(quick: bool) -> dict[str, Any]:
    """Measure the demo database (300 clients with ``quick``) and write the result."""
    clients = 300 if quick else 2000
    folder = database(clients)
    measured = run_isolated(_MEASURE.format(folder=str(folder), as_of=AS_OF.isoformat()))
    monthly = measured["monthly"]
    ours_total = sum(m["ours_seconds"] for m in monthly.values())
    peer_total = sum(m["peer_seconds"] for m in monthly.values())
    payload = {
        "data": {
            "clients": clients,
            "sale_lines": measured["lines"],
            "as_of": AS_OF.isoformat(),
            "database": "SQLite (demo portfolio)",
        },
        "peer": "Django ORM values().annotate(Sum) by TruncMonth + pandas pivot (monthly series)",
        "ours_seconds": ours_total,
        "peer_seconds": peer_total,
        "ratio": peer_total / ours_total,
        **measured,
    }
    write_result("forecast_db_quick" if quick else "forecast_db", payload)
    return payload
