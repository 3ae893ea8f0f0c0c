"""The import page: upload, mapping preview, dry run, confirm (issue 9)."""

from django.urls import URLPattern

app_name = "imports"

urlpatterns: list[URLPattern] = []
