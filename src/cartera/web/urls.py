from django.urls import path

from cartera.web import views

app_name = "web"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("reports/", views.reports, name="reports"),
    path("reports/diagnosis/", views.diagnosis_report, name="diagnosis"),
    path("reports/diagnosis.xlsx", views.diagnosis_xlsx, name="diagnosis_xlsx"),
    path("reports/value/", views.value_report, name="value"),
    path("reports/value.xlsx", views.value_xlsx, name="value_xlsx"),
    path("reports/attention/", views.attention_report_view, name="attention"),
    path("metrics/refresh/", views.refresh_metrics, name="refresh_metrics"),
]
