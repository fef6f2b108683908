from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The JSON API under /api/v1/ (django-ninja) and its tokens."""

    name = "newscenter.api"
    label = "api"
    verbose_name = "JSON API"
