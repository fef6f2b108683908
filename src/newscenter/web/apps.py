from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "newscenter.web"
    label = "web"
    verbose_name = "Public site"

    def ready(self) -> None:
        from newscenter.news.changes import Stage, content_changed
        from newscenter.web import sitemaps
        from newscenter.web.pagecache import invalidation

        # Before the pages are renewed: a renewed sitemap index reads the new count.
        content_changed.connect(sitemaps.recount, stage=Stage.INDEX, uid="newscenter.web.count")
        invalidation.connect()
