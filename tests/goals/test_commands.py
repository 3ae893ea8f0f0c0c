"""``cartera forecast`` and ``cartera goals``: the JSON keys, the HTML, bad input (S3.5, S3.4)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from cartera.cli.main import _register_commands, app
from cartera.goals.models import Goal
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

AS_OF = "2026-10-05"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _forget_the_acting_user():
    # `--as` records the acting login for the audit trail in the running context; a later
    # test must not inherit a login that its own transaction rolled back.
    from cartera.audit.context import acting_as

    with acting_as(None):
        yield


def cartera(*args: str):
    _register_commands()
    return runner.invoke(app, list(args))


@pytest.fixture
def goals_2026(small_portfolio):
    ana, bruno = small_portfolio
    Goal.objects.create(salesperson=None, year=2026, target=Decimal(300_000))
    Goal.objects.create(salesperson=ana, year=2026, target=Decimal(150_000))
    return ana, bruno


def test_forecast_writes_json_and_an_offline_html_report(small_portfolio, tmp_path):
    out, page = tmp_path / "f.json", tmp_path / "f.html"
    result = cartera(
        "forecast", "--by", "segment", "--horizon", "3", "--as-of", AS_OF,
        "--json", str(out), "--html", str(page),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text("utf-8"))
    assert set(document) == {
        "schema_version", "as_of", "through", "by", "horizon", "levels", "series", "company",
        "bottom_up",
    }  # fmt: skip
    assert set(document["series"]) == {"models", "forecast", "history", "profile", "trend"}
    assert {m["series"] for m in document["series"]["models"]} == {"Bares", "Hoteles"}
    model = document["series"]["models"][0]
    assert set(model) >= {"series", "months", "tier", "model", "mase", "horizon", "last_12"}
    assert set(document["series"]["forecast"][0]) == {
        "series", "month", "forecast", "lo_80", "hi_80", "lo_95", "hi_95",
    }  # fmt: skip
    assert set(document["bottom_up"]) == {
        "available", "note", "clients", "new_clients_per_month", "first_year_value", "months",
    }  # fmt: skip
    assert document["through"] == "2026-09-01"
    html = page.read_text("utf-8")
    assert html.count("<svg") >= 5  # company, profile, bottom-up, one per segment
    assert "<script" not in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_goals_status_json_has_company_and_salespeople(goals_2026, tmp_path):
    out = tmp_path / "s.json"
    result = cartera("goals", "status", "--year", "2026", "--as-of", AS_OF, "--json", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text("utf-8"))
    assert set(document) == {"schema_version", "year", "as_of", "through", "company", "salespeople"}
    assert set(document["company"]) == {"summary", "months"}
    assert set(document["company"]["summary"]) == {
        "series", "year", "goal", "ytd_goal", "ytd_actual", "ytd_gap", "attainment",
        "projected", "projected_gap",
    }  # fmt: skip
    assert document["company"]["summary"]["goal"] == 300_000.0
    assert len(document["company"]["months"]) == 12
    assert set(document["company"]["months"][0]) == {
        "month", "goal", "actual", "forecast", "gap", "ytd_goal", "ytd_actual", "ytd_gap",
        "source",
    }  # fmt: skip
    (ana,) = document["salespeople"]
    assert (ana["salesperson"], ana["summary"]["goal"]) == ("Ana Souto", 150_000.0)


def test_goals_propose_shows_and_with_apply_stores(small_portfolio, tmp_path):
    out = tmp_path / "p.json"
    shown = cartera("goals", "propose", "--year", "2027", "--growth", "0.05", "--as-of", AS_OF,
                    "--json", str(out))  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert not Goal.objects.exists()
    document = json.loads(out.read_text("utf-8"))
    assert set(document) == {
        "schema_version", "year", "growth", "spread", "as_of", "through", "company",
        "salespeople", "skipped",
    }  # fmt: skip
    assert [p["salesperson"] for p in document["salespeople"]] == ["Ana Souto", "Bruno Lage"]
    assert len(document["company"]["months"]) == 12
    stored = cartera("goals", "propose", "--year", "2027", "--as-of", AS_OF, "--apply")
    assert stored.exit_code == 0, stored.output
    assert Goal.objects.filter(year=2027).count() == 3 * 13


def test_goals_set_edits_one_month(small_portfolio):
    ManagerFactory(username="jefa")
    result = cartera(
        "goals", "set", "--year", "2027", "--month", "2", "--target", "1234.5",
        "--salesperson", "Ana Souto", "--as", "jefa",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert Goal.objects.get(year=2027, month=2).target == Decimal("1234.50")


def test_goals_drift_json_keys(small_portfolio, tmp_path):
    out = tmp_path / "d.json"
    result = cartera("goals", "drift", "--as-of", AS_OF, "--json", str(out), "--create-activities")
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text("utf-8"))
    assert set(document) == {
        "schema_version",
        "as_of",
        "through",
        "recent_months",
        "level",
        "alerts",
    }
    assert document["recent_months"] == 3


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("forecast", "--by", "city"), "--by"),
        (("forecast", "--as-of", "2026-13-01"), "--as-of"),
        (("forecast", "--horizon", "0"), "--horizon"),
        (("goals", "propose", "--growth", "ocho"), "--growth"),
        (("goals", "status", "--as", "nadie"), "--as"),
    ],
)
def test_bad_input_exits_with_2_and_a_located_message(small_portfolio, args, says):
    result = cartera(*args)
    assert result.exit_code == 2
    assert says in result.output
    assert "Traceback" not in result.output


def test_a_salesperson_cannot_propose_goals(small_portfolio):
    ana, _bruno = small_portfolio
    result = cartera(
        "goals", "propose", "--year", "2027", "--as-of", AS_OF, "--as", ana.user.username
    )
    assert result.exit_code == 2
    assert not Goal.objects.exists()
