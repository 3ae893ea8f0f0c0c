"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium, never a download.

``.ci/run`` installs it with apt-get when it is missing. Outside CI a machine without it
skips these tests with that reason; in CI (``CI`` set) a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from cartera.common.formatting import forget_company_format

CHROMIUM = Path(os.environ.get("CARTERA_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop on this thread; the tests' own ORM calls
# (factories, checks) are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs it with apt-get")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[object]:
    """A live server for this module only (pytest-django's lives for the whole session).

    Stopping it when the module ends closes its database connections, so later tests
    that need the SQLite file to themselves (the demo loader switches its journal mode)
    do not find it locked.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture
def page(chromium, site):
    cache.clear()
    forget_company_format()
    context = chromium.new_context(
        base_url=site.url, viewport={"width": 1280, "height": 900}, locale="es-ES"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()
    cache.clear()


def log_in(page, username: str, password: str = "secret-pass-123") -> None:
    """Log in through the form, as a person would."""
    page.goto("/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url("**/")
