"""Drift alerts from the database and the corrective activities they become (S3.4).

Ana's four hotels bought steadily from July 2024 to June 2026: Xana 1,000 and Yago 2,000
a month, Zoe 1,500 and Wen 500 times a seven-month cycle of ±3 % (averaging 1). From
July 2026 Xana buys nothing and Yago 900 a month. Bruno's two bars go on as before.
Checked on 2026-10-05, July – September are judged against a forecast made on the
months before them: Ana's portfolio (and the hotels segment) is far below the lower
bound three months running; Bruno's is not.

Against its own last twelve months, Yago should have bought 3 × 2,000 = 6,000 and
bought 2,700: a shortfall of 3,300; Xana 3,000 of 3,000 (lost). Xana also owes 1,000
past due; everything else is paid.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from cartera.activities.models import Activity
from cartera.goals.selectors import drift_check
from cartera.goals.services import drift_actions_create
from tests.factories import AccountFactory, ManagerFactory, PaymentFactory, SalespersonFactory
from tests.goals.months import months

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 10, 5)
# Seven months long, so that no seasonal model repeats it exactly: intervals keep a width.
CYCLE = tuple(Decimal(v) for v in ("1.00", "1.03", "0.98", "1.01", "0.97", "1.02", "0.99"))


@pytest.fixture
def portfolio(record_sales):
    ana = SalespersonFactory(name="Ana Souto")
    bruno = SalespersonFactory(name="Bruno Lage")
    hotel = {"owner": ana, "segment": "Hoteles"}
    bar = {"owner": bruno, "segment": "Bares"}
    xana = AccountFactory(code="XANA", **hotel)
    yago = AccountFactory(code="YAGO", **hotel)
    zoe = AccountFactory(code="ZOE", **hotel)
    wen = AccountFactory(code="WEN", **hotel)
    pia = AccountFactory(code="PIA", **bar)
    quim = AccountFactory(code="QUIM", **bar)
    rows = []
    for k, day in enumerate(months(dt.date(2024, 7, 1), 27)):
        late = day >= dt.date(2026, 7, 1)
        wave = CYCLE[k % 7]
        if not late:
            rows.append((xana, day, Decimal(1000)))
        rows.append((yago, day, Decimal(900) if late else Decimal(2000)))
        rows += [(zoe, day, 1500 * wave), (wen, day, 500 * wave)]
        rows += [(pia, day, 3000 * CYCLE[(k + 2) % 7]), (quim, day, 1200 * CYCLE[(k + 4) % 7])]
    record_sales(rows)
    for account in (xana, yago, zoe, wen, pia, quim):
        billed = sum(amount for who, _day, amount in rows if who == account)
        owed = Decimal(1000) if account == xana else Decimal(0)
        PaymentFactory(account=account, date=dt.date(2026, 9, 30), amount=billed - owed)
    return ana, bruno


def _alert(report, dimension: str, series: str):
    return next(a for a in report.alerts if (a.dimension, a.series) == (dimension, series))


def test_the_portfolio_and_segment_below_the_bound_raise_alerts(portfolio):
    ana, _bruno = portfolio
    report = drift_check(user=ManagerFactory(), as_of=AS_OF)
    assert report.through == dt.date(2026, 9, 1)
    assert {(a.dimension, a.series) for a in report.alerts} == {
        ("salesperson", "Ana Souto"),
        ("segment", "Hoteles"),
    }
    alert = _alert(report, "salesperson", "Ana Souto")
    assert (alert.start, alert.end, alert.months, alert.ongoing) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 1),
        3,
        True,
    )
    assert alert.salesperson_id == ana.pk
    assert alert.revenue < alert.lower < alert.forecast
    assert alert.gap == alert.forecast - alert.revenue


def test_the_clients_behind_the_gap_come_first_with_what_they_owe(portfolio):
    alert = _alert(drift_check(user=ManagerFactory(), as_of=AS_OF), "salesperson", "Ana Souto")
    top = alert.clients.head(2).select(
        "client", "status", "expected_cents", "revenue_cents", "shortfall_cents", "overdue_cents"
    )
    assert top.rows() == [
        ("YAGO", "shrinking", 600_000, 270_000, 330_000, None),
        ("XANA", "lost", 300_000, 0, 300_000, 100_000),
    ]
    assert alert.suggested["client"].to_list() == ["YAGO", "XANA"]


def test_a_salesperson_sees_only_alerts_on_their_own_clients(portfolio):
    ana, bruno = portfolio
    assert drift_check(user=bruno.user, as_of=AS_OF).alerts == ()
    mine = drift_check(user=ana.user, as_of=AS_OF)
    assert {a.series for a in mine.alerts} == {"Ana Souto", "Hoteles"}


def test_an_alert_becomes_a_visit_and_a_call_for_the_salesperson(portfolio):
    ana, _bruno = portfolio
    manager = ManagerFactory()
    report = drift_check(user=manager, as_of=AS_OF)
    with translation.override("en"):
        created = drift_actions_create(
            alert=_alert(report, "salesperson", "Ana Souto"), acting_user=manager, on=AS_OF
        )
    planned = {
        a.account.code: (a.kind, a.salesperson_id, a.date, a.next_action_on) for a in created
    }
    assert planned == {
        "XANA": ("visit", ana.pk, AS_OF, dt.date(2026, 10, 12)),
        "YAGO": ("call", ana.pk, AS_OF, dt.date(2026, 10, 7)),
    }
    xana = next(a for a in created if a.account.code == "XANA")
    assert xana.summary.startswith("Drift Ana Souto 2026-07 – 2026-09")
    assert "Lost" in xana.summary
    assert "Overdue 1,000.00" in xana.summary
    # The segment alert names the same clients: nothing is planned twice.
    again = drift_actions_create(
        alert=_alert(report, "segment", "Hoteles"), acting_user=manager, on=AS_OF
    )
    assert again == []
    assert Activity.objects.count() == 2


def test_only_a_manager_plans_actions_on_another_salespersons_clients(portfolio):
    ana, bruno = portfolio
    alert = _alert(drift_check(user=ManagerFactory(), as_of=AS_OF), "salesperson", "Ana Souto")
    with pytest.raises(PermissionDenied):
        drift_actions_create(alert=alert, acting_user=bruno.user, on=AS_OF)
    assert not Activity.objects.exists()
    own = drift_actions_create(alert=alert, acting_user=ana.user, clients=["XANA"], on=AS_OF)
    assert [a.account.code for a in own] == ["XANA"]


def test_clients_outside_the_alert_are_refused(portfolio):
    from django.core.exceptions import ValidationError

    alert = _alert(drift_check(user=ManagerFactory(), as_of=AS_OF), "salesperson", "Ana Souto")
    with pytest.raises(ValidationError):
        drift_actions_create(alert=alert, acting_user=ManagerFactory(), clients=["PIA"])
    assert alert.clients.filter(pl.col("client") == "PIA").is_empty()
