"""``cartera audit export`` and ``cartera token`` on the command line (issue 10)."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from cartera.api.models import ApiToken
from cartera.cli.main import _register_commands, app
from cartera.clients.services import account_update
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


@pytest.fixture(autouse=True)
def _commands():
    _register_commands()


def test_audit_export_writes_the_changes_of_one_account_to_csv(tmp_path):
    account = AccountFactory(code="EXP1", city="Madrid")
    account_update(account=account, data={"city": "Lugo"})
    AccountFactory(code="OTHER")
    out = tmp_path / "audit.csv"
    result = runner.invoke(app, ["audit", "export", "--account", "EXP1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["account_id"] for r in rows} == {str(account.pk)}
    assert ("city", "Madrid", "Lugo") in [(r["field"], r["old"], r["new"]) for r in rows]


def test_audit_export_refuses_an_unknown_suffix_with_exit_code_2(tmp_path):
    result = runner.invoke(app, ["audit", "export", "--out", str(tmp_path / "a.pdf")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_token_create_prints_the_secret_once_and_revoke_disables_it():
    user = UserFactory(username="erp")
    result = runner.invoke(app, ["token", "create", "erp", "--name", "ERP"])
    assert result.exit_code == 0, result.output
    secret = next(line for line in result.output.splitlines() if line.startswith("crt_"))
    stored = ApiToken.objects.get(user=user)
    assert secret.split("_")[1] == stored.prefix
    assert secret not in stored.digest
    listed = runner.invoke(app, ["token", "list", "--user", "erp"])
    assert stored.prefix in listed.output
    assert secret not in listed.output
    assert runner.invoke(app, ["token", "revoke", stored.prefix]).exit_code == 0
    stored.refresh_from_db()
    assert stored.revoked_at is not None


def test_token_create_for_an_unknown_user_is_exit_code_2():
    result = runner.invoke(app, ["token", "create", "nadie"])
    assert result.exit_code == 2
