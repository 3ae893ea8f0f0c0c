"""Updates through the API: contacts, activities, products, campaigns (issue 10)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from cartera.api.services import token_create
from cartera.catalog.models import Product
from cartera.prospecting.models import Campaign
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    CampaignFactory,
    ContactFactory,
    ManagerFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


def _headers(user) -> dict[str, str]:
    token = token_create(user=user, name="tests", created_by=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token.secret}"}


def _patch(client, url, body, user):
    return client.patch(url, json.dumps(body), content_type="application/json", **_headers(user))


def test_owner_changes_a_contact_and_the_phone_is_normalised(client):
    contact = ContactFactory(account__country="ES")
    owner = contact.account.owner.user
    response = _patch(client, f"/api/v1/contacts/{contact.pk}", {"phone": "612 34 56 78"}, owner)
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == "+34612345678"


def test_another_salesperson_cannot_change_the_contact(client):
    contact = ContactFactory()
    stranger = AccountFactory().owner.user
    response = _patch(client, f"/api/v1/contacts/{contact.pk}", {"name": "X"}, stranger)
    assert response.status_code == 404


def test_owner_records_the_outcome_of_a_visit(client):
    activity = ActivityFactory()
    body = {"outcome": "positive", "next_action_on": "2026-12-01", "next_action": "Llevar oferta"}
    response = _patch(
        client, f"/api/v1/activities/{activity.pk}", body, activity.account.owner.user
    )
    assert response.status_code == 200, response.content
    activity.refresh_from_db()
    assert (activity.outcome, activity.next_action_on) == ("positive", dt.date(2026, 12, 1))


def test_only_a_manager_adds_or_changes_products_and_campaigns(client):
    salesperson = AccountFactory().owner.user
    manager = ManagerFactory()
    body = {"sku": "NEW-1", "name": "Nuevo", "list_price": "2.50", "unit_cost": "1.10"}
    refused = client.post(
        "/api/v1/products", json.dumps(body), content_type="application/json",
        **_headers(salesperson),
    )  # fmt: skip
    assert refused.status_code == 403
    created = client.post(
        "/api/v1/products", json.dumps(body), content_type="application/json", **_headers(manager)
    )
    assert created.status_code == 201, created.content
    product = Product.objects.get(sku="NEW-1")
    assert product.list_price == Decimal("2.50")
    changed = _patch(client, f"/api/v1/products/{product.pk}", {"list_price": "2.75"}, manager)
    assert changed.status_code == 200
    assert Product.objects.get(pk=product.pk).list_price == Decimal("2.75")

    campaign = CampaignFactory(cost=Decimal("1000.00"))
    assert (
        _patch(
            client, f"/api/v1/campaigns/{campaign.pk}", {"cost": "1500.00"}, salesperson
        ).status_code
        == 403
    )
    assert (
        _patch(client, f"/api/v1/campaigns/{campaign.pk}", {"cost": "1500.00"}, manager).status_code
        == 200
    )
    assert Campaign.objects.get(pk=campaign.pk).cost == Decimal("1500.00")


def test_a_duplicate_sku_is_a_field_error(client):
    ProductFactory(sku="DUP")
    body = {"sku": "DUP", "name": "Otro"}
    response = client.post(
        "/api/v1/products", json.dumps(body), content_type="application/json",
        **_headers(ManagerFactory()),
    )  # fmt: skip
    assert response.status_code == 422
    assert "sku" in response.json()["errors"]
