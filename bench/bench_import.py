"""Importing a million sales lines, and 100,000 clients from XLSX (issue 5, point 5).

Targets: 1,000,000 sales lines from a Spanish CSV (``;``, decimal comma, dd/mm/yyyy,
Windows-1252) into a database that already holds its clients and products at
≥ 150,000 validated rows/s end to end on SQLite and ≥ 200,000 rows/s on PostgreSQL,
peak RSS < 1 GB; 100,000 clients from XLSX in < 15 s.

Each measurement runs :func:`cartera.imports.services.import_file` in a fresh process
on a fresh copy of the database (SQLite: a copied file under ``bench/data``;
PostgreSQL: a throwaway database cloned from a template on the local server, dropped
after), timing the whole import: reading, conversion, every check, matching with the
database, writing and commit. CPU time counts the process and the workers that check
phones, e-mails and tax ids. The peer, measured in the same run on the same rows, is
Django's ``bulk_create`` of the same invoices and lines, model instances built from
the already parsed and checked rows (so the peer is timed on writing alone).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Final

import numpy as np
import polars as pl

from bench._common import DATA, run_isolated, write_result

ROOT: Final = Path(__file__).resolve().parents[1]
START: Final = dt.date(2023, 1, 1)
DAYS: Final = 3 * 365
PG_SERVER: Final = "postgres://postgres@127.0.0.1:5432"
_NIF_LETTERS: Final = "TRWAGMYFPDXBNJZSQVHLCKE"
CITIES: Final = ("Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza", "Málaga", "Bilbao")


def _code(prefix: str, numbers: pl.Expr, width: int) -> pl.Expr:
    return pl.lit(prefix) + numbers.cast(pl.String).str.zfill(width)


def _spanish(cents: pl.Expr) -> pl.Expr:
    """Return cents as Spanish text: ``1.234,56`` (thousands with points, decimal comma)."""
    units = (cents.abs() // 100).cast(pl.String)
    # Group thousands from the right: reverse, cut in threes, join with points, reverse.
    grouped = units.str.reverse().str.extract_all(r"\d{1,3}").list.join(".").str.reverse()
    sign = pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return sign + grouped + "," + (cents.abs() % 100).cast(pl.String).str.zfill(2)


def clients_frame(n: int, n_salespeople: int) -> pl.DataFrame:
    """Return ``n`` clients as a Spanish spreadsheet has them (valid NIFs, phones, e-mails)."""
    rng = np.random.default_rng(5)
    dni = pl.Series(rng.choice(np.arange(10_000_000, 99_999_999), n, replace=False))
    phone = pl.Series(rng.integers(910_000_000, 919_999_999, n))
    return pl.select(
        _code("C", pl.int_range(n), 6).alias("Código"),
        pl.format("Empresa {} S.L.", pl.int_range(n)).alias("Razón social"),
        (
            pl.lit(dni).cast(pl.String)
            + pl.lit(pl.Series(list(_NIF_LETTERS))).gather(pl.lit(dni) % 23)
        ).alias("NIF"),
        pl.lit(phone).cast(pl.String).alias("Teléfono"),
        pl.format("compras{}@empresa{}.es", pl.int_range(n), pl.int_range(n) % 997).alias("Email"),
        pl.lit(pl.Series(CITIES)).gather(pl.int_range(n) % len(CITIES)).alias("Ciudad"),
        pl.lit("España").alias("País"),
        pl.format("Vendedor {}", pl.int_range(n) % n_salespeople).alias("Vendedor"),
        _spanish(pl.lit(pl.Series(rng.integers(0, 5_000_000, n) * 100))).alias("Límite de crédito"),
    )


def sales_frame(n_lines: int, n_clients: int, n_products: int, n_salespeople: int) -> pl.DataFrame:
    """Return ``n_lines`` sales lines in invoices of 1 to 7 lines, 1 % of them credit notes."""
    rng = np.random.default_rng(11)
    per_invoice = rng.integers(1, 8, n_lines)
    per_invoice = per_invoice[: np.searchsorted(np.cumsum(per_invoice), n_lines) + 1]
    per_invoice[-1] -= per_invoice.sum() - n_lines
    n_invoices = len(per_invoice)
    invoice = np.repeat(np.arange(n_invoices), per_invoice)
    line = np.arange(n_lines) - np.repeat(np.cumsum(per_invoice) - per_invoice, per_invoice) + 1
    client = rng.integers(0, n_clients, n_invoices)[invoice]
    credit = (rng.random(n_invoices) < 0.01)[invoice]
    day = np.sort(rng.integers(0, DAYS, n_invoices))[invoice]
    quarters = rng.integers(1, 40, n_lines)  # quantities in quarters: 0,25 to 9,75
    price = rng.integers(50, 250_000, n_lines)
    discount = np.where(rng.random(n_lines) < 0.2, rng.integers(1, 30, n_lines), 0)
    amount = np.floor(price * quarters * (100 - discount) / 400 + 0.5).astype(np.int64)
    frame = pl.DataFrame(
        {
            "invoice": invoice,
            "line": line,
            "client": client,
            "credit": credit,
            "day": day,
            "product": rng.integers(0, n_products, n_lines),
            "quarters": quarters,
            "price": price,
            "discount": discount,
            "amount": np.where(credit, -amount, amount),
        }
    )
    return frame.select(
        _code("F", pl.col("invoice"), 8).alias("Nº Factura"),
        pl.col("line").cast(pl.String).alias("Línea"),
        pl.when(pl.col("credit")).then(pl.lit("Abono")).otherwise(pl.lit("Factura")).alias("Tipo"),
        (pl.lit(START) + pl.duration(days=pl.col("day"))).dt.strftime("%d/%m/%Y").alias("Fecha"),
        _code("C", pl.col("client"), 6).alias("Cód. Cliente"),
        pl.format("Vendedor {}", pl.col("client") % n_salespeople).alias("Vendedor"),
        _code("P", pl.col("product"), 5).alias("Cód. Producto"),
        _spanish(pl.col("quarters") * 25).alias("Cantidad"),
        _spanish(pl.col("price")).alias("Precio unitario"),
        pl.col("discount").cast(pl.String).alias("Dto. %"),
        _spanish(pl.col("amount")).alias("Importe"),
    )


def _cp1252(frame: pl.DataFrame, path: Path) -> Path:
    """Write ``frame`` as a Windows-1252 CSV with ``;`` (what Excel in Spain saves)."""
    utf8 = path.with_suffix(".utf8.csv")
    frame.write_csv(utf8, separator=";")
    with utf8.open(encoding="utf-8") as src, path.open("w", encoding="cp1252", newline="") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    utf8.unlink()
    return path


def _xlsx(frame: pl.DataFrame, path: Path) -> Path:
    import xlsxwriter

    with xlsxwriter.Workbook(path, {"constant_memory": True}) as book:
        sheet = book.add_worksheet("Clientes")
        sheet.write_row(0, 0, frame.columns)
        for number, row in enumerate(frame.iter_rows(), start=1):
            sheet.write_row(number, 0, row)
    return path


def files(n_lines: int, n_clients: int, n_products: int, n_salespeople: int) -> dict[str, Path]:
    """Write (once, cached in bench/data) the files of the benchmark and return their paths."""
    folder = DATA / f"import_{n_lines}_{n_clients}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "salespeople": folder / "vendedores.csv",
        "products": folder / "productos.csv",
        "clients_csv": folder / "clientes.csv",
        "clients_xlsx": folder / "clientes.xlsx",
        "sales": folder / "ventas.csv",
    }
    if all(p.exists() for p in paths.values()):
        return paths
    pl.DataFrame({"Nombre": [f"Vendedor {i}" for i in range(n_salespeople)]}).write_csv(
        paths["salespeople"]
    )
    pl.select(
        _code("P", pl.int_range(n_products), 5).alias("SKU"),
        pl.format("Producto {}", pl.int_range(n_products)).alias("Nombre"),
        _spanish(pl.int_range(n_products) * 37 % 90_000 + 100).alias("Precio"),
        _spanish(pl.int_range(n_products) * 23 % 60_000 + 50).alias("Coste"),
    ).write_csv(paths["products"], separator=";")
    clients = clients_frame(n_clients, n_salespeople)
    clients.write_csv(paths["clients_csv"], separator=";")
    _xlsx(clients, paths["clients_xlsx"])
    _cp1252(sales_frame(n_lines, n_clients, n_products, n_salespeople), paths["sales"])
    return paths


_SETUP = """
import json, os, resource, time
os.environ["DJANGO_SETTINGS_MODULE"] = "cartera.config.settings.base"
import django
django.setup()
from cartera.common.scoping import SYSTEM
from cartera.imports.services import import_file
"""


def _measure_import(kind: str, path: Path, env: dict[str, str]) -> dict[str, Any]:
    code = _SETUP + textwrap.dedent(f"""
        def children():
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime
        wall, cpu, workers = time.perf_counter(), time.process_time(), children()
        report = import_file(kind={kind!r}, path={str(path)!r}, user=SYSTEM)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu + children() - workers
        assert report.problem_count == 0, report.problems
        print(json.dumps({{
            "seconds": wall, "cpu_seconds": cpu, "rows": report.valid_rows,
            "counts": {{k: v.as_dict() for k, v in report.counts.items()}},
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }}))
    """)
    return _isolated(code, env)


def _measure_bulk_create(path: Path, env: dict[str, str]) -> dict[str, Any]:
    """Time Django's bulk_create of the invoices and lines our import plans for ``path``."""
    code = _SETUP + textwrap.dedent(f"""
        from django.db import transaction
        from django.utils import timezone
        from cartera.imports.kinds import kind_named
        from cartera.imports.loaders import LOADERS, Context
        from cartera.imports.problems import Problems
        from cartera.imports.reading import convert, open_source
        from cartera.sales.models import Sale, SaleLine
        source = open_source(kind_named("sales"), {str(path)!r})
        problems = Problems()
        typed = convert(source, problems, track="invoice")
        ctx = Context(source=source, problems=problems, create_missing=False, region="ES",
                      today=timezone.localdate(), now=timezone.now(), reason="bench",
                      rejected=typed.rejected)
        plan = LOADERS["sales"](ctx, typed.frame)
        steps = {{s.label: s for s in plan.steps}}
        sales, lines = steps["sales"].creates, steps["sale_lines"].creates
        sale_fields = [f.attname for f in Sale._meta.concrete_fields]
        line_fields = [f.attname for f in SaleLine._meta.concrete_fields]
        wall, cpu = time.perf_counter(), time.process_time()
        with transaction.atomic():
            Sale.objects.bulk_create(
                (Sale(**dict(zip(sale_fields, row)))
                 for row in sales.select(sale_fields).iter_rows()),
                batch_size=5_000,
            )
            SaleLine.objects.bulk_create(
                (SaleLine(**dict(zip(line_fields, row)))
                 for row in lines.with_columns(amount=pl.col("amount") / 100,
                     unit_price=pl.col("unit_price") / 100, cost=pl.col("cost") / 100)
                 .select(line_fields).iter_rows()),
                batch_size=5_000,
            )
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(json.dumps({{"seconds": wall, "cpu_seconds": cpu, "rows": lines.height,
                           "invoices": sales.height}}))
    """).replace("from cartera.sales.models", "import polars as pl\nfrom cartera.sales.models")
    return _isolated(code, env)


