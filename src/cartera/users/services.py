"""Creating logins with a role."""

from __future__ import annotations

from django.db import transaction

from cartera.common.services import validated_save
from cartera.users.models import Role, User


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str = Role.SALESPERSON,
    encoded_password: str | None = None,
    **fields: str,
) -> User:
    """Create a login; ``encoded_password`` skips hashing when it was hashed already."""
    user = User(username=username, role=role, **fields)
    if encoded_password:
        user.password = encoded_password
    else:
        user.set_password(password)
    # The admin site is for administrators and managers; salespeople use the app's pages.
    user.is_staff = role in {Role.ADMIN, Role.MANAGER}
    user.is_superuser = role == Role.ADMIN
    return validated_save(user)
