"""The learned profile finds a pattern planted in a portfolio loaded into the database
(issue 7 point 2; S4.1, S4.3): judged on data, not on liking."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from cartera.clients.models import Account
from cartera.common.bulk import bulk_insert
from cartera.common.scoping import SYSTEM
from cartera.ratings.models import AccountFit
from cartera.ratings.selectors import account_rating, profile_market, profile_suggestions
from cartera.ratings.services import fits_refresh, profile_save, rating_recalculate
from cartera.sales.models import Sale
from tests.factories import SalespersonFactory

AS_OF = dt.date(2026, 6, 30)
INDUSTRIES = ("A", "B", "C", "D", "E")
REGIONS = ("norte", "sur", "este", "oeste")


def _load_portfolio(owner_id: int) -> None:
    """2,500 clients, 125 per industry × region; the top decile (250) by revenue holds 45
    of the 125 of industry C in the sur (36 %) against 205 of the other 2,375 (8.6 %)."""
    n = 2500
    index = np.arange(n)
    industry = np.array(INDUSTRIES)[index % 5]
    region = np.array(REGIONS)[(index // 5) % 4]
    planted = (industry == "C") & (region == "sur")
    rng = np.random.default_rng(11)
    best = np.zeros(n, dtype=bool)
    best[np.flatnonzero(planted)[:45]] = True
    best[rng.choice(np.flatnonzero(~planted), 205, replace=False)] = True
    noise = rng.choice(["x", "y", "z"], n)  # a custom attribute unrelated to value
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    accounts = pl.DataFrame(
        {
            "id": index + 1,
            "code": [f"S{i:05d}" for i in index],
            "legal_name": [f"Cliente {i}" for i in index],
            "status": "client",
            "industry": industry,
            "region": region,
            "owner_id": owner_id,
            "attributes": [f'{{"noise": "{v}"}}' for v in noise],
            "created_at": now,
            "updated_at": now,
        }
    )
    bulk_insert(Account, accounts)
    revenue = np.where(best, 1_000_000 + index, 10_000 + index % 97)
    sales = pl.DataFrame(
        {
            "number": [f"F{i:05d}" for i in index],
            "account_id": index + 1,
            "date": dt.date(2026, 3, 1),
            "due_date": dt.date(2026, 3, 31),
            "total": revenue,
            "cost_total": revenue // 2,
            "created_at": now,
            "updated_at": now,
        }
    )
    bulk_insert(Sale, sales)


@pytest.fixture
def planted(db):
    owner = SalespersonFactory(name="Ana")
    _load_portfolio(owner.pk)
    rating_recalculate(by=SYSTEM, as_of=AS_OF)
    return owner


def test_the_learned_profile_finds_the_planted_pair_first(planted):
    learned = profile_suggestions(user=SYSTEM, best="top_decile")

    assert (learned.accounts, learned.best) == (2500, 250)
    top = learned.proposals[0]
    assert top.describe() == "industry = C and region = sur"
    assert (top.matching, top.support) == (125, 45)
    assert top.lift == pytest.approx(3.6)
    assert top.coverage == pytest.approx(45 / 250)
    # The attribute unrelated to value is never proposed (S4.3: data, not liking).
    assert not any("noise" in p.describe() for p in learned.proposals)


def test_a_chosen_proposal_saved_as_a_profile_fits_the_planted_accounts(planted):
    learned = profile_suggestions(user=SYSTEM, best="top_decile")
    profile = learned.to_profile("learned", chosen=[0])
    profile_save(definition=profile.to_dict(), by=SYSTEM)

    assert fits_refresh(by=SYSTEM) == 2500
    assert AccountFit.objects.filter(fit=100).count() == 125
    market = profile_market(user=SYSTEM, profile=profile, min_fit=100)
    assert (market.matching_clients, market.clients, market.prospects) == (125, 2500, 0)
    # The client file explains the fit condition by condition (S4.1).
    fit = account_rating(Account.objects.get(code="S00010")).fit  # industry A, este
    assert (fit.profile, fit.fit) == ("learned", 0)
    assert [(item.description, item.value, item.met, item.points) for item in fit.items] == [
        ("industry = C", "A", False, 0),
        ("region = sur", "este", False, 0),
    ]
    assert account_rating(Account.objects.get(code="S00007")).fit.fit == 100  # C, sur
