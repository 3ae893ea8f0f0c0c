"""Login throttling and the production profile (issue 10, hardening)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.implementation = None  # pick up the changed settings
    yield
    AxesProxyHandler.implementation = None


@pytest.mark.django_db
@pytest.mark.usefixtures("axes_on")
def test_repeated_wrong_passwords_lock_the_account_out(client):
    UserFactory(username="ana", password="la-buena-clave-123")
    url = reverse("login")
    for _ in range(3):
        response = client.post(url, {"username": "ana", "password": "mala"})
        assert response.status_code in {200, 429}
    locked = client.post(url, {"username": "ana", "password": "la-buena-clave-123"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.usefixtures("axes_on")
def test_a_good_password_before_the_limit_logs_in(client):
    UserFactory(username="ana", password="la-buena-clave-123")
    url = reverse("login")
    client.post(url, {"username": "ana", "password": "mala"})
    response = client.post(url, {"username": "ana", "password": "la-buena-clave-123"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def _deploy_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A deployment has neither the test database nor the browser tests' async switch.
    leave_out = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in leave_out}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING",
         "--settings=cartera.config.settings.production"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


def test_production_profile_passes_check_deploy():
    result = _deploy_check(
        {
            "CARTERA_SECRET_KEY": secrets.token_urlsafe(64),
            "CARTERA_ALLOWED_HOSTS": "cartera.example.com",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_profile_refuses_to_start_without_a_secret_key():
    result = _deploy_check({"CARTERA_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "CARTERA_SECRET_KEY" in result.stderr
