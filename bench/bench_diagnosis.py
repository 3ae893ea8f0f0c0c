"""The whole portfolio diagnosis from Parquet (issue 3: ≤ 2 s, < 1.5 GB on 1M clients / 10M lines).

Three measurements, each in a fresh interpreter (its own peak RSS), each the best of
a few runs on the same synthetic portfolio (``bench/generate_portfolio.py``):

* ``cartera``: :func:`cartera.analytics.io.read_sales` on the Parquet file, then
  :func:`cartera.analytics.diagnosis.diagnose` with every metric and every grouping
  (salesperson, segment, city, channel);
* ``cartera_subset``: the same reader, then only ABC + RFM + concentration;
* ``pandas``: a straightforward pandas implementation of the same ABC + RFM +
  concentration (``read_parquet``, ``groupby``, ``sort_values``, ``cumsum``,
  ``rank``), the peer named by the issue.

The subset runs must agree (class sizes, HHI, RFM segment sizes) before the
result is written.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any, Final

from bench._common import machine, run_isolated, write_result
from bench.generate_portfolio import ensure_portfolio

FULL: Final = (1_000_000, 10_000_000)
QUICK: Final = (20_000, 200_000)

_OURS = """
import json, resource, time
import polars as pl
from cartera.analytics.io import read_sales
from cartera.analytics.diagnosis import diagnose
path, repeat = {path!r}, {repeat}
best = {{"read": 1e9, "diagnose": 1e9, "total": 1e9}}
for _ in range(repeat):
    start = time.perf_counter()
    sales = read_sales(path, categorical=True)
    read = time.perf_counter() - start
    result = diagnose(sales.frame)
    total = time.perf_counter() - start
    best = {{"read": min(best["read"], read), "diagnose": min(best["diagnose"], total - read),
            "total": min(best["total"], total)}}
    del sales, result
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{**best, "peak_rss_mb": peak}}))
"""

_OURS_SUBSET = """
import json, resource, time
from cartera.analytics.io import read_sales
from cartera.analytics.diagnosis import abc_classes, abc_summary, client_table, concentration
from cartera.analytics.diagnosis import rfm_scores, rfm_summary
path, repeat = {path!r}, {repeat}
best = 1e9
for _ in range(repeat):
    start = time.perf_counter()
    sales = read_sales(path, columns={{}}, categorical=True, roles=("client", "date", "amount"))
    table, period = client_table(sales.frame, groupings=())
    classified = abc_classes(table)
    scored = rfm_scores(classified, period.as_of)
    abc, rfm, conc = abc_summary(classified), rfm_summary(scored), concentration(scored)
    best = min(best, time.perf_counter() - start)
check = {{"abc": [c.clients for c in abc.classes], "hhi": conc.hhi,
          "rfm": dict(rfm.segments.select("segment", "clients").rows())}}
