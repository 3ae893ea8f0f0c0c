"""Prospect pages: the pipeline board, qualification, conversion (issue 9)."""

from django.urls import path

from cartera.prospecting import views

app_name = "prospecting"

urlpatterns = [
    path("", views.index, name="index"),
    path("checklist/", views.checklist_save, name="checklist"),
    path("acquisition/", views.acquisition, name="acquisition"),
    path("acquisition.xlsx", views.acquisition_xlsx, name="acquisition_xlsx"),
    path("<int:pk>/stage/", views.prospect_move, name="move"),
    path("<int:pk>/disqualify/", views.prospect_discard, name="disqualify"),
    path("<int:pk>/win/", views.prospect_won, name="win"),
    path("<int:pk>/checklist/", views.prospect_tick, name="tick"),
]
