"""Forecast and goals reports (issue 9)."""

from django.urls import URLPattern

app_name = "goals"

urlpatterns: list[URLPattern] = []
