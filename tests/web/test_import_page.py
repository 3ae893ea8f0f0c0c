"""The import page (issue 9): upload, column mapping, dry run, confirm; managers only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cartera.clients.models import Account
from cartera.imports.models import ColumnMapping
from cartera.imports.views import SESSION_KEY

pytestmark = pytest.mark.django_db

# Row 2 is new, row 3 has a wrong e-mail, row 4 renames a client of Ana's.
CLIENTS = (
    "Código;Razón social;Correo;Vendedor\n"
    "N-1;Nueva Uno S.L.;uno@example.com;Ana Abril\n"
    "N-2;Nueva Dos S.L.;no-es-correo;Ana Abril\n"
    "Z-UNO;Zafiro Uno Renovado S.L.;;Ana Abril\n"
)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _upload(client, text: str = CLIENTS, name: str = "clientes.csv", **fields):
    data = {"kind": "clients", "file": SimpleUploadedFile(name, text.encode(), "text/csv")}
    return client.post(reverse("imports:index"), data | fields)


def _waiting(tmp_path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "imports").glob("*"))


def test_a_salesperson_is_refused_every_step(client, book):
    client.force_login(book.ana.user)
    assert client.get(reverse("imports:index")).status_code == 403
    assert _upload(client).status_code == 403
    for name in ("imports:mapping", "imports:confirm", "imports:cancel"):
        assert client.post(reverse(name)).status_code == 403, name
    assert not Account.objects.filter(code="N-1").exists()


def test_the_dry_run_shows_the_mapping_and_every_located_problem(client, book, data_dir):
    client.force_login(book.manager)
    response = _upload(client)
    assert response.status_code == 302
    assert len(_waiting(data_dir)) == 1
    page = client.get(reverse("imports:index"))
    assert page.status_code == 200
    context = page.context
    assert dict(context["preview"].columns) == {
        "code": "Código",
        "legal_name": "Razón social",
        "email": "Correo",
        "owner": "Vendedor",
    }
    form = context["mapping_form"]
    assert [f.initial for f in form.column_fields()] == ["code", "legal_name", "email", "owner"]
    assert context["sample"][1] == ("N-2", "Nueva Dos S.L.", "no-es-correo", "Ana Abril")
    report = context["report"]
    assert report.dry_run
    assert not report.written
    assert (report.rows, report.valid_rows, report.problem_count) == (3, 2, 1)
    clients = report.counts["clients"]
    assert (clients.created, clients.updated) == (1, 1)
    [problem] = context["problems"]
    assert (problem["row"], problem["column"], problem["value"]) == (3, "Correo", "no-es-correo")
    text = page.content.decode()
    assert "no-es-correo" in text
    assert "keep_valid" in text
    assert not Account.objects.filter(code="N-1").exists()


def test_confirm_is_atomic_by_default_and_cleans_up(client, book, data_dir):
    client.force_login(book.manager)
    _upload(client)
    response = client.post(reverse("imports:confirm"))
    assert response.status_code == 200
    report = response.context["report"]
    assert not report.written
    assert report.problem_count == 1
    assert not Account.objects.filter(code__in=["N-1", "N-2"]).exists()
    assert Account.objects.get(code="Z-UNO").legal_name == "Zafiro Uno S.L."
    assert _waiting(data_dir) == []
    assert SESSION_KEY not in client.session


def test_confirm_keeping_the_valid_rows_writes_them_and_rejects_the_bad_one(client, book, data_dir):
    client.force_login(book.manager)
    _upload(client)
    response = client.post(reverse("imports:confirm"), {"keep_valid": "on"})
    report = response.context["report"]
    assert report.written
    assert (report.counts["clients"].created, report.counts["clients"].updated) == (1, 1)
    new = Account.objects.get(code="N-1")
    assert (new.legal_name, new.email, new.owner_id) == (
        "Nueva Uno S.L.",
        "uno@example.com",
        book.ana.pk,
    )
    assert not Account.objects.filter(code="N-2").exists()
    assert Account.objects.get(code="Z-UNO").legal_name == "Zafiro Uno Renovado S.L."
    [rejected] = response.context["problems"]
    assert (rejected["row"], rejected["column"]) == (3, "Correo")
    assert _waiting(data_dir) == []
    assert SESSION_KEY not in client.session
    # The file is gone: confirming again imports nothing twice.
    again = client.post(reverse("imports:confirm"), {"keep_valid": "on"})
    assert again.status_code == 302
    assert again["Location"] == reverse("imports:index")


def test_a_column_not_recognised_is_mapped_by_hand_and_saved(client, book):
    client.force_login(book.manager)
    _upload(client, "Ident;Razón social\nN-7;Nueva Siete S.L.\nN-8;Nueva Ocho S.L.\n")
    page = client.get(reverse("imports:index"))
    # No column for the code: located, and the columns are still offered to choose.
    assert page.context["read_problems"][0]["column"] == "code"
    assert "report" not in page.context
    form = page.context["mapping_form"]
    assert [f.label for f in form.column_fields()] == ["Ident", "Razón social"]
    response = client.post(
        reverse("imports:mapping"),
        {"column_0": "code", "column_1": "legal_name", "save_as": "ERP viejo"},
    )
    assert response.status_code == 302
    saved = ColumnMapping.objects.get(kind="clients", name="ERP viejo")
    assert saved.columns == {"code": "Ident", "legal_name": "Razón social"}
    report = client.get(reverse("imports:index")).context["report"]
    assert (report.valid_rows, report.counts["clients"].created, report.problem_count) == (2, 2, 0)
    client.post(reverse("imports:confirm"))
    assert set(Account.objects.filter(code__startswith="N-").values_list("code", flat=True)) == {
        "N-7",
        "N-8",
    }


def test_a_field_chosen_twice_is_refused(client, book):
    client.force_login(book.manager)
    _upload(client)
    response = client.post(
        reverse("imports:mapping"),
        {"column_0": "code", "column_1": "code", "column_2": "email", "column_3": "owner"},
    )
    assert response.status_code == 200
    assert response.context["mapping_form"].errors["column_1"]
    assert client.session[SESSION_KEY]["columns"] == {}


def test_a_saved_mapping_reads_the_next_file(client, book):
    ColumnMapping.objects.create(
        kind="clients", name="ERP", columns={"code": "Ident", "legal_name": "Nombre fiscal"}
    )
    ColumnMapping.objects.create(kind="products", name="Tarifa", columns={"sku": "Ref"})
    client.force_login(book.manager)
    wrong = ColumnMapping.objects.get(name="Tarifa")
    refused = _upload(client, "Ident;Nombre fiscal\nN-9;Nueva Nueve\n", mapping=wrong.pk)
    assert refused.status_code == 200
    assert refused.context["form"].errors["mapping"]
    right = ColumnMapping.objects.get(name="ERP")
    _upload(client, "Ident;Nombre fiscal\nN-9;Nueva Nueve\n", mapping=right.pk)
    report = client.get(reverse("imports:index")).context["report"]
    assert report.columns == {"code": "Ident", "legal_name": "Nombre fiscal"}
    assert report.counts["clients"].created == 1


def test_a_file_of_another_type_is_refused(client, book, data_dir):
    client.force_login(book.manager)
    response = _upload(client, "%PDF-1.4", name="clientes.pdf")
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not (data_dir / "imports").exists() or _waiting(data_dir) == []


def test_start_again_deletes_the_waiting_file(client, book, data_dir):
    client.force_login(book.manager)
    _upload(client)
    _upload(client)  # a second upload replaces the first
    assert len(_waiting(data_dir)) == 1
    client.post(reverse("imports:cancel"))
    assert _waiting(data_dir) == []
    assert SESSION_KEY not in client.session
    assert client.get(reverse("imports:index")).context["step"] == 1


def test_an_unreadable_file_is_explained_not_crashed_on(client, book):
    client.force_login(book.manager)
    _upload(client, "not a workbook", name="clientes.xlsx")
    page = client.get(reverse("imports:index"))
    assert page.status_code == 200
    assert page.context["step"] == 2
    assert page.context["read_problems"]
    assert "report" not in page.context
    assert client.post(reverse("imports:confirm")).status_code == 200
    assert SESSION_KEY not in client.session


def test_a_session_naming_a_path_outside_the_uploads_is_ignored(client, book, data_dir):
    (data_dir / "secret.csv").write_text(CLIENTS)
    client.force_login(book.manager)
    session = client.session
    session[SESSION_KEY] = {"token": "../secret", "suffix": ".csv", "kind": "clients"}
    session.save()
    assert client.get(reverse("imports:index")).context["step"] == 1
    assert client.post(reverse("imports:confirm")).status_code == 302
    assert (data_dir / "secret.csv").exists()
    assert not Account.objects.filter(code="N-1").exists()
