"""Rating through the database: policy versions, hand-computed scores, history (issue 7, S4.5).

Four clients of one salesperson, one invoice each in the window, so that every figure
below is worked out by hand from the percentile rule: revenue 400, 300, 200 and 100
are at the 100th, 67th, 33rd and 0th percentile of the four.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cartera.common.scoping import SYSTEM
from cartera.ratings.models import Rating, RatingChange, RatingPolicyVersion
from cartera.ratings.selectors import (
    account_rating,
    level_counts,
    rating_changes,
    ratings_policy,
)
from cartera.ratings.services import (
    _in_stretches,
    _invoice_stretches,
    profile_save,
    rating_policy_activate,
    rating_policy_publish,
    rating_recalculate,
)
from tests.factories import AccountFactory, ManagerFactory, SaleFactory, SalespersonFactory

AS_OF = dt.date(2026, 6, 30)
REVENUE_ONLY = {
    "name": "ignored: the stored name wins",
    "criteria": [
        {"key": "revenue", "measure": "revenue_cents", "weight": 1, "rule": {"kind": "percentile"}}
    ],
}
WITH_STRATEGIC = {
    "name": "x",
    "criteria": [
        {"key": "revenue", "measure": "revenue_cents", "weight": 1, "rule": {"kind": "percentile"}},
        {"key": "strategic", "measure": "strategic", "weight": 1, "rule": {"kind": "flag"}},
    ],
}


@pytest.fixture
def portfolio(db):
    ana = SalespersonFactory(name="Ana")
    luis = SalespersonFactory(name="Luis")
    clients = {}
    for code, owner, euros, special in (
        ("C1", ana, 400, False),
        ("C2", ana, 300, False),
        ("C3", luis, 200, False),
        ("C4", luis, 100, True),
    ):
        account = AccountFactory(code=code, owner=owner, is_special=special)
        SaleFactory(account=account, date=dt.date(2026, 3, 1), due_date=dt.date(2026, 3, 31),
                    total=Decimal(euros))  # fmt: skip
        clients[code] = account
    return {"ana": ana, "luis": luis, "manager": ManagerFactory(), **clients}


def _levels() -> dict[str, tuple[int, str]]:
    return {r.account.code: (r.score, r.level) for r in Rating.objects.select_related("account")}


def _rate(policy_name: str = "t") -> None:
    with translation.override("en"):
        rating_recalculate(by=SYSTEM, policy_name=policy_name, as_of=AS_OF)


def test_a_policy_change_changes_the_ratings_as_computed_by_hand(portfolio):
    """S4.5: P1 revenue only; P2 adds the strategic flag at equal weight (50 points each)."""
    manager = portfolio["manager"]
    rating_policy_publish(name="t", definition=REVENUE_ONLY, by=manager)
    _rate()
    assert _levels() == {"C1": (100, "A"), "C2": (67, "B"), "C3": (33, "C"), "C4": (0, "D")}

    second = rating_policy_publish(name="t", definition=WITH_STRATEGIC, by=manager, note="S1.2")
    _rate()
    # Revenue: 1 × 50, ⅔ × 50 = 33.3, ⅓ × 50 = 16.7, 0; strategic: C4 only, 50.
    assert _levels() == {"C1": (50, "B"), "C2": (33, "C"), "C3": (17, "D"), "C4": (50, "B")}
    # The stored ratings are those of the last run, with its policy.
    assert ratings_policy() == second
    assert set(Rating.objects.values_list("as_of", flat=True)) == {AS_OF}
    assert second.version == 2
    assert list(RatingPolicyVersion.objects.filter(name="t", is_active=True)) == [second]


def test_the_rating_history_records_every_level_change(portfolio):
    manager = portfolio["manager"]
    rating_policy_publish(name="t", definition=REVENUE_ONLY, by=manager)
    _rate()
    first = {
        c.account.code: (c.change, c.old_level, c.new_level) for c in RatingChange.objects.all()
    }
    assert first == {code: ("new", "", level) for code, level in
                     (("C1", "A"), ("C2", "B"), ("C3", "C"), ("C4", "D"))}  # fmt: skip

    rating_policy_publish(name="t", definition=WITH_STRATEGIC, by=manager)
    _rate()
    moved = {
        c.account.code: (c.change, c.old_level, c.new_level, c.old_score, c.new_score)
        for c in rating_changes(manager, AS_OF).exclude(change="new")
    }
    assert moved == {
        "C1": ("down", "A", "B", 100, 50),
        "C2": ("down", "B", "C", 67, 33),
        "C3": ("down", "C", "D", 33, 17),
        "C4": ("up", "D", "B", 0, 50),
    }
    # "Who moved from A to B this quarter" is one selector call.
    a_to_b = rating_changes(manager, dt.date(2026, 4, 1), old_level="A", new_level="B")
    assert [c.account.code for c in a_to_b] == ["C1"]
    # Rating again with nothing changed adds no history.
    _rate()
    assert RatingChange.objects.count() == 8


def test_going_back_to_an_earlier_version_rates_with_it(portfolio):
    manager = portfolio["manager"]
    first = rating_policy_publish(name="t", definition=REVENUE_ONLY, by=manager)
    rating_policy_publish(name="t", definition=WITH_STRATEGIC, by=manager)
    rating_policy_activate(version=first, by=manager)
    _rate()
    assert _levels()["C4"] == (0, "D")


def test_explanations_add_up_to_the_score_and_read_as_text(portfolio):
    rating_policy_publish(name="t", definition=WITH_STRATEGIC, by=portfolio["manager"])
    _rate()
    for code in ("C1", "C2", "C3", "C4"):
        rating = account_rating(portfolio[code])
        assert rating.total == rating.score
        assert sum(item.max_points for item in rating.items) == pytest.approx(100.0)
    c2 = account_rating(portfolio["C2"])
    assert [(i.criterion, i.value, i.points) for i in c2.items] == [
        ("revenue", 30000.0, 33),
        ("strategic", 0.0, 0),
    ]
    # The short text is written when read, in the reader's language, whoever rated.
    with translation.override("en"):
        assert account_rating(portfolio["C2"]).text == "C: revenue 67th percentile +33"
        assert account_rating(portfolio["C4"]).text == "B: strategic +50"
    with translation.override("es"):
        assert account_rating(portfolio["C2"]).text == "C: ventas percentil 67 +33"
    with translation.override("pt"):
        assert account_rating(portfolio["C2"]).text == "C: faturamento percentil 67 +33"
    # The ABC class is stored beside the rating, not inside it (S3.7): C1 alone is A.
    assert account_rating(portfolio["C1"]).abc == "A"


def test_a_prospect_or_a_lost_client_is_not_rated(portfolio):
    from cartera.clients.models import Status

    lost = AccountFactory(code="L1", owner=portfolio["ana"], status=Status.LOST,
                          lost_on=dt.date(2026, 5, 1))  # fmt: skip
    SaleFactory(account=lost, date=dt.date(2026, 2, 1), due_date=dt.date(2026, 3, 1),
                total=Decimal(1000))  # fmt: skip
    rating_policy_publish(name="t", definition=REVENUE_ONLY, by=portfolio["manager"])
    _rate()
    assert "L1" not in _levels()
    # Lost clients do not take part in the percentiles either: C1 is still on top.
    assert _levels()["C1"] == (100, "A")
    assert account_rating(lost).level is None


def test_a_salesperson_sees_only_the_ratings_of_their_clients(portfolio):
    rating_policy_publish(name="t", definition=REVENUE_ONLY, by=portfolio["manager"])
    _rate()
    ana = portfolio["ana"].user
    assert level_counts(ana) == {"A": 1, "B": 1}
    assert {c.account.code for c in rating_changes(ana, AS_OF)} == {"C1", "C2"}
    assert level_counts(portfolio["manager"]) == {"A": 1, "B": 1, "C": 1, "D": 1}
    assert account_rating(portfolio["C1"], user=ana).level == "A"
    with pytest.raises(PermissionDenied):
        account_rating(portfolio["C3"], user=ana)  # Luis's client


def test_a_salesperson_may_not_rate_or_edit_the_policy(portfolio):
    ana = portfolio["ana"].user
    with pytest.raises(PermissionDenied):
        rating_policy_publish(name="t", definition=REVENUE_ONLY, by=ana)
    with pytest.raises(PermissionDenied):
        rating_recalculate(by=ana, as_of=AS_OF)
    assert not RatingPolicyVersion.objects.exists()


def test_an_invalid_policy_is_refused_with_the_path_of_the_field(portfolio):
    bad = {
        "name": "t",
        "criteria": [
            {"key": "growth", "measure": "growth_pct", "weight": 1,
             "rule": {"kind": "ramp", "start": 10, "full": 10}},
        ],
    }  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        rating_policy_publish(name="t", definition=bad, by=portfolio["manager"])
    assert refused.value.message_dict["definition"] == [
        "criteria[0].rule.full: must differ from start"
    ]


def test_an_unknown_policy_name_is_a_located_error(portfolio):
    with pytest.raises(ValidationError) as refused:
        rating_recalculate(by=SYSTEM, policy_name="nope", as_of=AS_OF)
    assert "policy" in refused.value.message_dict


def test_without_a_stored_policy_the_default_is_stored_and_used(portfolio):
    rating_recalculate(by=SYSTEM, as_of=AS_OF)
    stored = RatingPolicyVersion.objects.get()
    assert (stored.name, stored.version, stored.is_active) == ("default", 1, True)
    assert Rating.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_a_rating_run_after_commit_reads_through_the_arrow_bridge():
    """The scheduler's path: committed rows, read by connectorx, written in bulk."""
    owner = SalespersonFactory(name="Eva")
    for code, euros in (("K1", 900), ("K2", 100)):
        account = AccountFactory(code=code, owner=owner)
        SaleFactory(account=account, date=dt.date(2026, 3, 1), due_date=dt.date(2026, 3, 31),
                    total=Decimal(euros))  # fmt: skip
    rating_policy_publish(name="t", definition=REVENUE_ONLY, by=SYSTEM)
    _rate()
    assert _levels() == {"K1": (100, "A"), "K2": (0, "D")}


