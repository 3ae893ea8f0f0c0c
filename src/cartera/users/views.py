"""The signed-in user's API tokens (issue 10 in the web): list, issue, revoke.

The page manages only the tokens of whoever is signed in, whatever their role: the id of
someone else's token is answered like one that does not exist. An administrator issues
tokens for others with ``cartera token`` or the admin.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cartera.api.models import ApiToken
from cartera.api.selectors import tokens_visible_to
from cartera.api.services import SCHEME, token_create, token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What it is for"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. the ERP's nightly sync")}),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        help_text=gettext_lazy("Empty: until revoked."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def expires_at(self) -> dt.datetime | None:
        """Return the end of the day chosen (the token works all of it), or ``None``."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _mine(user: Any) -> QuerySet[ApiToken]:
    return tokens_visible_to(user).filter(user_id=user.pk).order_by("-created_at", "-id")


def _page(request: HttpRequest, form: TokenForm, secret: str = "") -> HttpResponse:
    context = {
        "form": form,
        "tokens": _mine(request.user),
        "secret": secret,
        "scheme": SCHEME,
        "now": timezone.now(),
    }
    return render(request, "users/tokens.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """List my tokens; on POST issue one and show its secret this once."""
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    try:
        issued = token_create(
            user=request.user,  # type: ignore[arg-type]
            name=form.cleaned_data["name"],
            created_by=request.user,
            expires_at=form.expires_at(),
        )
    except ValidationError as exc:
        field = {"expires_at": "expires_on", "name": "name"}
        for key, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            for error in errors:
                form.add_error(field.get(key), error)
        return _page(request, form)
    # Rendered, not redirected: the secret must not wait in a session or a message.
    return _page(request, TokenForm(), secret=issued.secret)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(_mine(request.user), pk=pk)
    token_revoke(token=token, revoked_by=request.user)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("users:index")
