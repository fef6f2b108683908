from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "newscenter.news"
    label = "news"
    verbose_name = "News"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from newscenter import checks  # noqa: F401  (registers the system checks)
        from newscenter.news import changes, listed, listings, sessions, tallies

        connection_created.connect(sessions.set_up, dispatch_uid="news-sessions")

        post_migrate.connect(changes.cursors_made, sender=self, dispatch_uid="outbox-cursors")
        post_migrate.connect(listed.kept_up, sender=self, dispatch_uid="news-listed")
        # Before the pages are renewed: a renewed sitemap index reads the new count. The uid
        # names the consumer's cursor in the outbox, so it keeps the name it had in web/.
        changes.content_changed.connect(
            tallies.recount, stage=changes.Stage.INDEX, uid="newscenter.web.count"
        )
        # Before the pages are renewed: the sitemaps of sections, tags and authors read these.
        changes.content_changed.connect(
            listings.keep, stage=changes.Stage.INDEX, uid="newscenter.news.listings"
        )