@pytest.mark.django_db(transaction=True)
def test_late_payment_from_receivables_takes_points_as_computed_by_hand():
    """S1.8, S4.5: revenue (100 points) and paying late (a penalty of up to 100 points at 60
    days late). P1 (400, the top) paid 30 days late: 100 − 50 = 50. P2 (300) is below the
    only other client, 0 points, and paid on time: nothing taken."""
    from tests.factories import PaymentFactory

    owner = SalespersonFactory(name="Eva")
    due = dt.date(2026, 3, 31)
    for code, euros, paid_on in (("P1", 400, dt.date(2026, 4, 30)), ("P2", 300, due)):
        account = AccountFactory(code=code, owner=owner)
        invoice = SaleFactory(account=account, date=dt.date(2026, 3, 1), due_date=due,
                              total=Decimal(euros))  # fmt: skip
        PaymentFactory(account=account, sale=invoice, date=paid_on, amount=Decimal(euros))
    policy = {"name": "p", "criteria": [
        {"key": "revenue", "measure": "revenue_cents", "weight": 1, "rule": {"kind": "percentile"}},
        {"key": "payment", "measure": "days_late", "weight": 1, "effect": "penalty",
         "rule": {"kind": "ramp", "start": 0, "full": 60}},
    ]}  # fmt: skip
    rating_policy_publish(name="p", definition=policy, by=SYSTEM)
    _rate("p")
    assert _levels() == {"P1": (50, "B"), "P2": (0, "D")}
    explained = account_rating(AccountFactory._meta.model.objects.get(code="P1"))
    assert [(i.criterion, i.value, i.points) for i in explained.items] == [
        ("revenue", 40000.0, 100),
        ("payment", 30.0, -50),
    ]
    with translation.override("en"):
        explained = account_rating(AccountFactory._meta.model.objects.get(code="P1"))
    assert explained.text == "B: revenue 100th percentile +100, pays 30 days late \u221250"


