from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "newscenter.web"
    label = "web"
    verbose_name = "Public site"

    def ready(self) -> None:
        from newscenter.web.pagecache import invalidation

        invalidation.connect()