def _isolated(code: str, env: dict[str, str]) -> dict[str, Any]:
    saved = dict(os.environ)
    try:
        os.environ.update(env)
        return run_isolated(code, timeout=3600)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _cli(env: dict[str, str], *args: str) -> None:
    command = [str(Path(sys.executable).parent / "cartera"), *args]
    subprocess.run(command, env={**os.environ, **env}, check=True, capture_output=True, cwd=ROOT)


def _migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "migrate",
            "-v0",
            "--settings=cartera.config.settings.base",
        ],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT / "src")},
        check=True,
        cwd=ROOT,
    )


def _load_base(env: dict[str, str], paths: dict[str, Path], *, clients: bool) -> None:
    _migrate(env)
    _cli(env, "import", "salespeople", str(paths["salespeople"]))
    _cli(env, "import", "products", str(paths["products"]))
    if clients:
        _cli(env, "import", "clients", str(paths["clients_csv"]))


def _sqlite_env(folder: Path) -> dict[str, str]:
    # An empty DATABASE_URL means SQLite: one set in the caller's shell must not leak in.
    return {"CARTERA_DATA_DIR": str(folder), "CARTERA_DEBUG": "0", "DATABASE_URL": ""}


def _sqlite(paths: dict[str, Path], tag: str) -> dict[str, Any]:
    base = DATA / f"import_sqlite_base_{tag}"
    if not (base / "cartera.sqlite3").exists():
        shutil.rmtree(base, ignore_errors=True)
        _load_base(_sqlite_env(base), paths, clients=True)
    empty = DATA / f"import_sqlite_empty_{tag}"
    if not (empty / "cartera.sqlite3").exists():
        shutil.rmtree(empty, ignore_errors=True)
        _load_base(_sqlite_env(empty), paths, clients=False)

    def fresh(template: Path) -> dict[str, str]:
        work = DATA / "import_sqlite_work"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        shutil.copy(template / "cartera.sqlite3", work / "cartera.sqlite3")
        return _sqlite_env(work)

    loaded = fresh(base)
    return {
        "sales": _measure_import("sales", paths["sales"], loaded),
        # The same file again into the database it was just imported into: nothing
        # created, nothing updated (issue 5 point 3 at full size).
        "sales_again": _measure_import("sales", paths["sales"], loaded),
        "bulk_create": _measure_bulk_create(paths["sales"], fresh(base)),
        "clients_xlsx": _measure_import("clients", paths["clients_xlsx"], fresh(empty)),
    }


