from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "newscenter.web"
    label = "web"
    verbose_name = "Public site"

    def ready(self):
        from newscenter.web import pagecache

        pagecache.connect_signals()
