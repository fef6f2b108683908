"""Writes to the site's structure: sections, tags and authors (``taxonomy.edit``) and the
site settings (``site.settings``). Articles have theirs in news.services and news.workflow.

Finding or creating a section by name during an import stays in news.services
(``section_get_or_create`` ...), which checks the same policy when it creates one.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from newscenter.news import policy
from newscenter.news.models import AuditEntry, Author, Section, SiteSettings, Tag
from newscenter.news.services import User, actor_of

Taxon = Section | Tag | Author


@transaction.atomic
def taxonomy_save(*, obj: Taxon, acting_user: User) -> Taxon:
    """Create or change a section, tag or author (the admin's forms end here)."""
    policy.require(acting_user, "taxonomy.edit")
    created = obj.pk is None
    obj.full_clean()
    obj.save()
    _audit(acting_user, f"{obj._meta.model_name}.{'create' if created else 'update'}", obj)
    return obj


@transaction.atomic
def taxonomy_delete(*, obj: Taxon, acting_user: User) -> None:
    """Delete a section, tag or author; a section still holding articles is protected."""
    policy.require(acting_user, "taxonomy.edit")
    _audit(acting_user, f"{obj._meta.model_name}.delete", obj)
    obj.delete()


@transaction.atomic
def site_settings_update(*, acting_user: User, **changes: Any) -> SiteSettings:
    """Change the site's name, banner, locale ...: the one row every page's chrome reads."""
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
    _audit(acting_user, "site.settings", site, changed=sorted(changes))
    return site


def _audit(actor: User, action: str, obj: Any, **detail: Any) -> None:
    """An audit entry for a write that is not to an article: what, and which row."""
    detail = {"model": obj._meta.model_name, "id": obj.pk, "name": str(obj)[:200], **detail}
    AuditEntry.objects.create(actor=actor_of(actor), action=action, detail=detail)
