"""Writes to sections, tags and authors (``taxonomy.edit``), from the desk and from imports.

Finding a section, tag or author by name is anyone's; creating one is editing the
taxonomy. Every write is audited and announced, since listings and pages show these names.
"""

from __future__ import annotations

import itertools
from typing import Any, TypeVar

from django.db import models, transaction

from newscenter.news import policy, publishing
from newscenter.news.audit import audit_record
from newscenter.news.changes import announce
from newscenter.news.models import Author, Section, Tag
from newscenter.news.policy import Actor
from newscenter.news.services.labels import labels_refresh, labels_refresh_for

Taxon = Section | Tag | Author
T = TypeVar("T", Section, Tag, Author)
_SLUG_ATTEMPTS = 10_000


@transaction.atomic
def taxonomy_save(*, obj: Taxon, acting_user: Actor) -> Taxon:
    """Create or change a section, tag or author (the desk's forms end here)."""
    policy.require(acting_user, "taxonomy.edit")
    created = obj.pk is None
    obj.full_clean()
    obj.save()
    if not created and not isinstance(obj, Section):
        labels_refresh_for(obj)  # the pages of its articles show its name
    _recorded(acting_user, obj, "create" if created else "update")
    return obj


@transaction.atomic
def taxonomy_delete(*, obj: Taxon, acting_user: Actor) -> None:
    """Delete a section, tag or author; a section still holding articles is protected."""
    policy.require(acting_user, "taxonomy.edit")
    _recorded(acting_user, obj, "delete")
    had_it = [] if isinstance(obj, Section) else list(obj.articles.values_list("pk", flat=True))
    obj.delete()
    labels_refresh(had_it)


def section_get_or_create(*, name: str, acting_user: Actor, position: int = 0) -> Section:
    return _named_get_or_create(Section, name, acting_user, position=position)


def tag_get_or_create(*, name: str, acting_user: Actor) -> Tag:
    return _named_get_or_create(Tag, name, acting_user)


def author_get_or_create(*, name: str, acting_user: Actor) -> Author:
    return _named_get_or_create(Author, name, acting_user)


@transaction.atomic
def author_for_user(*, acting_user: Any) -> Author:
    """The signed-in writer's own byline: their linked author, made from their name if they
    have none yet. Anyone who may write an article may have a byline (not other people's)."""
    policy.require(acting_user, "article.create")
    found = Author.objects.filter(user=acting_user).first()
    if found is not None:
        return found
    name = (acting_user.get_full_name() or acting_user.get_username()).strip()
    author = Author(name=name, slug=_free_slug(Author, name), user=acting_user)
    author.full_clean()
    author.save()
    _recorded(acting_user, author, "create")
    return author


@transaction.atomic
def _named_get_or_create(model: type[T], name: str, acting_user: Actor, **extra: Any) -> T:
    """Find by name, ignoring case; else create with a slug no other row has ("c" and "c-2")."""
    name = name.strip()
    found = model._default_manager.filter(name__iexact=name).first()
    if found is not None:
        return found
    policy.require(acting_user, "taxonomy.edit")
    obj = model(name=name, slug=_free_slug(model, name), **extra)
    obj.full_clean()
    obj.save()
    _recorded(acting_user, obj, "create")
    return obj


def _free_slug(model: type[Taxon], name: str) -> str:
    """A slug for ``name`` no other row has ("c", then "c-2")."""
    slug_field = model._meta.get_field("slug")
    max_length: int = getattr(slug_field, "max_length", None) or 50
    base: str = publishing.slug_for(name)[: max_length - 4]
    taken = set(model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True))
    # Made one at a time: "c" is nearly always free (a tuple of all 10,000 cost an import
    # about 2 ms a new tag).
    candidates = itertools.chain((base,), (f"{base}-{n}" for n in range(2, _SLUG_ATTEMPTS)))
    return next(s for s in candidates if s not in taken)


def _recorded(acting_user: Actor, obj: models.Model, verb: str) -> None:
    kind = obj._meta.model_name or ""
    audit_record(actor=acting_user, action=f"{kind}.{verb}", target=obj)
    announce(kinds=[kind])
