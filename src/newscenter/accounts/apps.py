from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in (password, then the second factor) and password reset: views, forms and
    templates; the writes are the domain's (``news.services.accounts``)."""

    name = "newscenter.accounts"
    label = "accounts"
    verbose_name = "Sign-in"
