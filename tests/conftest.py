"""Project-wide test set-up: the database backend in use is stated, never guessed."""

from __future__ import annotations

import os

import pytest


def _on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"cartera database: {'PostgreSQL' if _on_postgres() else 'SQLite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # PostgreSQL-only tests belong to the PostgreSQL pass of .ci/run; on SQLite they are
    # skipped with a reason shown in the summary (-ra), never silently.
    if _on_postgres():
        return
    marker = pytest.mark.skip(reason="PostgreSQL-only: runs in the DATABASE_URL=postgres pass")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(marker)
