"""Forecast and goals reports (issue 9)."""

from django.urls import path

from cartera.goals import views

app_name = "goals"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("set/", views.set_goal, name="set_goal"),
]
