from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Owns no models: its migrations create the full-text index for the database in use,
    and it follows the articles through the domain's change signal, before the pages do."""

    name = "newscenter.search"
    label = "search"

    def ready(self) -> None:
        from newscenter.news.changes import Stage, content_changed
        from newscenter.search.indexing import follow_change

        content_changed.connect(follow_change, stage=Stage.INDEX, uid="newscenter.search.index")
