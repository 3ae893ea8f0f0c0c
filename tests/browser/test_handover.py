"""The hand-over wizard in a real browser: a manager gives Ana's client in Sevilla to
Luis, the client file shows the new owner and the period recorded; a salesperson is
refused the wizard (issue 9, S0.4, S1.5)."""

from __future__ import annotations

import pytest

from cartera.clients.models import OwnershipPeriod
from tests.browser.conftest import log_in
from tests.web.conftest import build_book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Reparto de la zona de Sevilla"


def test_a_manager_hands_a_client_over_from_ana_to_luis(page):
    book = build_book()
    log_in(page, "gerente")
    page.click("nav >> text=Vendedores")
    page.click(f"#team >> text={book.ana.name}")
    page.wait_for_url(f"**/salespeople/{book.ana.pk}/")
    page.click("text=Traspasar clientes")
    page.wait_for_url(f"**/salespeople/{book.ana.pk}/hand-over/")
    form = page.locator("form#hand-over")
    form.locator("input[name=city]").fill("Sevilla")
    form.locator(f"input[name=receivers][value='{book.luis.pk}']").check()
    form.locator("input[name=reason]").fill(REASON)
    form.locator("button[value=preview]").click()
    preview = page.locator("#preview")
    preview.wait_for()
    assert "Zafiro Uno" in preview.inner_text()
    assert "Zafiro Dos" not in preview.inner_text()  # in Cádiz: not chosen
    preview.locator("button[value=confirm]").click()
    result = page.locator("#result")
    result.wait_for()
    assert "1 cuenta traspasada" in result.inner_text()
    result.locator("text=Zafiro Uno").click()
    page.wait_for_url(f"**/clients/{book.uno.pk}/")
    assert book.luis.name in page.locator("#identity").inner_text()
    history = page.locator("#ownership").inner_text()
    assert f"{book.luis.name}:" in history
    assert REASON in history
    period = OwnershipPeriod.objects.get(account=book.uno, ended_on__isnull=True)
    assert (period.salesperson_id, period.handed_over_by.username) == (book.luis.pk, "gerente")


def test_a_salesperson_is_refused_the_wizard(page):
    book = build_book()
    log_in(page, "ana")
    own = page.goto(f"/salespeople/{book.ana.pk}/hand-over/")
    assert own.status == 403
    other = page.goto(f"/salespeople/{book.luis.pk}/hand-over/")
    assert other.status == 404
    page.goto(f"/salespeople/{book.ana.pk}/")
    assert page.locator("text=Traspasar clientes").count() == 0
