"""Backup and restore round trip on the database in use (issue 10)."""

from __future__ import annotations

import pytest

from cartera.clients.models import Account
from cartera.common.backup import BackupError, backup, restore
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_then_restore_brings_back_the_data_as_it_was(tmp_path):
    kept = AccountFactory(code="KEEP", legal_name="Original S.L.")
    result = backup(tmp_path / "copy.bak")
    assert result.bytes > 0

    Account.objects.filter(pk=kept.pk).update(legal_name="Cambiado S.L.")
    AccountFactory(code="LATER")
    restore(result.path)

    assert Account.objects.get(code="KEEP").legal_name == "Original S.L."
    assert not Account.objects.filter(code="LATER").exists()
    # The restored database is fully usable: new rows get fresh ids.
    assert AccountFactory(code="AFTER").pk > kept.pk


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hola")
    with pytest.raises(BackupError, match="not a cartera backup"):
        restore(bogus)


def test_restore_command_asks_for_confirmation(tmp_path):
    from typer.testing import CliRunner

    from cartera.cli.main import _register_commands, app

    _register_commands()
    result = CliRunner().invoke(app, ["restore", str(tmp_path / "x.bak")])
    assert result.exit_code == 2
    assert "--yes" in result.output
