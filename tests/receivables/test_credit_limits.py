"""Credit limits that hold (S1.8): refusal with the figures, logged override, no race."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cartera.receivables import credit
from cartera.receivables.credit import CreditLimitExceededError, exposure_of
from cartera.receivables.models import CreditEvent
from cartera.receivables.services import credit_limit_set, payment_record
from cartera.sales.models import Sale, SaleKind
from cartera.sales.services import LineInput, sale_record
from tests.factories import AccountFactory, ManagerFactory, ProductFactory

DAY = dt.date(2026, 3, 2)


def _sell(account, product, quantity, number, **extra):
    return sale_record(
        number=number,
        account=account,
        date=DAY,
        lines=[LineInput(product=product, quantity=Decimal(quantity))],
        **extra,
    )


@pytest.mark.django_db
def test_exposure_is_open_balance_plus_unbilled_orders():
    account = AccountFactory(credit_limit=Decimal("5000.00"))
    product = ProductFactory(list_price=Decimal("100.00"))
    _sell(account, product, 10, "F1")  # 1,000.00 invoiced
    _sell(account, product, 3, "O1", kind=SaleKind.ORDER)  # 300.00 on order
    payment_record(reference="P1", account=account, date=DAY, amount=Decimal("400.00"))
    exposure = exposure_of(account.pk)
    assert exposure.open_balance == Decimal("600.00")
    assert exposure.unbilled_orders == Decimal("300.00")
    assert exposure.total == Decimal("900.00")
    assert exposure.headroom() == Decimal("4100.00")


@pytest.mark.django_db
def test_a_sale_over_the_limit_is_refused_with_the_figures():
    account = AccountFactory(credit_limit=Decimal("1000.00"), trade_name="Bar Sol")
    product = ProductFactory(list_price=Decimal("100.00"))
    _sell(account, product, 8, "F1")
    with pytest.raises(CreditLimitExceededError) as refused:
        _sell(account, product, 3, "F2")
    message = refused.value.message_dict["credit_limit"][0]
    for figure in ("300.00", "1000.00", "800.00", "1100.00", "100.00", "Bar Sol"):
        assert figure in message
    assert not Sale.objects.filter(number="F2").exists()


@pytest.mark.django_db
def test_a_manager_can_let_a_sale_exceed_the_limit_with_a_reason_and_it_is_logged():
    account = AccountFactory(credit_limit=Decimal("1000.00"))
    product = ProductFactory(list_price=Decimal("100.00"))
    manager = ManagerFactory()
    sale = _sell(
        account, product, 12, "F1", credit_override_by=manager,
        credit_override_reason="Pedido de temporada, paga siempre",
    )  # fmt: skip
    event = CreditEvent.objects.get(sale=sale)
    assert (event.kind, event.user, event.amount, event.exposure, event.new_limit) == (
        CreditEvent.Kind.OVERRIDE, manager, Decimal("1200.00"), Decimal("0.00"),
        Decimal("1000.00"),
    )  # fmt: skip
    assert sale.credit_override_by == manager


@pytest.mark.django_db
def test_a_salesperson_cannot_override_and_an_override_needs_a_reason():
    account = AccountFactory(credit_limit=Decimal("100.00"))
    product = ProductFactory(list_price=Decimal("100.00"))
    with pytest.raises(ValidationError) as not_allowed:
        _sell(account, product, 2, "F1", credit_override_by=account.owner.user,
              credit_override_reason="por favor")  # fmt: skip
    assert not_allowed.value.error_dict["credit_override"][0].code == "override_not_allowed"
    with pytest.raises(ValidationError) as no_reason:
        _sell(account, product, 2, "F1", credit_override_by=ManagerFactory())
    assert no_reason.value.error_dict["credit_override"][0].code == "override_needs_reason"


@pytest.mark.django_db
def test_no_limit_means_no_check_and_zero_means_no_credit():
    product = ProductFactory(list_price=Decimal("100.00"))
    _sell(AccountFactory(credit_limit=None), product, 1000, "F1")
    with pytest.raises(CreditLimitExceededError):
        _sell(AccountFactory(credit_limit=Decimal(0)), product, 1, "F2")


@pytest.mark.django_db
def test_a_credit_note_is_never_refused():
    account = AccountFactory(credit_limit=Decimal(0))
    product = ProductFactory(list_price=Decimal("100.00"))
    note = _sell(account, product, 1, "A1", kind=SaleKind.CREDIT_NOTE)
    assert note.total == Decimal("-100.00")


@pytest.mark.django_db
def test_changing_a_limit_is_logged_and_only_for_managers():
    account = AccountFactory(credit_limit=Decimal("1000.00"))
    manager = ManagerFactory()
    credit_limit_set(account=account, limit=Decimal("2500.00"), reason="Buen pagador", by=manager)
    event = CreditEvent.objects.get(account=account)
    assert (event.old_limit, event.new_limit, event.user) == (
        Decimal("1000.00"), Decimal("2500.00"), manager,
    )  # fmt: skip
    with pytest.raises(ValidationError):
        credit_limit_set(account=account, limit=None, reason="x", by=account.owner.user)


@pytest.mark.django_db(transaction=True)
def test_two_sales_recorded_at_once_cannot_both_use_the_same_headroom(monkeypatch):
    """Each would fit alone (600 of 1,000); together they exceed it: exactly one passes.

    Reading the exposure is slowed down so that, without the row lock, both
    transactions would read an exposure of 0 and both pass.
    """
    account = AccountFactory(credit_limit=Decimal("1000.00"))
    product = ProductFactory(list_price=Decimal("600.00"))
    original = credit.exposure_of

    def slow_exposure(account_id: int) -> credit.Exposure:
        seen = original(account_id)
        time.sleep(0.4)
        return seen

    monkeypatch.setattr(credit, "exposure_of", slow_exposure)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def record(number: str) -> None:
        try:
            barrier.wait(timeout=10)
            _sell(account.pk, product, 1, number)
            outcomes.append("recorded")
        except CreditLimitExceededError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(n,)) for n in ("R1", "R2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["recorded", "refused"]
    assert exposure_of(account.pk).total == Decimal("600.00")
