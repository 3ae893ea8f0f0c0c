from django.urls import path

from cartera.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("export.csv", views.account_export_csv, name="export_csv"),
    path("export.xlsx", views.account_export_xlsx, name="export_xlsx"),
    path("views/", views.saved_view_create, name="view_save"),
    path("views/<int:pk>/delete/", views.saved_view_remove, name="view_delete"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/activities/", views.activity_create, name="log_activity"),
    path("<int:pk>/history.csv", views.account_history_csv, name="history_csv"),
]
