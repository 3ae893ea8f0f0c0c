"""The bulk writer stores exactly what the ORM would, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest
from django.db import transaction

from cartera.clients.models import Account
from cartera.common.bulk import bulk_insert, deferred_indexes, next_id, reset_sequences
from cartera.sales.models import Sale
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _sales_frame(account_id: int, first_id: int) -> pl.DataFrame:
    stamp = dt.datetime(2026, 3, 1, 10, 30, tzinfo=dt.UTC)
    return pl.DataFrame(
        {
            "id": [first_id, first_id + 1],
            "number": ["F-1", 'F-"2",x'],  # quotes and commas survive CSV COPY
            "kind": ["invoice", "credit_note"],
            "account_id": [account_id, account_id],
            "salesperson_id": pl.Series([None, None], dtype=pl.Int64),
            "date": [dt.date(2026, 3, 1), dt.date(2026, 3, 2)],
            "due_date": [dt.date(2026, 3, 31), dt.date(2026, 3, 2)],
            "channel": ["b2b", "ecommerce"],
            "total": [123456, -99],
            "cost_total": [0, 0],
            "credit_override_reason": ["", "sí, con motivo"],
            "created_at": [stamp, stamp],
            "updated_at": [stamp, stamp],
        }
    )


def test_bulk_insert_round_trips_money_dates_nulls_and_empty_text():
    account = AccountFactory()
    first = next_id(Sale)
    with transaction.atomic(), deferred_indexes(Sale):
        written = bulk_insert(Sale, _sales_frame(account.pk, first))
    reset_sequences(Sale)
    assert written == 2
    one, two = Sale.objects.order_by("id")
    assert (one.number, one.total, one.date, one.salesperson_id) == (
        "F-1",
        Decimal("1234.56"),
        dt.date(2026, 3, 1),
        None,
    )
    assert (two.number, two.total, two.credit_override_reason) == (
        'F-"2",x',
        Decimal("-0.99"),
        "sí, con motivo",
    )
    assert one.credit_override_reason == ""  # empty text stays text, not NULL
    assert one.created_at == dt.datetime(2026, 3, 1, 10, 30, tzinfo=dt.UTC)
    # The sequence moved past the explicit ids: the ORM can insert after a bulk load.
    assert (
        Sale.objects.create(
            number="F-3", account=account, date=dt.date(2026, 3, 3), due_date=dt.date(2026, 3, 3)
        ).pk
        == first + 2
    )


def test_bulk_insert_of_json_and_booleans():
    frame = pl.DataFrame(
        {
            "id": [next_id(Account)],
            "code": ["J1"],
            "legal_name": ["Json S.L."],
            "attributes": ['{"aforo": 120, "terraza": true}'],
            "is_special": [True],
            "is_archived": [False],
            "payment_terms_days": [30],
            "created_at": [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)],
            "updated_at": [dt.datetime(2026, 1, 1, tzinfo=dt.UTC)],
        }
    )
    blank_text = (
        "trade_name", "tax_id", "lost_reason", "segment", "industry", "revenue_band", "city",
        "region", "postal_code", "country", "phone", "email", "website", "source",
        "special_benefits",
    )  # fmt: skip
    defaults = dict.fromkeys(blank_text, "")
    defaults.update(kind="company", status="client")
    frame = frame.with_columns(**{k: pl.lit(v) for k, v in defaults.items()})
    bulk_insert(Account, frame)
    account = Account.objects.get(code="J1")
    assert account.attributes == {"aforo": 120, "terraza": True}
    assert account.is_special is True
    assert account.is_archived is False


def test_deferred_indexes_restores_every_index():
    from django.db import connection

    def index_names() -> set[str]:
        with connection.cursor() as cursor:
            return {
                name
                for name, c in connection.introspection.get_constraints(
                    cursor, Sale._meta.db_table
                ).items()
                if c["index"]
            }

    before = index_names()
    with transaction.atomic(), deferred_indexes(Sale):
        during = index_names()
    assert "sale_account_date_kind" in before
    assert "sale_account_date_kind" not in during
    assert index_names() == before


def test_columns_left_out_get_the_model_defaults():
    account = AccountFactory()
    frame = pl.DataFrame(
        {
            "id": [next_id(Sale)],
            "number": ["F-9"],
            "account_id": [account.pk],
            "date": [dt.date(2026, 3, 1)],
            "due_date": [dt.date(2026, 3, 1)],
        }
    )
    bulk_insert(Sale, frame)
    sale = Sale.objects.get(number="F-9")
    # kind, channel, totals and the override reason come from the fields' defaults.
    assert (sale.kind, sale.channel, sale.total, sale.credit_override_reason) == (
        "invoice", "b2b", Decimal("0.00"), "",
    )  # fmt: skip
    assert sale.created_at is not None
