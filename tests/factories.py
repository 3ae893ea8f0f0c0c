"""factory_boy factories for the domain models (valid by default)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from cartera.activities.models import Activity
from cartera.catalog.models import Product
from cartera.clients.models import Account, Contact, Status
from cartera.prospecting.models import Campaign
from cartera.receivables.models import Payment
from cartera.sales.models import Sale
from cartera.team.models import Salesperson
from cartera.users.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")
    role = Role.SALESPERSON


class ManagerFactory(UserFactory):
    role = Role.MANAGER
    is_staff = True


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


class SalespersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Salesperson

    name = factory.Sequence(lambda n: f"Vendedor {n}")
    user = factory.SubFactory(UserFactory)
    territory = "Madrid"
    hired_on = dt.date(2020, 1, 1)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaña {n}")
    source = "trade_fair"
    started_on = dt.date(2025, 3, 1)
    cost = Decimal("10000.00")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    code = factory.Sequence(lambda n: f"C{n:05d}")
    legal_name = factory.Sequence(lambda n: f"Empresa {n} S.L.")
    status = Status.CLIENT
    city = "Madrid"
    segment = "Restaurantes"
    owner = factory.SubFactory(SalespersonFactory)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Persona {n}")
    is_purchasing = True


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:04d}")
    name = factory.Sequence(lambda n: f"Producto {n}")
    family = "Refrescos"
    list_price = Decimal("1.50")
    unit_cost = Decimal("0.90")


class SaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sale

    number = factory.Sequence(lambda n: f"F-{n:06d}")
    account = factory.SubFactory(AccountFactory)
    salesperson = factory.SelfAttribute("account.owner")
    date = dt.date(2026, 1, 15)
    due_date = dt.date(2026, 2, 14)
    total = Decimal("100.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    reference = factory.Sequence(lambda n: f"P-{n:06d}")
    account = factory.SubFactory(AccountFactory)
    date = dt.date(2026, 2, 10)
    amount = Decimal("50.00")


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    account = factory.SubFactory(AccountFactory)
    salesperson = factory.SelfAttribute("account.owner")
    kind = "visit"
    date = dt.date(2026, 1, 10)
