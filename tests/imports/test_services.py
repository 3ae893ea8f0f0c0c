"""The service API the web page and the REST API call: preview, permissions, empty files."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cartera.audit.models import AuditEvent
from cartera.clients.models import Account
from cartera.imports.services import import_file, import_preview, mapping_save
from tests.factories import UserFactory
from tests.imports.helpers import counts, run, write_text

pytestmark = pytest.mark.django_db


def test_preview_shows_the_columns_the_sample_and_what_each_field_would_take(tmp_path):
    path = write_text(tmp_path / "c.csv", "Código;Razón social;Aforo\nC-1;Uno;40\nC-2;Dos;12\n")
    preview = import_preview(kind="clients", path=path, sample_rows=1)
    assert dict(preview.columns) == {"code": "Código", "legal_name": "Razón social"}
    assert (preview.unknown, preview.unknown_as_attributes, preview.rows) == (("Aforo",), True, 2)
    assert preview.sample.rows() == [("C-1", "Uno", "40")]
    fields = {name: (required, header) for name, required, header in preview.fields}
    assert fields["code"] == (True, "Código")
    assert fields["city"] == (False, None)
    assert not Account.objects.exists()


def test_a_saved_mapping_reads_a_file_whose_headers_are_unknown(tmp_path):
    mapping_save(name="erp", kind="clients", columns={"code": "Tercero", "legal_name": "Nom"})
    path = write_text(tmp_path / "c.csv", "Tercero,Nom\nT1,Uno\n")
    assert dict(import_preview(kind="clients", path=path, mapping="erp").columns) == {
        "code": "Tercero",
        "legal_name": "Nom",
    }
    assert counts(run("clients", path, mapping="erp")) == (1, 0, 0)


def test_a_salesperson_may_not_import(tmp_path):
    path = write_text(tmp_path / "c.csv", "code,legal name\nC-1,Uno\n")
    with pytest.raises(PermissionDenied):
        import_file(kind="clients", path=path, user=UserFactory())


def test_a_file_with_a_header_and_no_rows_changes_nothing(tmp_path):
    report = run("clients", write_text(tmp_path / "c.csv", "code,legal name\n"))
    assert (report.problem_count, report.valid_rows, counts(report)) == (0, 0, (0, 0, 0))


def test_an_import_leaves_one_audit_event_per_table_written_and_a_dry_run_none(tmp_path):
    path = write_text(tmp_path / "c.csv", "code,legal name\nC-1,Uno\nC-2,Dos\n")
    run("clients", path, dry_run=True)
    assert not AuditEvent.objects.exists()
    run("clients", path)
    write_text(path, "code,legal name\nC-1,Uno bis\nC-3,Tres\n")
    run("clients", path)
    events = AuditEvent.objects.filter(action="import").order_by("pk")
    assert [(e.model, e.count, e.detail) for e in events] == [
        ("clients.account", 2, "c.csv: 2 created, 0 updated"),
        ("clients.account", 2, "c.csv: 1 created, 1 updated"),
    ]
