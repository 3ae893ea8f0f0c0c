"""Salespeople pages: each portfolio's figures and the hand-over wizard (issue 9)."""

from django.urls import path

from cartera.team import views

app_name = "team"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:salesperson_id>/", views.salesperson_detail, name="detail"),
    path("<int:salesperson_id>/hand-over/", views.hand_over, name="hand_over"),
]
