"""The domain: site settings, sections, tags, authors, articles and their audit trail."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Callable
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import URLResolver, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.http import RFC3986_SUBDELIMS

from newscenter.news import languages as langs
from newscenter.news import publishing

LANGUAGE_MAX_LENGTH = 35  # BCP 47 tags such as "zh-Hant-TW" fit easily


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (try Europe/Berlin or UTC).")


def validate_origins(value: object) -> None:
    """A list of web origins (scheme, host and port only), written as browsers send them in
    an Origin header: lower case, no path, no trailing slash."""
    if not isinstance(value, list):
        raise ValidationError("Give the origins as a list of addresses.")
    for item in value:
        problem = origin_problem(item)
        if problem:
            raise ValidationError(problem)


def origin_problem(item: object) -> str:
    """Why ``item`` is not an origin as a browser writes one, or "" when it is."""
    if not isinstance(item, str):
        return f"{item!r} is not an address."
    parts = urlsplit(item)
    example = f"https://{parts.netloc or item.strip('/') or 'www.example.com'}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{item!r} is not an origin: write it as {example}"
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        return f"{item!r} has a port that is not a number."
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        return f"{item!r} is an address, not an origin: write only {parts.scheme}://{parts.netloc}"
    if item != item.lower():
        return f"{item!r}: browsers send origins in lower case; write {item.lower()}"
    return ""


class Image(models.Model):
    """A picture in the media library: stored re-encoded under a name the server chose.

    Only ``news.services.images.image_create`` makes one (it validates the upload and makes the
    renditions); width and height are stored so that pages never open the file to size it.
    """

    file = models.ImageField(upload_to="images/%Y/%m/", editable=False)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    alt = models.CharField(
        "alternative text",
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = models.CharField(max_length=1000, blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text="Photographer or agency.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    # Its renditions as pages need them, so that a page showing the image reads no rendition
    # rows: [[format, width, height, crop, file name], ...] ordered by format, width and crop.
    # Written with the renditions themselves (news.services.images.renditions_make).
    rendition_list = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        label = self.alt.strip() or self.file.name.rsplit("/", 1)[-1] or "image"
        return label if len(label) <= 80 else label[:79] + "…"

    @functools.cached_property
    def shown_renditions(self) -> list[Rendition]:
        """The renditions from ``rendition_list`` (no query), as unsaved rows."""
        return [
            Rendition(
                image_id=self.pk, format=kind, width=width, height=height, crop=crop, file=name
            )
            for kind, width, height, crop, name in self.rendition_list
        ]


class Rendition(models.Model):
    """The image resized to one width in one format, for ``srcset``; or, with ``crop``, cut
    to one of the aspect ratios search engines ask for (structured data, link previews)."""

    class Format(models.TextChoices):
        # AVIF is a choice so that switching news.pictures.MODERN needs no migration.
        WEBP = "webp", "WebP"
        AVIF = "avif", "AVIF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=10, choices=Format.choices)
    file = models.ImageField(upload_to="images/%Y/%m/")
    # "16x9", "4x3" or "1x1": cut from the middle of the picture; empty: the whole picture.
    crop = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "width", "format", "crop"],
                name="rendition_unique_per_width_format_crop",
            )
        ]

    def __str__(self) -> str:
        return f"{self.width}w {self.format} of image {self.image_id}"


DEFAULT_SECTION_TITLE = "News center"


class SiteSettings(models.Model):
    """One row (pk=1): the News center's chrome, as the seed page shows it."""

    site_name = models.CharField(max_length=200, default="newscenter")
    # PROTECT: a library image the banner shows cannot be deleted from under the site.
    banner_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    banner_alt = models.CharField(
        max_length=300,
        blank=True,
        help_text="Describes the banner for screen readers; empty: the image's own text.",
    )
    logo = models.ImageField(
        upload_to="site/",
        blank=True,
        help_text="Square, at least 112 pixels: names the publisher to search engines and feeds.",
    )
    favicon = models.ImageField(
        upload_to="site/",
        blank=True,
        help_text="Square, at least 192 pixels: the browser tab's icon and a phone's home screen.",
    )
    share_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Shown where an article without a lead image is shared or listed by search "
        "engines; at least 1200 pixels wide.",
    )
    section_title = models.CharField(max_length=200, default=DEFAULT_SECTION_TITLE)
    tagline = models.CharField(max_length=300, blank=True)
    press_contact_name = models.CharField("press contact", max_length=200, blank=True)
    press_contact_email = models.EmailField("press contact email", blank=True)
    press_contact_phone = models.CharField("press contact phone", max_length=50, blank=True)
    social_links = models.JSONField(
        default=list,
        blank=True,
        help_text="Addresses of the company's profiles (LinkedIn, X, YouTube ...), one a line.",
    )
    language = models.CharField(
        "default language",
        max_length=LANGUAGE_MAX_LENGTH,
        default="en",
        validators=[langs.validate_language_tag],
        help_text="BCP 47 code (en, de, zh-Hans): its pages keep addresses without a prefix.",
    )
    languages = models.JSONField(
        "other languages",
        default=list,
        blank=True,
        validators=[langs.validate_language_list],
        help_text='BCP 47 codes of the site\'s other editions, as a list: ["de", "zh-Hans"]; '
        "each is served under its own prefix, such as /de/.",
    )
    x_default = models.CharField(
        "x-default language",
        max_length=LANGUAGE_MAX_LENGTH,
        blank=True,
        help_text="The edition search engines show readers whose language the site lacks: "
        "empty for the default language, a code from the languages, or “none”.",
    )
    texts = models.JSONField(
        "texts in other languages",
        default=dict,
        blank=True,
        validators=[langs.validate_site_texts],
        help_text="The site name, tagline and section title on each other language's pages: "
        '{"de": {"section_title": "Aktuelles", "tagline": "..."}}. What is left out shows '
        "the text above.",
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    embed_origins = models.JSONField(
        "embed origins",
        default=list,
        blank=True,
        validators=[validate_origins],
        help_text="The sites that may show the news widget (https://www.example.com), one a "
        "line; none: any site may.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return self.site_name

    def text_in(self, name: str, language: str) -> str:
        """The site name, tagline or section title in ``language`` (as set, else the
        default language's)."""
        texts = langs.text_in(self.texts, language)
        found = texts.get(name) if isinstance(texts, dict) else None
        if isinstance(found, str) and found:
            return found
        value: str = getattr(self, name)
        if name == "section_title" and value == DEFAULT_SECTION_TITLE:
            # Left as it came: the interface's own words for it, in the page's language
            # (web/locale; msgid marked in web.context_processors).
            with translation.override(langs.url_code(language)):
                return translation.gettext(DEFAULT_SECTION_TITLE)
        return value

    def clean(self) -> None:
        if self.x_default and self.x_default != "none":
            codes = {langs.url_code(code) for code in [self.language, *(self.languages or [])]}
            if langs.url_code(self.x_default) not in codes:
                raise ValidationError(
                    {"x_default": f"{self.x_default!r} is not one of the site's languages."}
                )
        if self.banner_image_id and not self.banner_alt_text:
            raise ValidationError(
                {"banner_alt": "A banner image needs alternative text (here or in the library)."}
            )

    @property
    def banner_alt_text(self) -> str:
        """The override typed here, else the library image's own alternative text."""
        return _alt_text(self.banner_alt, self.banner_image if self.banner_image_id else None)

    @classmethod
    def load(cls) -> SiteSettings:
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class Translatable(models.Model):
    """A section or tag with its name in the site's other languages; one slug for all."""

    translations = models.JSONField(
        "names in other languages",
        default=dict,
        blank=True,
        validators=[langs.validate_names],
        help_text='The name on each other language\'s pages: {"de": "Werke", "zh-Hans": "工厂"}. '
        "A language left out shows the name above.",
    )

    class Meta:
        abstract = True

    def name_in(self, language: str) -> str:
        name = langs.text_in(self.translations, language)
        return name if isinstance(name, str) and name else self.name  # type: ignore[attr-defined]

    @property
    def local_name(self) -> str:
        """The name in the language being answered in (a template's ``section.local_name``)."""
        return self.name_in(langs.page_language())


# Addresses without reverse() for each one: a page links dozens of articles, sections and
# tags, and reverse() (with a language override for an article's edition) was the costliest
# part of rendering them. Where everything but the slug (and an article's date) stays, the
# path's head is worked out once by reverse() itself, for each URLconf (a new resolver after
# clear_url_caches), script prefix, set of site languages, language and URL name; the slug is
# quoted as reverse() quotes it. A slug reverse() would refuse falls back to reverse().
_PROBE_SLUG, _PROBE_DAY = "x", {"year": 1000, "month": 10, "day": 10}
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what django.urls.resolvers leaves unquoted
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]+")  # what quote() gives back as it is, at any rate


def _url_state() -> tuple[URLResolver, str]:
    return get_resolver(get_urlconf()), get_script_prefix()


def _plain(slug: str) -> bool:
    return bool(slug) and "/" not in slug


@functools.lru_cache(maxsize=512)
def _quoted(slug: str) -> str:
    return quote(slug, safe=_SAFE)


@functools.lru_cache(maxsize=256)
def _path_head(
    resolver: URLResolver,
    script_prefix: str,
    site: langs.SiteLanguages,
    language: str | None,
    name: str,
) -> str | None:
    """What reverse() gives before the date and slug of ``name``, or None when its path does
    not end with them."""
    dated = name == "news:article"
    tail = "1000/10/10/x/" if dated else "x/"
    with langs.using(site), translation.override(language):
        path = reverse(name, kwargs={"slug": _PROBE_SLUG, **(_PROBE_DAY if dated else {})})
    return path[: -len(tail)] if path.endswith(tail) and path.count(tail) == 1 else None


def slug_path(name: str, slug: str) -> str:
    """``reverse(name, kwargs={"slug": slug})`` for the page's language, remembered by head."""
    return slug_paths(name)(slug)


def slug_paths(name: str) -> Callable[[str], str]:
    """``slug_path(name, slug)`` for the many slugs of one page (the section menu), with the
    path's head looked up once."""
    site = langs.current()
    head = None
    if site is not None:
        head = _path_head(*_url_state(), site, translation.get_language(), name)

    def path(slug: str) -> str:
        if head is None or not _plain(slug):
            return reverse(name, kwargs={"slug": slug})
        return f"{head}{_quoted(slug)}/"

    return path


class Section(Translatable):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_path("news:section", self.slug)


class Tag(Translatable):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_path("news:tag", self.slug)


class Author(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    bio = models.TextField(blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    photo = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    links = models.JSONField(
        default=list, blank=True, help_text="Addresses of the author's profiles elsewhere."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_path("news:author", self.slug)


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, *, at: dt.datetime | None = None) -> ArticleQuerySet:
        """The one definition of public: scheduled, published or embargoed, and dated by now.

        A scheduled or embargoed article appears by itself when its time comes, at the
        same URL, with no cron job or worker: its status row never needs rewriting.
        """
        return self.filter(status__in=Article.TIMED, pub_date__lte=at or timezone.now())


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        EMBARGOED = "embargoed", "Embargoed"
        UNPUBLISHED = "unpublished", "Unpublished"
        ARCHIVED = "archived", "Archived"

    # Statuses that are public from pub_date on. Scheduled and embargoed differ before that
    # moment (an embargoed article may be shown through review links), never after it.
    TIMED = (Status.SCHEDULED, Status.PUBLISHED, Status.EMBARGOED)
    # Statuses whose old URL answers 410 Gone: the article was public and was taken down.
    WITHDRAWN = (Status.UNPUBLISHED, Status.ARCHIVED)

    headline = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=publishing.SLUG_MAX_LENGTH,
        allow_unicode=True,
        blank=True,
        help_text="Part of the address; made from the headline when left empty.",
    )
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the headline; also the summary."
    )
    body = models.TextField(blank=True, help_text="Sanitised HTML.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    pub_date = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        help_text="A published article dated in the future appears by itself at that moment.",
    )
    # The day of pub_date in the site's time zone when it was set: it makes the URL and,
    # with the slug, identifies the article. Stored so that URLs never move.
    pub_day = models.DateField(null=True, blank=True, editable=False)
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    authors = models.ManyToManyField(Author, blank=True, related_name="articles")
    # PROTECT rather than SET_NULL: deleting a library image must not silently strip it from
    # published articles (no revision, no audit); the admin names the articles in the way.
    lead_image = models.ForeignKey(
        Image, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    lead_image_alt = models.CharField(
        "lead image alternative text",
        max_length=300,
        blank=True,
        help_text="Only to describe the image differently here; empty: the library's text.",
    )
    source_name = models.CharField(
        max_length=200, blank=True, help_text="The outlet a republished item comes from."
    )
    source_url = models.URLField(max_length=1000, blank=True)
    canonical_url = models.URLField(max_length=1000, blank=True)
    language = models.CharField(max_length=LANGUAGE_MAX_LENGTH, blank=True)
    # Translations: every article of a group tells the same news in another language, one
    # article per language. A translation names the article it was translated from and the
    # number of that article's revision it follows (news.translations says when it is behind).
    translation_group = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    translated_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        editable=False,
    )
    translated_from_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Identifies an imported item (WordPress id, feed entry id, content hash) so that a
    # second import updates or skips it instead of duplicating it.
    import_key = models.CharField(
        max_length=300, null=True, blank=True, unique=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text="Who wrote the first draft: contributors may edit only their own drafts.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # What readers are told of its last change (JSON-LD, feeds, sitemaps): an editor's save
    # moves it; an import keeps the source's own date. ``updated`` is any write of the row.
    modified = models.DateTimeField(null=True, blank=True, editable=False)
    # What the public page shows of the article's tags and authors, so that it reads one row:
    # {"tags": [[slug, name, translations, id], ...], "authors": [[slug, name, id], ...]},
    # each in the order of their names (the ids are the API's). Kept by the services
    # (news.services.labels) whenever the article's tags or authors, or one of those tags or
    # authors, change.
    labels = models.JSONField(default=dict, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-pub_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["pub_day", "slug"], name="article_slug_unique_per_day"),
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "published", "embargoed"])
                | Q(pub_date__isnull=False),
                name="article_timed_has_pub_date",
            ),
            models.UniqueConstraint(
                fields=["translation_group", "language"],
                condition=Q(translation_group__isnull=False),
                name="article_one_per_language_in_group",
            ),
        ]
        # The public listings walk these newest first and stop after a page; status rides
        # along so that skipping a draft needs no table read. Not partial indexes: SQLite
        # matches a partial index only against literals, and Django binds the statuses as
        # parameters, so it scanned and sorted the table instead. They replace an index on
        # (status, pub_date), which SQLite preferred at 200,000 articles and then sorted
        # every public article for each page (85 ms a page).
        indexes = [
            models.Index(fields=["-pub_date", "-id", "status"], name="article_listing_idx"),
            models.Index(
                fields=["section", "-pub_date", "-id", "status"],
                name="article_section_listing_idx",
            ),
            # The sitemaps' "last changed": walked newest first, it stops at the first public
            # article instead of reading every article for a MAX(). With ``modified`` in it,
            # the walk for the newest own change never reads the table: at a million articles
            # it passed 21,000 drafts and archived ones, each read for its row (17 ms).
            models.Index(
                fields=["-updated", "status", "pub_date", "modified"],
                name="article_changed_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        day = self.pub_day
        if day is None:
            return reverse("news:preview", kwargs={"pk": self.pk})
        # Under its edition's prefix (none for the default language), whatever the page's.
        site = langs.site_languages()
        language = langs.url_code(site.edition_of(self.language))
        head = (
            _path_head(*_url_state(), site, language, "news:article") if _plain(self.slug) else None
        )
        if head is not None:
            return f"{head}{day.year:04d}/{day.month:02d}/{day.day:02d}/{_quoted(self.slug)}/"
        return _reversed_article_path(site, language, self.slug, day)

    @property
    def edition(self) -> str:
        """The site language this article is published in (news.languages)."""
        return langs.site_languages().edition_of(self.language)

    def clean(self) -> None:
        # Alternative text is required before publishing (news.services.workflow checks it), not on
        # every save: a draft may pick an image before anyone has described it.
        if self.status in self.TIMED and self.pub_date is None:
            raise ValidationError(
                {"pub_date": f"A {self.get_status_display().lower()} article needs a date."}
            )

    @functools.cached_property
    def shown_tags(self) -> list[Tag]:
        """The article's tags as its page shows them, from ``labels`` (no query): unsaved
        rows with the slug, name and translated names of each."""
        return [
            Tag(slug=slug, name=name, translations=names)
            for slug, name, names, *_ in self.labels.get("tags", ())
        ]

    @functools.cached_property
    def shown_authors(self) -> list[Author]:
        """The article's authors as its byline shows them, from ``labels`` (no query)."""
        return [Author(slug=slug, name=name) for slug, name, *_ in self.labels.get("authors", ())]

    @property
    def is_public(self) -> bool:
        return publishing.is_public(self)

    @property
    def is_republished(self) -> bool:
        return bool(self.source_url or self.source_name)

    @property
    def lead_image_alt_text(self) -> str:
        """The article's own description of its lead image, else the library image's."""
        return _alt_text(self.lead_image_alt, self.lead_image if self.lead_image_id else None)


def _reversed_article_path(
    site: langs.SiteLanguages, language: str, slug: str, day: dt.date
) -> str:
    with langs.using(site), translation.override(language):
        return reverse(
            "news:article",
            kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": slug},
        )


def article_paths() -> Callable[[str, dt.date, str], str]:
    """``Article.get_absolute_url`` from an article's slug, day and language, for many
    articles at once (a page of the articles' sitemap): the site's languages and the head of
    each language's path are looked up once."""
    site = langs.site_languages()
    state = _url_state()
    heads: dict[str, tuple[str, str | None]] = {}

    def path(slug: str, day: dt.date, language: str) -> str:
        found = heads.get(language)
        if found is None:
            code = langs.url_code(site.edition_of(language))
            found = heads[language] = (code, _path_head(*state, site, code, "news:article"))
        code, head = found
        if head is None or not _plain(slug):
            return _reversed_article_path(site, code, slug, day)
        quoted = slug if _UNQUOTED.fullmatch(slug) else _quoted(slug)
        return f"{head}{day.year:04d}/{day.month:02d}/{day.day:02d}/{quoted}/"

    return path


def article_urls() -> Callable[[Article], str]:
    """``Article.get_absolute_url`` for the many articles of one page (teasers, a listing's
    structured data, a feed's items), with what it looks up looked up once (article_paths):
    looking it up again for each article cost more than the rest of a teaser."""
    path = article_paths()

    def url(article: Article) -> str:
        if article.pub_day is None:
            return article.get_absolute_url()
        return path(article.slug, article.pub_day, article.language)

    return url


class RelatedArticle(models.Model):
    """One of an article's related articles at its rank (0 first): stored by
    ``search.related`` after each change, so that a page reads its list in one query instead of
    ranking it per view."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="listed_in")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["article", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["article", "rank"], name="related_article_rank_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} -> {self.related_id} at {self.rank}"


class Tally(models.Model):
    """A count kept up to date after each change, so that no page counts a large table:
    ``timed_articles`` (public, scheduled and embargoed articles) for the sitemaps."""

    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"


class ListedArticle(models.Model):
    """An article's place in one tag's or author's listing: a link row of ``Article.tags`` or
    ``Article.authors`` with the article's status and publication date beside it, kept by the
    database itself (``news.listed``: triggers on the links and on the articles), whatever
    writes them. Walked newest first along ``listed_walk_idx``, a tag's or author's page reads
    its page of entries at any size; the links joined to the articles had every article of the
    tag or author read and sorted first (an author of 31,000 articles: 222 ms on SQLite)."""

    class Kind(models.TextChoices):
        TAG = "tag"
        AUTHOR = "author"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    listing = models.BigIntegerField(help_text="The tag's or author's id.")
    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, db_constraint=False, related_name="listed"
    )
    status = models.CharField(max_length=20)
    pub_date = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "listing", "article"], name="listed_unique")
        ]
        indexes = [
            models.Index(
                fields=["kind", "listing", "-pub_date", "-article", "status"],
                name="listed_walk_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.listing}: article {self.article_id}"


class ListingChange(models.Model):
    """When the public articles of one section, tag or author in one language last changed,
    and the article that change is of: kept by ``news.listings`` after each change, so that
    the sitemaps of sections, tags and authors read these rows instead of grouping every
    public article."""

    class Kind(models.TextChoices):
        SECTION = "section"
        TAG = "tag"
        AUTHOR = "author"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    listing = models.BigIntegerField(help_text="The section's, tag's or author's id.")
    language = models.CharField(max_length=LANGUAGE_MAX_LENGTH, blank=True)
    # Max(Greatest(updated, pub_date)) over those articles: as the sitemaps have always said.
    last_change = models.DateTimeField()
    # Which article gave it (the highest id of a tie): when that one changes, look again.
    article = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "listing", "language"], name="listing_change_unique"
            )
        ]
        indexes = [models.Index(fields=["article"], name="listing_change_article_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.listing} ({self.language}): {self.last_change:%Y-%m-%d %H:%M}"


def _alt_text(override: str, image: Image | None) -> str:
    if image is None:
        return ""
    return override.strip() or image.alt.strip()


class AuditEntry(models.Model):
    """Who did what to which article, written in the same transaction as the change."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=50)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    at = models.DateTimeField(default=timezone.now)
    # A transition's states, and the note the actor gave ("legal approved", "hold for fair").
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.action} by {self.actor or 'system'} at {self.at:%Y-%m-%d %H:%M}"


class ImportRecord(models.Model):
    """Where an imported article came from, with the item exactly as the source had it."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="import_record")
    format = models.CharField(max_length=30)
    origin = models.CharField(max_length=1000, help_text="File name or URL.")
    where = models.CharField(max_length=300, blank=True, help_text="The item within the origin.")
    original = models.TextField(blank=True)
    lead_image_url = models.URLField(max_length=1000, blank=True)
    lead_image_alt = models.CharField(max_length=300, blank=True)
    notes = models.JSONField(default=list, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.format} import of {self.article_id} from {self.origin}"


class FeedSubscription(models.Model):
    """An RSS or Atom feed whose new entries `newscenter feeds poll` adds as articles."""

    url = models.URLField(max_length=1000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="feeds"
    )
    publish = models.BooleanField(
        default=False, help_text="Publish new entries at once instead of saving them as drafts."
    )
    active = models.BooleanField(default=True)
    # Conditional GET: sent back to the server so that an unchanged feed costs a 304.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.title or self.url


class Revision(models.Model):
    """The article as one save left it: headline, standfirst, body and metadata, numbered."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    created = models.DateTimeField(default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"revision {self.number} of article {self.article_id}"


class ReviewLink(models.Model):
    """A signed address that shows one unpublished article to someone without an account.

    The token handed out is ``key`` signed with the secret key; the row holds what can
    change after it was handed out: when it expires and whether it was revoked.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_links")
    key = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(
        max_length=200, blank=True, help_text="Who it is for, e.g. “Legal” or “Trade Weekly”."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()
    revoked = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"review link for article {self.article_id} ({self.label or 'no label'})"

    def is_valid(self, *, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked is None and at < self.expires


class OutboxEntry(models.Model):
    """One announced change, written in the transaction that makes it (news.changes).

    Whatever is derived from the articles (the search index, the page cache, outgoing events)
    consumes these in order and records how far it got, so that a process killed between the
    commit and the work that follows it leaves the work to be done, not lost.
    """

    id = models.BigAutoField(primary_key=True)
    created = models.DateTimeField(default=timezone.now)
    articles = models.JSONField(default=list)  # ids of articles created, edited or removed
    kinds = models.JSONField(default=list)  # "article", "section", "tag", "author", "image", "site"
    events = models.JSONField(default=list)  # [name, article id] pairs: "article.publish", 42
    # Happenings that are not about one article, with what there is to say about them:
    # {"event": "import.finished", "created": 3, ...}
    notices = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "outbox entries"

    def __str__(self) -> str:
        return f"change {self.id} at {self.created:%Y-%m-%d %H:%M:%S}"


class OutboxCursor(models.Model):
    """How far one consumer of the outbox got: every entry up to ``position`` is done."""

    consumer = models.CharField(max_length=100, unique=True)
    position = models.BigIntegerField(default=0)
    updated = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["consumer"]

    def __str__(self) -> str:
        return f"{self.consumer} at {self.position}"


# --- the desk's working state: autosaved forms, who has an article open, notices, imports ----


class Autosave(models.Model):
    """The latest unsaved state of one person's writing form, kept every few seconds.

    ``key`` names the form: ``article-<id>`` for an article, ``new`` for one not saved yet.
    Saving the article (or discarding the autosave) deletes it; it is the person's own, never
    shown to anyone else, never public.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data = models.JSONField(default=dict)  # field name -> value, as the form posts them
    saved = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("user", "key", name="autosave_one_per_form")]

    def __str__(self) -> str:
        return f"autosave {self.key} of user {self.user_id}"


