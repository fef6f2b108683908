from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Owns no models: its migrations create the full-text index for the database in use,
    and it follows the articles through the domain's change signal, before the pages do."""

    name = "newscenter.search"
    label = "search"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from newscenter.news.changes import Stage, content_changed
        from newscenter.search import indexing, related, sqlite, substrings

        # After the news app's migrations, which may remake news_article and drop the
        # triggers on it. Not this app's own signal: Django sends post_migrate only for apps
        # with a models module, and this one has none.
        news = apps.get_app_config("news")
        post_migrate.connect(substrings.kept_up, sender=news, dispatch_uid="desk-substrings")
        post_migrate.connect(sqlite.kept_up, sender=news, dispatch_uid="search-sqlite-triggers")

        content_changed.connect(
            indexing.follow_change, stage=Stage.INDEX, uid="newscenter.search.index"
        )
        # Ranked from the index, so after it: a new article's words are found.
        content_changed.connect(
            related.follow_change, stage=Stage.RELATED, uid="newscenter.search.related"
        )
