"""Goals in the admin: a salesperson sees their own and changes none (S3.5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from cartera.goals.models import Goal
from tests.factories import ManagerFactory, SalespersonFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().post("/admin/goals/goal/")
    request.user = user
    return request


def test_a_salesperson_sees_their_goal_but_may_not_change_or_add_one():
    ana = SalespersonFactory(name="Ana Souto")
    mine = Goal.objects.create(salesperson=ana, year=2027, target=Decimal(1000))
    Goal.objects.create(salesperson=SalespersonFactory(), year=2027, target=Decimal(2000))
    admin = site._registry[Goal]
    request = _request(ana.user)
    assert list(admin.get_queryset(request)) == [mine]
    assert not admin.has_change_permission(request, mine)
    assert not admin.has_add_permission(request)


def test_saving_a_month_in_the_admin_keeps_the_year_whole():
    ana = SalespersonFactory(name="Ana Souto")
    Goal.objects.bulk_create(
        Goal(salesperson=ana, year=2027, month=m, target=Decimal(100)) for m in range(1, 13)
    )
    Goal.objects.create(salesperson=ana, year=2027, target=Decimal(1200))
    february = Goal.objects.get(salesperson=ana, year=2027, month=2)
    february.target = Decimal(250)
    admin = site._registry[Goal]
    admin.save_model(_request(ManagerFactory()), february, form=None, change=True)
    assert Goal.objects.get(salesperson=ana, year=2027, month__isnull=True).target == Decimal(1350)
