"""Bulk loads put indexes and foreign keys aside and restore them (issue 5, point 5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from cartera.imports import services
from cartera.sales.models import Sale, SaleLine
from tests.factories import AccountFactory, ProductFactory
from tests.imports.helpers import counts, run, write_text

pytestmark = pytest.mark.django_db


def _constraints() -> dict[str, tuple[list[str], int]]:
    with connection.cursor() as cursor:
        found = {}
        for model in (Sale, SaleLine):
            table = model._meta.db_table
            described = connection.introspection.get_constraints(cursor, table)
            indexes = sorted(n for n, c in described.items() if c["index"] and not c["unique"])
            keys = sum(1 for c in described.values() if c["foreign_key"])
            found[table] = (indexes, keys)
        return found


def test_a_big_load_restores_every_index_and_foreign_key(tmp_path, monkeypatch):
    AccountFactory(code="C-1")
    ProductFactory(sku="P1", list_price=Decimal("2"))
    before = _constraints()
    monkeypatch.setattr(services, "BIG_LOAD", 1)
    path = write_text(
        tmp_path / "sales.csv",
        "invoice,date,client,product,quantity\nF-1,2026-01-02,C-1,P1,3\nF-2,2026-01-03,C-1,P1,1\n",
    )
    report = run("sales", path)
    assert (counts(report), counts(report, "sale_lines")) == ((2, 0, 0), (2, 0, 0))
    assert _constraints() == before
    assert sorted(Sale.objects.values_list("number", "total")) == [
        ("F-1", Decimal("6.00")),
        ("F-2", Decimal("2.00")),
    ]


@pytest.mark.django_db(transaction=True)
def test_an_import_bumps_the_data_versions_of_what_it_wrote(tmp_path):
    from cartera.common.dataversion import data_versions

    AccountFactory(code="C-1")
    ProductFactory(sku="P1", list_price=Decimal("2"))
    before = data_versions("sales", "payments")
    path = write_text(tmp_path / "s.csv", "invoice,date,client,product\nF-1,2026-01-02,C-1,P1\n")
    run("sales", path)
    after = data_versions("sales", "payments")
    assert (after[0] > before[0], after[1] == before[1]) == (True, True)
