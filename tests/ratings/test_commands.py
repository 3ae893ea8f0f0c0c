"""The commands of issue 7: output, JSON, and bad input as a located message with exit code 2.

``cartera rate``, ``profile suggest``, ``pipeline``, ``contacts due`` and ``handover``
run here in the test's transaction (the bridge reads through Django's connection).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import typer
from django.utils import translation
from typer.testing import CliRunner

from cartera.cli import contacts, handover, pipeline, rating
from cartera.clients.models import OwnershipPeriod
from tests.factories import AccountFactory, ManagerFactory, SaleFactory, SalespersonFactory

runner = CliRunner()


@pytest.fixture(autouse=True)
def english_and_no_acting_user_left_behind():
    # Messages are asserted in English (the default language is Spanish). A command's
    # --as sets the audit's acting user for the context; reset it so that a later test
    # does not record history under a login its own transaction never had.
    from cartera.audit.context import acting_as

    with translation.override("en"), acting_as(None):
        yield


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    for module in (rating, pipeline, contacts, handover):
        module.register(app)
    return app


@pytest.fixture
def book(db):
    ana, luis = SalespersonFactory(name="Ana"), SalespersonFactory(name="Luis")
    for code, city, euros in (("C1", "Madrid", 400), ("C2", "Toledo", 100)):
        account = AccountFactory(code=code, owner=ana, city=city)
        OwnershipPeriod.objects.create(account=account, salesperson=ana,
                                       started_on=dt.date(2024, 1, 1))  # fmt: skip
        SaleFactory(account=account, date=dt.date(2026, 3, 1), due_date=dt.date(2026, 3, 31),
                    total=Decimal(euros))  # fmt: skip
    return {"ana": ana, "luis": luis, "manager": ManagerFactory(username="boss")}


def test_rate_prints_the_levels_and_writes_json(app, book, tmp_path):
    out = tmp_path / "rate.json"
    result = runner.invoke(app, ["rate", "--as-of", "2026-06-30", "--json", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text())
    assert (payload["policy"], payload["version"], payload["clients"]) == ("default", 1, 2)
    assert sorted(c["client"] for c in payload["changes"]) == ["C1", "C2"]
    assert {c["change"] for c in payload["changes"]} == {"new"}
    assert sum(payload["levels"].values()) == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["rate", "--as-of", "2026-13-01"], "--as-of expects a date"),
        (["rate", "--policy", "nope"], "policy"),
        (["rate", "--as", "ghost"], "--as: there is no active user"),
        (["profile", "suggest", "--best", "nope"], "--best expects rating or top-decile"),
        (["contacts", "due", "--salesperson", "Nobody"], "--salesperson: no single salesperson"),
        (["handover", "--from", "Ana", "--to", "Luis", "--reason", "x", "--filter", "city"],
         "--filter expects name=value"),
        (["handover", "--from", "Ana", "--to", "Luis", "--reason", "x", "--filter", "ciudad=X"],
         "Unknown filter ciudad"),
        (["handover", "--from", "Ana", "--to", "Luis"], "--reason is needed"),
        (["handover", "--from", "Ana", "--to", "Luis", "--to", "Ana", "--reason", "x"],
         "several --to only with --leave"),
    ],
)  # fmt: skip
def test_bad_input_is_a_located_message_and_exit_code_2(app, book, arguments, message):
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_a_salesperson_is_refused_with_exit_code_2(app, book):
    username = book["ana"].user.username
    for arguments in (
        ["rate", "--as", username],
        ["handover", "--from", "Ana", "--to", "Luis", "--reason", "x", "--as", username],
    ):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 2, result.output
        assert "Only a manager" in result.output


def test_handover_of_a_filtered_set_and_a_departure(app, book):
    moving = ["--filter", "city=Madrid", "--reason", "Zona centro", "--as", "boss"]
    result = runner.invoke(app, ["handover", "--from", "Ana", "--to", "Luis", *moving])
    assert result.exit_code == 0, result.output
    assert "1 accounts handed over to Luis" in result.output
    result = runner.invoke(app, ["handover", "--from", "Ana", "--to", "Luis", "--leave",
                                 "--reason", "Jubilación", "--on", "2026-07-01"])  # fmt: skip
    assert result.exit_code == 0, result.output
    book["ana"].refresh_from_db()
    assert (book["ana"].is_active, book["ana"].left_on) == (False, dt.date(2026, 7, 1))
    assert book["ana"].accounts.count() == 0


def test_pipeline_and_contacts_run_on_an_empty_pipeline(app, book, tmp_path):
    assert runner.invoke(app, ["rate", "--as-of", "2026-06-30"]).exit_code == 0
    out = tmp_path / "pipeline.json"
    result = runner.invoke(app, ["pipeline", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "0 prospects" in result.output
    result = runner.invoke(app, ["contacts", "due", "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    assert "Ana: 2 clients due" in result.output
