"""The learned profile finds what the best clients share, judged on data (S4.3)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import false_discovery_control

from cartera.analytics.profile import learn_profile, top_share
from cartera.analytics.profile.learn import _benjamini_hochberg


def test_lift_coverage_and_support_as_counted_by_hand():
    accounts = pl.DataFrame(
        {
            "client": [f"c{i}" for i in range(10)],
            "industry": ["x", "x", "x", "x", "y", "y", "y", "z", "z", "z"],
            "is_best": [True, True, True, False, True, False, False, False, False, False],
        }
    )
    learned = learn_profile(accounts, min_support=1, min_lift=1.0, alpha=1.0, pairs=False)
    top = learned.proposals[0]
    # x: 4 accounts, 3 of them best; 4 best of 10. Precision 3/4, lift 0.75/0.4 = 1.875,
    # coverage 3/4, p = P(X >= 3) for X ~ Hypergeom(10, 4, 4) = (4*6 + 1) / 210.
    assert top.describe() == "industry = x"
    assert (top.matching, top.support) == (4, 3)
    assert top.precision == 0.75
    assert top.lift == pytest.approx(1.875)
    assert top.coverage == 0.75
    assert top.p_value == pytest.approx(25 / 210)
    assert [p.describe() for p in learned.proposals] == ["industry = x"]


def test_a_planted_pattern_is_found_at_the_top():
    # 20,000 clients; industry C in region sur are 4 times as likely to be A (32 % vs 8 %).
    rng = np.random.default_rng(20261122)
    n = 20_000
    industry = rng.choice(list("ABCDEFGH"), n)
    region = rng.choice(["norte", "sur", "este", "oeste", "centro"], n)
    planted = (industry == "C") & (region == "sur")
    accounts = pl.DataFrame(
        {
            "client": [f"k{i}" for i in range(n)],
            "industry": industry,
            "region": region,
            "employees": rng.lognormal(3, 1, n),
            "exporter": rng.random(n) < 0.3,
            "is_best": rng.random(n) < np.where(planted, 0.32, 0.08),
        }
    )
    learned = learn_profile(accounts)
    top = learned.proposals[0]
    assert top.describe() == "industry = C and region = sur"
    assert top.lift > 3
    # Noise attributes do not make it into the proposals.
    described = " ".join(p.describe() for p in learned.proposals)
    assert "employees" not in described
    assert "exporter" not in described
    profile = learned.to_profile("learned", chosen=[0], client_type="any")
    assert [c.describe() for c in profile.conditions] == ["industry = C", "region = sur"]


def test_top_share_flags_the_top_decile():
    frame = pl.DataFrame({"v": list(range(1, 21))})
    assert frame.select(top_share(pl.col("v"), 0.1))["v"].to_list() == [False] * 18 + [True] * 2


def test_nothing_to_learn_without_best_clients():
    accounts = pl.DataFrame({"client": ["a", "b"], "x": ["p", "q"], "is_best": [False, False]})
    assert learn_profile(accounts, min_support=1).proposals == ()


@given(st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_benjamini_hochberg_agrees_with_scipy(p_values):
    values = np.asarray(p_values)
    assert np.allclose(_benjamini_hochberg(values), false_discovery_control(values))
