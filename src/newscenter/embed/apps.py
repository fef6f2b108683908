from django.apps import AppConfig


class EmbedConfig(AppConfig):
    """Widgets for other sites and the oEmbed provider: public news only, no actions."""

    name = "newscenter.embed"
    label = "embed"
    verbose_name = "Embeds"