def test_older_invoices_summed_up_give_the_same_features(db):
    """A rating reads the invoices of its two windows one by one and only the first and
    last purchase day before them: every client feature must come out the same."""
    from cartera.analytics.rating import client_features
    from cartera.ratings.inputs import invoice_totals, invoices_frame, purchase_bounds_frame

    owner = SalespersonFactory(name="Eva")
    days = {
        "OLD": [dt.date(2021, 5, 3), dt.date(2021, 8, 1), dt.date(2022, 1, 9), dt.date(2022, 2, 2)],
        "LONG": [
            dt.date(2020, 2, 1),
            dt.date(2021, 1, 1),
            dt.date(2023, 7, 7),
            dt.date(2025, 3, 3),
            AS_OF,
        ],
        "NEW": [dt.date(2026, 1, 2), dt.date(2026, 1, 2), dt.date(2026, 2, 5)],
        "EDGE": [
            dt.date(2024, 6, 30),
            dt.date(2024, 7, 1),
            dt.date(2025, 6, 30),
            dt.date(2025, 7, 1),
        ],
    }
    for code, dates in days.items():
        account = AccountFactory(code=code, owner=owner)
        for index, day in enumerate(dates):
            SaleFactory(account=account, date=day, due_date=day, total=Decimal(100 + index),
                        cost_total=Decimal(40))  # fmt: skip
    since = AS_OF - dt.timedelta(days=730)
    everything = invoice_totals(invoices_frame(), until=AS_OF, since=None, bounds=None)
    summed_up = invoice_totals(
        invoices_frame(since=since),
        until=AS_OF,
        since=since,
        bounds=purchase_bounds_frame(until=since),
    )
    assert summed_up.height < everything.height
    full = client_features(everything, as_of=AS_OF, last_seen=[])
    reduced = client_features(summed_up, as_of=AS_OF, last_seen=[])
    assert reduced.equals(full)
    # A run reads each stretch of the invoices with only the columns used there (the
    # costs of the last window alone): the features are still the same.
    stretches = _invoice_stretches(day=AS_OF, window_days=365, ledger_since=None)
    assert stretches[0][0] == since
    assert stretches[0][2] == ("account_id", "date", "amount_cents")
    in_stretches = invoice_totals(
        _in_stretches(invoices_frame, stretches)(),
        until=AS_OF,
        since=since,
        bounds=purchase_bounds_frame(until=since),
    )
    assert client_features(in_stretches, as_of=AS_OF, last_seen=[]).equals(full)