class Presence(models.Model):
    """Who has an article open in the desk, renewed while the page stays open (a soft lock)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("article", "user", name="presence_one_per_user")]

    def __str__(self) -> str:
        return f"user {self.user_id} on article {self.article_id}"


class Notification(models.Model):
    """A line in a person's desk: an article submitted, returned or published."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=500)
    created = models.DateTimeField(default=timezone.now)
    read = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["user", "read", "-created"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.text


class ImportRun(models.Model):
    """One import confirmed in the desk: who, what, how it ended, and its lead images."""

    class Images(models.TextChoices):
        NONE = "", "not asked for"
        QUEUED = "queued", "waiting for the worker"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started = models.DateTimeField(default=timezone.now)
    source_name = models.CharField(max_length=300)
    format = models.CharField(max_length=50, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict)  # labels, skipped and failed items (bounded)
    articles = models.ManyToManyField(Article, blank=True, related_name="+")
    images = models.CharField(max_length=10, choices=Images.choices, blank=True)
    images_report = models.JSONField(default=dict)  # {"fetched": [...], "failed": [[url, why]]}

    class Meta:
        ordering = ["-started", "-id"]

    def __str__(self) -> str:
        return f"import of {self.source_name} at {self.started:%Y-%m-%d %H:%M}"


class TrustedDevice(models.Model):
    """A browser a person trusted to skip the code step for some days (accounts/trust.py):
    listed for them, so that they can end one (a shared or lost computer), and ended all at
    once by an administrator. The browser's cookie names it by ``key``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trusted_devices"
    )
    key = models.CharField(max_length=43, unique=True)
    label = models.CharField(max_length=200)  # "Firefox on Windows", from its User-Agent
    created = models.DateTimeField(default=timezone.now)
    last_used = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()

    class Meta:
        ordering = ["-last_used", "-id"]

    def __str__(self) -> str:
        return f"{self.label}, trusted {self.created:%Y-%m-%d}"


class Attachment(models.Model):
    """A file linked from article bodies: a PDF press release, a fact sheet. Stored under a
    name the server draws; the page shows its kind and size beside each link (news.blocks)."""

    file = models.FileField(upload_to="files/%Y/%m/", max_length=200)
    title = models.CharField(max_length=200)  # the uploaded file's name, or what it is
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.title
