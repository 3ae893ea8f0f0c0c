"""Load test of the API (issue 10, point 4): concurrent clients recording sales and payments.

A real server (gunicorn, threaded workers) runs on loopback over a throwaway database;
``clients`` threads, each with its salesperson's token, record sales and payments on
their salesperson's accounts for ``seconds``. Several clients share each salesperson,
so sales on the same account race each other against its credit limit. Afterwards the
database is reconciled with what the clients were told:

* every sale and payment answered 201 is stored once, with the amount sent; nothing
  else is stored (0 lost, 0 duplicated);
* replaying each account's sales and payments in the order they were written, no
  accepted sale ever took the account over its credit limit;
* no answer other than 201 or the 409 credit refusal (0 errors).

Ours: PostgreSQL. Peer: the same load on SQLite, in the same run. Throughput counts
the writes accepted or refused per second; latency is each request's wall time.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench._common import machine, write_result

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PG_ADMIN = os.environ.get("CARTERA_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")

SALESPEOPLE = 10
ACCOUNTS_EACH = 5
CREDIT_LIMIT = Decimal("600.00")
PRICES = {"L-A": Decimal("4.50"), "L-B": Decimal("12.00"), "L-C": Decimal("27.35")}
DAY = "2026-11-20"

SETUP = r"""
import json, sys
from decimal import Decimal
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from cartera.api.services import token_create
from cartera.catalog.models import Product
from cartera.clients.services import account_create
from cartera.common.scoping import SYSTEM
from cartera.receivables.services import credit_limit_set
from cartera.team.services import salesperson_create
spec = json.loads(sys.argv[1])
for sku, price in spec["prices"].items():
    Product.objects.create(sku=sku, name=sku, list_price=Decimal(price), unit_cost=Decimal("1.00"))
people = []
for i in range(spec["salespeople"]):
    person = salesperson_create(name=f"Carga {i}", username=f"carga{i}")
    accounts = []
    for j in range(spec["accounts_each"]):
        account = account_create(code=f"LOAD-{i}-{j}", legal_name=f"Carga {i}-{j}", owner=person)
        credit_limit_set(account=account, limit=Decimal(spec["limit"]), reason="bench", by=None)
        accounts.append(account.pk)
    token = token_create(user=person.user, name="load", created_by=SYSTEM).secret
    people.append({"token": token, "accounts": accounts})
