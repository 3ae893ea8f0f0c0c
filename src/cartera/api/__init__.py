"""The REST API (django-ninja) under ``/api/v1/``: thin routers over services and selectors."""
