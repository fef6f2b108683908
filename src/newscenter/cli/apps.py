from django.apps import AppConfig


class CliConfig(AppConfig):
    """The ``newscenter`` commands: each parses its options and calls one service."""

    name = "newscenter.cli"
    label = "cli"
    verbose_name = "Command line"
