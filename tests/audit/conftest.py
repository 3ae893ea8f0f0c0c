"""Each audit test starts with no acting user, whatever a CLI test set before it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cartera.audit.context import acting_as


@pytest.fixture(autouse=True)
def _no_acting_user() -> Iterator[None]:
    with acting_as(None):
        yield
