"""The API-token page (issue 10 in the web): my tokens only; the secret shown once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cartera.api.models import ApiToken
from cartera.api.selectors import token_user
from cartera.api.services import token_create

pytestmark = pytest.mark.django_db


def test_issuing_a_token_shows_the_secret_once_and_it_works(client, book):
    client.force_login(book.ana.user)
    response = client.post(reverse("users:index"), {"name": "ERP nocturno"})
    assert response.status_code == 200
    secret = response.context["secret"]
    token = ApiToken.objects.get(user=book.ana.user)
    assert token.name == "ERP nocturno"
    assert token.created_by == book.ana.user
    assert token.expires_at is None
    assert secret.startswith(f"crt_{token.prefix}_")
    assert secret in response.content.decode()
    assert token_user(secret) == book.ana.user
    listed = client.get(reverse("users:index"))
    assert secret not in listed.content.decode()
    assert [t.pk for t in listed.context["tokens"]] == [token.pk]
    assert f"crt_{token.prefix}_" in listed.content.decode()


def test_the_expiry_day_is_valid_to_its_end_and_a_past_one_is_refused(client, book):
    client.force_login(book.manager)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.post(reverse("users:index"), {"name": "Prueba", "expires_on": tomorrow.isoformat()})
    token = ApiToken.objects.get(user=book.manager)
    local = timezone.localtime(token.expires_at)
    assert (local.date(), local.time()) == (tomorrow + dt.timedelta(days=1), dt.time.min)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    refused = client.post(reverse("users:index"), {"name": "Vieja", "expires_on": yesterday})
    assert refused.context["form"].errors["expires_on"]
    assert refused.context["secret"] == ""
    assert ApiToken.objects.filter(user=book.manager).count() == 1


def test_the_page_lists_only_my_tokens_even_for_an_administrator(client, book):
    mine = token_create(user=book.admin, name="Mío", created_by=book.admin).token
    token_create(user=book.ana.user, name="De Ana", created_by=book.ana.user)
    client.force_login(book.admin)
    response = client.get(reverse("users:index"))
    assert [t.pk for t in response.context["tokens"]] == [mine.pk]
    assert "De Ana" not in response.content.decode()


def test_revoking_my_token_stops_it(client, book):
    issued = token_create(user=book.ana.user, name="Hoja", created_by=book.ana.user)
    client.force_login(book.ana.user)
    response = client.post(reverse("users:revoke", args=[issued.token.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("users:index")
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert token_user(issued.secret) is None
    page = client.get(reverse("users:index")).content.decode()
    assert "Hoja" in page
    assert reverse("users:revoke", args=[issued.token.pk]) not in page


@pytest.mark.parametrize("who", ["ana", "manager", "admin"])
def test_another_users_token_is_not_found(client, book, who):
    theirs = token_create(user=book.luis.user, name="De Luis", created_by=book.luis.user)
    user = {"ana": book.ana.user, "manager": book.manager, "admin": book.admin}[who]
    client.force_login(user)
    other = client.post(reverse("users:revoke", args=[theirs.token.pk]))
    missing = client.post(reverse("users:revoke", args=[987654321]))
    assert other.status_code == missing.status_code == 404
    theirs.token.refresh_from_db()
    assert theirs.token.revoked_at is None
    assert token_user(theirs.secret) == book.luis.user


def test_revoking_needs_a_post_and_a_login(client, book):
    issued = token_create(user=book.ana.user, name="Hoja", created_by=book.ana.user)
    url = reverse("users:revoke", args=[issued.token.pk])
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(book.ana.user)
    assert client.get(url).status_code == 405
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
