"""schemathesis against the OpenAPI document: 0 server errors, 0 schema violations (issue 10).

Every operation is called with generated data — valid and invalid — as a manager and
as a salesperson, through the WSGI application (no server, the test's own database).
Each response must be no server error, have a status the document declares, the
declared content type (``application/problem+json`` for errors) and a body that
matches the declared schema. Then a stateful run follows the document's links (create
an account, then read, change, archive it, list its sales …).

Bounded for CI: a fixed seed, derandomised, a few examples per operation.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cartera.api.services import token_create
from tests.factories import AccountFactory, ManagerFactory, ProductFactory, SalespersonFactory

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # The WSGI handler closes the database connection after each request; inside a
    # test that would close the test's transaction. Django's test client does the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db: None) -> dict[str, str]:
    ana = SalespersonFactory(name="Ana")
    AccountFactory(owner=ana, credit_limit=Decimal("100.00"))
    ProductFactory(sku="S1")
    manager = ManagerFactory()
    return {
        "manager": token_create(user=manager, name="fuzz", created_by=manager).secret,
        "salesperson": token_create(user=ana.user, name="fuzz", created_by=ana.user).secret,
    }


# Each case is sent once, as a manager or a salesperson in turn: half the calls of
# sending both, and each role still meets every operation's boundary values.
_roles = itertools.cycle(("manager", "salesperson"))


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_within_its_contract(case, tokens):
    response = case.call(headers={"Authorization": f"Bearer {tokens[next(_roles)]}"})
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    case.validate_response(response, checks=CHECKS)


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Chains calls along the document's links: create an account, then use it."""

    token = ""
    statuses: list[int] = []  # every answer of the run, so the test can tell it ran

    def get_call_kwargs(self, case):
        return {"headers": {"Authorization": f"Bearer {self.token}"}}

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        Workflow.statuses.append(response.status_code)
        case.validate_response(response, checks=CHECKS)


def test_linked_calls_keep_the_contract(tokens):
    Workflow.token = tokens["manager"]
    Workflow.statuses = []
    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=12,
            stateful_step_count=8,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    # The run followed links and got answers, none of them a server error.
    assert len(Workflow.statuses) >= 12
    assert all(status < 500 for status in Workflow.statuses)
    assert any(200 <= status < 300 for status in Workflow.statuses)
