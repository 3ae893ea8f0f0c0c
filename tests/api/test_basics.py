"""The API's contract: tokens, problem details, keyset pages, writes through services (issue 10)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cartera.api.models import ApiToken
from cartera.api.services import token_revoke
from cartera.clients.models import Account
from cartera.receivables.models import Payment
from cartera.sales.models import Sale
from tests.api.conftest import api_for
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_a_request_without_a_token_is_a_401_problem_with_a_bearer_challenge(world):
    response = api_for(None).get("/accounts")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert (body["status"], body["title"], body["instance"]) == (
        401,
        "Unauthorized",
        "/api/v1/accounts",
    )
    assert body["type"] == "about:blank"


def test_a_token_is_stored_hashed_and_stops_working_once_revoked(world):
    api = api_for(world.ana.user)
    stored = ApiToken.objects.get(user=world.ana.user)
    assert api.token not in (stored.digest, stored.prefix)
    assert len(stored.digest) == 64
    assert api.get("/accounts").status_code == 200
    token_revoke(token=stored, revoked_by=world.ana.user)
    assert api.get("/accounts").status_code == 401


def test_an_expired_token_or_a_forged_secret_is_refused(world):
    api = api_for(world.ana.user)
    forged = api.token[:-4] + ("AAAA" if not api.token.endswith("AAAA") else "BBBB")
    api.token = forged
    assert api.get("/accounts").status_code == 401
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api_for(None).get("/accounts").status_code == 401


def test_the_list_holds_only_the_salespersons_accounts_and_another_one_is_404(world):
    api = api_for(world.ana.user)
    body = api.get("/accounts").json()
    assert [a["code"] for a in body["items"]] == ["ANA1"]
    missing = api.get(f"/accounts/{world.theirs.pk}")
    assert missing.status_code == 404
    assert missing["Content-Type"] == PROBLEM


def test_accounts_come_in_keyset_pages_that_cover_every_row_once(world):
    for n in range(5):
        AccountFactory(owner=world.ana, code=f"P{n}", legal_name=f"Zeta {n}")
    api = api_for(world.ana.user)
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": 2, "sort": "code"} | ({"cursor": cursor} if cursor else {})
        page = api.get("/accounts", **query).json()
        seen += [a["code"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["ANA1", "P0", "P1", "P2", "P3", "P4"]


def test_the_list_takes_the_client_list_filters(world):
    AccountFactory(owner=world.ana, code="BCN", city="Barcelona")
    api = api_for(world.ana.user)
    assert [a["code"] for a in api.get("/accounts", city="Barcelona").json()["items"]] == ["BCN"]
    assert api.get("/accounts", kind="prospects").json()["items"] == []


def test_a_bad_filter_value_is_a_field_error(world):
    response = api_for(world.ana.user).get("/accounts", limit=0)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"limit"}


def test_creating_an_account_goes_through_the_service_and_names_bad_fields(world):
    api = api_for(world.ana.user)
    made = api.post("/accounts", {"code": "N1", "legal_name": "Nuevo", "phone": "612 34 56 78"})
    assert made.status_code == 201, made.json()
    body = made.json()
    # The service normalised the phone and opened the first ownership period.
    assert (body["phone"], body["owner_id"]) == ("+34612345678", world.ana.pk)
    assert Account.objects.get(code="N1").ownership.count() == 1
    bad = api.post("/accounts", {"code": "N2", "legal_name": "X", "email": "no-es-correo"})
    assert bad.status_code == 422
    problem = bad.json()
    assert problem["type"].endswith("/validation")
    assert list(problem["errors"]) == ["email"]


def test_a_salesperson_cannot_put_an_account_in_another_portfolio(world):
    response = api_for(world.ana.user).post(
        "/accounts", {"code": "N3", "legal_name": "X", "owner_id": world.luis.pk}
    )
    assert response.status_code == 403
    assert not Account.objects.filter(code="N3").exists()


def test_an_account_is_archived_never_deleted(world):
    api = api_for(world.ana.user)
    assert api.call("delete", f"/accounts/{world.mine.pk}").status_code == 405
    archived = api.post(f"/accounts/{world.mine.pk}/archive")
    assert archived.status_code == 200
    assert archived.json()["is_archived"] is True
    assert Account.objects.filter(pk=world.mine.pk, is_archived=True).exists()


def test_patch_changes_only_the_fields_sent(world):
    api = api_for(world.ana.user)
    response = api.patch(f"/accounts/{world.mine.pk}", {"city": "Sevilla"})
    assert response.status_code == 200
    world.mine.refresh_from_db()
    assert (world.mine.city, world.mine.legal_name) == ("Sevilla", "Bar de Ana")


def test_a_sale_is_recorded_with_its_lines_and_totals(world):
    api = api_for(world.ana.user)
    response = api.post(
        "/sales",
        {
            "number": "F-1",
            "account_id": world.mine.pk,
            "date": "2026-03-01",
            "lines": [{"sku": "COLA", "quantity": "3", "discount_pct": "10"}],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    # 3 × 2.00 less 10 % = 5.40; cost 3 × 1.00; due after the default 30 days.
    assert (body["total"], body["cost_total"], body["due_date"]) == ("5.40", "3.00", "2026-03-31")
    assert body["lines"][0] | {"line_no": 1} == {
        "line_no": 1, "sku": "COLA", "quantity": "3.000", "unit_price": "2.00",
        "discount_pct": "10.00", "amount": "5.40", "cost": "3.00",
    }  # fmt: skip


def test_a_sale_over_the_credit_limit_is_a_409_with_the_figures(world):
    Account.objects.filter(pk=world.mine.pk).update(credit_limit=Decimal("10.00"))
    api = api_for(world.ana.user)
    sale = {
        "number": "F-2",
        "account_id": world.mine.pk,
        "date": "2026-03-01",
        "lines": [{"sku": "COLA", "quantity": "6"}],
    }
    response = api.post("/sales", sale)
    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"].endswith("/credit-limit-exceeded")
    assert body["credit"] | {} == {
        "limit": "10.00", "open_balance": "0.00", "unbilled_orders": "0.00",
        "exposure": "0.00", "amount": "12.00", "exposure_after": "12.00", "excess": "2.00",
    }  # fmt: skip
    assert not Sale.objects.filter(number="F-2").exists()
    # A manager may let it through with a reason; a salesperson may not.
    assert api.post("/sales", sale | {"credit_override_reason": "x"}).status_code == 422
    approved = api_for(world.manager).post("/sales", sale | {"credit_override_reason": "Aval"})
    assert approved.status_code == 201
    assert approved.json()["credit_override_by_id"] == world.manager.pk


def test_a_sale_on_an_account_the_user_cannot_see_is_refused_like_a_missing_one(world):
    response = api_for(world.ana.user).post(
        "/sales",
        {"number": "F-3", "account_id": world.theirs.pk, "date": "2026-03-01",
         "lines": [{"sku": "COLA", "quantity": "1"}]},
    )  # fmt: skip
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["account_id"]
    assert not Sale.objects.filter(number="F-3").exists()


def test_an_unknown_sku_names_the_line(world):
    response = api_for(world.ana.user).post(
        "/sales",
        {"number": "F-4", "account_id": world.mine.pk, "date": "2026-03-01",
         "lines": [{"sku": "COLA", "quantity": "1"}, {"sku": "NOPE", "quantity": "1"}]},
    )  # fmt: skip
    assert response.status_code == 422
    assert len(response.json()["errors"]["lines"]) == 1
    assert "NOPE" in response.json()["errors"]["lines"][0]


def test_malformed_input_is_a_422_naming_the_nested_field(world):
    response = api_for(world.ana.user).post(
        "/sales",
        {"number": "F-5", "account_id": world.mine.pk, "date": "2026-03-01",
         "lines": [{"sku": "COLA", "quantity": "-1"}]},
    )  # fmt: skip
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["lines.0.quantity"]


def test_text_the_database_cannot_store_is_refused_before_it(world):
    response = api_for(world.ana.user).post(
        "/accounts", {"code": "NUL", "legal_name": "a\x00b", "attributes": {"k": "\x00"}}
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"legal_name", "attributes"}


def test_a_payment_is_recorded_and_listed(world):
    api = api_for(world.ana.user)
    made = api.post(
        "/payments",
        {"reference": "P-1", "account_id": world.mine.pk, "date": "2026-03-02", "amount": "7.5"},
    )
    assert made.status_code == 201, made.json()
    assert made.json()["amount"] == "7.50"
    assert Payment.objects.get(reference="P-1").amount == Decimal("7.50")
    assert [p["reference"] for p in api.get("/payments").json()["items"]] == ["P-1"]
    assert api_for(world.luis.user).get("/payments").json()["items"] == []


def test_a_duplicate_reference_is_a_field_error_not_a_crash(world):
    api = api_for(world.ana.user)
    body = {"reference": "P-2", "account_id": world.mine.pk, "date": "2026-03-02", "amount": "1"}
    assert api.post("/payments", body).status_code == 201
    again = api.post("/payments", body)
    assert again.status_code == 422
    assert list(again.json()["errors"]) == ["reference"]


def test_goals_are_set_by_managers_only(world):
    body = {"year": 2027, "target": "1200.00", "salesperson_id": world.ana.pk, "spread": "even"}
    assert api_for(world.ana.user).put("/goals", body).status_code == 403
    response = api_for(world.manager).put("/goals", body)
    assert response.status_code == 200, response.json()
    assert response.json()["target"] == "1200.00"
    months = api_for(world.ana.user).get("/goals", year=2027, limit=20).json()["items"]
    assert sorted(g["target"] for g in months if g["month"]) == ["100.00"] * 12


def test_an_unknown_path_under_the_api_is_a_problem(world):
    response = api_for(world.ana.user).get("/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM


def test_an_unexpected_error_is_a_500_problem_without_a_traceback(world, monkeypatch):
    from cartera.api.routers import products

    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(products, "keyset", explode)
    response = api_for(world.ana.user).get("/products")
    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_the_docs_page_loads_its_assets_from_our_static_files(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "cartera"
    problem = spec["paths"]["/api/v1/sales"]["post"]["responses"]["409"]["content"]
    assert list(problem) == [PROBLEM]


def test_the_account_history_endpoint_shows_who_changed_what(world):
    api = api_for(world.ana.user)
    api.patch(f"/accounts/{world.mine.pk}", {"segment": "Hoteles"})
    history = api.get(f"/accounts/{world.mine.pk}/history").json()
    assert history[0]["who"] == world.ana.user.username
    assert {"field": "segment", "old": "Restaurantes", "new": "Hoteles"}.items() <= {
        k: v for k, v in history[0]["changes"][0].items() if k != "label"
    }.items()
    assert api.get(f"/accounts/{world.theirs.pk}/history").status_code == 404


def test_an_import_is_a_dry_run_by_default_and_for_managers_only(world):
    pytest.importorskip("cartera.imports.services", reason="the imports app is not installed")
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(api, **form):
        body = b"code;legal_name;city\nIMP1;Bar Nuevo;Vigo\nIMP2;Bar Viejo;Lugo\n"
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api.token}"}
        data = {"file": SimpleUploadedFile("clientes.csv", body, "text/csv"), **form}
        return api.client.post("/api/v1/imports/clients", data, **headers)

    assert upload(api_for(world.ana.user)).status_code == 403
    dry = upload(api_for(world.manager))
    assert dry.status_code == 200, dry.content
    report = dry.json()
    assert (report["dry_run"], report["counts"][report["primary"]]["created"]) == (True, 2)
    assert not Account.objects.filter(code__startswith="IMP").exists()
    done = upload(api_for(world.manager), dry_run="false")
    assert done.json()["written"] is True
    assert Account.objects.filter(code__startswith="IMP").count() == 2


def test_ratings_list_only_the_clients_the_user_may_see(world):
    from cartera.common.scoping import SYSTEM
    from cartera.ratings.services import rating_recalculate
    from tests.factories import SaleFactory

    for account in (world.mine, world.theirs):
        SaleFactory(account=account, date=dt.date(2026, 1, 10), total=Decimal("300.00"))
    rating_recalculate(by=SYSTEM, as_of=dt.date(2026, 6, 30))
    mine = api_for(world.ana.user).get("/ratings").json()["items"]
    everyone = api_for(world.manager).get("/ratings").json()["items"]
    assert [r["code"] for r in mine] == ["ANA1"]
    assert sorted(r["code"] for r in everyone) == ["ANA1", "LUIS1"]
    assert 0 <= mine[0]["score"] <= 100
    # The explanation is written in the language the client asks for.
    manager = api_for(world.manager)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {manager.token}"}
    texts = {
        language: manager.client.get(
            "/api/v1/ratings", HTTP_ACCEPT_LANGUAGE=language, **headers
        ).json()["items"][0]["text"]
        for language in ("en", "es", "pt")
    }
    assert texts == {
        "en": "D: margin 100% +17, growth: no data +6",
        "es": "D: margen 100 % +17, crecimiento: sin datos +6",
        "pt": "D: margem 100% +17, crescimento: sem dados +6",
    }


def test_a_hand_over_moves_the_account_and_records_who_did_it(world):
    response = api_for(world.manager).post(
        f"/accounts/{world.mine.pk}/hand-over",
        {"to_salesperson_id": world.luis.pk, "reason": "Reparto de zona"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["owner_id"] == world.luis.pk
    period = world.mine.ownership.order_by("-id").first()
    assert (period.salesperson, period.handed_over_by) == (world.luis, world.manager)
    # The previous owner no longer sees it: 404, like any account not theirs.
    assert api_for(world.ana.user).get(f"/accounts/{world.mine.pk}").status_code == 404
