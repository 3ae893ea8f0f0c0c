"""The rating policy in the admin: edited as JSON, saved as a new version, errors located
(issue 7; S4.5)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from cartera.analytics.rating import default_policy
from cartera.ratings.models import RatingPolicyVersion
from cartera.ratings.services import rating_policy_publish
from tests.factories import AdminFactory, ManagerFactory, SalespersonFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def stored(db):
    return rating_policy_publish(name="default", definition=default_policy().to_dict(),
                                 by=AdminFactory())  # fmt: skip


def _form(definition: dict, name: str = "default") -> dict:
    return {"name": name, "definition": json.dumps(definition), "is_active": "on", "note": "x"}


def test_saving_an_edited_policy_stores_a_new_version(client, stored):
    client.force_login(ManagerFactory(is_staff=True))
    edited = stored.definition | {"window_days": 180}
    url = reverse("admin:ratings_ratingpolicyversion_change", args=[stored.pk])
    response = client.post(url, _form(edited))
    assert response.status_code == 302, response.content[:2000]
    versions = list(RatingPolicyVersion.objects.order_by("version").values_list(
        "version", "is_active", "definition__window_days"))  # fmt: skip
    assert versions == [(1, False, 365), (2, True, 180)]


def test_an_invalid_policy_shows_the_path_of_the_field(client, stored):
    client.force_login(ManagerFactory(is_staff=True))
    broken = json.loads(json.dumps(stored.definition))
    broken["criteria"][2]["rule"]["full"] = broken["criteria"][2]["rule"]["start"]
    url = reverse("admin:ratings_ratingpolicyversion_change", args=[stored.pk])
    response = client.post(url, _form(broken))
    assert response.status_code == 200
    assert "criteria[2].rule.full: must differ from start" in response.content.decode()
    assert RatingPolicyVersion.objects.count() == 1


def test_a_salesperson_cannot_change_the_policy_in_the_admin(client, stored):
    person = SalespersonFactory()
    person.user.is_staff = True
    person.user.save()
    client.force_login(person.user)
    url = reverse("admin:ratings_ratingpolicyversion_change", args=[stored.pk])
    response = client.post(url, _form(stored.definition | {"window_days": 90}))
    assert response.status_code == 403
    assert RatingPolicyVersion.objects.count() == 1


REVENUE_ONLY = {"name": "t", "criteria": [
    {"key": "revenue", "measure": "revenue_cents", "weight": 1, "rule": {"kind": "percentile"}},
]}  # fmt: skip


def _rated(clients: int) -> None:
    import datetime as dt
    from decimal import Decimal

    from cartera.common.scoping import SYSTEM
    from cartera.ratings.services import rating_recalculate
    from tests.factories import AccountFactory, SaleFactory

    for euros in range(1, clients + 1):
        SaleFactory(account=AccountFactory(), date=dt.date(2026, 3, 1),
                    due_date=dt.date(2026, 3, 31), total=Decimal(100 * euros))  # fmt: skip
    rating_policy_publish(name="t", definition=REVENUE_ONLY, by=SYSTEM)
    rating_recalculate(by=SYSTEM, policy_name="t", as_of=dt.date(2026, 6, 30))


def test_the_rating_list_writes_its_texts_for_the_page_at_once(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(AdminFactory())
    url = reverse("admin:ratings_rating_changelist")
    _rated(2)
    client.get(url)  # what a first page caches (the company's formats) is not counted
    with CaptureQueriesContext(connection) as few:
        assert "ventas percentil 100 +100" in client.get(url).content.decode()
    _rated(6)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    # Every rating shown has its text: two clients tie at the bottom with no points.
    assert (page.count("ventas percentil "), page.count("D: sin puntos")) == (6, 2)
    # One lookup of the ratings' policy for the page, not one per rating shown.
    assert len(many.captured_queries) == len(few.captured_queries)
