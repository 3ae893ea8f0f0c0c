"""Generate a realistic, deterministic demo portfolio as Polars frames (no database here).

The portfolio is built to make every report interesting: skewed revenue (a long tail and
one client near a quarter of the revenue, S4.4), summer seasonality and growth, new
clients every month, lost clients with their reasons (S0.4), a salesperson who left and
whose clients were handed over, good and bad payers with overdue and partly paid
invoices and one bankrupt client (S1.11), follow-up activities spread almost evenly
whatever the client's value (the over-service S2.3 warns about), campaigns with costs
(S1.4), prospects at every stage and goals (S3.5).

Everything is vectorised with numpy and Polars; frames carry the database column names
so that the loader writes each table with one bulk insert.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import polars as pl

from cartera.demo import catalog as recipe
from cartera.demo.identity import (
    NamePools,
    phones,
    portuguese_nif,
    slug,
    spanish_cif,
    spanish_dni,
)
from cartera.demo.pipeline import pipeline_story

EPOCH: Final = dt.date(1970, 1, 1)
DEFAULT_PASSWORD: Final = "cartera-demo"
COMPANY_DOMAIN: Final = "refrescosdelsur.es"


@dataclass(frozen=True, slots=True)
class DemoSpec:
    clients: int = 2000
    years: int = 3
    seed: int = 7
    today: dt.date = field(default_factory=dt.date.today)


@dataclass(frozen=True, slots=True)
class Login:
    username: str
    role: str
    name: str
    salesperson_id: int | None


@dataclass(frozen=True, slots=True)
class DemoData:
    """One frame per table, in insertion order, plus the logins to create."""

    tables: dict[str, pl.DataFrame]
    logins: list[Login]
    company_name: str = recipe.COMPANY_NAME
    today: dt.date | None = None


def _days(day: dt.date) -> int:
    return (day - EPOCH).days


def _dates(days: np.ndarray, *, missing: int | None = None) -> pl.Series:
    """Return day numbers as a Date series; ``missing`` marks the days that are null."""
    series = pl.Series(np.asarray(days, dtype=np.int64)).cast(pl.Int32)
    if missing is not None:
        series = pl.select(
            pl.when(series == missing).then(None).otherwise(series).alias("d")
        ).to_series()
    return series.cast(pl.Date)


def _ids(values: np.ndarray, *, missing: int = 0) -> pl.Series:
    """Return foreign keys with ``missing`` as null."""
    series = pl.Series(np.asarray(values, dtype=np.int64))
    return pl.select(pl.when(series == missing).then(None).otherwise(series).alias("i")).to_series()


def _choice(rng: np.random.Generator, options: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    labels = np.array([o[0] for o in options])
    weights = np.array([o[1] for o in options], dtype=float)
    return labels[rng.choice(len(labels), size=n, p=weights / weights.sum())]


def _text(labels: list[str] | tuple[str, ...], codes: np.ndarray) -> pl.Series:
    """Return ``labels[codes]`` as a String series; numpy unicode arrays convert slowly."""
    return pl.Series(list(labels), dtype=pl.String).gather(np.asarray(codes, dtype=np.int64))


def _coded(rng: np.random.Generator, options: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    weights = np.array([o[1] for o in options], dtype=float)
    return rng.choice(len(options), size=n, p=weights / weights.sum())


def _month_index(days: np.ndarray) -> np.ndarray:
    """Return the month (0 = January) of each day number."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    return dt.date(day.year + total // 12, total % 12 + 1, 1)


def _timestamps(frame: pl.DataFrame, now: dt.datetime) -> pl.DataFrame:
    return frame.with_columns(
        created_at=pl.lit(now, dtype=pl.Datetime("us", "UTC")),
        updated_at=pl.lit(now, dtype=pl.Datetime("us", "UTC")),
    )


@dataclass
class _Clients:
    """Per-client attributes of the story, as numpy arrays (one entry per client)."""

    n: int
    city: np.ndarray
    country: np.ndarray
    segment: np.ndarray
    size: np.ndarray
    individual: np.ndarray
    owner: np.ndarray
    join: np.ndarray
    end: np.ndarray
    last_day: np.ndarray
    status: np.ndarray
    lost: np.ndarray
    lost_on: np.ndarray
    reason: np.ndarray
    was_leavers: np.ndarray
    annual: np.ndarray
    rate: np.ndarray
    terms: np.ndarray
    behaviour: np.ndarray
    giant: int
    bankrupt: int
    source: np.ndarray
    campaign: np.ndarray


