"""The sales team: salespeople and their logins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from cartera.common.services import validated_save
from cartera.common.validators import normalize_email
from cartera.team.models import Salesperson
from cartera.users.models import Role, User


@transaction.atomic
def salesperson_create(
    *,
    name: str,
    email: str = "",
    username: str | None = None,
    password: str | None = None,
    hired_on: dt.date | None = None,
    **fields: Any,
) -> Salesperson:
    """Create a salesperson; with ``username`` also a login with the salesperson role."""
    user = None
    if username:
        user = User(
            username=username, email=email, first_name=name.split(" ")[0], role=Role.SALESPERSON
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        validated_save(user)
    person = Salesperson(
        name=name.strip(),
        email=normalize_email(email) if email else "",
        user=user,
        hired_on=hired_on,
        **fields,
    )
    return validated_save(person)
