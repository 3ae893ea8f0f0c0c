"""BG/NBD and Pareto/NBD fits and CLV against lifetimes 0.11.3 (issue 4, S1.7 / S1.5 / S0.4).

Data: clients drawn from the BG/NBD process with CDNOW's estimates (r 0.243, α 4.414
weeks, a 0.793, b 2.426), acquired uniformly over the first 12 weeks of a 39-week
calibration period and observed at day resolution (recency and T are whole days / 7),
so T runs from 27 to 39 weeks as in CDNOW. Mean spends are drawn from Gamma-Gamma with
CDNOW's estimates. The files are written once under bench/data/ as .npz, which both
interpreters read.

Peer: lifetimes 0.11.3, the library most users have, in its own virtualenv
(bench/.venv-lifetimes, created on first run). lifetimes does not run on current
pandas/scipy/NumPy, so it is pinned to the last versions it works with:
numpy 1.23.5, scipy 1.10.1, pandas 1.5.3, autograd 1.5, dill < 0.5 (Python 3.11).

Every timing runs in a fresh interpreter (its own peak RSS), after the imports and the
data load, on the same file; ours and lifetimes' in the same run, so that a busy
machine slows both. lifetimes' Pareto/NBD takes minutes at 1M clients (274.8 s
measured earlier on this machine), so it is timed at 100k and our fit is timed at both
sizes; set CARTERA_BENCH_LIFETIMES_PARETO_1M=1 to time lifetimes at 1M as well.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import numpy as np

from bench._common import DATA, machine, run_isolated, write_result

ROOT: Final = Path(__file__).resolve().parents[1]
LIFETIMES_VENV: Final = Path(__file__).parent / ".venv-lifetimes"
LIFETIMES_PINS: Final = (
    "lifetimes==0.11.3",
    "numpy==1.23.5",
    "scipy==1.10.1",
    "pandas==1.5.3",
    "autograd==1.5",
    "dill<0.5",
)
CDNOW_BGNBD: Final = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
CDNOW_SPEND: Final = {"p": 6.25, "q": 3.74, "gamma": 15.44}
CALIBRATION_DAYS: Final = 273
ACQUISITION_DAYS: Final = 84


def generate(clients: int, *, seed: int = 4) -> Path:
    """Write (or reuse) ``bench/data/clv_<clients>_<seed>.npz`` and return its path."""
    path = DATA / f"clv_{clients}_{seed}.npz"
    if path.exists():
        return path
    from cartera.analytics.clv import sample_bgnbd, sample_gammagamma

    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    ages = (CALIBRATION_DAYS - rng.integers(0, ACQUISITION_DAYS, clients)) / 7.0
    data = sample_bgnbd(clients, **CDNOW_BGNBD, T=ages, seed=rng, resolution=1 / 7)
    spend = sample_gammagamma(data["frequency"], **CDNOW_SPEND, seed=rng)
    np.savez(
        path,
        frequency=data["frequency"].to_numpy().astype(np.float64),
        recency=data["recency"].to_numpy(),
        T=data["T"].to_numpy(),
        monetary=spend["monetary"].to_numpy(),
    )
    return path


def lifetimes_python() -> str:
    """Return the interpreter of the lifetimes virtualenv, creating it if needed."""
    python = LIFETIMES_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(LIFETIMES_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *LIFETIMES_PINS], check=True
        )
    return str(python)


_PRELUDE = """
import json, resource, time, warnings
import numpy as np
data = np.load({path!r})
f, r, T, m = data["frequency"], data["recency"], data["T"], data["monetary"]
if {rows} < f.size:
    f, r, T, m = f[:{rows}], r[:{rows}], T[:{rows}], m[:{rows}]
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

_OURS_FIT = (
    _PRELUDE
    + """
import pandas, polars  # imported before the clock, as lifetimes' are
from cartera.analytics.clv import {model}
warnings.simplefilter("{warnings}")
times = []
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("{warnings}")
    for _ in range({repeat}):
        start = time.perf_counter()
        fitted = {model}().fit(f, r, T)
        times.append(time.perf_counter() - start)
print(json.dumps({{
    "seconds_first": times[0], "seconds_best": min(times), "params": fitted.params_,
    "log_likelihood": fitted.log_likelihood_, "warnings": [str(w.message) for w in caught],
    "peak_rss_mb": rss(), "clients": int(f.size),
}}))
"""
)