def generate(spec: DemoSpec) -> DemoData:
    """Return a demo portfolio of ``spec.clients`` clients over ``spec.years`` years."""
    rng = np.random.default_rng(spec.seed)
    pools = NamePools(spec.seed)
    today = _days(spec.today)
    start_date = dt.date(spec.today.year - spec.years, spec.today.month, 1)
    start = _days(start_date)
    now = dt.datetime.combine(spec.today, dt.time(9, 0), tzinfo=dt.UTC)

    n_active = int(np.clip(round(spec.clients / 250), 5, 9))
    leaver_left = today - 420
    salespeople, leaver_id = _salespeople(rng, pools, n_active, start, leaver_left)
    campaigns, camp_start, camp_end = _campaigns(rng, start_date, today)
    products, family_products = _products(rng, start, today)
    clients = _clients(
        rng, spec.clients, n_active, start, today, leaver_left, campaigns, camp_start, camp_end
    )
    accounts = _accounts(rng, pools, clients, first_id=1, prefix="CL", today=today)
    prospects, p_country, p_owner, p_created = _prospects(
        rng, pools, spec.clients, n_active, today, campaigns, camp_start, camp_end
    )
    story = pipeline_story(
        seed=spec.seed,
        join=clients.join,
        start=start,
        prospect_status=prospects["status"].to_numpy(),
        prospect_created=p_created,
        prospect_attributes=prospects["attributes"],
        today=today,
    )
    prospects = prospects.with_columns(story.prospect_attributes)
    all_accounts = pl.concat([accounts, prospects]).with_columns(story.columns)
    ownership = _ownership(clients, leaver_id, leaver_left, p_owner, p_created)
    sales, lines, order_client, order_total, credit_by_order, due = _sales(
        rng, clients, products, family_products, start, today, leaver_id, leaver_left, now
    )
    payments = _payments(rng, clients, order_client, order_total, credit_by_order, due, today, now)
    contacts, first_contact = _contacts(
        rng, pools, all_accounts, np.concatenate([clients.country, p_country]), now
    )
    activities = _activities(
        rng,
        clients,
        p_owner,
        p_created,
        first_contact,
        n_active,
        leaver_id,
        leaver_left,
        today,
        now,
    )
    goals = _goals(
        sales.filter(pl.col("kind") == "invoice"), all_accounts, spec.today, n_active, now
    )

    tables = {
        "salespeople": _timestamps(salespeople, now),
        "campaigns": _timestamps(campaigns, now),
        "products": _timestamps(products, now),
        "accounts": all_accounts,
        "contacts": contacts,
        "ownership": ownership,
        "stage_changes": story.events,
        "sales": sales,
        "lines": lines,
        "payments": payments,
        "activities": activities,
        "goals": goals,
    }
    return DemoData(tables=tables, logins=_logins(salespeople, pools), today=spec.today)


def _salespeople(
    rng: np.random.Generator, pools: NamePools, n_active: int, start: int, leaver_left: int
) -> tuple[pl.DataFrame, int]:
    rows = []
    for slot, (territory, cities) in enumerate(recipe.TERRITORIES[:n_active]):
        country = recipe.CITIES[cities[0]][3]
        first = pools.first[country][slot * 7 % len(pools.first[country])]
        last = pools.last[country][slot * 13 % len(pools.last[country])]
        # Slot 1 is the successor, hired when the leaver handed over their book.
        hired = start - int(rng.integers(200, 3000)) if slot != 1 else leaver_left - 20
        rows.append((f"{first} {last}", territory, hired, None, True, country))
    leaver_name = f"{pools.first['ES'][333]} {pools.last['ES'][355]}"
    rows.append((leaver_name, recipe.TERRITORIES[1][0], start - 2400, leaver_left, False, "ES"))
    names = [r[0] for r in rows]
    frame = pl.DataFrame(
        {
            "id": np.arange(1, len(rows) + 1),
            "name": names,
            "email": [
                f"{slug(x.split()[0])}.{slug(x.split()[-1])}@{COMPANY_DOMAIN}" for x in names
            ],
            "phone": phones(rng, np.array([r[5] for r in rows])),
            "territory": [r[1] for r in rows],
            "hired_on": _dates(np.array([r[2] for r in rows])),
            "left_on": _dates(np.array([r[3] or -1 for r in rows]), missing=-1),
            "is_active": [r[4] for r in rows],
        }
    )
    return frame, len(rows)


