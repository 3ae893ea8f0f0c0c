"""The signed-in user's own pages: API tokens (issue 9)."""

from django.urls import URLPattern

app_name = "users"

urlpatterns: list[URLPattern] = []
