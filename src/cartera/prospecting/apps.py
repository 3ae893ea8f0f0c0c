from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProspectingConfig(AppConfig):
    name = "cartera.prospecting"
    verbose_name = _("Prospecting")
