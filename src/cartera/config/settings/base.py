"""Settings shared by every profile. Secrets and the database come from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("CARTERA_DATA_DIR", Path.cwd() / "var"))

SECRET_KEY = os.environ.get("CARTERA_SECRET_KEY", "dev-only-not-secret-change-me")
DEBUG = os.environ.get("CARTERA_DEBUG", "1") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("CARTERA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # its Swagger and Redoc assets are then served from our static files
    "simple_history",
    "cartera.common",
    "cartera.users",
    "cartera.team",
    "cartera.catalog",
    "cartera.prospecting",
    "cartera.clients",
    "cartera.sales",
    "cartera.receivables",
    "cartera.activities",
    "cartera.goals",
    "cartera.ratings",
    "cartera.imports",
    "cartera.metrics",  # per-client analytics stored for filtering (issue 9)
    "cartera.web",
    "cartera.api",
    "cartera.audit",  # after the apps whose models it keeps a history of
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Gives the audit trail the request's user (cartera.audit).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns repeated failed logins into a lockout.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: five failures for the same user from the same address lock that
# pair out for an hour; an administrator can unlock with `axes_reset`.
AXES_FAILURE_LIMIT = int(os.environ.get("CARTERA_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

ROOT_URLCONF = "cartera.config.urls"
WSGI_APPLICATION = "cartera.config.wsgi.application"
AUTH_USER_MODEL = "users.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_from_environment() -> dict[str, object]:
    """Return the default database: PostgreSQL from DATABASE_URL, else a SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60)
    # A fresh clone has no var/ yet; SQLite cannot create the folder of its file.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "cartera.sqlite3",
        # WAL lets readers (the Arrow bridge, the web pages) run beside a writer.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("pt", _("Portuguese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("CARTERA_TIME_ZONE", "Europe/Madrid")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cartera",
    }
}

# Money: amounts are stored as integer cents in one company currency (CompanySettings).
CARTERA_MONEY_MAX_DIGITS = 18
CARTERA_DEMO_PASSWORD = os.environ.get("CARTERA_DEMO_PASSWORD", "cartera-demo")
