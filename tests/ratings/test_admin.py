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
