"""The filters' suggestion lists, written once and kept until the accounts change (issue 9)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cartera.clients.services import account_create

pytestmark = pytest.mark.django_db


def _cities(client) -> list[str]:
    page = client.get(reverse("clients:list")).content.decode()
    found = re.search(r'<datalist id="city-options">(.*?)</datalist>', page)
    assert found is not None
    return re.findall(r'<option value="([^"]*)">', found.group(1))


def test_the_city_suggestions_follow_a_new_account_and_keep_to_the_scope(
    client, book, django_capture_on_commit_callbacks
):
    client.force_login(book.ana.user)
    assert _cities(client) == ["Cádiz", "Huelva", "Sevilla"]
    assert _cities(client) == ["Cádiz", "Huelva", "Sevilla"]  # written once, served again
    with django_capture_on_commit_callbacks(execute=True):
        account_create(code="N-1", legal_name="Nuevo <Bar>", owner=book.ana, city="Ávila & Co")
    # The accounts version moved on: the written lists are read again, escaped.
    # (The database's collation decides where the accent sorts.)
    assert sorted(_cities(client)) == ["Cádiz", "Huelva", "Sevilla", "Ávila &amp; Co"]
    client.force_login(book.luis.user)
    assert _cities(client) == ["Sevilla"]  # his scope: his one client