def _campaigns(
    rng: np.random.Generator, start_date: dt.date, today: int
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    begin = np.array([_days(_add_months(start_date, c[2])) for c in recipe.CAMPAIGNS])
    finish = np.minimum(begin + rng.integers(30, 90, size=len(recipe.CAMPAIGNS)), today)
    keep = begin <= today
    chosen = [c for c, k in zip(recipe.CAMPAIGNS, keep, strict=True) if k]
    frame = pl.DataFrame(
        {
            "id": np.arange(1, len(chosen) + 1),
            "name": [c[0] for c in chosen],
            "source": [c[1] for c in chosen],
            "started_on": _dates(begin[keep]),
            "ended_on": _dates(finish[keep]),
            "cost": [c[3] * 100 for c in chosen],
        }
    )
    return frame, begin[keep], finish[keep]


def _products(
    rng: np.random.Generator, start: int, today: int
) -> tuple[pl.DataFrame, list[np.ndarray]]:
    rows = []
    family_products: list[np.ndarray] = []
    for f_index, (family, low, high, _share) in enumerate(recipe.FAMILIES):
        count = 12 + f_index % 5
        first_id = len(rows) + 1
        for j in range(count):
            price = round(float(rng.uniform(low, high)) * (6 if j % 6 == 3 else 1), 2)
            cost = round(price * float(rng.uniform(0.45, 0.72)), 2)
            word = recipe.PRODUCT_WORDS[(j * 7 + f_index) % len(recipe.PRODUCT_WORDS)]
            pack = recipe.PACKS[(j + f_index) % len(recipe.PACKS)]
            # The last two of each family are new: launched in the last twelve months.
            new = j >= count - 2
            launched = (
                today - int(rng.integers(20, 330)) if new else start - int(rng.integers(100, 3000))
            )
            rows.append(
                (f"{slug(family)[:3].upper()}-{j + 1:03d}", f"{family.split()[0]} {word} {pack}",
                 family, round(price * 100), round(cost * 100), launched)
            )  # fmt: skip
        family_products.append(np.arange(first_id, len(rows) + 1))
    frame = pl.DataFrame(
        {
            "id": np.arange(1, len(rows) + 1),
            "sku": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "family": [r[2] for r in rows],
            "list_price": [r[3] for r in rows],
            "unit_cost": [r[4] for r in rows],
            "launched_on": _dates(np.array([r[5] for r in rows])),
            "is_active": [True] * len(rows),
        }
    )
    return frame, family_products


def _owners(rng: np.random.Generator, city: np.ndarray, n_active: int) -> np.ndarray:
    """Return, per account, an active salesperson (1-based) whose territory has its city."""
    covers = np.zeros((len(recipe.CITIES), n_active), dtype=bool)
    for slot, (_name, cities) in enumerate(recipe.TERRITORIES[:n_active]):
        covers[list(cities), slot] = True
    pick = rng.random((len(city), n_active)) * covers[city]
    covered = covers[city].any(axis=1)
    return np.where(covered, pick.argmax(axis=1), rng.integers(0, n_active, len(city))) + 1


def _clients(
    rng: np.random.Generator,
    n: int,
    n_active: int,
    start: int,
    today: int,
    leaver_left: int,
    campaigns: pl.DataFrame,
    camp_start: np.ndarray,
    camp_end: np.ndarray,
) -> _Clients:
    city_w = np.array(recipe.CITY_WEIGHTS, dtype=float)
    city = rng.choice(len(recipe.CITIES), size=n, p=city_w / city_w.sum())
    country = np.array([c[3] for c in recipe.CITIES])[city]
    seg_share = np.array([s[3] for s in recipe.SEGMENTS])
    segment = rng.choice(len(recipe.SEGMENTS), size=n, p=seg_share / seg_share.sum())
    size = rng.lognormal(0.0, 1.15, size=n) * np.array([s[2] for s in recipe.SEGMENTS])[segment]
    individual = np.isin(segment, [1, 2]) & (rng.random(n) < 0.3)
    owner = _owners(rng, city, n_active)

    pre_existing = rng.random(n) < 0.42
    join = np.where(pre_existing, start, rng.integers(start, today - 10, size=n))
    big, small = size > np.quantile(size, 0.8), size < np.median(size)
    hazard = np.where(big, 0.05, np.where(small, 0.15, 0.10))  # yearly churn
    end = join + rng.exponential(365.0 / hazard).astype(np.int64)

    # The giant: one client near a quarter of the revenue (S4.4); it never leaves.
    giant = int(np.argmax(size))
    join[giant], end[giant], pre_existing[giant], segment[giant] = start, today + 9999, True, 7

    # The leaver's clients: held by them until they left, then handed over (most to the
    # successor, some to the next territory); a quarter drift away (S0.4).
    was_leavers = (owner == 2) & (join < leaver_left)
    follow = was_leavers & (rng.random(n) < 0.25) & (end > leaver_left)
    end = np.where(follow, leaver_left + rng.integers(20, 200, size=n), end)
    owner = np.where(was_leavers & (rng.random(n) < 0.3), 1, owner)

    # The bankrupt client: a mid-sized client that stopped paying, then closed.
    order = np.argsort(size)
    bankrupt = (
        int(order[int(n * 0.93)]) if order[int(n * 0.93)] != giant else int(order[int(n * 0.92)])
    )
    join[bankrupt], end[bankrupt] = start, today - 45

    churned = end < today - 60
    lost = churned & (rng.random(n) < 0.75)
    reason = np.where(follow, "salesperson_left", _choice(rng, recipe.LOST_REASONS, n))
    reason[bankrupt] = "bankrupt"
    lost[bankrupt] = True
    lost_on = np.where(lost, np.minimum(end + 60, today), -1)
    lost_on[bankrupt] = today - 15
    status = np.where(lost, "lost", np.where(churned, "inactive", "client"))
    last_day = np.minimum(end, today)

    # ~4,000 € a year for the average client, a few hundred times more for the biggest,
    # the giant at about 24 % of all revenue; big clients order more often.
    annual = 4000.0 * size / size.mean()
    active_years = np.clip((last_day - np.maximum(join, today - 365)) / 365.0, 0.0, 1.0)
    others = (annual * active_years).sum() - annual[giant]
    annual[giant] = 0.24 / 0.76 * others
    rate = np.clip(0.15 + 0.6 * (annual / np.median(annual)) ** 0.45, 0.12, 5.0)
    rate[giant] = 9.0

    source = _choice(rng, recipe.SOURCES, n)
    campaign = np.zeros(n, dtype=np.int64)
    camp_source = np.array(campaigns["source"].to_list())
    for index in range(len(camp_start)):
        window = (join >= camp_start[index]) & (join <= camp_end[index] + 30) & ~pre_existing
        won = window & (rng.random(n) < 0.55)
        campaign = np.where(won, index + 1, campaign)
        source = np.where(won, camp_source[index], source)

    terms = rng.choice([0, 30, 60, 90], size=n, p=[0.05, 0.6, 0.25, 0.10])
    terms = np.where(individual, 0, terms)
    behaviour = rng.choice(3, size=n, p=[0.62, 0.25, 0.13])  # good, average, bad payer
    behaviour[giant], behaviour[bankrupt] = 1, 2
    return _Clients(
        n=n, city=city, country=country, segment=segment, size=size, individual=individual,
        owner=owner, join=join, end=end, last_day=last_day, status=status, lost=lost,
        lost_on=lost_on, reason=reason, was_leavers=was_leavers, annual=annual, rate=rate,
        terms=terms, behaviour=behaviour, giant=giant, bankrupt=bankrupt, source=source,
        campaign=campaign,
    )  # fmt: skip


def _accounts_frame(
    rng: np.random.Generator,
    pools: NamePools,
    *,
    ids: np.ndarray,
    prefix: str,
    segment: np.ndarray,
    city: np.ndarray,
    country: np.ndarray,
    individual: np.ndarray,
    size: np.ndarray,
    created: np.ndarray,
    columns: dict[str, pl.Series | np.ndarray],
) -> pl.DataFrame:
    """Return account rows: identity built here, the story's columns passed in ``columns``."""
    n = len(ids)
    last_a, last_b = rng.integers(0, len(pools.last["ES"]), (2, n))
    first = rng.integers(0, len(pools.first["ES"]), n)
    seg_prefix = np.array([s[4][0] for s in recipe.SEGMENTS], dtype=object)
    seg_prefix2 = np.array([s[4][1] for s in recipe.SEGMENTS], dtype=object)
    sa = rng.random(n) < 0.2  # S.A. rather than S.L. / Lda.
    portuguese = country == "PT"
    suffix = np.where(portuguese, np.where(sa, "S.A.", "Lda."), np.where(sa, "S.A.", "S.L."))
    surname_a = pools.pick(pools.last, country, last_a)
    surname_b = pools.pick(pools.last, country, last_b)
    given = pools.pick(pools.first, country, first)
    domain = pl.Series(
        pools.pick(pools.last_slug, country, last_a) + pools.pick(pools.last_slug, country, last_b)
    ).str.slice(0, 18)
    tld = np.where(portuguese, "pt", "es")
    number = ids * 7919 + 1_000_000
    tax = pl.select(
        pl.when(pl.lit(pl.Series(portuguese)))
        .then(portuguese_nif(np.where(individual, 2, 5), number))
        .when(pl.lit(pl.Series(individual)))
        .then(spanish_dni(number))
        .otherwise(spanish_cif(np.where(sa, "A", "B"), number))
    ).to_series()
    frame = pl.DataFrame(
        {
            "given": given,
            "a": surname_a,
            "b": surname_b,
            "suffix": suffix,
            "individual": individual,
            "trade_prefix": np.where(
                rng.random(n) < 0.5, seg_prefix[segment], seg_prefix2[segment]
            ),
            "domain": domain,
            "tld": tld,
            "pc": rng.integers(0, 1000, n),
            "pc_prefix": np.array([c[2] for c in recipe.CITIES])[city],
            "locales": 1 + np.minimum(size, 40).astype(np.int64) // 4,
            "terraza": rng.random(n) < 0.45,
        },
        schema_overrides={"given": pl.String, "a": pl.String, "b": pl.String},
    )
    pc = pl.col("pc").cast(pl.String).str.zfill(3)
    identity = frame.select(
        pl.when("individual")
        .then(pl.concat_str("given", "a", "b", separator=" "))
        .otherwise(pl.concat_str("a", "b", "suffix", separator=" "))
        .alias("legal_name"),
        pl.concat_str(
            "trade_prefix", pl.when("individual").then(pl.col("given")).otherwise(pl.col("a")),
            separator=" ",
        ).alias("trade_name"),
        pl.concat_str(pl.lit("info@"), "domain", pl.lit("."), "tld").alias("email"),
        pl.concat_str(pl.lit("https://www."), "domain", pl.lit("."), "tld").alias("website"),
        pl.when(pl.col("tld") == "pt")
        .then(pl.concat_str("pc_prefix", pc, pl.lit("-"), pc))
        .otherwise(pl.concat_str("pc_prefix", pc))
        .alias("postal_code"),
        pl.concat_str(
            pl.lit('{"locales": '), pl.col("locales").cast(pl.String),
            pl.lit(', "terraza": '), pl.col("terraza").cast(pl.String).str.to_lowercase(),
            pl.lit("}"),
        ).alias("attributes"),
    )  # fmt: skip
    created_at = _dates(created).cast(pl.Datetime("us", "UTC")) + pl.duration(hours=9)
    city_rows = [recipe.CITIES[c] for c in range(len(recipe.CITIES))]
    return pl.DataFrame(
        {
            "id": ids,
            "code": pl.select(
                pl.concat_str(pl.lit(prefix), pl.lit(pl.Series(ids)).cast(pl.String).str.zfill(6))
            ).to_series(),
            "legal_name": identity["legal_name"],
            "trade_name": identity["trade_name"],
            "tax_id": tax,
            "kind": np.where(individual, "individual", "company"),
            "segment": np.array([s[0] for s in recipe.SEGMENTS])[segment],
            "industry": np.array([s[1] for s in recipe.SEGMENTS])[segment],
            "city": np.array([c[0] for c in city_rows])[city],
            "region": np.array([c[1] for c in city_rows])[city],
            "postal_code": identity["postal_code"],
            "country": country,
            "phone": phones(rng, country),
            "email": identity["email"],
            "website": identity["website"],
            "attributes": identity["attributes"],
            "is_archived": np.zeros(n, dtype=bool),
            **columns,
            "created_at": pl.select(created_at).to_series(),
            "updated_at": pl.select(created_at).to_series(),
        }
    )


def _accounts(
    rng: np.random.Generator,
    pools: NamePools,
    c: _Clients,
    *,
    first_id: int,
    prefix: str,
    today: int,
) -> pl.DataFrame:
    credit = np.where(
        (c.terms > 0) & (rng.random(c.n) < 0.7),
        np.maximum(np.round(c.annual * rng.uniform(0.12, 0.3, c.n) / 100) * 100, 500) * 100,
        -1,
    ).astype(np.int64)
    credit[c.giant] = int(round(c.annual[c.giant] * 0.2 / 1000) * 1000 * 100)
    special = (c.size >= np.quantile(c.size, 0.97)) | (rng.random(c.n) < 0.01)
    employees = np.maximum(1, np.round(2.5 * c.size**0.8 * rng.lognormal(0, 0.4, c.n))).astype(
        np.int64
    )
    ids = np.arange(first_id, first_id + c.n)
    return _accounts_frame(
        rng, pools, ids=ids, prefix=prefix, segment=c.segment, city=c.city, country=c.country,
        individual=c.individual, size=c.size, created=c.join,
        columns={
            "status": c.status,
            "lost_on": _dates(c.lost_on, missing=-1),
            "lost_reason": np.where(c.lost, c.reason, ""),
            "employees": employees,
            "revenue_band": _band(employees),
            "source": c.source,
            "campaign_id": _ids(c.campaign),
            "owner_id": _ids(c.owner),
            "is_special": special,
            "special_benefits": np.where(special, "Descuento adicional y entrega prioritaria", ""),
            "credit_limit": _ids(credit, missing=-1),
            "payment_terms_days": c.terms,
        },
    )  # fmt: skip


def _band(employees: np.ndarray) -> np.ndarray:
    return np.select(
        [employees < 10, employees < 50, employees < 250], ["micro", "small", "medium"], "large"
    )


def _prospects(
    rng: np.random.Generator,
    pools: NamePools,
    n_clients: int,
    n_active: int,
    today: int,
    campaigns: pl.DataFrame,
    camp_start: np.ndarray,
    camp_end: np.ndarray,
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Return potential clients (S0.1, S0.2) at every stage, most with an owner."""
    n = max(10, round(n_clients * 0.25))
    city_w = np.array(recipe.CITY_WEIGHTS, dtype=float)
    city = rng.choice(len(recipe.CITIES), size=n, p=city_w / city_w.sum())
    country = np.array([c[3] for c in recipe.CITIES])[city]
    seg_share = np.array([s[3] for s in recipe.SEGMENTS])
    segment = rng.choice(len(recipe.SEGMENTS), size=n, p=seg_share / seg_share.sum())
    owner = np.where(rng.random(n) < 0.9, _owners(rng, city, n_active), 0)
    created = rng.integers(today - 540, today - 1, size=n)
    size = rng.lognormal(0, 1.1, n) * np.array([s[2] for s in recipe.SEGMENTS])[segment]
    source = _choice(rng, recipe.SOURCES, n)
    campaign = np.zeros(n, dtype=np.int64)
    camp_source = np.array(campaigns["source"].to_list())
    for index in range(len(camp_start)):
        window = (created >= camp_start[index]) & (created <= camp_end[index] + 30)
        won = window & (rng.random(n) < 0.6)
        campaign = np.where(won, index + 1, campaign)
        source = np.where(won, camp_source[index], source)
    employees = np.maximum(1, np.round(2.5 * size**0.8)).astype(np.int64)
    frame = _accounts_frame(
        rng, pools, ids=np.arange(n_clients + 1, n_clients + n + 1), prefix="PR",
        segment=segment, city=city, country=country,
        individual=np.isin(segment, [1, 2]) & (rng.random(n) < 0.3), size=size, created=created,
        columns={
            "status": np.where(rng.random(n) < 0.6, "prospect", "qualified"),
            "lost_on": _dates(np.full(n, -1), missing=-1),
            "lost_reason": np.full(n, ""),
            "employees": employees,
            "revenue_band": _band(employees),
            "source": source,
            "campaign_id": _ids(campaign),
            "owner_id": _ids(owner),
            "is_special": np.zeros(n, dtype=bool),
            "special_benefits": np.full(n, ""),
            "credit_limit": pl.Series([None] * n, dtype=pl.Int64),
            "payment_terms_days": np.full(n, 30),
        },
    )  # fmt: skip
    return frame, country, owner, created


def _ownership(
    c: _Clients, leaver_id: int, leaver_left: int, p_owner: np.ndarray, p_created: np.ndarray
) -> pl.DataFrame:
    """Return who held each account, including the leaver's book handed over (S0.4)."""
    ids = np.arange(1, c.n + 1)
    handed = c.was_leavers
    n_p = len(p_owner)
    prospect_ids = np.arange(c.n + 1, c.n + n_p + 1)[p_owner > 0]
    parts = [
        # account, salesperson, from, to, reason
        (ids[handed], np.full(handed.sum(), leaver_id), c.join[handed],
         np.full(handed.sum(), leaver_left - 1), "Primer comercial"),
        (ids[~handed], c.owner[~handed], c.join[~handed], np.full((~handed).sum(), -1),
         "Primer comercial"),
        (ids[handed], c.owner[handed], np.full(handed.sum(), leaver_left),
         np.full(handed.sum(), -1), "Salida del comercial: cartera traspasada"),
        (prospect_ids, p_owner[p_owner > 0], p_created[p_owner > 0],
         np.full(len(prospect_ids), -1), "Asignación del prospecto"),
    ]  # fmt: skip
    account = np.concatenate([p[0] for p in parts])
    return pl.DataFrame(
        {
            "id": np.arange(1, len(account) + 1),
            "account_id": account,
            "salesperson_id": np.concatenate([p[1] for p in parts]),
            "started_on": _dates(np.concatenate([p[2] for p in parts])),
            "ended_on": _dates(np.concatenate([p[3] for p in parts]), missing=-1),
            "reason": np.concatenate([np.full(len(p[0]), p[4]) for p in parts]),
        }
    )


def _sales(
    rng: np.random.Generator,
    c: _Clients,
    products: pl.DataFrame,
    family_products: list[np.ndarray],
    start: int,
    today: int,
    leaver_id: int,
    leaver_left: int,
    now: dt.datetime,
) -> tuple[pl.DataFrame, pl.DataFrame, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    season = np.array(recipe.SEASONALITY)
    months = np.maximum(c.last_day - c.join, 0) / 30.44
    # Orders: a Poisson process per client thinned by season and a 6 % yearly growth.
    candidates = rng.poisson(c.rate * months * 1.45)
    client = np.repeat(np.arange(c.n), candidates)
    span = np.maximum(c.last_day - c.join, 1)[client]
    day = c.join[client] + (rng.random(len(client)) * span).astype(np.int64)
    growth = 1.06 ** ((day - start) / 365.0)
    keep = rng.random(len(day)) < season[_month_index(day)] * growth / (1.45 * 1.25)
    client = np.concatenate([np.arange(c.n), client[keep]])  # first purchase on joining
    day = np.concatenate([c.join, day[keep]])
    day = np.where(client == c.bankrupt, np.minimum(day, c.end[c.bankrupt] - 30), day)
    order = np.lexsort((client, day))
    client, day = client[order], day[order]
    n_orders = len(client)
    ticket = c.annual / (12.0 * c.rate)
    value = (
        ticket[client] * rng.lognormal(-0.06, 0.35, n_orders) * np.sqrt(season[_month_index(day)])
    )

    # Lines: 1-7 per order, products from the client's favourite family and the rest.
    big = c.size > np.quantile(c.size, 0.9)
    per_order = np.minimum(1 + rng.poisson(1.0 + 1.2 * big[client]), 7)
    line_order = np.repeat(np.arange(n_orders), per_order)
    n_lines = len(line_order)
    weights = rng.gamma(2.0, 1.0, n_lines)
    weights /= np.bincount(line_order, weights, minlength=n_orders)[line_order]
    target = value[line_order] * weights
    family_share = np.array([f[3] for f in recipe.FAMILIES])
    favourite = rng.choice(len(recipe.FAMILIES), size=c.n, p=family_share / family_share.sum())
    family = np.where(
        rng.random(n_lines) < 0.5,
        favourite[client[line_order]],
        rng.choice(len(recipe.FAMILIES), size=n_lines, p=family_share / family_share.sum()),
    )
    sizes = np.array([len(p) for p in family_products])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    all_products = np.concatenate(family_products)
    rank = np.minimum(rng.zipf(1.7, n_lines) - 1, sizes[family] - 1)
    product = all_products[offsets[family] + rank]
    launched = _days_array(products["launched_on"])
    product = np.where(
        launched[product - 1] > day[line_order], all_products[offsets[family]], product
    )
    price = products["list_price"].to_numpy()[product - 1]
    unit_cost = products["unit_cost"].to_numpy()
    qty = np.maximum(1, np.round(target * 100 / price)).astype(np.int64)
    tier = np.select(
        [c.size > np.quantile(c.size, 0.95), c.size > np.quantile(c.size, 0.75)], [10, 5], 0
    )
    discount = tier[client[line_order]]
    amount = (qty * price * (100 - discount) + 50) // 100
    cost = qty * unit_cost[product - 1]

    # Credit notes: about 1 % of orders are partly returned a few weeks later.
    returned = np.flatnonzero((rng.random(n_orders) < 0.012) & (day < today - 40))
    first_line = np.searchsorted(line_order, returned)
    r_qty = np.maximum(1, np.ceil(qty[first_line] * rng.uniform(0.2, 1.0, len(returned)))).astype(
        np.int64
    )
    r_product, r_price, r_disc = product[first_line], price[first_line], discount[first_line]
    r_amount = -((r_qty * r_price * (100 - r_disc) + 50) // 100)
    r_cost = -(r_qty * unit_cost[r_product - 1])
    r_day = np.minimum(day[returned] + rng.integers(5, 30, len(returned)), today)

    order_total = np.bincount(line_order, amount, minlength=n_orders).astype(np.int64)
    order_cost = np.bincount(line_order, cost, minlength=n_orders).astype(np.int64)
    credit_by_order = np.zeros(n_orders, dtype=np.int64)
    np.add.at(credit_by_order, returned, r_amount)

    s_client = np.concatenate([client, client[returned]])
    s_day = np.concatenate([day, r_day])
    due = s_day + c.terms[s_client]
    seller = np.where(c.was_leavers[s_client] & (s_day < leaver_left), leaver_id, c.owner[s_client])
    channels = ["b2b", "b2c", "partner", "ecommerce"]
    channel = np.where(c.individual, 1, np.where(c.source == "partner", 2, 0))[s_client]
    channel = np.where((rng.random(len(s_client)) < 0.12) & (channel == 0), 3, channel)
    # Orders of the last few days not yet invoiced count in the credit exposure (S1.8).
    unbilled = (day >= today - 5) & (rng.random(n_orders) < 0.5)
    unbilled[returned] = False
    kind = np.concatenate([np.where(unbilled, 2, 1), np.zeros(len(returned), dtype=np.int64)])
    seq = np.concatenate([np.arange(1, n_orders + 1), np.arange(1, len(returned) + 1)])
    year = s_day.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    numbers = pl.select(
        pl.concat_str(
            _text(["A", "F", "PED"], kind),
            pl.lit(pl.Series(year)).cast(pl.String),
            pl.lit("-"),
            pl.lit(pl.Series(seq)).cast(pl.String).str.zfill(7),
        )
    ).to_series()
    n_sales = len(s_client)
    sales = _timestamps(
        pl.DataFrame(
            {
                "id": np.arange(1, n_sales + 1),
                "number": numbers,
                "kind": _text(["credit_note", "invoice", "order"], kind),
                "account_id": s_client + 1,
                "salesperson_id": seller,
                "date": _dates(s_day),
                "due_date": _dates(due),
                "channel": _text(channels, channel),
                "total": np.concatenate([order_total, r_amount]),
                "cost_total": np.concatenate([order_cost, r_cost]),
                "credit_override_reason": pl.repeat("", n_sales, eager=True),
            }
        ),
        now,
    )
    line_no = np.arange(n_lines) - np.searchsorted(line_order, line_order) + 1
    lines = pl.DataFrame(
        {
            "sale_id": np.concatenate([line_order + 1, n_orders + np.arange(1, len(returned) + 1)]),
            "line_no": np.concatenate([line_no, np.ones(len(returned), dtype=np.int64)]),
            "product_id": np.concatenate([product, r_product]),
            "quantity": pl.Series(np.concatenate([qty, r_qty])).cast(pl.Decimal(14, 3)),
            "unit_price": np.concatenate([price, r_price]),
            "discount_pct": pl.Series(np.concatenate([discount, r_disc])).cast(pl.Decimal(5, 2)),
            "amount": np.concatenate([amount, r_amount]),
            "cost": np.concatenate([cost, r_cost]),
        }
    )
    # An unbilled order is owed nothing yet: zero it for the payments that follow.
    owed_total = np.where(unbilled, 0, order_total)
    return sales, lines, client, owed_total, credit_by_order, due[:n_orders]


def _days_array(dates: pl.Series) -> np.ndarray:
    return dates.cast(pl.Int32).to_numpy().astype(np.int64)


def _payments(
    rng: np.random.Generator,
    c: _Clients,
    client: np.ndarray,
    total: np.ndarray,
    credit: np.ndarray,
    due: np.ndarray,
    today: int,
    now: dt.datetime,
) -> pl.DataFrame:
    """Return payments: most on time, some late, some partial, some never (S1.11)."""
    n = len(client)
    owed = total + credit  # a credit note lowers what is paid for its invoice
    behaviour = c.behaviour[client]
    late = np.select(
        [behaviour == 0, behaviour == 1],
        [np.clip(rng.normal(1.0, 4.0, n), -5, 15), rng.uniform(5, 45, n)],
        rng.uniform(20, 150, n),
    ).astype(np.int64)
    pay_day = due + late
    never = (behaviour == 2) & (rng.random(n) < 0.12)
    never |= (client == c.bankrupt) & (due > c.end[c.bankrupt] - 150)
    paid = (pay_day <= today) & ~never & (owed > 0)
    partial = paid & (rng.random(n) < 0.06)
    first = np.where(partial, (owed * rng.uniform(0.5, 0.8, n)).astype(np.int64), owed)
    second_day = pay_day + rng.integers(15, 60, n)
    second = partial & (second_day <= today)
    invoice = np.concatenate([np.flatnonzero(paid), np.flatnonzero(second)])
    amount = np.concatenate([first[paid], (owed - first)[second]])
    day = np.concatenate([pay_day[paid], second_day[second]])
    order = np.argsort(day, kind="stable")
    invoice, amount, day = invoice[order], amount[order], day[order]
    m = len(invoice)
    methods = (("transfer", 0.55), ("direct_debit", 0.25), ("card", 0.08), ("cheque", 0.04),
               ("cash", 0.03), ("other", 0.05))  # fmt: skip
    linked = rng.random(m) < 0.9  # the rest is applied oldest first
    reference = pl.Series(np.arange(1, m + 1)).cast(pl.String).str.zfill(8)
    return _timestamps(
        pl.DataFrame(
            {
                "id": np.arange(1, m + 1),
                "reference": pl.select(pl.concat_str(pl.lit("P"), pl.lit(reference))).to_series(),
                "account_id": client[invoice] + 1,
                "sale_id": _ids(np.where(linked, invoice + 1, 0)),
                "date": _dates(day),
                "amount": amount,
                "method": _text([x[0] for x in methods], _coded(rng, methods, m)),
            }
        ),
        now,
    )


def _contacts(
    rng: np.random.Generator,
    pools: NamePools,
    accounts: pl.DataFrame,
    countries: np.ndarray,
    now: dt.datetime,
) -> tuple[pl.DataFrame, np.ndarray]:
    """Return 1-3 people per account, the purchasing contact first (S2.6)."""
    n_acc = accounts.height
    per = 1 + rng.binomial(2, 0.35, n_acc)
    account = np.repeat(np.arange(n_acc), per)
    first_of = np.searchsorted(account, np.arange(n_acc))
    is_first = np.zeros(len(account), dtype=bool)
    is_first[first_of] = True
    country = countries[account]
    given = rng.integers(0, len(pools.first["ES"]), len(account))
    surname = rng.integers(0, len(pools.last["ES"]), len(account))
    roles = np.array(
        ["Compras", "Gerente", "Encargado", "Administración", "Jefe de cocina", "Propietario"]
    )
    domain = accounts["email"].str.split("@").list.get(1).to_numpy()[account]
    frame = pl.DataFrame(
        {
            "g": pools.pick(pools.first, country, given),
            "s": pools.pick(pools.last, country, surname),
            "gs": pools.pick(pools.first_slug, country, given),
            "ss": pools.pick(pools.last_slug, country, surname),
            "d": domain,
        },
        schema={"g": pl.String, "s": pl.String, "gs": pl.String, "ss": pl.String, "d": pl.String},
    )
    people = frame.select(
        pl.concat_str("g", "s", separator=" ").alias("name"),
        pl.concat_str("gs", pl.lit("."), "ss", pl.lit("@"), "d").alias("email"),
    )
    contacts = _timestamps(
        pl.DataFrame(
            {
                "id": np.arange(1, len(account) + 1),
                "account_id": account + 1,
                "name": people["name"],
                "role": np.where(
                    is_first, "Compras", roles[rng.integers(1, len(roles), len(account))]
                ),
                "phone": phones(rng, country),
                "email": people["email"],
                "is_purchasing": is_first & (rng.random(len(account)) < 0.9),
            }
        ),
        now,
    )
    return contacts, first_of + 1


def _activities(
    rng: np.random.Generator,
    c: _Clients,
    p_owner: np.ndarray,
    p_created: np.ndarray,
    first_contact: np.ndarray,
    n_active: int,
    leaver_id: int,
    leaver_left: int,
    today: int,
    now: dt.datetime,
) -> pl.DataFrame:
    """Return the follow-up (S2.2): effort nearly flat across clients, as S2.3 warns."""
    n_p = len(p_owner)
    habit = rng.uniform(0.6, 1.5, size=n_active + 2)  # each salesperson's pace
    owner = np.concatenate([c.owner, p_owner])
    begin = np.concatenate([c.join - 30, p_created])
    finish = np.concatenate([c.last_day, np.full(n_p, today)])
    months = np.maximum(finish - begin, 1) / 30.44
    rate = habit[owner] * (0.25 + 0.2 * rng.random(len(owner)))
    rate[: c.n] += 0.12 * np.log1p(c.annual / np.median(c.annual))
    account = np.repeat(np.arange(len(owner)), rng.poisson(rate * months))
    day = np.minimum(
        begin[account] + (rng.random(len(account)) * (finish - begin)[account]).astype(np.int64),
        today,
    )
    order = np.lexsort((day, account))
    account, day = account[order], day[order]
    n = len(account)
    kind_code = _coded(rng, recipe.ACTIVITY_KINDS, n)
    kind = np.array([k[0] for k in recipe.ACTIVITY_KINDS])[kind_code]
    was_leavers = np.concatenate([c.was_leavers, np.zeros(n_p, dtype=bool)])
    seller = np.where(was_leavers[account] & (day < leaver_left), leaver_id, owner[account])
    # Three summary slots per kind (repeating the short lists) make one flat lookup.
    flat = [recipe.ACTIVITY_SUMMARIES[k[0]][j % len(recipe.ACTIVITY_SUMMARIES[k[0]])]
            for k in recipe.ACTIVITY_KINDS for j in range(3)]  # fmt: skip
    summary = _text(flat, kind_code * 3 + rng.integers(0, 3, n))
    duration = np.select(
        [kind == "visit", kind == "meeting", kind == "call"],
        [rng.integers(20, 90, n), rng.integers(45, 120, n), rng.integers(3, 20, n)],
        0,
    )
    outcomes = (
        ("positive", 0.45),
        ("neutral", 0.35),
        ("negative", 0.1),
        ("no_answer", 0.1),
        ("", 0.0),
    )
    outcome = np.where(kind == "note", 4, _coded(rng, outcomes[:4], n))
    last = np.r_[account[1:] != account[:-1], True]
    alive = np.concatenate([c.status != "lost", np.ones(n_p, dtype=bool)])[account]
    has_next = last & alive & (rng.random(n) < 0.4)
    return _timestamps(
        pl.DataFrame(
            {
                "id": np.arange(1, n + 1),
                "account_id": account + 1,
                "contact_id": _ids(np.where(rng.random(n) < 0.8, first_contact[account], 0)),
                "salesperson_id": _ids(seller),
                "kind": _text([k[0] for k in recipe.ACTIVITY_KINDS], kind_code),
                "date": _dates(day),
                "duration_minutes": _ids(duration),
                "summary": summary,
                "outcome": _text([o[0] for o in outcomes], outcome),
                "next_action_on": _dates(
                    np.where(has_next, today + rng.integers(-12, 22, n), -1), missing=-1
                ),
                "next_action": _text(["", "Llamar para el próximo pedido"], has_next),
            }
        ),
        now,
    )  # fmt: skip


def _goals(
    invoices: pl.DataFrame,
    accounts: pl.DataFrame,
    today: dt.date,
    n_active: int,
    now: dt.datetime,
) -> pl.DataFrame:
    """Return this year's goals: last year's sales + 7 %, spread by the season (S3.5).

    A goal is set on the book a salesperson holds now (their clients' sales last year,
    whoever made them), so the successor of a leaver is measured on the book they took.
    """
    season = np.array(recipe.SEASONALITY)
    weights = season / season.sum()
    owners = accounts.select(pl.col("id").alias("account_id"), pl.col("owner_id"))
    last_year = (
        invoices.filter(pl.col("date").dt.year() == today.year - 1)
        .join(owners, on="account_id", how="inner")
        .filter(pl.col("owner_id") <= n_active)
        .group_by(pl.col("owner_id").alias("salesperson_id"))
        .agg(pl.col("total").sum())
        .sort("salesperson_id")
    )
    rows: list[tuple[int | None, int | None, int]] = []
    for salesperson_id, total in last_year.iter_rows():
        target = int(round(total * 1.07 / 100_000) * 100_000)
        rows.append((salesperson_id, None, target))
        monthly = np.floor(target * weights).astype(np.int64)
        monthly[np.argmax(weights)] += target - monthly.sum()
        rows.extend((salesperson_id, m + 1, int(v)) for m, v in enumerate(monthly))
    rows.append((None, None, sum(r[2] for r in rows if r[1] is None)))
    return _timestamps(
        pl.DataFrame(
            {
                "id": np.arange(1, len(rows) + 1),
                "salesperson_id": [r[0] for r in rows],
                "year": [today.year] * len(rows),
                "month": [r[1] for r in rows],
                "target": [r[2] for r in rows],
            },
            schema_overrides={"salesperson_id": pl.Int64, "month": pl.Int64},
        ),
        now,
    )


def _logins(salespeople: pl.DataFrame, pools: NamePools) -> list[Login]:
    logins = [
        Login("admin", "admin", "Administración", None),
        Login("gerente", "manager", f"{pools.first['ES'][21]} {pools.last['ES'][42]}", None),
    ]
    taken = {"admin", "gerente"}
    for row in salespeople.filter(pl.col("is_active")).iter_rows(named=True):
        base = slug(row["name"].split()[0])
        username, suffix = base, 2
        while username in taken:
            username, suffix = f"{base}{suffix}", suffix + 1
        taken.add(username)
        logins.append(Login(username, "salesperson", row["name"], row["id"]))
    return logins
