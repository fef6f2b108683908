"""Writes to the site settings (``site.settings``): the one row every page's chrome reads."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.changes import announce
from newscenter.news.models import SiteSettings
from newscenter.news.policy import Actor


@transaction.atomic
def site_settings_update(*, acting_user: Actor, **changes: Any) -> SiteSettings:
    """Change the site's name, banner, locale ..."""
    policy.require(acting_user, "site.settings")
    site = SiteSettings.load()
    editable = {f.name for f in SiteSettings._meta.concrete_fields} - {"id"}
    unknown = sorted(set(changes) - editable)
    if unknown:
        raise TypeError(f"unknown site settings: {', '.join(unknown)}")
    for name, value in changes.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    audit_record(actor=acting_user, action="site.settings", target=site, changed=sorted(changes))
    announce(kinds=["site"])
    return site
