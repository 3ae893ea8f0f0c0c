"""Write a generated demo portfolio into the database, fast and in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import models, transaction

from cartera.activities.models import Activity
from cartera.audit.services import record_bulk
from cartera.catalog.models import Product
from cartera.clients.models import Account, Contact, LostReason, OwnershipPeriod
from cartera.common.bulk import (
    bulk_insert,
    bulk_load_session,
    deferred_indexes,
    reset_sequences,
)
from cartera.common.dataversion import Topic, data_changed
from cartera.common.models import CompanySettings
from cartera.demo.generate import DEFAULT_PASSWORD, DemoData, Login
from cartera.demo.ratings import store_rating_setup
from cartera.goals.models import Goal
from cartera.prospecting.models import Campaign, QualificationItem, StageChange
from cartera.ratings.models import (
    AccountFit,
    ContactFrequency,
    IdealProfile,
    Rating,
    RatingChange,
    RatingPolicyVersion,
    RatingRun,
)
from cartera.receivables.models import (
    DEFAULT_BOUNDS,
    DEFAULT_PERCENTS,
    CreditEvent,
    Payment,
    ProvisionOverride,
    ProvisionPolicy,
)
from cartera.sales.models import Sale, SaleLine
from cartera.team.models import Salesperson
from cartera.users.models import User
from cartera.users.services import user_create

TABLES: tuple[tuple[str, type[models.Model]], ...] = (
    ("salespeople", Salesperson),
    ("campaigns", Campaign),
    ("products", Product),
    ("accounts", Account),
    ("contacts", Contact),
    ("ownership", OwnershipPeriod),
    ("stage_changes", StageChange),
    ("sales", Sale),
    ("lines", SaleLine),
    ("payments", Payment),
    ("activities", Activity),
    ("goals", Goal),
)


class DemoError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class DemoLoaded:
    rows: dict[str, int]
    logins: list[Login]
    password: str


def portfolio_is_empty() -> bool:
    return not (Account.objects.exists() or Sale.objects.exists() or Salesperson.objects.exists())


def _write_tables(data: DemoData, on_table: Callable[[str, int], None] | None) -> dict[str, int]:
    written: dict[str, int] = {}
    for name, model in TABLES:
        written[name] = bulk_insert(model, data.tables[name])
        if on_table:
            on_table(name, written[name])
    return written


def _receivables_policy() -> None:
    """Store the default provision policy and provision bankrupt clients at 100 % (S1.11)."""
    ProvisionPolicy.objects.update_or_create(
        pk=1, defaults={"bounds": DEFAULT_BOUNDS, "percents": DEFAULT_PERCENTS}
    )
    ProvisionOverride.objects.bulk_create(
        ProvisionOverride(account_id=pk, percent=100, reason="Concurso de acreedores")
        for pk in Account.objects.filter(lost_reason=LostReason.BANKRUPT).values_list(
            "pk", flat=True
        )
    )


def load_demo(
    data: DemoData,
    *,
    password: str = DEFAULT_PASSWORD,
    replace: bool = False,
    on_table: Callable[[str, int], None] | None = None,
) -> DemoLoaded:
    """Write ``data`` into an empty database (or, with ``replace``, over the old portfolio).

    Creates one login per role (admin, manager) and one per active salesperson, all
    with ``password``.
    """
    with bulk_load_session(), transaction.atomic():
        data_changed(*Topic)  # cached analytics of the old portfolio must go
        loaded = _load(data, password=password, replace=replace, on_table=on_table)
    # After the commit, so that the rating reads the new rows through Arrow at full speed.
    from cartera.common.scoping import SYSTEM
    from cartera.ratings.services import rating_recalculate

    run = rating_recalculate(by=SYSTEM, as_of=data.today)
    if on_table:
        on_table("ratings", run.clients)
    return loaded


def _load(
    data: DemoData,
    *,
    password: str,
    replace: bool,
    on_table: Callable[[str, int], None] | None,
) -> DemoLoaded:
    if not portfolio_is_empty():
        if not replace:
            raise DemoError(
                "The database already holds a portfolio; use --replace to delete it first."
            )
        ProvisionOverride.objects.all().delete()
        CreditEvent.objects.all().delete()
        # Derived and set-up rows first: deleting accounts under them would cascade row
        # by row.
        for model in (Rating, RatingChange, AccountFit, RatingRun, RatingPolicyVersion,
                      IdealProfile, ContactFrequency, QualificationItem):  # fmt: skip
            model._default_manager.all().delete()
        for _name, model in reversed(TABLES):
            model._default_manager.all().delete()
        User.objects.filter(username__in=[login.username for login in data.logins]).delete()

    CompanySettings.objects.update_or_create(
        pk=1, defaults={"name": data.company_name, "currency": "EUR", "default_region": "ES"}
    )
    with deferred_indexes(*(model for _name, model in TABLES)):
        written = _write_tables(data, on_table)
    for name, model in TABLES:
        # Bulk writes bypass the row history: one audit event per table says what came in.
        record_bulk(action="demo load", model=model, count=written[name], detail=name)
    reset_sequences(*(model for _name, model in TABLES))
    _receivables_policy()
    store_rating_setup()

    encoded = make_password(password)  # hashing is slow on purpose: do it once
    for login in data.logins:
        first, _, last = login.name.partition(" ")
        user = user_create(
            username=login.username,
            password=password,
            role=login.role,
            first_name=first,
            last_name=last,
            encoded_password=encoded,
        )
        if login.salesperson_id is not None:
            Salesperson.objects.filter(pk=login.salesperson_id).update(user=user)
    return DemoLoaded(rows=written, logins=data.logins, password=password)
