"""Prospect pages: the pipeline board, qualification, conversion (issue 9)."""

from django.urls import URLPattern

app_name = "prospecting"

urlpatterns: list[URLPattern] = []
