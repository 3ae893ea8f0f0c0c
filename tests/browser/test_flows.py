"""The web app in a real browser: each role logs in, filters, opens a file, logs a visit,
switches language (issue 9). Few tests, each walking a whole flow."""

from __future__ import annotations

import pytest

from cartera.activities.models import Activity
from tests.browser.conftest import log_in
from tests.web.conftest import build_book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("username", "role", "sees_luis"),
    [
        ("jefa", "Administrador", True),
        ("gerente", "Jefe de ventas", True),
        ("ana", "Vendedor", False),
    ],
)
def test_each_role_logs_in_and_sees_its_portfolio(page, username, role, sees_luis):
    build_book()
    log_in(page, username)
    assert page.locator("h1").first.inner_text().startswith("Su cartera")
    assert role in page.locator(".who").inner_text()
    page.click("nav >> text=Clientes")
    rows = page.locator("table.list tbody")
    assert "Zafiro Uno" in rows.inner_text()
    assert ("Ópalo Tres" in rows.inner_text()) is sees_luis


def test_a_salesperson_filters_opens_a_file_and_logs_a_visit(page):
    book = build_book()
    log_in(page, "ana")
    page.goto("/clients/")
    page.fill("input[name=city]", "Sevilla")
    page.click("form.filters button[type=submit]")
    # htmx swaps the results in place and keeps the filter in the address.
    page.wait_for_url("**city=Sevilla**")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1
    assert "1 cuenta" in page.locator(".count").inner_text()
    rows.first.locator("a").first.click()
    page.wait_for_url(f"**/clients/{book.uno.pk}/")
    assert "Rocío Compras" in page.locator("#contacts").inner_text()
    form = page.locator("form.quick-log")
    form.locator("select[name=kind]").select_option("visit")
    form.locator("input[name=summary]").fill("Degustación de la nueva carta")
    form.locator("input[name=next_action_on]").fill("2026-07-01")
    form.locator("input[name=next_action]").fill("Llamar para el pedido")
    form.locator("button[type=submit]").click()
    page.locator(".timeline >> text=Degustación de la nueva carta").wait_for()
    assert "Seguimiento registrado." in page.locator("#timeline").inner_text()
    assert page.url.endswith(f"/clients/{book.uno.pk}/")  # no page load: htmx swapped it
    visit = Activity.objects.get(account=book.uno)
    assert (visit.kind, visit.salesperson_id, visit.next_action) == (
        "visit",
        book.ana.pk,
        "Llamar para el pedido",
    )


def test_the_language_switch_changes_every_word(page):
    build_book()
    log_in(page, "gerente")
    assert page.locator("nav >> text=Panel").count() == 1
    page.select_option("form.lang select", "pt")
    page.locator("nav >> text=Painel").wait_for()
    assert page.locator("html").get_attribute("lang") == "pt"
    assert "Sua carteira" in page.locator("h1").first.inner_text()
    page.select_option("form.lang select", "en")
    page.locator("nav >> text=Dashboard").wait_for()
    assert "1,000.00" in page.locator(".tiles").inner_text()  # € 1,000.00 in English
