"""A small hand-checked ledger shared by the receivables tests.

ACME (salesperson Ana, class A) is invoiced F1, F2, F3 at 30 days, gets credit note N1
and pays P1 (unallocated), P2 (names F2) and P3 (unallocated, after the ageing of
2026-04-30). BETA (Ana, B) overpays B1 with Q1 on 2026-01-15 and the credit settles B2
when it is issued. GAMA (Luis, C) pays 200 of G1 and nothing more.

Every expected figure in the tests is worked out by hand in the test's comments.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

D = dt.date

ON_MARCH_31 = D(2026, 3, 31)
ON_APRIL_30 = D(2026, 4, 30)
ON_JUNE_30 = D(2026, 6, 30)


def invoices() -> pl.DataFrame:
    rows = [
        # invoice, client, date, due_date, amount_cents, salesperson, segment, abc
        ("F1", "ACME", D(2026, 1, 10), D(2026, 2, 9), 100_000, "Ana", "shops", "A"),
        ("F2", "ACME", D(2026, 2, 15), D(2026, 3, 17), 50_000, "Ana", "shops", "A"),
        ("N1", "ACME", D(2026, 3, 1), D(2026, 3, 1), -10_000, "Ana", "shops", "A"),
        ("F3", "ACME", D(2026, 4, 1), D(2026, 5, 1), 80_000, "Ana", "shops", "A"),
        ("B1", "BETA", D(2025, 12, 1), D(2025, 12, 31), 200_000, "Ana", "bars", "B"),
        ("B2", "BETA", D(2026, 3, 20), D(2026, 4, 19), 30_000, "Ana", "bars", "B"),
        ("G1", "GAMA", D(2025, 10, 1), D(2025, 10, 31), 150_000, "Luis", "bars", "C"),
    ]
    names = ["invoice", "client", "date", "due_date", "amount_cents"]
    names += ["salesperson", "segment", "abc"]
    return pl.DataFrame(rows, schema=names, orient="row")


def payments() -> pl.DataFrame:
    rows = [
        ("P1", "ACME", D(2026, 2, 20), 60_000, None),
        ("P2", "ACME", D(2026, 4, 10), 50_000, "F2"),
        ("P3", "ACME", D(2026, 5, 20), 100_000, None),
        ("Q1", "BETA", D(2026, 1, 15), 250_000, None),
        ("R1", "GAMA", D(2026, 1, 5), 20_000, None),
    ]
    schema = {
        "payment": pl.String,
        "client": pl.String,
        "date": pl.Date,
        "amount_cents": pl.Int64,
        "invoice": pl.String,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")