print(json.dumps({{"total": best, "check": check,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""

# The pandas peer: what an analyst would write with the same definitions.
_PANDAS = """
import json, resource, time
import numpy as np
import pandas as pd
path, repeat = {path!r}, {repeat}

def segment(r, f):
    conditions = [
        (r == 5) & (f >= 4), (r >= 3) & (f >= 4), (r >= 4) & (f >= 2), (r == 5) & (f == 1),
        (r == 4) & (f == 1), (r == 3) & (f == 3), r == 3, f == 5, f >= 3,
    ]
    names = ["champions", "loyal", "potential_loyalist", "new", "promising", "need_attention",
             "about_to_sleep", "cant_lose", "at_risk"]
    return np.select(conditions, names, default="hibernating")

def run():
    lines = pd.read_parquet(path, columns=["client", "date", "amount_cents"])
    lines["date"] = pd.to_datetime(lines["date"])
    as_of = lines["date"].max()
    start = as_of - pd.DateOffset(months=12) + pd.Timedelta(days=1)
    previous = start - pd.DateOffset(months=12)
    lines = lines[lines["date"] <= as_of]
    recent = lines[lines["date"] >= previous]
    window = recent[recent["date"] >= start]
    # ABC on window revenue: sort descending, ties by client, cumulative share before.
    revenue = window.groupby("client")["amount_cents"].sum().reset_index()
    revenue = revenue.sort_values(["amount_cents", "client"], ascending=[False, True])
    total = revenue["amount_cents"].sum()
    before = (revenue["amount_cents"].cumsum() - revenue["amount_cents"]) / total
    revenue["abc"] = np.where(before < 0.80, "A", np.where(before < 0.95, "B", "C"))
    abc = revenue["abc"].value_counts().reindex(["A", "B", "C"], fill_value=0).tolist()
    # Concentration.
    shares = revenue["amount_cents"].clip(lower=0) / revenue["amount_cents"].clip(lower=0).sum()
    hhi = float((shares ** 2).sum())
    x = np.sort(revenue["amount_cents"].clip(lower=0).to_numpy())
    n = x.size
    gini = float(2 * (np.arange(1, n + 1) * x).sum() / (n * x.sum()) - (n + 1) / n)
    top = {{k: float(shares.iloc[:k].sum()) for k in (1, 5, 10)}}
    # RFM over clients active in the 24 months.
    per_client = recent.groupby("client").agg(
        last=("date", "max"), frequency=("date", "nunique"), monetary=("amount_cents", "sum"))
    scores = {{}}
    for name, column in (("r", "last"), ("f", "frequency"), ("m", "monetary")):
        worse = per_client[column].rank(method="min") - 1
        scores[name] = (1 + (5 * worse) // len(per_client)).astype(int)
    per_client["segment"] = segment(scores["r"], scores["f"])
    rfm = per_client["segment"].value_counts().to_dict()
    return {{"abc": abc, "hhi": hhi, "gini": gini, "top": top, "rfm": rfm}}

best = 1e9
for _ in range(repeat):
    start_time = time.perf_counter()
    result = run()
    best = min(best, time.perf_counter() - start_time)
print(json.dumps({{"total": best, "check": {{"abc": result["abc"], "hhi": result["hhi"],
                  "rfm": result["rfm"]}},
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def _run(template: str, path: str, repeat: int) -> dict[str, Any]:
    return run_isolated(textwrap.dedent(template.format(path=path, repeat=repeat)))


def _agree(ours: dict[str, Any], peer: dict[str, Any]) -> None:
    """Raise when the two subset implementations disagree on the portfolio."""
    if ours["abc"] != peer["abc"]:
        raise AssertionError(f"ABC differs: {ours['abc']} vs pandas {peer['abc']}")
    if abs(ours["hhi"] - peer["hhi"]) > 1e-12:
        raise AssertionError(f"HHI differs: {ours['hhi']} vs pandas {peer['hhi']}")
    rfm = {k: v for k, v in ours["rfm"].items() if v}
    if rfm != peer["rfm"]:
        raise AssertionError(f"RFM segments differ: {rfm} vs pandas {peer['rfm']}")


def run(quick: bool) -> dict[str, Any]:
    n_clients, n_lines = QUICK if quick else FULL
    path = str(ensure_portfolio(n_clients, n_lines))
    repeat = 3 if quick else 2
    load_before = machine()["load_average_1m"]
    ours = _run(_OURS, path, repeat)
    subset = _run(_OURS_SUBSET, path, repeat)
    peer = _run(_PANDAS, path, repeat)
    _agree(subset["check"], peer["check"])
    payload = {
        "data": {"clients": n_clients, "lines": n_lines, "file": path, "format": "parquet"},
        "load_average_1m_before": load_before,
        "cartera_full_diagnosis": {
            "seconds": ours["total"],
            "read_seconds": ours["read"],
            "diagnose_seconds": ours["diagnose"],
            "peak_rss_mb": ours["peak_rss_mb"],
            "what": "read_sales + diagnose: every metric, 4 groupings",
        },
        "cartera_abc_rfm_concentration": {
            "seconds": subset["total"],
            "peak_rss_mb": subset["peak_rss_mb"],
        },
        "pandas_abc_rfm_concentration": {
            "seconds": peer["total"],
            "peak_rss_mb": peer["peak_rss_mb"],
        },
        "ratio_pandas_subset_over_cartera_subset": peer["total"] / subset["total"],
        "ratio_pandas_subset_over_cartera_full": peer["total"] / ours["total"],
        "targets": {
            "full_diagnosis_seconds": 2.0,
            "peak_rss_mb": 1536,
            "ratio_over_pandas": 2.0,
        },
        "agreement": json.loads(json.dumps(subset["check"])),
    }
    write_result("diagnosis_quick" if quick else "diagnosis", payload)
    return payload
