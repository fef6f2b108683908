"""Writes to translation groups: a translation drafted from its source, a translation
marked as caught up with its source (news.translations says what the statuses mean), and a
translator's XLIFF file read back into its translation."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from newscenter.news import machine, policy, translations, xliff
from newscenter.news.audit import audit_record
from newscenter.news.languages import site_languages, url_code
from newscenter.news.models import Article
from newscenter.news.policy import Actor
from newscenter.news.services.articles import article_create, article_update

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


@transaction.atomic
def translation_import_xliff(*, acting_user: Actor, data: bytes) -> Article:
    """A translated XLIFF file (``news.xliff.export``'s, translated) into its translation:
    the translation in the file's language is made as a draft when the group has none, and
    its headline, standfirst and body replaced (the body through the allow-list). It follows
    the revision exported; when that is the source's latest, it is current."""
    translated = xliff.read(data)
    source = Article.objects.filter(pk=translated.source_id).first()
    if source is None:
        raise ValidationError(f"The file is a translation of article {translated.source_id}, "
                              "which no longer exists.")  # fmt: skip
    edition = site_languages().find(translated.language)
    if edition is None or edition == site_languages().edition_of(source.language):
        raise ValidationError(
            f"The file is translated into {translated.language!r}: not another of the site's "
            f"languages ({', '.join(site_languages().all)})."
        )
    if not translated.headline.strip():
        raise ValidationError("The file's headline unit has no translation.")
    latest = translations.latest_revision_number(source)
    if not 0 < translated.revision <= latest:
        raise ValidationError(f"The file names revision {translated.revision} of "
                              f"“{source.headline}”, which has {latest}.")  # fmt: skip
    existing = translations.member_in(translations.group_members(source), edition)
    target = existing or translation_create(
        acting_user=acting_user, source=source, language=edition
    )
    # The translation follows the revision the file was made from: current when that is the
    # source's latest, outdated (once public) when the source has changed since.
    follows: dict[str, Any] = {"translated_from_revision": translated.revision}
    target = article_update(
        article=target,
        acting_user=acting_user,
        headline=translated.headline.strip(),
        standfirst=translated.standfirst.strip(),
        body=translated.body,
        note=f"XLIFF translation of revision {translated.revision}",
        **(follows if target.translated_from_id == source.pk else {}),
    )
    audit_record(
        actor=acting_user, action="translation.import", article=target, source=source.pk,
        language=edition, revision=translated.revision,
    )  # fmt: skip
    return target


def translation_export_xliff(*, source: Article, language: str) -> bytes:
    """``source``'s text as an XLIFF 2.0 file to translate into ``language`` (a read)."""
    edition = site_languages().find(language)
    if edition is None:
        raise ValidationError(
            f"{language!r} is not one of the site's languages ({', '.join(site_languages().all)})."
        )
    revision = translations.latest_revision_number(source)
    return xliff.export(source, revision=revision, language=edition)


def translation_export_xliff_batch(*, sources: list[Article], language: str) -> bytes:
    """A zip of ``sources``' XLIFF files to translate into ``language``, one per article
    (``12-plant-opens.de.xlf``), for a translator to take all at once (a read)."""
    if not sources:
        raise ValidationError("No article to export.")
    code = url_code(language)
    return xliff.pack(
        [
            (
                f"{source.pk}-{source.slug or 'article'}.{code}.xlf",
                translation_export_xliff(source=source, language=language),
            )
            for source in sources
        ]
    )


@transaction.atomic
def translation_import_xliff_batch(*, acting_user: Actor, data: bytes) -> list[Article]:
    """Every translated file of a zip (``translation_export_xliff_batch``'s, translated) into
    its translation, as ``translation_import_xliff`` does one: all or nothing. Every file is
    read before anything is written; a file that is not right is named in the refusal."""
    files = xliff.unpack(data)
    seen: dict[tuple[int, str], str] = {}
    for name, content in files:
        try:
            translated = xliff.read(content)
        except ValidationError as error:
            raise ValidationError(f"{name}: {' '.join(error.messages)}") from error
        key = (translated.source_id, url_code(translated.language))
        if key in seen:
            raise ValidationError(
                f"{name} and {seen[key]} both translate article {key[0]} into {key[1]}."
            )
        seen[key] = name
    done = []
    for name, content in files:
        try:
            done.append(translation_import_xliff(acting_user=acting_user, data=content))
        except ValidationError as error:
            raise ValidationError(f"{name}: {' '.join(error.messages)}") from error
    return done


def translation_machine_draft(*, acting_user: Actor, source: Article, language: str) -> Article:
    """A draft in ``language`` with the text the machine translation service gives for the
    source's (``news.machine``): only ever a new draft, for a translator to check. The
    service is asked before anything is written, so a failure leaves nothing behind."""
    policy.require(acting_user, "article.create")
    edition = site_languages().find(language)
    if edition is None:
        raise ValidationError(
            {"language": f"{language!r} is not one of the site's languages "
                         f"({', '.join(site_languages().all)})."}
        )  # fmt: skip
    blocks = xliff.body_blocks(source.body)
    texts = machine.translate(
        [source.headline, source.standfirst, *blocks],
        source=source.language or site_languages().default,
        target=edition,
    )
    with transaction.atomic():
        draft = translation_create(acting_user=acting_user, source=source, language=edition)
        return article_update(
            article=draft,
            acting_user=acting_user,
            headline=texts[0].strip() or source.headline,
            standfirst=texts[1].strip(),
            body="".join(texts[2:]),
            note="Machine translation: to be checked",
        )


@transaction.atomic
def translation_group_link(
    *, acting_user: Actor, articles: list[Article], source_language: str = ""
) -> list[str]:
    """Make ``articles`` one translation group, as an import says they are (Polylang, WPML,
    Hugo, hreflang): the one in ``source_language`` when the source names the original's
    language (WPML), else the one in the site's default language, else the earliest, is the
    source, the others its translations following its latest revision. An article in a
    language another already holds, or already in another group, is left as it is; the
    notes say which."""
    if len(articles) < 2:
        return []
    for article in articles:
        policy.require(acting_user, "article.edit", article=article)
    site = site_languages()
    original = url_code(source_language)
    ordered = sorted(
        articles,
        key=lambda a: (
            url_code(a.language or site.default) != original,
            a.edition != site.default,
            a.pub_date or a.created,
            a.pk,
        ),
    )
    source = ordered[0]
    group = source.translation_group or uuid.uuid4()
    latest = translations.latest_revision_number(source)
    taken, notes, linked = {source.edition}, [], []
    for article in ordered[1:]:
        if article.translation_group not in (None, group):
            notes.append(f"“{article.headline}” is in another translation group: left there.")
        elif article.edition in taken:
            notes.append(
                f"“{article.headline}”: the group has a {article.edition} article already."
            )
        else:
            taken.add(article.edition)
            linked.append(article)
    Article.objects.filter(pk=source.pk).update(translation_group=group)
    Article.objects.filter(pk__in=[a.pk for a in linked]).update(
        translation_group=group, translated_from=source, translated_from_revision=latest
    )
    for article in linked:
        audit_record(actor=acting_user, action="translation.link", article=article,
                     source=source.pk, revision=latest)  # fmt: skip
    return notes
