from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "newscenter.news"
    label = "news"
    verbose_name = "News"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from newscenter import checks  # noqa: F401  (registers the system checks)
        from newscenter.news import changes

        post_migrate.connect(changes.cursors_made, sender=self, dispatch_uid="outbox-cursors")
