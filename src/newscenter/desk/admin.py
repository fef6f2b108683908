"""Loaded by the admin's autodiscovery: each module registers its models on the desk's site."""

from newscenter.desk import (  # noqa: F401  (imported to register)
    analytics,
    articles,
    attachments,
    audit,
    media,
    site_settings,
    taxonomy,
    tokens,
    users,
    webhooks,
)
