from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "cartera.ratings"
    verbose_name = _("Rating")

    def ready(self) -> None:
        # The client list offers the rating as a filter; the list does not import the
        # ratings app, which registers its filter once every model is loaded.
        from cartera.clients.filters import register_filter
        from cartera.ratings.list_filters import RATING_FILTER

        register_filter(RATING_FILTER)
