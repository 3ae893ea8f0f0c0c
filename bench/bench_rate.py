"""``cartera rate`` end to end on the 100,000-client demo (issue 7): database → rating → write.

The library alone rates 100,000 clients in about a second (``bench/results/rating.json``);
this benchmark times what a scheduler's ``cartera rate`` does on a database: read the
accounts, the invoice totals and the ledger through the Arrow bridge, match payments to
invoices for the payment behaviour, fit the profiles, rate, explain, and replace the
ratings, fits and history in one transaction with the bulk writer.

Measured in the same run, on the same database (SQLite, the demo portfolio of
``cartera demo --clients 100000`` as of 2026-11-22):

* ``ours``: ``rating_recalculate`` (the service behind ``cartera rate``), best of two;
  and the command itself, ``cartera rate``, in a fresh process (start-up included);
* ``peer``: the library alone on the same frames already in memory (features, scores,
  levels, the stored explanation JSON and the ABC class), i.e. the part of the
  work that is not the database's; the ratio says what the database round trip costs;
* the write half against Django's ``bulk_create`` of the same rating rows (rolled back).

The portfolio is generated and loaded once into ``bench/data/`` (the load time, first
rating included, is recorded: the demo must load 100,000 clients in under 3 minutes).
With ``DATABASE_URL`` pointing at a PostgreSQL server, the same runs on a database of its
own there (``cartera_bench_rate_<clients>``, dropped and created on first use) and the
result goes to ``rate_postgresql.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Final

from bench._common import DATA, run_isolated, write_result

AS_OF: Final = dt.date(2026, 11, 22)
CARTERA: Final = Path(sys.executable).with_name("cartera")
SOURCE: Final = Path(__file__).resolve().parents[1] / "src" / "cartera"


def _postgres_url(clients: int) -> str | None:
    """Return the URL of the bench's own PostgreSQL database when DATABASE_URL is PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    server, _sep, _name = url.rpartition("/")
    return f"{server}/cartera_bench_rate_{clients}"


def _create_postgres_database(url: str) -> None:
    import psycopg

    server, _sep, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def _environment(directory: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CARTERA_DATA_DIR": str(directory),
        "DJANGO_SETTINGS_MODULE": "cartera.config.settings.base",
    }
    url_file = directory / "database_url"
    if url_file.exists():
        env["DATABASE_URL"] = url_file.read_text().strip()
    else:
        env.pop("DATABASE_URL", None)
    return env


