"""Web pages at scale: the client list with two filters and the dashboard (issue 9).

Targets: with 1,000,000 clients and 10,000,000 sales lines in the database, the client
list with two filters answers in p95 < 100 ms server-side (Django's test client: URL
routing, middleware, view, queries and template, no network) and the dashboard in < 1 s
warm (analytics cached per scope and data version).

Peer, measured in the same run on the same rows: the same filtered list cut the naive
way, Django's ``Paginator`` (``COUNT(*)`` then ``OFFSET``), against ours (a count capped
at 10,000 and a keyset page); first page and page 21.

The database is built once from ``bench/generate_portfolio.py``'s portfolio with
``cartera.common.bulk`` and cached in ``bench/data/web_<clients>_<lines>/``; the client
metrics (ABC, RFM, P(alive), CLV per client) are computed by ``metrics_refresh`` and its
time is reported too. Everything runs in a fresh interpreter (its own settings).
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from bench._common import DATA, run_isolated, write_result

SIZES = {False: (1_000_000, 10_000_000), True: (20_000, 200_000)}
SIZE_VARIABLE = "CARTERA_BENCH_WEB_CLIENTS"
"""Clients of the full run when set (ten sales lines each): a mid-size database to
profile on without building the million."""
REPEAT = 20

FILTERS = {
    "city+abc": "city=Madrid&abc=A",
    "segment+rfm": "segment=Hoteles&rfm=at_risk",
    "salesperson+last_purchase_before": "owner={owner}&last_before=2025-01-01",
    "status+city": "status=inactive&city=Lisboa",
    "abc+special": "abc=C&special=on",
    "city+abc sorted by revenue": "city=Madrid&abc=B&sort=-revenue",
}


def _folder(clients: int, lines: int) -> Path:
    return DATA / f"web_{clients}_{lines}"


def _size(quick: bool) -> tuple[int, int]:
    wanted = os.environ.get(SIZE_VARIABLE, "")
    if quick or not wanted:
        return SIZES[quick]
    clients = int(wanted)
    return clients, 10 * clients


def run(quick: bool) -> dict[str, Any]:
    clients, lines = _size(quick)
    folder = _folder(clients, lines)
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        "CARTERA_DATA_DIR": str(folder),
        "CARTERA_DEBUG": "0",
        "CARTERA_ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "cartera.config.settings.base",
    }
    # BENCH_WEB_DATABASE_URL=postgres://… measures on PostgreSQL (a database of its own:
    # it is filled once and kept); without it, a SQLite file in bench/data.
    postgres = os.environ.get("BENCH_WEB_DATABASE_URL", "")
    if postgres:
        env["DATABASE_URL"] = postgres
    code = (
        "import os, json, sys\n"
        f"os.environ.update({env!r})\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
        "from bench.bench_web import measure\n"
        f"print(json.dumps(measure({clients}, {lines})))\n"
    )
    outcome = run_isolated(code, timeout=6 * 3600)
    name = ("web_quick" if quick else "web") + ("_postgres" if postgres else "")
    if (clients, lines) != SIZES[quick]:
        name += f"_{clients}"  # a mid-size run never overwrites the reference figures
    write_result(name, outcome)
    return outcome


# --- everything below runs in the isolated interpreter, with Django set up -------------


def _complete(model: Any, frame: Any, now: Any) -> Any:
    """Return ``frame`` with every other concrete column of ``model`` at its default.

    The loader names only what the portfolio file knows; the rest (blank texts, flags,
    timestamps) take the model's defaults, so the bench survives new model fields.
    """
    import polars as pl
    from django.db import models

    extra = []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in frame.columns or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra.append(pl.lit(now).alias(name))
        elif field.has_default():
            value = field.get_default()
            if isinstance(field, models.JSONField):
                value = json.dumps(value)
            elif hasattr(field, "get_prep_value") and value is not None:
                value = field.get_prep_value(value)
            extra.append(pl.lit(value).alias(name))
        elif field.null:
            extra.append(pl.lit(None).alias(name))
        else:
            extra.append(pl.lit("").alias(name))
    return frame.with_columns(extra) if extra else frame


def _build(clients: int, lines: int) -> dict[str, Any]:
    """Load the synthetic portfolio into the (empty, migrated) database; return timings."""
    import datetime as dt
    import time

    import polars as pl
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.generate_portfolio import ensure_portfolio
    from cartera.catalog.models import Product
    from cartera.clients.models import Account
    from cartera.common.bulk import (
        bulk_insert,
        bulk_load_session,
        deferred_indexes,
        reset_sequences,
    )
    from cartera.sales.models import Sale, SaleLine
    from cartera.team.models import Salesperson
    from cartera.users.models import Role
    from cartera.users.services import user_create

    started = time.perf_counter()
    sales = pl.read_parquet(ensure_portfolio(clients, lines))
    now = timezone.now()
    people = sales.select(pl.col("salesperson").unique().sort()).with_row_index("id", offset=1)
    people = people.select(pl.col("id").cast(pl.Int64), pl.col("salesperson").alias("name"))
    products = (
        sales.group_by("product")
        .agg(
            pl.col("family").first(),
            pl.col("launch_date").first(),
            (pl.col("amount_cents").sum() / pl.col("quantity").sum()).round(0).alias("price"),
        )
        .sort("product")
        .with_row_index("id", offset=1)
    )
    last_day = sales["date"].max()
    latest = sales.sort("date").group_by("client").agg(
        pl.col("salesperson").last(), pl.col("city").last(), pl.col("segment").last(),
        pl.col("date").max().alias("last"),
    )  # fmt: skip
    accounts = (
        latest.sort("client")
        .with_row_index("id", offset=1)
        .join(people.rename({"id": "owner_id", "name": "salesperson"}), on="salesperson")
        .select(
            pl.col("id").cast(pl.Int64),
            pl.col("client").alias("code"),
            (pl.lit("Cliente ") + pl.col("client")).alias("legal_name"),
            pl.when(pl.col("last") < last_day - dt.timedelta(days=365))
            .then(pl.lit("inactive"))
            .otherwise(pl.lit("client"))
            .alias("status"),
            "city",
            ("Región " + (pl.col("city").hash(7) % 8).cast(pl.String)).alias("region"),
            "segment",
            "owner_id",
            ((pl.col("client").hash(11) % 100) < 3).alias("is_special"),
        )
    )
    invoices = (
        sales.group_by("invoice")
        .agg(
            pl.col("client").first(),
            pl.col("date").first(),
            pl.col("salesperson").first(),
            pl.col("channel").first(),
            pl.col("amount_cents").sum().alias("total"),
            pl.col("cost_cents").sum().alias("cost_total"),
        )
        .sort("invoice")
        .with_row_index("id", offset=1)
    )
    channel = {"B2B": "b2b", "B2C": "b2c", "e-commerce": "ecommerce", "partner": "partner"}
    sale_rows = (
        invoices.join(
            accounts.select("code", pl.col("id").alias("account_id")),
            left_on="client",
            right_on="code",
        )
        .join(people.rename({"id": "salesperson_id", "name": "salesperson"}), on="salesperson")
        .select(
            pl.col("id").cast(pl.Int64),
            pl.col("invoice").alias("number"),
            "account_id",
            "salesperson_id",
            "date",
            (pl.col("date") + pl.duration(days=30)).alias("due_date"),
            pl.col("channel").replace_strict(channel, default="b2b").alias("channel"),
            "total",
            "cost_total",
        )
    )  # fmt: skip
    line_rows = (
        sales.join(invoices.select("invoice", pl.col("id").alias("sale_id")), on="invoice")
        .join(products.select("product", pl.col("id").alias("product_id")), on="product")
        .select(
            "sale_id",
            (pl.int_range(pl.len()).over("sale_id") + 1).alias("line_no"),
            "product_id",
            pl.col("quantity").round(3),
            (pl.col("amount_cents") / pl.col("quantity"))
            .round(0)
            .cast(pl.Int64)
            .abs()
            .alias("unit_price"),
            pl.col("amount_cents").alias("amount"),
            pl.col("cost_cents").alias("cost"),
            pl.lit(0).alias("discount_pct"),
        )
    )
    product_rows = products.select(
        pl.col("id").cast(pl.Int64),
        pl.col("product").alias("sku"),
        pl.col("product").alias("name"),
        "family",
        pl.col("price").cast(pl.Int64).alias("list_price"),
        pl.col("launch_date").alias("launched_on"),
    )
    prepared = time.perf_counter()
    tables = (
        (Salesperson, people),
        (Product, product_rows),
        (Account, accounts),
        (Sale, sale_rows),
        (SaleLine, line_rows),
    )
    with bulk_load_session(), transaction.atomic():
        with deferred_indexes(*(model for model, _frame in tables)):
            for model, frame in tables:
                bulk_insert(model, _complete(model, frame, now))
        reset_sequences(*(model for model, _frame in tables))
        manager = user_create(username="bench-manager", password="bench", role=Role.MANAGER)
        seller = user_create(username="bench-seller", password="bench", role=Role.SALESPERSON)
        Salesperson.objects.filter(pk=1).update(user=seller)
    with connection.cursor() as cursor:
        # A deployment analyses after a bulk import; without statistics SQLite picks
        # filter indexes and sorts every match instead of walking the sort index.
        cursor.execute("ANALYZE")
    loaded = time.perf_counter()
    return {
        "prepare_seconds": prepared - started,
        "load_seconds": loaded - prepared,
        "users": [manager.username, seller.username],
        "sales": sale_rows.height,
        "lines": line_rows.height,
        "accounts": accounts.height,
    }


def _percentiles(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p95_ms": 1000 * p95,
        "max_ms": 1000 * ordered[-1],
        "n": len(ordered),
    }


def _timed_get(client: Any, url: str, repeat: int) -> tuple[dict[str, float], Any]:
    import time

    times, response = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return _percentiles(times), response


def _data_access(user: Any, query: str, repeat: int) -> dict[str, Any]:
    """Time one page of the filtered list, ours (``list_page``: capped count + keyset page)
    against the peer's (Paginator: COUNT(*) + OFFSET), first page and page 21."""
    import time

    from django.core.paginator import Paginator
    from django.http import QueryDict

    from cartera.clients import listing
    from cartera.clients.filters import AccountFilterForm

    form = AccountFilterForm(QueryDict(query), user=user)
    accounts = listing.accounts_listed(user=user, form=form)
    sort, descending = listing.parse_sort(QueryDict(query).get("sort"))
    columns = listing.listed_with_columns(accounts)

    def ours(pages: int) -> int:
        found, after = None, None
        for _ in range(pages):
            found = listing.list_page(accounts, sort=sort, descending=descending, after=after)
            after = found.page.next_cursor
            if after is None:
                break
        return len(found.page.rows) if found else 0

    def peer(number: int) -> int:
        paginator = Paginator(listing.ordered(columns, sort, descending), listing.PAGE_SIZE)
        page = paginator.get_page(number)
        return len(list(page.object_list)) + 0 * paginator.count

    result: dict[str, Any] = {}
    for label, work in (
        ("ours_page_1", lambda: ours(1)),
        ("peer_offset_page_1", lambda: peer(1)),
        ("ours_page_21", lambda: ours(21)),
        ("peer_offset_page_21", lambda: peer(21)),
    ):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        result[label] = _percentiles(times)
    # Ours walks 21 keyset pages to reach page 21 (it has no page numbers); the time of
    # one page is what a user waits for when they press "next".
    result["ours_page_21"]["note"] = "21 keyset pages fetched in a row (a user fetches one)"
    result["ratio_peer_over_ours_page_1_p95"] = (
        result["peer_offset_page_1"]["p95_ms"] / result["ours_page_1"]["p95_ms"]
    )
    return result