_LIFETIMES_FIT = (
    _PRELUDE
    + """
from lifetimes import {model}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    start = time.perf_counter()
    fitted = {model}().fit(f, r, T)
    seconds = time.perf_counter() - start
print(json.dumps({{
    "seconds": seconds, "params": {{k: float(v) for k, v in fitted.params_.items()}},
    "warnings": sorted({{str(w.message)[:160] for w in caught}}), "peak_rss_mb": rss(),
    "clients": int(f.size),
}}))
"""
)

_OURS_CLV = (
    _PRELUDE
    + """
import polars as pl
from cartera.analytics.clv import BetaGeo, ParetoNBD, GammaGamma, customer_value
summary = pl.DataFrame({{"frequency": f, "recency": r, "T": T, "monetary": m}})
spend = GammaGamma().fit(f, m)
out = {{"spend_params": spend.params_}}
for name, model in (("bgnbd", BetaGeo), ("paretonbd", ParetoNBD)):
    fitted = model().fit(f, r, T)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        values = customer_value(fitted, spend, summary, horizon=12, discount=0.01, period="week")
        times.append(time.perf_counter() - start)
    out[name] = {{"seconds_first": times[0], "seconds_best": min(times),
                  "total": float(values["clv"].sum())}}
out["peak_rss_mb"] = rss()
out["clients"] = int(f.size)
print(json.dumps(out))
"""
)

_LIFETIMES_CLV = (
    _PRELUDE
    + """
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
fitted = BetaGeoFitter().fit(f, r, T)
repeat = f > 0
spend = GammaGammaFitter().fit(pd.Series(f[repeat]), pd.Series(m[repeat]))
start = time.perf_counter()
values = spend.customer_lifetime_value(
    fitted, pd.Series(f), pd.Series(r), pd.Series(T), pd.Series(m),
    time=12, discount_rate=0.01, freq="W",
)
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "total": float(values.sum()), "peak_rss_mb": rss(),
                   "clients": int(f.size)}}))
"""
)


def _ours(model: str, path: Path, rows: int, *, repeat: int = 3, strict: bool = False) -> Any:
    code = _OURS_FIT.format(
        path=str(path),
        rows=rows,
        model=model,
        repeat=repeat,
        warnings="error" if strict else "always",
    )
    return run_isolated(code, timeout=3600)


def _lifetimes(model: str, path: Path, rows: int) -> Any:
    code = _LIFETIMES_FIT.format(path=str(path), rows=rows, model=model)
    return run_isolated(code, python=lifetimes_python(), timeout=7200)


def _agreement(ours: dict[str, float], theirs: dict[str, float], names: dict[str, str]) -> Any:
    """Return, per parameter, both values, their relative gap and 3-significant-digit match."""
    rows = {}
    for name, peer_name in names.items():
        a, b = ours[name], theirs[peer_name]
        rows[name] = {
            "ours": a,
            "lifetimes": b,
            "relative_gap": abs(a - b) / abs(b),
            "same_3_significant_digits": f"{a:.3g}" == f"{b:.3g}",
        }
    return rows