print(json.dumps(people))
"""

RECONCILE = r"""
import json
import django
django.setup()
from cartera.clients.models import Account
from cartera.receivables.models import Payment
from cartera.sales.models import Sale
sales = [
    [s.number, str(s.total), s.account_id, s.created_at.isoformat(), s.lines.count()]
    for s in Sale.objects.filter(number__startswith="L").prefetch_related("lines")
]
payments = [
    [p.reference, str(p.amount), p.account_id, p.created_at.isoformat()]
    for p in Payment.objects.filter(reference__startswith="R")
]
limits = {a.pk: str(a.credit_limit) for a in Account.objects.filter(code__startswith="LOAD-")}
print(json.dumps({"sales": sales, "payments": payments, "limits": limits}))
"""


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    sales: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    payments: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    refused: int = 0
    errors: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(code: str, env: dict[str, str], *args: str) -> Any:
    out = subprocess.run(
        [PYTHON, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(sql)


def _environment(backend: str, workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cartera.config.settings.base",
        "CARTERA_DEBUG": "0",
        "CARTERA_SECRET_KEY": "bench-only-" + "x" * 50,
        "CARTERA_ALLOWED_HOSTS": "127.0.0.1",
        "CARTERA_DATA_DIR": str(workdir),
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("DATABASE_URL", None)
    if backend == "postgresql":
        env["DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + f"/{_pg_name()}"
    return env


def _pg_name() -> str:
    return f"cartera_load_{os.getpid()}"


def _wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server stopped before answering")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer in time")


def _client(
    number: int, person: dict[str, Any], port: int, stop: float, tally: Tally, lock: threading.Lock
) -> None:
    rng = random.Random(number)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {person['token']}", "Content-Type": "application/json"}
    sequence = 0
    mine = Tally()
    while time.monotonic() < stop:
        sequence += 1
        account = rng.choice(person["accounts"])
        if rng.random() < 2 / 3:
            lines = [
                {"sku": sku, "quantity": str(rng.randint(1, 6))}
                for sku in rng.sample(sorted(PRICES), rng.randint(1, 3))
            ]
            total = sum(PRICES[line["sku"]] * int(line["quantity"]) for line in lines)
            key = f"L{number:02d}-{sequence:06d}"
            body = {"number": key, "account_id": account, "date": DAY, "lines": lines}
            path, book = "/api/v1/sales", mine.sales
        else:
            total = Decimal(rng.randint(2_000, 15_000)) / 100
            key = f"R{number:02d}-{sequence:06d}"
            body = {"reference": key, "account_id": account, "date": DAY, "amount": str(total)}
            path, book = "/api/v1/payments", mine.payments
        started = time.perf_counter()
        try:
            connection.request("POST", path, json.dumps(body), headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            mine.errors.append(f"{path}: {exc!r}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        mine.latencies.append(time.perf_counter() - started)
        if response.status == 201:
            book[key] = (account, total)
        elif response.status == 409 and b"credit-limit-exceeded" in content:
            mine.refused += 1
        else:
            mine.errors.append(f"{path} {response.status}: {content[:200]!r}")
    connection.close()
    with lock:
        tally.latencies += mine.latencies
        tally.sales |= mine.sales
        tally.payments |= mine.payments
        tally.refused += mine.refused
        tally.errors += mine.errors


def _reconcile(tally: Tally, stored: dict[str, Any]) -> dict[str, Any]:
    sales = {n: (a, Decimal(t)) for n, t, a, _at, _l in stored["sales"]}
    payments = {r: (a, Decimal(t)) for r, t, a, _at in stored["payments"]}
    lost = len(set(tally.sales) - set(sales)) + len(set(tally.payments) - set(payments))
    unexpected = len(set(sales) - set(tally.sales)) + len(set(payments) - set(tally.payments))
    duplicated = (len(stored["sales"]) - len(sales)) + (len(stored["payments"]) - len(payments))
    wrong = sum(1 for k, v in tally.sales.items() if k in sales and sales[k] != v)
    wrong += sum(1 for k, v in tally.payments.items() if k in payments and payments[k] != v)
    # Replay each account's writes in the order they were saved: only a sale can take
    # the exposure up, so check the limit right after each one.
    events = sorted(
        [(at, a, Decimal(t)) for _n, t, a, at, _l in stored["sales"]]
        + [(at, a, -Decimal(t)) for _r, t, a, at in stored["payments"]]
    )
    exposure: dict[int, Decimal] = {}
    over = 0
    for _at, account, amount in events:
        exposure[account] = exposure.get(account, Decimal(0)) + amount
        if amount > 0 and exposure[account] > Decimal(stored["limits"][str(account)]):
            over += 1
    return {
        "sales_stored": len(sales),
        "payments_stored": len(payments),
        "sales_total_sent": str(sum((v[1] for v in tally.sales.values()), Decimal(0))),
        "sales_total_stored": str(sum((v[1] for v in sales.values()), Decimal(0))),
        "payments_total_sent": str(sum((v[1] for v in tally.payments.values()), Decimal(0))),
        "payments_total_stored": str(sum((v[1] for v in payments.values()), Decimal(0))),
        "lost": lost,
        "unexpected": unexpected,
        "duplicated": duplicated,
        "amount_mismatches": wrong,
        "sales_over_limit": over,
    }


def _quantile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def measure(
    backend: str, *, clients: int, seconds: float, workers: int, threads: int
) -> dict[str, Any]:
    """Run the load against ``backend`` (``postgresql`` or ``sqlite``); return the figures."""
    workdir = Path(tempfile.mkdtemp(prefix=f"cartera-load-{backend}-"))
    env = _environment(backend, workdir)
    if backend == "postgresql":
        _pg_admin(f'DROP DATABASE IF EXISTS "{_pg_name()}"')
        _pg_admin(f'CREATE DATABASE "{_pg_name()}"')
    try:
        spec = {
            "prices": {k: str(v) for k, v in PRICES.items()},
            "salespeople": SALESPEOPLE,
            "accounts_each": ACCOUNTS_EACH,
            "limit": str(CREDIT_LIMIT),
        }
        people = _run(SETUP, env, json.dumps(spec))
        port = _free_port()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        server = subprocess.Popen(
            [
                GUNICORN, "cartera.config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--worker-class", "gthread", "--workers", str(workers),
                "--threads", str(threads), "--log-level", "warning", "--timeout", "60",
            ],
            env=env,
            cwd=workdir,
        )  # fmt: skip
        try:
            _wait_ready(port, server)
            tally, lock = Tally(), threading.Lock()
            own_before = resource.getrusage(resource.RUSAGE_SELF)
            started = time.perf_counter()
            stop = time.monotonic() + seconds
            pool = [
                threading.Thread(
                    target=_client,
                    args=(n, people[n % len(people)], port, stop, tally, lock),
                )
                for n in range(clients)
            ]
            for thread in pool:
                thread.start()
            for thread in pool:
                thread.join()
            elapsed = time.perf_counter() - started
            own_after = resource.getrusage(resource.RUSAGE_SELF)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        stored = _run(RECONCILE, env)
    finally:
        if backend == "postgresql":
            _pg_admin(f'DROP DATABASE IF EXISTS "{_pg_name()}" WITH (FORCE)')
    requests = len(tally.latencies)
    server_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    client_cpu = (own_after.ru_utime - own_before.ru_utime) + (
        own_after.ru_stime - own_before.ru_stime
    )
    return {
        "backend": backend,
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": requests,
        "accepted_sales": len(tally.sales),
        "accepted_payments": len(tally.payments),
        "credit_refusals": tally.refused,
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "throughput_per_s": round(requests / elapsed, 1),
        "latency_ms": {
            "p50": round(1000 * _quantile(tally.latencies, 50), 1),
            "p95": round(1000 * _quantile(tally.latencies, 95), 1),
            "p99": round(1000 * _quantile(tally.latencies, 99), 1),
        },
        "server_cpu_s": round(server_cpu, 1),
        "client_cpu_s": round(client_cpu, 1),
        "reconciliation": _reconcile(tally, stored),
    }


def run(quick: bool) -> dict[str, Any]:
    clients, seconds = (10, 8.0) if quick else (50, 60.0)
    settings = {"workers": 3, "threads": 8}
    ours = measure("postgresql", clients=clients, seconds=seconds, **settings)
    peer = measure("sqlite", clients=clients, seconds=seconds, **settings)
    result = {
        "data": {
            "clients": clients,
            "seconds": seconds,
            "salespeople": SALESPEOPLE,
            "accounts": SALESPEOPLE * ACCOUNTS_EACH,
            "credit_limit": str(CREDIT_LIMIT),
            "server": "gunicorn gthread, {workers} workers x {threads} threads".format(**settings),
        },
        "ours": ours,
        "peer": {"name": "the same load on SQLite (WAL)", **peer},
        "ratio_throughput": round(ours["throughput_per_s"] / peer["throughput_per_s"], 2),
        "ratio_p95": round(ours["latency_ms"]["p95"] / peer["latency_ms"]["p95"], 2),
        "note": (
            "Server CPU is gunicorn's (workers included), not the PostgreSQL server's; "
            "the clients run in this process."
        ),
        "machine_at_start": machine(),
    }
    write_result("api_load" if not quick else "api_load_quick", result)
    return result


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
