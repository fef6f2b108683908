from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Owns no models: its migrations create the full-text index for the database in use."""

    name = "newscenter.search"
    label = "search"
