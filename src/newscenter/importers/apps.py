from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """Owns no models: the import pipeline, and the system check of its format registry."""

    name = "newscenter.importers"
    label = "importers"

    def ready(self) -> None:
        from newscenter.importers import checks  # noqa: F401  (registers the check)
