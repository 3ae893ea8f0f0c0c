"""Client metrics and cached analyses follow the data versions (issue 9; S3.7, S4.4, S0.4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from cartera.catalog.models import Product
from cartera.common.dataversion import Topic, data_changed, data_versions
from cartera.metrics.models import ClientMetrics
from cartera.metrics.portfolio import portfolio_diagnosis
from cartera.metrics.selectors import latest_run, run_is_current
from cartera.metrics.services import metrics_refresh, metrics_refresh_if_stale
from cartera.receivables.services import payment_record
from cartera.sales.services import LineInput, sale_record

pytestmark = pytest.mark.django_db


def test_a_version_moves_only_when_the_write_commits(django_capture_on_commit_callbacks):
    before = data_versions(Topic.SALES, Topic.ACTIVITIES)
    with django_capture_on_commit_callbacks(execute=True):
        data_changed(Topic.SALES)
    assert data_versions(Topic.SALES, Topic.ACTIVITIES) == (before[0] + 1, before[1])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                data_changed(Topic.SALES)
                raise RuntimeError("the write fails")
        except RuntimeError:
            pass
    assert callbacks == []
    assert data_versions(Topic.SALES)[0] == before[0] + 1


def test_an_unknown_topic_is_refused():
    with pytest.raises(ValueError, match="nonsense"):
        data_changed("nonsense")


def test_refresh_stores_abc_rfm_and_purchase_dates_per_client(book):
    run = metrics_refresh()
    assert (run.as_of, run.clients) == (dt.date(2026, 6, 10), 3)
    # Too few repeat buyers for the value models: said so, values left empty.
    assert not run.clv_fitted
    assert "repeat purchases" in run.note
    rows = {m.account.code: m for m in ClientMetrics.objects.select_related("account").all()}
    assert set(rows) == {"Z-UNO", "Z-DOS", "O-TRES"}  # the prospect never bought
    # 600 + 370 + 30 = 1,000: Uno is A (nothing before it), Tres A (60 % before it < 80 %),
    # Dos C (97 % before it, past 95 %).
    assert {code: m.abc_class for code, m in rows.items()} == {
        "Z-UNO": "A",
        "O-TRES": "A",
        "Z-DOS": "C",
    }
    assert rows["Z-UNO"].window_revenue == Decimal("600.00")
    assert rows["Z-UNO"].first_purchase == dt.date(2026, 3, 10)
    assert rows["Z-UNO"].last_purchase == dt.date(2026, 6, 10)
    assert rows["Z-UNO"].purchase_days == 2
    assert rows["Z-UNO"].p_alive is None
    assert all(m.movement == "new" for m in rows.values())


def test_refresh_runs_again_only_after_a_committed_sale(book, django_capture_on_commit_callbacks):
    first = metrics_refresh_if_stale()
    assert run_is_current(first)
    assert metrics_refresh_if_stale() == first  # nothing changed: same run
    with django_capture_on_commit_callbacks(execute=True):
        sale_record(
            number="F-9",
            account=book.dos,
            date=dt.date(2026, 6, 11),
            lines=[LineInput(product=Product.objects.get(sku="GAZ-1"), quantity=Decimal(100))],
        )
    assert not run_is_current(first)
    second = metrics_refresh_if_stale()
    assert second.pk != first.pk
    assert latest_run() == second
    # 1,000 € more for Dos: 1,030 of 2,000 puts it first, so now it is the A client.
    assert ClientMetrics.objects.get(account=book.dos).window_revenue == Decimal("1030.00")


def test_a_committed_payment_makes_the_run_stale(book, django_capture_on_commit_callbacks):
    # The stored metrics hold each client's open receivables: a payment changes them.
    first = metrics_refresh_if_stale()
    assert run_is_current(first)
    with django_capture_on_commit_callbacks(execute=True):
        payment_record(
            reference="P-9", account=book.dos, date=dt.date(2026, 6, 11), amount=Decimal("1.00")
        )
    assert not run_is_current(first)


def test_a_big_portfolio_is_not_refreshed_while_a_page_waits(book, settings):
    settings.CARTERA_METRICS_INLINE_MAX_CLIENTS = 2
    assert metrics_refresh_if_stale() is None
    assert not ClientMetrics.objects.exists()


def test_cached_diagnosis_is_recomputed_after_a_sale(book, django_capture_on_commit_callbacks):
    first = portfolio_diagnosis(user=book.manager)
    assert first.revenue.window == Decimal("1000.00")
    with django_capture_on_commit_callbacks(execute=True):
        sale_record(
            number="F-10",
            account=book.tres,
            date=dt.date(2026, 6, 12),
            lines=[LineInput(product=Product.objects.get(sku="SAL-1"), quantity=Decimal(1))],
        )
    assert portfolio_diagnosis(user=book.manager).revenue.window == Decimal("1010.00")


def test_each_salesperson_gets_the_diagnosis_of_their_own_book(book):
    assert portfolio_diagnosis(user=book.ana.user).revenue.window == Decimal("630.00")
    assert portfolio_diagnosis(user=book.luis.user).revenue.window == Decimal("370.00")
    assert portfolio_diagnosis(user=book.manager).revenue.window == Decimal("1000.00")
