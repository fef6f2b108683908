from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "newscenter.news"
    label = "news"
    verbose_name = "News"

    def ready(self) -> None:
        from newscenter import checks  # noqa: F401  (registers the system checks)
