"""Salespeople pages: each portfolio's figures and the hand-over wizard (issue 9)."""

from django.urls import URLPattern

app_name = "team"

urlpatterns: list[URLPattern] = []