def _pg(sql: str, database: str = "postgres") -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/{database}", autocommit=True) as conn:
        conn.execute(sql)


def _postgres(paths: dict[str, Path], tag: str) -> dict[str, Any] | None:
    try:
        _pg("SELECT 1")
    except Exception as exc:  # no server: say so in the result instead of failing
        return {"skipped": f"no PostgreSQL at {PG_SERVER}: {exc}"}
    base = f"cartera_bench_import_{tag}"
    _pg(f'DROP DATABASE IF EXISTS "{base}"')
    _pg(f'CREATE DATABASE "{base}"')
    _load_base({"DATABASE_URL": f"{PG_SERVER}/{base}", "CARTERA_DEBUG": "0"}, paths, clients=True)

    def fresh() -> dict[str, str]:
        _pg('DROP DATABASE IF EXISTS "cartera_bench_import_work"')
        _pg(f'CREATE DATABASE "cartera_bench_import_work" TEMPLATE "{base}"')
        return {"DATABASE_URL": f"{PG_SERVER}/cartera_bench_import_work", "CARTERA_DEBUG": "0"}

    try:
        return {
            "sales": _measure_import("sales", paths["sales"], fresh()),
            "bulk_create": _measure_bulk_create(paths["sales"], fresh()),
        }
    finally:
        _pg('DROP DATABASE IF EXISTS "cartera_bench_import_work"')
        _pg(f'DROP DATABASE IF EXISTS "{base}"')


