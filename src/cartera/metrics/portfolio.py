"""Analyses of the portfolio a user may see, computed once per (scope, data version).

The dashboard and the reports call these instead of running the analytics themselves.
A manager's scope is the whole company; a salesperson's is their own book (the same
rows :func:`cartera.sales.selectors.sales_frame` gives them). Results are cached with
the data-version counters in the key, so a committed sale, payment or hand-over makes
the next read recompute: nothing is invalidated by hand and nothing stale is served.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import polars as pl
from django.core.cache import cache

from cartera.analytics.clv import ConvergenceError, PortfolioValue, portfolio_value
from cartera.analytics.diagnosis import Diagnosis, diagnose
from cartera.common.dataversion import Topic, data_versions
from cartera.common.scoping import sees_all
from cartera.metrics.valuation import (
    HORIZON_MONTHS,
    MONTHLY_DISCOUNT,
    FittedValue,
    client_values,
    fit_value_models,
)
from cartera.sales.selectors import sales_frame
from cartera.users.models import Role, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

CACHE_SECONDS: Final = 24 * 3600
"""Keys carry the data versions, so entries expire only to free memory."""
KEPT_CLIENTS: Final = 25
"""Rows of the per-client table kept in a cached diagnosis (the largest clients)."""
VALUE_DRAWS: Final = 200
_PORTFOLIO_TOPICS: Final = (Topic.SALES, Topic.ACCOUNTS)


def company_reader() -> User:
    """Return an unsaved administrator: the reader of jobs that see the whole company."""
    return User(username="cartera-system", role=Role.ADMIN, is_active=True)


def scope_of(user: User | AnonymousUser) -> str:
    """Return the cache scope of ``user``: ``all`` or their own book."""
    return "all" if sees_all(user) else f"user-{user.pk}"


def cache_key(kind: str, scope: str, versions: tuple[int, ...]) -> str:
    """Return the cache key of one result of a scope at the given data versions."""
    return f"cartera:{kind}:{scope}:{'.'.join(map(str, versions))}"


def user_cache_key(kind: str, user: User | AnonymousUser, *parts: object) -> str:
    """Return the cache key of one result for ``user``'s scope and the given ``parts``."""
    return f"cartera:{kind}:{scope_of(user)}:" + ":".join(map(str, parts))


def _slim(diagnosis: Diagnosis) -> Diagnosis:
    """Return ``diagnosis`` with only the largest active clients in its table.

    A million-row table does not belong in a cache; the pages show the top clients and
    the full table is what the XLSX export recomputes.
    """
    top = diagnosis.client_table.filter(pl.col("active")).head(KEPT_CLIENTS)
    return dataclasses.replace(diagnosis, client_table=top)


def remember_company_diagnosis(diagnosis: Diagnosis, *, versions: tuple[int, ...]) -> None:
    """Cache the whole company's diagnosis, computed by a refresh, for the managers."""
    cache.set(cache_key("diagnosis", "all", versions), (_slim(diagnosis),), CACHE_SECONDS)


def remember_company_fit(fitted: FittedValue | str, *, sales_version: int) -> None:
    """Cache the value models fitted on the whole company (or why they could not be)."""
    cache.set(cache_key("value-fit", "all", (sales_version,)), (fitted,), CACHE_SECONDS)


def cached(key: str, compute: Any) -> Any:
    """Return the value cached under ``key``, computing and caching it on a miss.

    A ``None`` result is cached too (wrapped in a tuple): "no sales yet" is an answer.
    """
    hit = cache.get(key)
    if hit is not None:
        return hit[0]
    value = compute()
    cache.set(key, (value,), CACHE_SECONDS)
    return value


def full_diagnosis(*, user: User | AnonymousUser) -> Diagnosis | None:
    """Return the diagnosis of ``user``'s portfolio with every client (not cached)."""
    frame = sales_frame(user=user)
    return None if frame.is_empty() else diagnose(frame)


def portfolio_diagnosis(*, user: User | AnonymousUser) -> Diagnosis | None:
    """Return the diagnosis of the portfolio ``user`` sees (``None``: no sales yet).

    Its ``client_table`` keeps only the :data:`KEPT_CLIENTS` largest active clients.
    """
    versions = data_versions(*_PORTFOLIO_TOPICS)

    def compute() -> Diagnosis | None:
        result = full_diagnosis(user=user)
        return None if result is None else _slim(result)

    return cached(cache_key("diagnosis", scope_of(user), versions), compute)


