from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The editors' desk: owns no models; its admin module registers the domain's."""

    name = "newscenter.desk"
    label = "desk"
    verbose_name = "Editors' desk"