def run(quick: bool) -> dict[str, Any]:
    """Time our fits and CLV and lifetimes' on the same clients; write bench/results/clv.json."""
    big = 50_000 if quick else 1_000_000
    pareto_peer = 10_000 if quick else 100_000
    huge = 200_000 if quick else 2_500_000
    load_before = machine()["load_average_1m"]
    path = generate(big)
    huge_path = generate(huge, seed=5)
    bg_names = {k: k for k in CDNOW_BGNBD}
    pareto_names = {"r": "r", "alpha": "alpha", "s": "s", "beta": "beta"}

    print(f"BG/NBD fit, {big:,} clients", flush=True)
    ours_bg = _ours("BetaGeo", path, big)
    theirs_bg = _lifetimes("BetaGeoFitter", path, big)
    print(f"Pareto/NBD fit, {big:,} and {pareto_peer:,} clients", flush=True)
    ours_pareto_big = _ours("ParetoNBD", path, big)
    ours_pareto = _ours("ParetoNBD", path, pareto_peer)
    theirs_pareto = _lifetimes("ParetoNBDFitter", path, pareto_peer)
    theirs_pareto_big = (
        _lifetimes("ParetoNBDFitter", path, big)
        if os.environ.get("CARTERA_BENCH_LIFETIMES_PARETO_1M") == "1"
        else None
    )
    print(f"CLV, {big:,} clients", flush=True)
    ours_clv = run_isolated(_OURS_CLV.format(path=str(path), rows=big), timeout=3600)
    theirs_clv = run_isolated(
        _LIFETIMES_CLV.format(path=str(path), rows=big), python=lifetimes_python(), timeout=3600
    )
    print(f"fits on {huge:,} clients with warnings as errors", flush=True)
    strict_bg = _ours("BetaGeo", huge_path, huge, repeat=1, strict=True)
    strict_pareto = _ours("ParetoNBD", huge_path, huge, repeat=1, strict=True)

    unique = np.load(path)
    rows = np.unique(np.stack([unique["frequency"], unique["recency"], unique["T"]]), axis=1).shape[
        1
    ]
    result = {
        "data": {
            "clients": big,
            "distinct_frequency_recency_T_rows": rows,
            "process": "BG/NBD with CDNOW's estimates; 12-week acquisition, 39-week "
            "calibration, day resolution; Gamma-Gamma spend with CDNOW's estimates",
        },
        "peer": {"name": "lifetimes 0.11.3", "pins": list(LIFETIMES_PINS)},
        "bgnbd_fit": {
            "clients": big,
            "ours_seconds_first": ours_bg["seconds_first"],
            "ours_seconds_best_of_3": ours_bg["seconds_best"],
            "lifetimes_seconds": theirs_bg["seconds"],
            "ratio_first": theirs_bg["seconds"] / ours_bg["seconds_first"],
            "ratio_best": theirs_bg["seconds"] / ours_bg["seconds_best"],
            "goal_ratio": 20,
            "params": _agreement(ours_bg["params"], theirs_bg["params"], bg_names),
            "ours_log_likelihood": ours_bg["log_likelihood"],
            "ours_peak_rss_mb": ours_bg["peak_rss_mb"],
            "lifetimes_peak_rss_mb": theirs_bg["peak_rss_mb"],
            "lifetimes_warnings": theirs_bg["warnings"],
            "ours_warnings": ours_bg["warnings"],
        },
        "paretonbd_fit": {
            "clients_compared": pareto_peer,
            "ours_seconds_first": ours_pareto["seconds_first"],
            "ours_seconds_best_of_3": ours_pareto["seconds_best"],
            "lifetimes_seconds": theirs_pareto["seconds"],
            "ratio_first": theirs_pareto["seconds"] / ours_pareto["seconds_first"],
            "ratio_best": theirs_pareto["seconds"] / ours_pareto["seconds_best"],
            "goal_ratio": 50,
            "params": _agreement(ours_pareto["params"], theirs_pareto["params"], pareto_names),
            "ours_at_full_size": {
                "clients": big,
                "seconds_first": ours_pareto_big["seconds_first"],
                "seconds_best_of_3": ours_pareto_big["seconds_best"],
                "params": ours_pareto_big["params"],
                "peak_rss_mb": ours_pareto_big["peak_rss_mb"],
                "ratio_vs_lifetimes_274_8_s_measured_earlier": 274.8
                / ours_pareto_big["seconds_best"],
            },
            "lifetimes_at_full_size": theirs_pareto_big,
            "lifetimes_warnings": theirs_pareto["warnings"],
            "ours_warnings": ours_pareto["warnings"],
        },
        "clv": {
            "clients": big,
            "horizon_months": 12,
            "ours_bgnbd_seconds_best_of_3": ours_clv["bgnbd"]["seconds_best"],
            "ours_paretonbd_seconds_best_of_3": ours_clv["paretonbd"]["seconds_best"],
            "goal_seconds": 2.0,
            "lifetimes_bgnbd_seconds": theirs_clv["seconds"],
            "ratio": theirs_clv["seconds"] / ours_clv["bgnbd"]["seconds_best"],
            "ours_total": ours_clv["bgnbd"]["total"],
            "lifetimes_total": theirs_clv["total"],
            "note": "lifetimes uses 30-day months, ours 365.25/12 days, so totals differ a little",
        },
        "strict_fits": {
            "clients": huge,
            "bgnbd_seconds": strict_bg["seconds_first"],
            "paretonbd_seconds": strict_pareto["seconds_first"],
            "warnings": strict_bg["warnings"] + strict_pareto["warnings"],
            "bgnbd_params": strict_bg["params"],
            "paretonbd_params": strict_pareto["params"],
        },
        "load_average_1m_before": load_before,
        "quick": quick,
    }
    write_result("clv", result)
    return result


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2, default=str))
