from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # The login page sits at the root namespace: settings.LOGIN_URL = "login".
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("clients/", include("cartera.clients.urls")),
    path("prospects/", include("cartera.prospecting.urls")),
    path("salespeople/", include("cartera.team.urls")),
    path("receivables/", include("cartera.receivables.urls")),
    path("goals/", include("cartera.goals.urls")),
    path("import/", include("cartera.imports.urls")),
    path("me/", include("cartera.users.urls")),
    path("api/v1/", include("cartera.api.urls")),
    path("", include("cartera.web.urls")),
]
