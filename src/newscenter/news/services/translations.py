"""Writes to translation groups: a translation drafted from its source, and a translation
marked as caught up with its source (news.translations says what the statuses mean)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from newscenter.news import policy, translations
from newscenter.news.audit import audit_record
from newscenter.news.languages import site_languages
from newscenter.news.models import Article
from newscenter.news.policy import Actor
from newscenter.news.services.articles import article_create

# What a translation starts from: the source's words to translate over, and what it shares.
_COPIED = ("headline", "standfirst", "body", "section", "lead_image", "lead_image_alt",
           "source_name", "source_url")  # fmt: skip


@transaction.atomic
def translation_create(*, acting_user: Actor, source: Article, language: str) -> Article:
    """A draft in ``language`` prefilled with ``source``'s text, in its translation group.

    Refused (ValidationError on ``language``) when the site has no such language, when it is
    the source's own, or when the group already has an article in it.
    """
    policy.require(acting_user, "article.create")
    given, source = source, Article.objects.select_for_update().get(pk=source.pk)
    site = site_languages()
    edition = site.find(language)
    if edition is None:
        known = ", ".join(site.all)
        raise ValidationError(
            {"language": f"{language!r} is not one of the site's languages ({known})."}
        )
    members = translations.group_members(source)
    existing = translations.member_in(members, edition)
    if existing is not None:
        raise ValidationError(
            {"language": f"This news already has a {edition} version: “{existing.headline}”."}
        )
    group = source.translation_group or uuid.uuid4()
    if source.translation_group is None:
        # The source opens the group; its content is unchanged, so no revision of it.
        Article.objects.filter(pk=source.pk).update(translation_group=group)
        given.translation_group = source.translation_group = group
    fields = {name: getattr(source, name) for name in _COPIED}
    translation = article_create(
        acting_user=acting_user,
        tags=source.tags.all(),
        authors=source.authors.all(),
        language=edition,
        translation_group=group,
        translated_from=source,
        translated_from_revision=translations.latest_revision_number(source),
        **fields,
    )
    audit_record(
        actor=acting_user,
        action="translate",
        article=translation,
        source=source.pk,
        language=edition,
        revision=translation.translated_from_revision,
    )
    return translation


@transaction.atomic
def translation_mark_current(*, acting_user: Actor, translation: Article) -> Article:
    """The translator has brought the translation level with its source's latest revision."""
    translation = Article.objects.select_for_update().get(pk=translation.pk)
    policy.require(acting_user, "article.edit", article=translation)
    if translation.translated_from is None:
        raise ValidationError("This article is not a translation of another.")
    previous = translation.translated_from_revision
    latest = translations.latest_revision_number(translation.translated_from)
    Article.objects.filter(pk=translation.pk).update(translated_from_revision=latest)
    translation.translated_from_revision = latest
    audit_record(
        actor=acting_user,
        action="translation.current",
        article=translation,
        source=translation.translated_from_id,
        revision=latest,
        previous_revision=previous,
    )
    return translation
