from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "cartera.receivables"
    verbose_name = _("Receivables")

    def ready(self) -> None:
        # The client list offers overdue debt as a filter; the list does not import the
        # receivables app, which registers its filter once every model is loaded.
        from cartera.clients.filters import register_filter
        from cartera.receivables.list_filters import OVERDUE_FILTER

        register_filter(OVERDUE_FILTER)
