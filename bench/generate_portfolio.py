"""Generate a synthetic, realistically skewed sales portfolio as Parquet.

Clients differ in size the way real portfolios do: purchase frequency is lognormal
and ticket size is lognormal again, so a few percent of the clients carry most of the
revenue (Pareto, S3.7). Each client has a life: an acquisition date (some before the
period, most spread over it) and an exponential lifetime after which it stops buying
(attrition, S0.4). Tickets (invoices) hold one to several lines; revenue is seasonal
(a yearly wave plus a December peak); products belong to families and have launch
dates, a few within the last year (new products, S3.9.5); salespeople, segments,
cities (Zipf-like), channels and acquisition sources are client attributes, and a
small share of clients changes salesperson in the middle of the period.

Everything is drawn with numpy in whole-array operations, so 10 million lines take
well under a minute. The output follows :data:`cartera.analytics.frames.SALES`.

A *compact* portfolio holds the same lines the way a database export stores them:
the client as its integer number (``C0000042`` is client 42) and the text attributes
(product, family, salesperson, segment, city, channel, source) dictionary-encoded,
which Polars reads back as ``Categorical``. Invoice numbers stay text.

Usage::

    python -m bench.generate_portfolio --clients 1000000 --lines 10000000 --out bench/data/p.parquet
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Final

import numpy as np
import polars as pl

from bench._common import DATA

START: Final = dt.date(2023, 1, 1)
END: Final = dt.date(2025, 12, 31)
SEGMENTS: Final = ("Restaurantes", "Tiendas", "Parques", "Estadios", "Hoteles", "Mayoristas")
CHANNELS: Final = ("B2B", "B2C", "e-commerce", "partner")
SOURCES: Final = ("feria", "referido", "web", "prospección", "evento", "cartera comprada")
ATTRIBUTES: Final = ("product", "family", "salesperson", "segment", "city", "channel", "source")
"""Text columns with few distinct values: dictionary-encoded in a compact portfolio."""
CITIES: Final = (
    "Madrid", "Barcelona", "Lisboa", "Porto", "São Paulo", "Rio de Janeiro", "Ciudad de México",
    "Guadalajara", "Bogotá", "Medellín", "Lima", "Santiago", "Buenos Aires", "Córdoba",
    "Montevideo", "Quito", "Valencia", "Sevilla", "Belo Horizonte", "Curitiba",
)  # fmt: skip


def _codes(prefix: str, numbers: np.ndarray, width: int) -> pl.Expr:
    """Return zero-padded string codes (``C0000042``) for integer ``numbers``, built by Polars."""
    digits = pl.lit(pl.Series(numbers.astype(np.int64))).cast(pl.String).str.zfill(width)
    return pl.lit(prefix) + digits


def _pick(values: tuple[str, ...], index: np.ndarray) -> pl.Expr:
    """Return ``values[index]`` as a String expression (gathered, not built per row)."""
    return pl.lit(pl.Series(values, dtype=pl.String)).gather(
        pl.lit(pl.Series(index.astype(np.int64)))
    )


def _zipf_weights(n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def generate_sales(
    n_clients: int,
    n_lines: int,
    seed: int = 3,
    *,
    start: dt.date = START,
    end: dt.date = END,
    n_salespeople: int | None = None,
    n_products: int | None = None,
    n_families: int = 24,
    lines_per_ticket: float = 2.5,
    mean_lifetime_days: float = 1_500.0,
    compact: bool = False,
) -> pl.DataFrame:
    """Return ``n_lines`` sales lines of ``n_clients`` clients between ``start`` and ``end``.

    Parameters
    ----------
    n_clients
        Clients; every one buys at least once.
    n_lines
        Sales lines (must be at least ``n_clients``).
    seed
        Seed of the random generator; the same arguments give the same frame.
    start, end
        First and last possible sale date.
    n_salespeople
        Salespeople (default: one per 2,500 clients, at least 3).
    n_products
        Products (default: one per 200 clients, between 20 and 20,000).
    n_families
        Product families.
    lines_per_ticket
        Mean lines per invoice.
    mean_lifetime_days
        Mean of the exponential time between a client's first and last purchase.
    compact
        Give the client as its number (``UInt32``) and the text attributes as
        ``Categorical``, as a database export would.

    Returns
    -------
    polars.DataFrame
        Columns of :data:`~cartera.analytics.frames.SALES`: client, date, amount_cents,
        invoice, product, family, quantity, cost_cents, salesperson, segment, city,
        channel, source, launch_date; sorted by date, then invoice.
    """
    if n_lines < n_clients:
        raise ValueError("n_lines must be at least n_clients: every client buys once")
    rng = np.random.default_rng(seed)
    span = (end - start).days + 1
    n_salespeople = n_salespeople or max(3, n_clients // 2_500)
    n_products = n_products or int(min(max(20, n_clients // 200), 20_000))
    n_families = min(n_families, n_products)

    # Clients: acquisition, lifetime, appetite (frequency) and size (ticket) both skewed.
    # Half the clients were acquired before the period; lifetimes run from acquisition.
    acquired = rng.integers(-span, span, n_clients)
    ends = acquired + rng.exponential(mean_lifetime_days, n_clients).astype(np.int64)
    # A client gone before the period would never appear: it leaves early in it instead.
    ends = np.where(ends < 0, rng.integers(0, span // 4, n_clients), ends)
    first = np.maximum(acquired, 0)
    last = np.clip(ends, first, span - 1)
    appetite = rng.lognormal(0.0, 1.3, n_clients) * np.maximum(last - first + 1, 1)
    size = rng.lognormal(0.0, 0.8, n_clients)
    seller = rng.integers(0, n_salespeople, n_clients)
    seller_later = np.where(
        rng.random(n_clients) < 0.05, rng.integers(0, n_salespeople, n_clients), seller
    )
    segment = rng.integers(0, len(SEGMENTS), n_clients)
    city = rng.choice(len(CITIES), n_clients, p=_zipf_weights(len(CITIES), 1.0))
    channel = rng.choice(len(CHANNELS), n_clients, p=[0.55, 0.2, 0.15, 0.1])
    source = rng.integers(0, len(SOURCES), n_clients)

    # Tickets: one per client first (everyone buys), the rest by appetite.
    n_tickets = max(n_clients, round(n_lines / lines_per_ticket))
    extra = rng.choice(n_clients, n_tickets - n_clients, p=appetite / appetite.sum())
    ticket_client = np.concatenate([np.arange(n_clients), extra])
    life = last[ticket_client] - first[ticket_client] + 1
    # Seasonality by thinning: draw more days than needed and keep each with a
    # probability that follows the season, so busy months hold more tickets.
    offsets = (rng.random(n_tickets) * life).astype(np.int64)
    days = first[ticket_client] + offsets
    calendar = np.datetime64(start) + days.astype("timedelta64[D]")
    month = calendar.astype("datetime64[M]").astype(np.int64) % 12
    season = 1.0 + 0.25 * np.sin(2 * np.pi * (month - 2) / 12) + 0.3 * (month == 11)
    keep = rng.random(n_tickets) < season / season.max()
    keep[:n_clients] = True
    resample = ~keep
    days[resample] = first[ticket_client[resample]] + (
        rng.random(resample.sum()) * life[resample]
    ).astype(np.int64)
    # Sundays move to Monday: shops close.
    weekday = (days + (start.weekday())) % 7
    days = np.minimum(np.where(weekday == 6, days + 1, days), span - 1)
    month = (np.datetime64(start) + days.astype("timedelta64[D]")).astype("datetime64[M]").astype(
        np.int64
    ) % 12
    season = 1.0 + 0.25 * np.sin(2 * np.pi * (month - 2) / 12) + 0.3 * (month == 11)

    # Lines: 1 + Poisson per ticket, trimmed or topped up to exactly n_lines.
    per_ticket = 1 + rng.poisson(max(lines_per_ticket - 1, 0), n_tickets)
    total = int(per_ticket.sum())
    if total > n_lines:
        # Remove surplus extra lines at random (a ticket keeps at least one line).
        extras = np.repeat(np.arange(n_tickets), per_ticket - 1)
        drop = rng.choice(extras.size, total - n_lines, replace=False)
        per_ticket -= np.bincount(extras[drop], minlength=n_tickets)
    elif total < n_lines:
        per_ticket += np.bincount(rng.integers(0, n_tickets, n_lines - total), minlength=n_tickets)
    line_ticket = np.repeat(np.arange(n_tickets), per_ticket)
    line_client = ticket_client[line_ticket]
    line_day = days[line_ticket]

    # Products: Zipf popularity, lognormal prices, families with their own margin.
    product_family = rng.integers(0, n_families, n_products)
    price = rng.lognormal(np.log(2_500), 1.0, n_products)
    family_margin = rng.uniform(0.15, 0.45, n_families)
    # Most products predate the period; one in ten is launched during it.
    launch = np.where(
        rng.random(n_products) < 0.9,
        rng.integers(-6 * 365, 0, n_products),
        rng.integers(0, span, n_products),
    )
    line_product = rng.choice(n_products, n_lines, p=_zipf_weights(n_products, 0.9))
    # A product sells only after its launch: sales before it move to the launch day.
    line_day = np.maximum(line_day, np.minimum(launch[line_product], span - 1))
    quantity = 1 + rng.poisson(2.0, n_lines)
    amount = price[line_product] * quantity * size[line_client] * season[line_ticket]
    amount_cents = np.maximum(np.round(amount), 1).astype(np.int64)
    # Returns: 1 % of the lines are credit notes.
    amount_cents = np.where(rng.random(n_lines) < 0.01, -amount_cents, amount_cents)
    margin = np.clip(
        family_margin[product_family[line_product]] + rng.normal(0, 0.05, n_lines), -0.1, 0.8
    )
    cost_cents = np.round(amount_cents * (1 - margin)).astype(np.int64)
    changed = line_day > (first[line_client] + last[line_client]) // 2
    line_seller = np.where(changed, seller_later[line_client], seller[line_client])

    start64 = np.datetime64(start, "D")
    client = (
        pl.lit(pl.Series(line_client.astype(np.uint32))) if compact else _codes("C", line_client, 7)
    )
    frame = pl.select(
        client.alias("client"),
        pl.lit(pl.Series(start64 + line_day.astype("timedelta64[D]"))).alias("date"),
        pl.lit(pl.Series(amount_cents)).alias("amount_cents"),
        _codes("F", line_ticket, 8).alias("invoice"),
        _codes("P", line_product, 5).alias("product"),
        _codes("Familia ", product_family[line_product], 2).alias("family"),
        pl.lit(pl.Series(quantity.astype(np.float64))).alias("quantity"),
        pl.lit(pl.Series(cost_cents)).alias("cost_cents"),
        _codes("Vendedor ", line_seller, 4).alias("salesperson"),
        _pick(SEGMENTS, segment[line_client]).alias("segment"),
        _pick(CITIES, city[line_client]).alias("city"),
        _pick(CHANNELS, channel[line_client]).alias("channel"),
        _pick(SOURCES, source[line_client]).alias("source"),
        pl.lit(pl.Series(start64 + launch[line_product].astype("timedelta64[D]"))).alias(
            "launch_date"
        ),
    )
    frame = frame.with_columns(pl.col("date", "launch_date").cast(pl.Date)).sort("date", "invoice")
    return frame.with_columns(pl.col(ATTRIBUTES).cast(pl.Categorical)) if compact else frame


def portfolio_path(n_clients: int, n_lines: int, seed: int = 3, *, compact: bool = False) -> Path:
    """Return where the portfolio of these arguments is cached under ``bench/data``."""
    suffix = "_compact" if compact else ""
    return DATA / f"portfolio_{n_clients}_{n_lines}_{seed}{suffix}.parquet"


def ensure_portfolio(n_clients: int, n_lines: int, seed: int = 3, *, compact: bool = False) -> Path:
    """Return the Parquet file of this portfolio, generating it on first use."""
    path = portfolio_path(n_clients, n_lines, seed, compact=compact)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = generate_sales(n_clients, n_lines, seed, compact=compact)
        frame.write_parquet(path, statistics=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate_portfolio", description=__doc__)
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--compact", action="store_true", help="integer client numbers, Categorical attributes"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="default: bench/data/portfolio_*.parquet"
    )
    args = parser.parse_args(argv)
    frame = generate_sales(args.clients, args.lines, args.seed, compact=args.compact)
    out = args.out or portfolio_path(args.clients, args.lines, args.seed, compact=args.compact)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(out, statistics=True)
    print(f"{frame.height:,} lines of {frame['client'].n_unique():,} clients → {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