def ensure_database(clients: int) -> tuple[Path, dict[str, Any]]:
    """Return the directory of a SQLite database holding the demo of ``clients`` clients."""
    postgres = _postgres_url(clients)
    directory = DATA / (f"rate_demo_pg_{clients}" if postgres else f"rate_demo_{clients}")
    marker = directory / "loaded.json"
    if marker.exists():
        return directory, json.loads(marker.read_text())
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("cartera.sqlite3*"):
        stale.unlink()
    if postgres:
        _create_postgres_database(postgres)
        (directory / "database_url").write_text(postgres)
    env = _environment(directory)
    subprocess.run([str(CARTERA), "setup", "--skip-demo"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    started = time.perf_counter()
    subprocess.run(
        [str(CARTERA), "demo", "--clients", str(clients), "--as-of", AS_OF.isoformat()],
        env=env,
        check=True,
        capture_output=True,
    )
    info = {
        "clients": clients,
        "as_of": AS_OF.isoformat(),
        "demo_load_seconds_with_first_rating": time.perf_counter() - started,
        "load_average_1m_when_loaded": os.getloadavg()[0],
    }
    marker.write_text(json.dumps(info, indent=2))
    return directory, info


def measure(directory: str) -> None:
    """Measure in this (fresh) process and print one JSON line; run by :func:`run`."""
    os.environ.update(_environment(Path(directory)))
    import django

    django.setup()
    import polars as pl
    from django.db import transaction

    from cartera.analytics.rating import client_features, explanation_texts, rate
    from cartera.common.bulk import bulk_insert, replace_indexes
    from cartera.common.scoping import SYSTEM
    from cartera.ratings.compute import compute_ratings, profile_fits
    from cartera.ratings.inputs import (
        accounts_frame,
        invoice_totals,
        invoices_frame,
        payment_behaviour,
        payment_ledger_start,
        payments_frame,
        purchase_bounds_frame,
        rating_columns,
    )
    from cartera.ratings.models import Rating, RatingPolicyVersion
    from cartera.ratings.selectors import active_profiles
    from cartera.ratings.services import rating_recalculate

    def timed(task: Any) -> tuple[float, float, Any]:
        wall, cpu = time.perf_counter(), time.process_time()
        value = task()
        return time.perf_counter() - wall, time.process_time() - cpu, value

    runs = [timed(lambda: rating_recalculate(by=SYSTEM, as_of=AS_OF)) for _ in range(2)]
    best = min(runs, key=lambda r: r[0])
    policy = RatingPolicyVersion.objects.get(name="default", is_active=True).policy()

    phases: dict[str, float] = {}
    profiles = active_profiles()
    wall, _cpu, accounts = timed(
        lambda: accounts_frame(user=SYSTEM, columns=rating_columns(profiles, policy))
    )
    phases["read_accounts"] = wall
    since = AS_OF - dt.timedelta(days=2 * policy.window_days)
    ledger_since = payment_ledger_start(as_of=AS_OF, window_days=policy.window_days)
    wall, _cpu, invoices = timed(lambda: invoices_frame(since=min(since, ledger_since)))
    phases["read_invoices"] = wall
    wall, _cpu, bounds = timed(lambda: purchase_bounds_frame(until=since))
    phases["read_purchase_bounds"] = wall
    wall, _cpu, ledger = timed(lambda: payments_frame(since=ledger_since))
    phases["read_payments"] = wall
    sales = invoice_totals(invoices, until=AS_OF, since=since, bounds=bounds)
    wall, _cpu, payments = timed(lambda: payment_behaviour(invoices, ledger, as_of=AS_OF))
    phases["match_payments"] = wall
    wall, _cpu, fits = timed(lambda: profile_fits(accounts, profiles))
    phases["profile_fits"] = wall

    def library() -> Any:
        return compute_ratings(accounts=accounts, fits=fits, sales=sales, payments=payments,
                               policy=policy, as_of=AS_OF)  # fmt: skip

    library_runs = [timed(library) for _ in range(3)]
    library_seconds = min(r[0] for r in library_runs)
    computed = library_runs[-1][2]

    def core() -> Any:
        rated = accounts.filter(pl.col("is_client")).select("client")
        features = client_features(sales.join(rated, on="client", how="semi"), as_of=AS_OF,
                                   payments=payments, last_seen=[])  # fmt: skip
        return explanation_texts(rate(features, policy))

    core_seconds = min(timed(core)[0] for _ in range(3))
    run = runs[-1][2]
    rows = computed.rows.with_columns(pl.lit(AS_OF).alias("as_of"))

    def ours_write() -> None:
        with transaction.atomic():
            with replace_indexes(Rating):
                Rating.objects.all().delete()
                bulk_insert(Rating, rows)
            transaction.set_rollback(True)

    def django_write() -> None:
        objects = [Rating(**row) for row in rows.iter_rows(named=True)]
        with transaction.atomic():
            Rating.objects.all().delete()
            Rating.objects.bulk_create(objects, batch_size=5000)
            transaction.set_rollback(True)

    write_ours = min(timed(ours_write)[0] for _ in range(2))
    write_django = timed(django_write)[0]
    print(json.dumps({
        "service_seconds": best[0],
        "service_cpu_seconds": best[1],
        "service_runs": [r[0] for r in runs],
        "clients_rated": run.clients,
        "dropped": run.dropped,
        "phases": phases,
        "library_seconds": library_seconds,
        "library_core_seconds": core_seconds,
        "write_bulk_insert_seconds": write_ours,
        "write_django_bulk_create_seconds": write_django,
        "invoices": sales.height,
        "levels": dict(computed.rows["level"].value_counts().sort("level").iter_rows()),
    }))  # fmt: skip


def run(quick: bool) -> dict[str, Any]:
    """Time ``cartera rate`` on the demo database and write bench/results/rate.json."""
    clients = 2000 if quick else 100_000
    directory, loaded = ensure_database(clients)
    code = f"import bench.bench_rate as b; b.measure({str(directory)!r})"
    measured = run_isolated(code)
    out = directory / "rate.json"
    # As an installed command starts: its modules compiled once, not on every start
    # (under PYTHONDONTWRITEBYTECODE, as on the benchmark machine, Python never keeps
    # what it compiled, and each start would compile the whole application again).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(SOURCE)], check=True,
                   capture_output=True)  # fmt: skip
    started = time.perf_counter()
    subprocess.run([str(CARTERA), "rate", "--as-of", AS_OF.isoformat(), "--json", str(out)],
                   env=_environment(directory), check=True, capture_output=True)  # fmt: skip
    command_seconds = time.perf_counter() - started
    library_file = Path(__file__).parent / "results" / "rating.json"
    library_result = json.loads(library_file.read_text()) if library_file.exists() else {}
    suffix = "_postgresql" if (directory / "database_url").exists() else ""
    return write_result(
        ("rate" if not quick else "rate_quick") + suffix,
        {
            "task": "cartera rate: read accounts, invoices and ledger, match payments, fit "
            "profiles, rate, explain, replace ratings/fits/history in one transaction",
            "data": {
                "database": "PostgreSQL (connectorx reads, COPY writes)"
                if (directory / "database_url").exists()
                else "SQLite (file; read through Python's sqlite3), demo portfolio",
                "clients": clients,
                "clients_rated": measured["clients_rated"],
                "invoices": measured["invoices"],
                "as_of": AS_OF,
            },
            "ours": {
                "what": "rating_recalculate (service), best of 2",
                "seconds": measured["service_seconds"],
                "cpu_seconds": measured["service_cpu_seconds"],
                "runs": measured["service_runs"],
                "command_seconds": command_seconds,
            },
            "peer": {
                "what": "cartera.analytics on the same frames in memory (no database)",
                "seconds": measured["library_seconds"],
                "core_seconds": measured["library_core_seconds"],
                "library_benchmark_seconds": library_result.get("ours", {}).get("seconds"),
            },
            "ratio_ours_over_peer": measured["service_seconds"] / measured["library_seconds"],
            "phases_seconds": measured["phases"],
            "write": {
                "bulk_insert_seconds": measured["write_bulk_insert_seconds"],
                "django_bulk_create_seconds": measured["write_django_bulk_create_seconds"],
                "ratio": measured["write_django_bulk_create_seconds"]
                / measured["write_bulk_insert_seconds"],
            },
            "demo": loaded,
            "levels": measured["levels"],
            "dropped_criteria": measured["dropped"],
        },
    )
