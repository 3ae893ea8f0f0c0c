"""Take the README's screenshots from a running cartera with the demo portfolio.

    cartera setup && cartera serve --port 8000 &
    .venv/bin/python -m tests.browser.screenshots http://127.0.0.1:8000

Writes docs/screenshots/dashboard.png (Spanish, the default) and
docs/screenshots/client-file.png (English). Not a test: pytest does not collect it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, FLAGS

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def main(base: str, username: str = "gerente", password: str = "cartera-demo") -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        for language, locale in (("es", "es-ES"), ("en", "en-US")):
            context = browser.new_context(
                base_url=base, viewport={"width": 1280, "height": 1000}, locale=locale
            )
            page = context.new_page()
            page.goto("/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", password)
            page.click("form button[type=submit]")
            page.wait_for_url("**/")
            if language == "es":
                page.screenshot(path=str(OUT / "dashboard.png"))
            else:
                page.goto("/clients/?sort=-revenue&kind=clients")
                page.locator("table.list tbody tr a").nth(2).click()
                page.wait_for_url("**/clients/*/")
                page.set_viewport_size({"width": 1280, "height": 1150})
                page.screenshot(path=str(OUT / "client-file.png"))
            context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
