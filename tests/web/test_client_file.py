"""The client file's second round (issue 9): rating explained, receivables, history.

Figures are worked out by hand from the fixture of ``tests/web/conftest.py`` plus, for the
receivables, one client whose invoices are dated relative to today (the page ages
receivables as of today):

==========  ===========  ===========  ========  ======================================
invoice     issued       due          amount    state today
==========  ===========  ===========  ========  ======================================
R-OLD       today − 75   today − 45   200.00 €  50.00 € paid → 150.00 € open, 45 days
                                                overdue: bucket 31–60, provisioned 5 %
                                                = 7.50 €
R-NEW       today − 5    today + 25   100.00 €  not due, provisioned 0 %
==========  ===========  ===========  ========  ======================================

Open 250.00 €, overdue 150.00 €; with a limit of 500.00 € the credit use is 50 %.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cartera.clients import client_file
from cartera.clients.models import Account
from cartera.ratings.services import rating_policy_publish, rating_recalculate
from tests.factories import (
    AccountFactory,
    ActivityFactory,
    ContactFactory,
    PaymentFactory,
    SaleFactory,
)
from tests.web.test_i18n import (
    SAME_EVERYWHERE,
    _bracketed,
    _catalog,
    _data_values,
    _leftover,
    _Text,
)

pytestmark = pytest.mark.django_db

RATED_ON = dt.date(2026, 6, 30)
# 16 for the first round's file, 4 for the rating (changes, rating, fit, policy), 5 for
# the receivables (invoices, payments, provision policy and overrides, limit and orders),
# 8 for the history (names of people, one per audited table, events, ratings).
QUERIES = 33
REVENUE_ONLY = {
    "criteria": [
        {"key": "revenue", "measure": "revenue_cents", "weight": 1, "rule": {"kind": "percentile"}}
    ]
}
REVENUE_AND_STRATEGIC = {
    "criteria": [
        {"key": "revenue", "measure": "revenue_cents", "weight": 1, "rule": {"kind": "percentile"}},
        {"key": "strategic", "measure": "strategic", "weight": 1, "rule": {"kind": "flag"}},
    ]
}


def _rate_twice(book) -> None:
    """Rate with revenue alone, then with revenue and the strategic flag at equal weight.

    Revenue in the window: Z-UNO 600, O-TRES 370, Z-DOS 30, so Z-UNO is at the 100th
    percentile: 100 points first (A), then 50 of 50 for revenue and 0 of 50 for the flag
    (Z-DOS is the special client, not Z-UNO): 50 points, B.
    """
    with translation.override("en"):
        rating_policy_publish(name="t", definition=REVENUE_ONLY, by=book.manager)
        rating_recalculate(by=book.manager, policy_name="t", as_of=RATED_ON)
        rating_policy_publish(name="t", definition=REVENUE_AND_STRATEGIC, by=book.manager)
        rating_recalculate(by=book.manager, policy_name="t", as_of=RATED_ON)


def _debtor(book) -> Account:
    today = timezone.localdate()
    days = dt.timedelta
    account = AccountFactory(
        code="D-DEBE", legal_name="Deudora S.L.", owner=book.ana, credit_limit=Decimal("500.00")
    )
    old = SaleFactory(
        number="R-OLD",
        account=account,
        date=today - days(75),
        due_date=today - days(45),
        total=Decimal("200.00"),
    )
    SaleFactory(
        number="R-NEW",
        account=account,
        date=today - days(5),
        due_date=today + days(25),
        total=Decimal("100.00"),
    )
    PaymentFactory(
        reference="T-1", account=account, sale=old, date=today - days(10), amount=Decimal("50")
    )
    return account


def _page(client, user, account, language: str = "es") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("clients:detail", args=[account.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, ident: str) -> str:
    start = page.index(f'id="{ident}"')
    return page[start : page.index("</table>", start)]


# --- the rating explained --------------------------------------------------------------


def test_the_rating_is_explained_criterion_by_criterion(book):
    _rate_twice(book)
    found = client_file.rating_of(account=book.uno)
    assert (found.rating.level, found.rating.score, found.rating.policy) == ("B", 50, "t v2")
    with translation.override("en"):
        found = client_file.rating_of(account=book.uno)
    assert [(r.label, r.value, r.rule, r.points, r.max_points) for r in found.rows] == [
        ("revenue", "€600.00", "by rank among the rated clients, higher is better", 50, 50.0),
        ("strategic", "no", "all points when yes", 0, 50.0),
    ]
    assert found.rating.total == 50


def test_the_client_file_shows_the_rating_its_reasons_and_its_history(client, book):
    _rate_twice(book)
    page = _page(client, book.ana.user, book.uno)
    table = _section(page, "rating-explanation")
    assert re.search(r"ventas.*600,00\xa0€.*por posición.*50.*/ 50", table, re.S)
    assert re.search(r"estratégico.*>no<.*todos los puntos si es sí.*0.*/ 50", table, re.S)
    assert "50 puntos de 100" in page
    assert "política t v2" in page
    history = page[page.index('id="rating-history"') :]
    # Newest first: down from A (100) to B (50), then the first rating.
    assert re.search(r"Baja: A → B.*\(100 → 50\).*Primera calificación: — → A", history, re.S)


def test_an_unrated_prospect_says_so(client, book):
    page = _page(client, book.ana.user, book.cuatro)
    assert "Sin calificar todavía" in page


# --- receivables -----------------------------------------------------------------------


def test_an_overdue_invoice_is_aged_and_provisioned_as_computed_by_hand(book):
    debtor = _debtor(book)
    with translation.override("en"):
        found = client_file.receivables_of(
            account=debtor, user=book.ana.user, as_of=timezone.localdate()
        )
    rows = [
        (i["invoice"], i["open_cents"], i["days_overdue"], i["bucket"], i["provision_cents"])
        for i in found.open_items
    ]
    assert rows == [("R-OLD", 15_000, 45, "d31_60", 750), ("R-NEW", 10_000, -25, "not_due", 0)]
    assert (found.total_open, found.total_overdue, found.provision) == (
        Decimal("250.00"),
        Decimal("150.00"),
        Decimal("7.50"),
    )
    by_bucket = {b.label: (b.amount, b.invoices, b.provision) for b in found.buckets if b.invoices}
    assert by_bucket == {
        "not due": (Decimal("100.00"), 1, Decimal("0.00")),
        "31–60": (Decimal("150.00"), 1, Decimal("7.50")),
    }
    assert found.exposure is not None
    assert (found.exposure["exposure_cents"], found.exposure["limit_cents"]) == (25_000, 50_000)
    assert (found.credit_use, found.credit_bar) == (0.5, 50)
    assert [(p["payment"], p["amount_cents"], p["invoice"]) for p in found.payments] == [
        ("T-1", 5_000, "R-OLD")
    ]


def test_the_client_file_shows_what_the_client_owes(client, book):
    debtor = _debtor(book)
    page = _page(client, book.ana.user, debtor)
    invoices = _section(page, "open-invoices")
    assert re.search(r"R-OLD.*>45<.*150,00\xa0€.*7,50\xa0€", invoices, re.S)
    assert re.search(r"R-NEW.*no vencido.*100,00\xa0€", invoices, re.S)
    ageing = _section(page, "ageing")
    assert re.search(r"31–60.*150,00\xa0€.*7,50\xa0€.*\(5\xa0%\)", ageing, re.S)
    assert "50\xa0% usado" in page
    assert 'style="width:50%"' in page
    assert "T-1" in page  # the payment received


def test_a_client_over_its_limit_is_flagged(client, book):
    debtor = _debtor(book)
    Account.objects.filter(pk=debtor.pk).update(credit_limit=Decimal("100.00"))
    page = _page(client, book.ana.user, debtor)
    assert "250\xa0% usado" in page
    assert "por encima del límite" in page
    assert 'style="width:100%"' in page  # the bar stops at its track


# --- history ---------------------------------------------------------------------------


def test_the_history_says_who_changed_what_from_what_to_what(client, book):
    book.uno.city = "Cádiz"
    book.uno.save()
    page = _page(client, book.ana.user, book.uno)
    history = page[page.index('id="history"') :]
    assert re.search(r"modificado<br><span class=\"muted\">ciudad:</span> Sevilla → Cádiz", history)
    assert "Descargar todo el historial (CSV)" in history


def test_the_history_export_holds_this_client_only(client, book):
    book.uno.city = "Cádiz"
    book.uno.save()
    client.force_login(book.ana.user)
    response = client.get(reverse("clients:history_csv", args=[book.uno.pk]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert (
        text.splitlines()[0]
        == "at,who,model,object_id,object,account_id,action,field,old,new,reason"
    )
    assert ",city,Sevilla,Cádiz," in text
    ids = {line.split(",")[5] for line in text.splitlines()[1:]}
    assert ids == {str(book.uno.pk)}


# --- next action, contacts -------------------------------------------------------------


def test_an_overdue_next_action_is_shown_first(client, book):
    ActivityFactory(
        account=book.uno,
        date=timezone.localdate() - dt.timedelta(days=10),
        next_action_on=timezone.localdate() - dt.timedelta(days=3),
        next_action="Llevar muestras",
    )
    page = _page(client, book.ana.user, book.uno)
    banner = page[page.index('id="next-action"') :]
    assert banner.index("Llevar muestras") < page.index('id="identity"') - page.index(
        'id="next-action"'
    )
    assert "Próxima acción vencida" in banner


def test_a_next_action_still_ahead_is_not_a_banner(client, book):
    ActivityFactory(
        account=book.uno,
        date=timezone.localdate(),
        next_action_on=timezone.localdate() + dt.timedelta(days=3),
        next_action="Llevar muestras",
    )
    assert 'id="next-action"' not in _page(client, book.ana.user, book.uno)


def test_the_purchasing_contact_comes_first(client, book):
    ContactFactory(account=book.dos, name="Aarón Administración", is_purchasing=False)
    ContactFactory(account=book.dos, name="Zoe Compras", is_purchasing=True)
    page = _page(client, book.ana.user, book.dos)
    assert page.index("Zoe Compras") < page.index("Aarón Administración")


# --- scoping ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["clients:detail", "clients:history_csv"])
def test_another_salespersons_client_file_is_not_found(client, book, name):
    client.force_login(book.ana.user)
    assert client.get(reverse(name, args=[book.tres.pk])).status_code == 404


def test_a_salesperson_never_sees_the_others_figures_on_their_own_file(client, book):
    _rate_twice(book)
    PaymentFactory(reference="LUIS-PAGO", account=book.tres, amount=Decimal("12.34"))
    book.tres.city = "Jerez"
    book.tres.save()
    page = _page(client, book.ana.user, book.uno)
    for theirs in ("F-2", "LUIS-PAGO", "Jerez", "Ópalo", "Iñigo"):
        assert theirs not in page, theirs


def test_a_manager_sees_any_client_file(client, book):
    debtor = _debtor(book)
    page = _page(client, book.manager, debtor)
    assert "R-OLD" in page


# --- cost and language -----------------------------------------------------------------


def test_the_file_costs_the_same_queries_with_3_or_40_other_clients(
    client, book, django_assert_max_num_queries
):
    debtor = _debtor(book)
    _rate_twice(book)
    client.force_login(book.ana.user)
    url = reverse("clients:detail", args=[debtor.pk])
    client.get(url)  # the metrics refresh of a stale small portfolio is not this test's
    with django_assert_max_num_queries(QUERIES):
        client.get(url)
    for index in range(40):
        other = AccountFactory(code=f"X-{index:02d}", owner=book.ana)
        day = timezone.localdate() - dt.timedelta(days=40)
        SaleFactory(account=other, date=day, due_date=day + dt.timedelta(days=30))
    client.get(url)
    with django_assert_max_num_queries(QUERIES):
        client.get(url)


def _filled_in(book) -> list[Account]:
    """Rate, put one client in debt and overdue on its next action, change its city."""
    debtor = _debtor(book)
    _rate_twice(book)
    debtor.city = "Cádiz"
    debtor.save()
    ActivityFactory(
        account=debtor,
        date=timezone.localdate() - dt.timedelta(days=3),
        next_action_on=timezone.localdate() - dt.timedelta(days=1),
        next_action="Llamar",
    )
    return [book.uno, debtor]


def _data() -> list[str]:
    # Besides the accounts' current data: the old city, the payment and the policy.
    extra = ["Madrid", "T-1", "t v1", "t v2"]
    return sorted({*_data_values(), *extra}, key=len, reverse=True)


def test_every_new_word_is_translated(client, book):
    """With the rating, receivables and history filled in, no English is left (the checks
    of ``test_i18n`` on pages its portfolio leaves without them)."""
    accounts = _filled_in(book)
    catalogs = {lang: {m.id: m.string for m in _catalog(lang) if m.id} for lang in ("es", "pt")}
    alike_by_design = {
        msgid
        for msgid, text in catalogs["es"].items()
        if text == msgid == catalogs["pt"].get(msgid)
    }
    data = _data()
    problems = []
    for account in accounts:
        nodes = {}
        for language in ("en", "es", "pt"):
            parser = _Text()
            parser.feed(_page(client, book.manager, account, language))
            nodes[language] = set(parser.nodes)
        for language in ("es", "pt"):
            problems += [
                (language, msgid)
                for msgid, text in catalogs[language].items()
                if isinstance(msgid, str)
                and text != msgid
                and msgid not in SAME_EVERYWHERE
                and msgid in nodes[language]
            ]
        alike = (nodes["en"] & nodes["es"] & nodes["pt"]) - alike_by_design
        problems += [("all", node) for node in alike if _leftover(node, data) - SAME_EVERYWHERE]
    assert problems == []


def test_no_word_of_the_new_sections_is_outside_the_catalogue(client, book):
    from babel.dates import get_month_names

    accounts = _filled_in(book)
    calendar = set(get_month_names("abbreviated", locale="en_US").values())
    data = _data()
    found = set()
    with pytest.MonkeyPatch.context() as patch:
        for name in ("gettext", "ngettext", "pgettext", "npgettext"):
            patch.setattr(translation._trans, name, _bracketed(getattr(translation._trans, name)))
        for account in accounts:
            parser = _Text()
            parser.feed(_page(client, book.manager, account, "en"))
            for node in parser.nodes:
                text = node
                while "⟦" in text:
                    stripped = re.sub(r"⟦[^⟦⟧]*⟧", " ", text)
                    if stripped == text:
                        break
                    text = stripped
                if _leftover(text, data) - calendar:
                    found.add(node)
    assert found == set()