def test_a_profile_on_a_column_the_rating_does_not_read_fits_as_on_its_own(portfolio):
    """A rating run reads only the account columns a rating measures, plus those the
    stored profiles look at; the fits it stores are the ones a refresh computes."""
    from cartera.analytics.profile import Condition, Profile
    from cartera.ratings.models import AccountFit
    from cartera.ratings.services import fits_refresh, profile_save
    from tests.factories import CampaignFactory

    fair = CampaignFactory(name="Feria")
    AccountFactory._meta.model.objects.filter(pk=portfolio["C2"].pk).update(campaign=fair)
    profile = Profile(
        "feria", (Condition("campaign", "eq", "Feria"), Condition("city", "eq", "Madrid"))
    )
    profile_save(definition=profile.to_dict(), by=SYSTEM)
    rating_policy_publish(name="t", definition=REVENUE_ONLY, by=SYSTEM)
    _rate()
    by_run = dict(AccountFit.objects.values_list("account__code", "fit"))
    fits_refresh(by=SYSTEM)
    assert dict(AccountFit.objects.values_list("account__code", "fit")) == by_run
    assert by_run["C2"] == 100
    assert by_run["C1"] == 50


def test_custom_attributes_a_policy_or_a_profile_names_are_read_and_rated(portfolio):
    """A run reads only the custom attributes it uses: a policy's measure (``visits``), a
    profile's condition (``terraza``) and the ``strategic`` flag, each as a typed column."""
    from cartera.analytics.profile import Condition, Profile
    from cartera.ratings.models import AccountFit
    from cartera.ratings.services import profile_save

    Account = AccountFactory._meta.model
    for code, attributes in (
        ("C1", {"visits": 2, "terraza": "sí", "noise": "x"}),
        ("C2", {"visits": 10, "terraza": "no"}),
        ("C3", {"visits": 6, "strategic": "yes"}),
        ("C4", {}),
    ):
        Account.objects.filter(pk=portfolio[code].pk).update(attributes=attributes)
    profile_save(definition=Profile("t", (Condition("terraza", "true"),)).to_dict(), by=SYSTEM)
    visits = {"kind": "ramp", "start": 0, "full": 10}
    criteria = [
        {"key": "visits", "measure": "visits", "weight": 1, "rule": visits},
        {"key": "strategic", "measure": "strategic", "weight": 1, "rule": {"kind": "flag"}},
    ]
    rating_policy_publish(name="t", definition={"name": "t", "criteria": criteria}, by=SYSTEM)
    _rate()
    # visits 2, 10, 6 and unknown score 10, 50, 30 and 0 of 50; C3 (custom) and C4
    # (the special-client flag) are strategic: 50 more.
    assert _levels() == {"C1": (10, "D"), "C2": (50, "B"), "C3": (80, "A"), "C4": (50, "B")}
    fits = dict(AccountFit.objects.values_list("account__code", "fit"))
    assert (fits["C1"], fits["C2"]) == (100, 0)


