"""The import page: upload, mapping preview, dry run, confirm (issue 9)."""

from django.urls import path

from cartera.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_page, name="index"),
    path("mapping/", views.import_mapping, name="mapping"),
    path("confirm/", views.import_confirm, name="confirm"),
    path("cancel/", views.import_cancel, name="cancel"),
]