def _rates(result: dict[str, Any]) -> dict[str, Any]:
    ours, peer = result["sales"], result["bulk_create"]
    return {
        **result,
        "rows_per_second": round(ours["rows"] / ours["seconds"]),
        "rows_per_cpu_second": round(ours["rows"] / ours["cpu_seconds"]),
        "bulk_create_rows_per_second": round(peer["rows"] / peer["seconds"]),
        "ratio_bulk_create_write_to_our_whole_import": round(peer["seconds"] / ours["seconds"], 2),
    }


def run(quick: bool) -> dict[str, Any]:
    """Measure the imports; write bench/results/import.json (import_quick.json when quick)."""
    n_lines, n_clients = (100_000, 10_000) if quick else (1_000_000, 100_000)
    n_products, n_salespeople = 5_000, 40
    paths = files(n_lines, n_clients, n_products, n_salespeople)
    tag = f"{n_lines}_{n_clients}"
    sqlite = _sqlite(paths, tag)
    postgres = _postgres(paths, tag)
    payload: dict[str, Any] = {
        "task": "import_file of a Spanish sales CSV (cp1252, ';', decimal comma, dd/mm/yyyy, "
        "invoices of 1-7 lines, 1 % credit notes) into a database holding its clients and "
        "products; and of a clients XLSX into an empty one. Whole import timed in a fresh "
        "process: read, convert, check, match, write, commit.",
        "quick": quick,
        "data": {
            "sales_lines": n_lines,
            "clients": n_clients,
            "products": n_products,
            "salespeople": n_salespeople,
            "sales_file_mb": round(paths["sales"].stat().st_size / 2**20, 1),
            "clients_xlsx_mb": round(paths["clients_xlsx"].stat().st_size / 2**20, 1),
        },
        "targets": {
            "sqlite_rows_per_second": 150_000,
            "postgres_rows_per_second": 200_000,
            "peak_rss_mb": 1024,
            "clients_xlsx_seconds": 15,
        },
        "peer": "Django bulk_create (batch_size 5,000) of the same invoices and lines in one "
        "transaction, instances built from the rows our import already parsed and checked: "
        "the peer's time is writing only.",
        "sqlite": _rates(sqlite),
        "postgres": postgres if "skipped" in (postgres or {}) else _rates(postgres or {}),
    }
    write_result("import_quick" if quick else "import", payload)
    return payload


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2, default=str))
