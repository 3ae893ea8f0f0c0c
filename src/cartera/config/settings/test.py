"""Test profile: fast hashing, a SQLite *file* (the Arrow bridge opens its own connection)."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import DATA_DIR, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client's login() gives axes no request; the throttling tests switch it on.
AXES_ENABLED = False
DEBUG = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = DATA_DIR / "test.sqlite3"
    # One file per test process: xdist workers, and several test runs in one checkout,
    # must never share (and clobber) a test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # The same on PostgreSQL: a test database per process, not one shared test_<name>.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
