from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Page views counted by the server: no cookie, no JavaScript, no third party."""

    name = "newscenter.analytics"
    label = "analytics"
    verbose_name = "Analytics"
