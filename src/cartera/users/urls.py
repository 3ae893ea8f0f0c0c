"""The signed-in user's own pages: API tokens (issue 9)."""

from django.urls import path

from cartera.users import views

app_name = "users"

urlpatterns = [
    path("tokens/", views.token_list, name="index"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="revoke"),
]
