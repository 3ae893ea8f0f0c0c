"""A seven-client portfolio whose every figure is computed by hand in the tests.

as_of 2025-12-31: window 2025-01-01 … 2025-12-31, previous window 2024.

client  lines (date, invoice, amount, cost, family, product, salesperson)      story
A1      2024-05-05 F0 400.00 (Ana); 2025-03-10 F1 600.00; 2025-06-15 F2 300.00  big, retained
B2      2024-02-02 F4 200.00; 2025-02-01 F3 100.00 + 50.00 (one invoice)       retained
C3      2025-11-20 F5 80.00                                                    new
D4      2024-07-07 F6 120.00                                                   lost
E5      2023-03-03 F7 50.00; 2025-12-31 F8 40.00 and F9 30.00 (same day)       reactivated
F6      2023-01-10 F10 500.00                                                  inactive
G7      2025-04-04 F11 25.00; 2025-09-09 F12 25.00                             new, repeat
"""

import datetime as dt

import polars as pl

D = dt.date
AS_OF = D(2025, 12, 31)

# client, date, invoice, amount (cents), cost (cents), family, product, salesperson, channel
_LINES = [
    ("A1", D(2024, 5, 5), "F0", 40000, 24000, "Bebidas", "P1", "Ana", "B2B"),
    ("A1", D(2025, 3, 10), "F1", 60000, 36000, "Bebidas", "P1", "Luis", "B2B"),
    ("A1", D(2025, 6, 15), "F2", 30000, 24000, "Snacks", "P2", "Luis", "B2B"),
    ("B2", D(2024, 2, 2), "F4", 20000, 12000, "Bebidas", "P1", "Ana", "B2B"),
    ("B2", D(2025, 2, 1), "F3", 10000, 6000, "Bebidas", "P1", "Ana", "B2B"),
    ("B2", D(2025, 2, 1), "F3", 5000, 3000, "Bebidas", "P1", "Ana", "B2B"),
    ("C3", D(2025, 11, 20), "F5", 8000, 4800, "Snacks", "P2", "Luis", "e-commerce"),
    ("D4", D(2024, 7, 7), "F6", 12000, 7200, "Bebidas", "P1", "Ana", "B2B"),
    ("E5", D(2023, 3, 3), "F7", 5000, 3000, "Bebidas", "P1", "Ana", "B2C"),
    ("E5", D(2025, 12, 31), "F8", 4000, 2400, "Bebidas", "P1", "Ana", "B2C"),
    ("E5", D(2025, 12, 31), "F9", 3000, 1800, "Lácteos", "P3", "Ana", "B2C"),
    ("F6", D(2023, 1, 10), "F10", 50000, 30000, "Bebidas", "P1", "Luis", "B2B"),
    ("G7", D(2025, 4, 4), "F11", 2500, 1500, "Lácteos", "P3", "Ana", "e-commerce"),
    ("G7", D(2025, 9, 9), "F12", 2500, 1500, "Lácteos", "P3", "Ana", "e-commerce"),
]
_LAUNCH = {"P1": D(2020, 1, 1), "P2": D(2025, 5, 1), "P3": D(2024, 12, 15)}


def sales() -> pl.DataFrame:
    """Return the portfolio's sales lines in the SALES contract."""
    columns = [
        "client",
        "date",
        "invoice",
        "amount_cents",
        "cost_cents",
        "family",
        "product",
        "salesperson",
        "channel",
    ]
    frame = pl.DataFrame(_LINES, schema=columns, orient="row")
    return frame.with_columns(
        pl.col("product").replace_strict(_LAUNCH, return_dtype=pl.Date).alias("launch_date")
    )


def activities() -> pl.DataFrame:
    """Return contacts: B2 once, C3 three times, G7 five times in 2025 (and once in 2024)."""
    rows = [("B2", D(2025, 3, 1), "visit")]
    rows += [("C3", D(2025, 11, d), "call") for d in (21, 22, 23)]
    rows += [("G7", D(2025, m, 1), "visit") for m in (1, 3, 5, 7, 9)]
    rows += [("G7", D(2024, 6, 1), "visit")]
    return pl.DataFrame(rows, schema=["client", "date", "kind"], orient="row")
