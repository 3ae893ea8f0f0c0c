"""The import page in a real browser (issue 9): a manager uploads a clients file with a
bad row, reads the dry run, imports the valid rows; a salesperson is refused."""

from __future__ import annotations

import pytest

from cartera.clients.models import Account
from tests.browser.conftest import log_in
from tests.web.conftest import build_book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Row 3 (the header is row 1) has an e-mail with no @.
CLIENTS = (
    "Código;Razón social;Correo;Vendedor\n"
    "N-1;Nueva Uno S.L.;uno@example.com;Ana Abril\n"
    "N-2;Nueva Dos S.L.;no-es-correo;Ana Abril\n"
    "N-3;Nueva Tres S.L.;tres@example.com;Luis Lago\n"
)


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def test_a_manager_checks_the_file_then_imports_the_valid_rows(page, tmp_path):
    build_book()
    log_in(page, "gerente")
    page.click("nav >> text=Importar")
    page.wait_for_url("**/import/")
    page.select_option("select[name=kind]", "clients")
    page.set_input_files(
        "input[name=file]",
        {"name": "clientes.csv", "mimeType": "text/csv", "buffer": CLIENTS.encode()},
    )
    page.click("#upload button[type=submit]")
    page.locator("#result").wait_for()
    # The columns as recognised, each in its own select.
    mapping = page.locator("#mapping")
    assert mapping.locator("select").nth(2).input_value() == "email"
    assert "Simulación" in page.locator("#result h2").inner_text()
    assert "Filas válidas: 2 de 3" in page.locator("#result").inner_text()
    problems = page.locator("#problems tbody tr")
    assert problems.count() == 1
    cells = problems.first.locator("td").all_inner_texts()
    assert cells[:3] == ["3", "Correo", "no-es-correo"]
    assert not Account.objects.filter(code__startswith="N-").exists()

    page.check("input[name=keep_valid]")
    page.click("#confirm button:has-text('Importar')")
    page.locator("#result >> text=Importado").wait_for()
    assert "Se han grabado las filas válidas" in page.locator("#result").inner_text()
    rejected = page.locator("#problems tbody tr").first.locator("td").all_inner_texts()
    assert rejected[:2] == ["3", "Correo"]
    written = dict(Account.objects.filter(code__startswith="N-").values_list("code", "email"))
    assert written == {"N-1": "uno@example.com", "N-3": "tres@example.com"}
    assert list((tmp_path / "imports").iterdir()) == []  # the upload is gone


def test_a_salesperson_has_no_import_page(page):
    build_book()
    log_in(page, "ana")
    assert page.locator("nav >> text=Importar").count() == 0
    response = page.goto("/import/")
    assert response is not None
    assert response.status == 403
