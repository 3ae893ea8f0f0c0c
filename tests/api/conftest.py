"""Fixtures of the API tests: two salespeople's books, a manager, tokens for each."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cartera.api.services import token_create
from cartera.users.models import User
from tests.factories import (
    AccountFactory,
    AdminFactory,
    ManagerFactory,
    ProductFactory,
    SalespersonFactory,
)


@dataclass
class Api:
    """A test client speaking JSON to /api/v1/ with one user's token."""

    client: Client
    token: str | None

    def call(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}
        url = f"/api/v1{path}"
        if method == "get":
            return self.client.get(url, query, **headers)
        data = json.dumps(body, default=str) if body is not None else ""
        return getattr(self.client, method)(
            url, data=data, content_type="application/json", **headers
        )

    def get(self, path: str, **query: Any) -> Any:
        return self.call("get", path, **query)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("post", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.call("patch", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.call("put", path, body)


def api_for(user: User | None) -> Api:
    if user is None:
        return Api(Client(), None)
    issued = token_create(user=user, name="tests", created_by=user)
    return Api(Client(), issued.secret)


@dataclass
class World:
    ana: Any
    luis: Any
    manager: User
    admin: User
    mine: Any
    theirs: Any
    product: Any


@pytest.fixture
def world(db: None) -> World:
    ana = SalespersonFactory(name="Ana")
    luis = SalespersonFactory(name="Luis")
    return World(
        ana=ana,
        luis=luis,
        manager=ManagerFactory(),
        admin=AdminFactory(),
        mine=AccountFactory(owner=ana, code="ANA1", legal_name="Bar de Ana"),
        theirs=AccountFactory(owner=luis, code="LUIS1", legal_name="Bar de Luis"),
        product=ProductFactory(sku="COLA", list_price=Decimal("2.00"), unit_cost=Decimal("1.00")),
    )
