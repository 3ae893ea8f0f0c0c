"""``/api/v1/``: the API, and a problem-details 404 for any other path below it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from cartera.api.main import api
from cartera.api.problems import problem


def _no_such_endpoint(request: HttpRequest, rest: str) -> HttpResponse:
    return problem(request, 404, detail=_("There is no such endpoint; see /api/v1/docs."))


urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", _no_such_endpoint),
]
