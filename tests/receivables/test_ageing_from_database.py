"""Ageing and provisions computed from the database at three dates, by hand (S1.11).

Client C1 (30 days): F1 2026-01-10 due 02-09 for 300.00, F2 2026-02-15 due 03-17 for
500.00; P1 on 03-01 pays 200.00 (no invoice named: oldest due first, so F1), P2 on
05-20 pays 100.00 of F1. Client C2 (cash, bankrupt, provisioned at 100 %): F3
2025-10-01 for 1,000.00, never paid.

On 2026-02-20 (before P1): F1 300 is 11 days overdue (1–30), F2 not due, F3 142 days
(91–180). Provision: 1 % of 300 = 3.00, plus C2's 1,000.00 = 1,003.00.
On 2026-03-31: F1 100 is 50 days (31–60), F2 500 is 14 days (1–30), F3 181 days
(181–365). Provision: 5 % of 100 + 1 % of 500 = 10.00, plus 1,000.00 = 1,010.00.
On 2026-06-30: F1 is paid; F2 is 105 days (91–180), F3 272 days (181–365).
Provision: 30 % of 500 = 150.00, plus 1,000.00 = 1,150.00.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cartera.receivables.selectors import (
    ageing_report,
    dunning_report,
    provision_movement_report,
    provision_report,
)
from cartera.receivables.services import payment_record, provision_override_set
from cartera.sales.services import LineInput, sale_record
from tests.factories import AccountFactory, ManagerFactory, ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ledger():
    product = ProductFactory(list_price=Decimal("100.00"))
    c1 = AccountFactory(code="C1", payment_terms_days=30, credit_limit=None)
    c2 = AccountFactory(code="C2", payment_terms_days=0, credit_limit=None)
    lines = lambda n: [LineInput(product=product, quantity=Decimal(n))]  # noqa: E731
    f1 = sale_record(number="F1", account=c1, date=dt.date(2026, 1, 10), lines=lines(3))
    sale_record(number="F2", account=c1, date=dt.date(2026, 2, 15), lines=lines(5))
    sale_record(number="F3", account=c2, date=dt.date(2025, 10, 1), lines=lines(10))
    payment_record(reference="P1", account=c1, date=dt.date(2026, 3, 1), amount=Decimal(200))
    payment_record(
        reference="P2", account=c1, date=dt.date(2026, 5, 20), amount=Decimal(100), sale=f1
    )
    provision_override_set(account=c2, percent=Decimal(100), reason="Concurso", by=None)
    return ManagerFactory()


def _open_by_bucket(aged) -> dict[str, Decimal]:
    return {b.label: b.amount for b in aged.totals if b.amount}


@pytest.mark.parametrize(
    ("as_of", "buckets", "total", "provision"),
    [
        (
            dt.date(2026, 2, 20),
            {"not due": Decimal(500), "1–30": Decimal(300), "91–180": Decimal(1000)},
            Decimal(1800),
            Decimal("1003.00"),
        ),
        (
            dt.date(2026, 3, 31),
            {"1–30": Decimal(500), "31–60": Decimal(100), "181–365": Decimal(1000)},
            Decimal(1600),
            Decimal("1010.00"),
        ),
        (
            dt.date(2026, 6, 30),
            {"91–180": Decimal(500), "181–365": Decimal(1000)},
            Decimal(1500),
            Decimal("1150.00"),
        ),
    ],
)
def test_ageing_and_provision_at_three_dates(ledger, as_of, buckets, total, provision):
    aged = ageing_report(user=ledger, as_of=as_of)
    assert _open_by_bucket(aged) == buckets
    assert aged.total_open == total
    assert provision_report(user=ledger, as_of=as_of).total == provision


def test_an_invoice_paid_later_is_still_open_at_an_earlier_date(ledger):
    # OCA account-financial-reporting #707: F1 was paid in May, but on 31 March it was owed.
    items = ageing_report(user=ledger, as_of=dt.date(2026, 3, 31)).items
    f1 = items.filter(items["invoice"] == "F1")
    assert f1["open_cents"].to_list() == [10000]
    assert f1["days_overdue"].to_list() == [50]


def test_ageing_by_abc_class_sums_to_the_total(ledger):
    aged = ageing_report(user=ledger, as_of=dt.date(2026, 3, 31), with_abc=True)
    by_class = aged.table(by="abc")
    # C2 (1,000 of 1,800 sold in the window) and C1 are both A: nothing before them
    # reaches 80 % of the revenue.
    assert by_class.select("abc", "open_cents").rows() == [("A", 160000)]


def test_provision_movement_between_two_dates(ledger):
    movement = provision_movement_report(
        user=ledger, start=dt.date(2026, 3, 31), end=dt.date(2026, 6, 30)
    )
    assert (movement.opening, movement.closing) == (Decimal("1010.00"), Decimal("1150.00"))
    assert (movement.charge, movement.release) == (Decimal("140.00"), Decimal("0.00"))
    assert movement.by_client["client"].to_list() == ["C1"]


def test_the_salesperson_sees_only_their_clients_debt(ledger):
    from cartera.clients.models import Account

    c1 = Account.objects.get(code="C1")
    aged = ageing_report(user=c1.owner.user, as_of=dt.date(2026, 3, 31))
    assert aged.total_open == Decimal(600)
    assert set(aged.items["client"].to_list()) == {"C1"}


def test_dunning_list_names_the_purchasing_contact(ledger):
    from cartera.clients.models import Account
    from cartera.clients.services import contact_create

    c2 = Account.objects.get(code="C2")
    contact_create(account=c2, name="Rosa Gil", phone="612345678", is_purchasing=True)
    report = dunning_report(user=ledger, as_of=dt.date(2026, 3, 31))
    first = report.clients.row(0, named=True)
    assert (first["client"], first["contact"], first["phone"]) == ("C2", "Rosa Gil", "+34612345678")
    assert first["oldest_days_overdue"] == 181


def test_aging_command_writes_the_pinned_json(ledger, tmp_path):
    from cartera.cli.main import _register_commands, app

    _register_commands()
    out = tmp_path / "aging.json"
    result = CliRunner().invoke(
        app, ["receivables", "aging", "--as-of", "2026-03-31", "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["as_of"] == "2026-03-31"
    assert report["total_open"] == 1600.0
    assert report["total_overdue"] == 1600.0
    assert [b["amount"] for b in report["buckets"]] == [0.0, 500.0, 100.0, 0.0, 0.0, 1000.0, 0.0]
    assert [b["invoices"] for b in report["buckets"]] == [0, 1, 1, 0, 0, 1, 0]
    assert report["provision"]["total"] == 1010.0
    assert report["provision"]["overridden_clients"] == 1000.0
    assert [b["amount"] for b in report["provision"]["by_bucket"]][:3] == [0.0, 5.0, 5.0]


def test_aging_command_refuses_a_bad_date(ledger):
    from cartera.cli.main import _register_commands, app

    _register_commands()
    result = CliRunner().invoke(app, ["receivables", "aging", "--as-of", "31/03/2026"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_credit_report_uses_one_matching_for_every_table(ledger):
    from cartera.receivables.selectors import credit_report

    report = credit_report(user=ledger, as_of=dt.date(2026, 3, 31))
    exposure = dict(report.exposure.select("client", "exposure_cents").iter_rows())
    assert exposure == {"C1": 60000, "C2": 100000}
    assert report.concentration["open_cents"].sum() == 160000
    assert set(report.solvency["client"].to_list()) == {"C1", "C2"}
    # C2 has paid nothing of a debt 181 days overdue: the lowest score.
    assert report.solvency["client"][0] == "C2"
