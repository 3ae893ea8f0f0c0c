from django.urls import path

from cartera.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("<int:pk>/", views.account_detail, name="detail"),
]
