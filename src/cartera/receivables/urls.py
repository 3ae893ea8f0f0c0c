"""Receivables pages: ageing, provisions, dunning, cash flow, credit (issue 9)."""

from django.urls import URLPattern

app_name = "receivables"

urlpatterns: list[URLPattern] = []