def measure(clients: int, lines: int) -> dict[str, Any]:
    """Build (once) and measure; return the figures for bench/results/web.json."""
    import time

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from bench._common import machine, peak_rss_mb
    from cartera.clients.models import Account
    from cartera.metrics.models import MetricsRun
    from cartera.metrics.services import metrics_refresh
    from cartera.users.models import User

    load_before = os.getloadavg()[0]
    call_command("migrate", interactive=False, verbosity=0)
    built: dict[str, Any] = {"reused": True}
    if not Account.objects.exists():
        built = _build(clients, lines)
    refresh: dict[str, Any] = {"reused": True}
    run = MetricsRun.objects.order_by("-id").first()
    if run is None:
        start = time.perf_counter()
        run = metrics_refresh()
        refresh = {
            "seconds": time.perf_counter() - start,
            "clients": run.clients,
            "clv_fitted": run.clv_fitted,
            "note": run.note,
        }
    refresh["recorded_seconds"] = run.seconds
    manager = User.objects.get(username="bench-manager")
    seller = User.objects.get(username="bench-seller")
    owner = seller.salesperson.pk
    web: dict[str, Any] = {}
    client = Client()
    client.force_login(manager)
    start = time.perf_counter()
    client.get("/clients/")
    web["list_first_request_ms"] = 1000 * (time.perf_counter() - start)  # suggestions
    for label, query in FILTERS.items():
        url = "/clients/?" + query.format(owner=owner)
        timing, response = _timed_get(client, url, REPEAT)
        timing["rows_on_page"] = response.content.decode().count("<tr><td>")
        web[label] = timing
    # Page 21 of a filtered list, reached by following "next" as a user would.
    url, cursor, depth = "/clients/?" + FILTERS["city+abc"], None, 1
    for _ in range(20):
        response = client.get(url + (f"&after={cursor}" if cursor else ""))
        found = re.search(r'href="\?([^"]*)" rel="next"', response.content.decode())
        if found is None:
            break
        cursor, depth = parse_qs(html.unescape(found.group(1)))["after"][0], depth + 1
    deep, _ = _timed_get(client, url + (f"&after={cursor}" if cursor else ""), REPEAT)
    web[f"city+abc page {depth}"] = deep
    seller_client = Client()
    seller_client.force_login(seller)
    seller_client.get("/clients/")
    web["salesperson: city+abc"], _ = _timed_get(
        seller_client, "/clients/?" + FILTERS["city+abc"], REPEAT
    )
    p95s = [v["p95_ms"] for k, v in web.items() if isinstance(v, dict)]

    peer = {
        label: _data_access(manager, query.format(owner=owner), 5)
        for label, query in FILTERS.items()
        if label in ("city+abc", "segment+rfm", "salesperson+last_purchase_before")
    }

    dashboard: dict[str, Any] = {}
    for who, user in (("manager", manager), ("salesperson", seller)):
        cache.clear()
        visitor = Client()
        visitor.force_login(user)
        start = time.perf_counter()
        assert visitor.get("/").status_code == 200
        dashboard[f"{who}_cold_seconds"] = time.perf_counter() - start
        dashboard[f"{who}_warm"], _ = _timed_get(visitor, "/", 10)
    return {
        "machine_at_start": machine(),
        "load_average_1m_before": load_before,
        "data": {
            "clients": clients,
            "lines": lines,
            "accounts": Account.objects.count(),
            "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "built": built,
        },
        "metrics_refresh": refresh,
        "client_list_server_side": web,
        "client_list_worst_p95_ms": max(p95s),
        "client_list_target_p95_ms": 100,
        "peer_naive_offset_pagination": {
            "name": "Django Paginator (COUNT(*) + OFFSET) on the same filtered queryset",
            "results": peer,
        },
        "dashboard": dashboard,
        "dashboard_target_warm_seconds": 1.0,
        "peak_rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
