from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Owns no models: its migrations create the full-text index for the database in use,
    and it follows the articles through the domain's ``articles_changed`` signal."""

    name = "newscenter.search"
    label = "search"

    def ready(self) -> None:
        from newscenter.news.signals import articles_changed
        from newscenter.search.indexing import articles_changed as index_changed

        articles_changed.connect(index_changed, dispatch_uid="newscenter.search.index")
