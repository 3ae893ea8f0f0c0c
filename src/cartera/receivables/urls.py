"""Receivables pages: ageing, provisions, dunning, cash flow, credit (issue 9)."""

from django.urls import path

from cartera.receivables import views

app_name = "receivables"

urlpatterns = [
    path("", views.index, name="index"),
    path("ageing.xlsx", views.ageing_xlsx, name="ageing_xlsx"),
    path("provisions/", views.provisions, name="provisions"),
    path("provisions.xlsx", views.provisions_xlsx, name="provisions_xlsx"),
    path("dunning/", views.dunning, name="dunning"),
    path("cashflow/", views.cashflow, name="cashflow"),
    path("credit/", views.credit, name="credit"),
]