def company_fit() -> FittedValue | str:
    """Return the value models fitted on every client (or why they could not be fitted)."""
    (version,) = data_versions(Topic.SALES)
    return cached(
        cache_key("value-fit", "all", (version,)),
        lambda: fit_value_models(sales_frame(user=company_reader())),
    )


@dataclass(frozen=True, slots=True)
class Valuation:
    """The value of a portfolio over the next year and the clients it hinges on (S1.5, S1.7)."""

    value: PortfolioValue | None
    note: str
    clients: int
    expected_purchases: float
    top: pl.DataFrame
    """The most valuable clients: ``client``, ``p_alive``, ``expected_purchases``, ``clv``."""
    at_risk: pl.DataFrame
    """Clients at risk, most value at risk first."""
    alive_counts: tuple[int, ...]
    """Clients per tenth of P(alive): [0, 0.1), [0.1, 0.2) … [0.9, 1]."""


def _scoped_summary(fitted: FittedValue, user: User | AnonymousUser) -> pl.DataFrame:
    if sees_all(user):
        return fitted.summary
    from cartera.clients.selectors import accounts_visible_to

    codes = pl.Series(
        list(accounts_visible_to(user).values_list("code", flat=True)), dtype=pl.String
    )
    return fitted.summary.filter(pl.col("client").is_in(codes.implode()))


def scoped_values(*, user: User | AnonymousUser) -> pl.DataFrame | None:
    """Return every client's value for the clients ``user`` sees (not cached; exports).

    ``None`` when the value models cannot be fitted on the company's sales.
    """
    fitted = company_fit()
    if not isinstance(fitted, FittedValue):
        return None
    summary = _scoped_summary(fitted, user)
    return client_values(fitted, summary) if summary.height else summary.select("client")


def _current_clients(user: User | AnonymousUser) -> pl.Series:
    """Return the codes of the accounts ``user`` sees that are clients today (not lost).

    An account already marked lost is not "at risk" any more: the list is for the calls
    that can still keep a client (S0.4).
    """
    from cartera.clients.models import Status
    from cartera.clients.selectors import accounts_visible_to

    codes = accounts_visible_to(user).filter(status=Status.CLIENT).values_list("code", flat=True)
    return pl.Series(list(codes), dtype=pl.String).implode()


def _valuation(user: User | AnonymousUser) -> Valuation:
    fitted = company_fit()
    empty = pl.DataFrame()
    if not isinstance(fitted, FittedValue):
        return Valuation(None, fitted, 0, 0.0, empty, empty, (0,) * 10)
    summary = _scoped_summary(fitted, user)
    if summary.is_empty():
        return Valuation(None, "no clients with sales", 0, 0.0, empty, empty, (0,) * 10)
    values = client_values(fitted, summary)
    note = ""
    try:
        book: PortfolioValue | None = portfolio_value(
            fitted.purchases,
            fitted.spend,
            summary,
            horizon=HORIZON_MONTHS,
            discount=MONTHLY_DISCOUNT,
            period="week",
            draws=VALUE_DRAWS,
        )
    except ConvergenceError as error:
        # Each client's value stands; only the portfolio's interval is unbounded.
        book, note = None, str(error)
    bins = (
        values.select((pl.col("p_alive") * 10).floor().clip(0, 9).cast(pl.Int64).alias("bin"))
        .group_by("bin")
        .len()
    )
    found = dict(bins.iter_rows())
    return Valuation(
        value=book,
        note=note,
        clients=values.height,
        expected_purchases=float(values["expected_purchases"].sum()),
        top=values.sort("clv", descending=True).head(KEPT_CLIENTS),
        at_risk=values.filter(pl.col("at_risk") & pl.col("client").is_in(_current_clients(user)))
        .sort("value_at_risk", descending=True)
        .head(KEPT_CLIENTS),
        alive_counts=tuple(int(found.get(i, 0)) for i in range(10)),
    )


def portfolio_valuation(*, user: User | AnonymousUser) -> Valuation:
    """Return the valuation of the portfolio ``user`` sees, from the company-wide fit."""
    versions = data_versions(*_PORTFOLIO_TOPICS)
    return cached(cache_key("valuation", scope_of(user), versions), lambda: _valuation(user))
