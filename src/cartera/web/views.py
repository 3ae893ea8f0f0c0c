"""The shell of the web app: dashboard and login pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cartera.clients.selectors import portfolio_counts


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", {"counts": portfolio_counts(user=request.user)})