def test_each_run_keeps_the_stored_fits_those_of_the_accounts_as_they_are(portfolio):
    """Runs rewrite only the fits that changed, or all of them when most did: either way
    the stored fits are what the profiles say of the accounts now."""
    from cartera.analytics.profile import Condition, Profile
    from cartera.ratings.compute import profile_fits
    from cartera.ratings.inputs import accounts_frame
    from cartera.ratings.models import AccountFit
    from cartera.ratings.selectors import active_profiles

    def stored() -> dict[str, int]:
        return dict(AccountFit.objects.values_list("account__code", "fit"))

    def expected() -> dict[str, int]:
        fits = profile_fits(accounts_frame(user=SYSTEM), active_profiles())
        codes = dict(AccountFactory._meta.model.objects.values_list("pk", "code"))
        return {codes[a]: f for a, f in fits.select("account_id", "fit").iter_rows()}

    Account = AccountFactory._meta.model
    for code, city in (("C1", "Madrid"), ("C2", "Madrid"), ("C3", "Vigo"), ("C4", "Vigo")):
        Account.objects.filter(pk=portfolio[code].pk).update(city=city)
    profile = Profile("m", (Condition("city", "eq", "Madrid"),))
    profile_save(definition=profile.to_dict(), by=SYSTEM)
    rating_policy_publish(name="t", definition=REVENUE_ONLY, by=SYSTEM)
    _rate()
    assert stored() == expected() == {"C1": 100, "C2": 100, "C3": 0, "C4": 0}
    Account.objects.filter(pk=portfolio["C3"].pk).update(city="Madrid")  # one changes
    _rate()
    assert stored() == expected() == {"C1": 100, "C2": 100, "C3": 100, "C4": 0}
    profile_save(definition=Profile("m", (Condition("city", "eq", "Lugo"),)).to_dict(), by=SYSTEM)
    _rate()  # most change
    assert stored() == expected() == {"C1": 0, "C2": 0, "C3": 0, "C4": 0}


def test_an_accounts_read_takes_the_custom_attributes_named_or_all_of_them(portfolio):
    from cartera.ratings.inputs import accounts_frame

    Account = AccountFactory._meta.model
    Account.objects.filter(pk=portfolio["C1"].pk).update(attributes={"visits": 3, "noise": "x"})
    named = accounts_frame(user=SYSTEM, columns=("account_id", "status", "visits"))
    assert "visits" in named.columns
    assert "noise" not in named.columns
    assert named.filter(pl.col("client") == str(portfolio["C1"].pk))["visits"].to_list() == [3]
    every = accounts_frame(user=SYSTEM, columns=("account_id", "status", "attributes", "visits"))
    assert {"visits", "noise"} <= set(every.columns)


def test_numbers_in_the_short_text_are_written_as_the_reader_writes_them(portfolio):
    SaleFactory(account=portfolio["C1"], date=dt.date(2022, 1, 1), due_date=dt.date(2022, 1, 31),
                total=Decimal(10))  # fmt: skip
    tenure = {"name": "t", "criteria": [
        {"key": "tenure", "measure": "tenure_years", "weight": 1,
         "rule": {"kind": "ramp", "start": 0, "full": 10}},
        {"key": "age", "measure": "tenure_days", "weight": 1,
         "rule": {"kind": "ramp", "start": 0, "full": 5000}},
    ]}  # fmt: skip
    rating_policy_publish(name="t", definition=tenure, by=SYSTEM)
    _rate()
    # 2022-01-01 to 2026-06-30: 1,641 days, 4.49 years shown with one decimal.
    with translation.override("en"):
        assert "4.5 years" in account_rating(portfolio["C1"]).text
        assert "1,641 days" in account_rating(portfolio["C1"]).text
    with translation.override("es"):
        assert "4,5 años" in account_rating(portfolio["C1"]).text
    with translation.override("pt"):
        assert "4,5 anos" in account_rating(portfolio["C1"]).text
        assert "1.641 dias" in account_rating(portfolio["C1"]).text
