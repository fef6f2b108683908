from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Outgoing webhooks: the outbox's changes, delivered to the endpoints that asked."""

    name = "newscenter.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from newscenter.news.changes import Stage, content_changed
        from newscenter.webhooks import events

        content_changed.connect(events.on_change, stage=Stage.NOTIFY, uid="webhooks")
