"""The languages of the site: which ones it has, which is the default, and which edition an
article belongs to.

The site settings name a default language (``SiteSettings.language``, unprefixed URLs) and
any number of others (``SiteSettings.languages``, URLs under ``/<code>/``). Codes are BCP 47
tags as people write them ("de", "zh-Hans", "pt-BR"); the URL prefix is the same tag in
lower case, as Django writes language codes ("zh-hans").

Every article belongs to exactly one *edition*: the site language its own tag falls under
("de-AT" under "de"), or the default edition when no other language claims it, so that an
imported article in a language the site does not list never disappears.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import clear_url_caches

if TYPE_CHECKING:
    from newscenter.news.models import SiteSettings

# Language, optional script, optional region and variants (de-CH-1996): what a News center's
# editions need. Extensions and private use (en-u-ca-..., x-...) name no edition of their own.
_TAG = re.compile(
    r"[a-z]{2,3}(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?(?:-(?:[0-9][a-z0-9]{3}|[a-z0-9]{5,8}))*",
    re.IGNORECASE,
)

# Scripts and languages written from right to left (the primary subtag, or the script).
_RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "ps", "sd", "ug", "ur", "yi"}
)
_RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"})
_LTR_SCRIPTS = frozenset({"latn", "cyrl"})


def tag_problem(value: object) -> str:
    """Why ``value`` is not a language tag an edition can have, or "" when it is."""
    if not isinstance(value, str) or not _TAG.fullmatch(value):
        return (
            f"{value!r} is not a language tag: write a BCP 47 code such as de, fr, es, "
            "zh-Hans or pt-BR."
        )
    return ""


def validate_language_tag(value: object) -> None:
    problem = tag_problem(value)
    if problem:
        raise ValidationError(problem)


def validate_language_list(value: object) -> None:
    if not isinstance(value, list):
        raise ValidationError("Give the languages as a list of codes.")
    seen: set[str] = set()
    for item in value:
        validate_language_tag(item)
        if item.lower() in seen:
            raise ValidationError(f"{item!r} is listed twice.")
        seen.add(item.lower())


SITE_TEXTS = {"site_name": 200, "tagline": 300, "section_title": 200}  # name: longest


def validate_names(value: object) -> None:
    """A name per language: ``{"de": "Werke", "zh-Hans": "工厂"}``."""
    if not isinstance(value, dict):
        raise ValidationError('Give the names as {"language": "name"}: {"de": "Werke"}.')
    for tag, name in value.items():
        validate_language_tag(tag)
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise ValidationError(f"The name in {tag} must be text of 1 to 100 characters.")


def validate_site_texts(value: object) -> None:
    """The site's texts per language: ``{"de": {"section_title": "Aktuelles", ...}}``."""
    if not isinstance(value, dict):
        raise ValidationError('Give the texts as {"language": {"section_title": "..."}}.')
    for tag, texts in value.items():
        validate_language_tag(tag)
        if not isinstance(texts, dict):
            raise ValidationError(f"The texts in {tag} must be an object of names and texts.")
        for name, text in texts.items():
            if name not in SITE_TEXTS:
                known = ", ".join(SITE_TEXTS)
                raise ValidationError(f"{name!r} (in {tag}) is not a site text: one of {known}.")
            if not isinstance(text, str) or len(text) > SITE_TEXTS[name]:
                raise ValidationError(
                    f"The {name} in {tag} must be text of at most {SITE_TEXTS[name]} characters."
                )


def text_in(texts: dict[str, object], language: str) -> object:
    """What ``texts`` (keyed by language tags as people write them) holds for ``language``."""
    wanted = url_code(language)
    return next((value for tag, value in (texts or {}).items() if url_code(tag) == wanted), None)


def canonical_tag(tag: str) -> str:
    """BCP 47's usual casing: "zh-hans-cn" -> "zh-Hans-CN", "DE" -> "de"."""
    primary, *rest = tag.replace("_", "-").split("-")
    subtags = [primary.lower()]
    for sub in rest:
        subtags.append(sub.title() if len(sub) == 4 else sub.upper() if len(sub) == 2 else sub)
    return "-".join(subtags)


def url_code(tag: str) -> str:
    """The URL prefix and Django's language code for a tag: lower case ("zh-hans")."""
    return tag.replace("_", "-").lower()


def is_rtl(tag: str) -> bool:
    primary, *rest = url_code(tag).split("-")
    scripts = {sub for sub in rest if len(sub) == 4}
    if scripts & _RTL_SCRIPTS:
        return True
    if scripts & _LTR_SCRIPTS:
        return False
    return primary in _RTL_LANGUAGES


def direction(tag: str) -> str:
    return "rtl" if is_rtl(tag) else "ltr"


def falls_under(tag: str, edition: str) -> bool:
    """Whether an article tagged ``tag`` belongs to the edition ``edition`` ("de-AT" under "de")."""
    tag, edition = url_code(tag), url_code(edition)
    return tag == edition or tag.startswith(edition + "-")


@dataclasses.dataclass(frozen=True)
class SiteLanguages:
    """The site's editions: the default first, then the others in the order given."""

    default: str
    others: tuple[str, ...] = ()
    x_default: str = ""  # "" the default language, "none", or one of the languages

    @classmethod
    def of(cls, site: SiteSettings) -> SiteLanguages:
        default = canonical_tag(site.language or "en")
        others = tuple(
            canonical_tag(code)
            for code in (site.languages or [])
            if url_code(code) != url_code(default)
        )
        languages = cls(default=default, others=others, x_default=site.x_default or "")
        _follow(languages)
        return languages

    @property
    def all(self) -> tuple[str, ...]:
        return (self.default, *self.others)

    @property
    def several(self) -> bool:
        return bool(self.others)

    def find(self, code: str) -> str | None:
        """The site language whose URL code is ``code`` (any case), or None."""
        wanted = url_code(code)
        return next((tag for tag in self.all if url_code(tag) == wanted), None)

    def edition_of(self, tag: str) -> str:
        """The edition an article tagged ``tag`` belongs to (the longest match wins)."""
        matches = [edition for edition in self.others if falls_under(tag or "", edition)]
        if matches and not falls_under(tag, self.default):
            return max(matches, key=len)
        return self.default

    def preferred(self, accept_language: str) -> str | None:
        """The site language a reader's ``Accept-Language`` prefers most, or None: "de-CH"
        and "de" choose "de", "zh" chooses "zh-Hans"."""
        from django.utils.translation.trans_real import parse_accept_lang_header

        for code, _quality in parse_accept_lang_header(accept_language or "")[:20]:
            if code == "*":
                continue
            for tag in self.all:
                if falls_under(code, tag) or falls_under(tag, code):
                    return tag
        return None

    def x_default_language(self) -> str | None:
        if self.x_default == "none":
            return None
        return self.find(self.x_default) if self.x_default else self.default

    def edition_filter(self, edition: str) -> Q:
        """The articles of one edition, as a filter; an empty Q when the site has one language."""
        if not self.others:
            return Q()
        if url_code(edition) != url_code(self.default):
            others_under = [e for e in self.others if e != edition and falls_under(e, edition)]
            query = _tag_query(edition)
            for narrower in others_under:
                query &= ~_tag_query(narrower)
            return query
        query = Q()
        for other in self.others:
            if not falls_under(self.default, other):
                query &= ~_tag_query(other)
        return query


def _tag_query(edition: str) -> Q:
    return Q(language__iexact=edition) | Q(language__istartswith=url_code(edition) + "-")


# The site's languages for the request being answered, set by the web layer's middleware from
# the settings it has already loaded; outside a request they are read from the database.
_current: contextvars.ContextVar[SiteLanguages | None] = contextvars.ContextVar(
    "site_languages", default=None
)


@contextlib.contextmanager
def using(languages: SiteLanguages) -> Iterator[SiteLanguages]:
    token = _current.set(languages)
    try:
        yield languages
    finally:
        _current.reset(token)


_seen: list[tuple[str, ...]] = []


def _follow(languages: SiteLanguages) -> None:
    """Django caches reversed addresses per language code, prefix included, and which code
    has a prefix depends on the site's languages: when this process first sees them, or sees
    them changed, the cache is dropped so that addresses follow."""
    if _seen != [languages.all]:
        clear_url_caches()
        _seen[:] = [languages.all]


def page_language() -> str:
    """The site language being answered in: the active language, when it is one of the
    site's (an edition's page), else the default."""
    from django.utils import translation

    site = site_languages()
    return site.find(translation.get_language() or "") or site.default


def current() -> SiteLanguages | None:
    """The languages of the request being answered, if any."""
    return _current.get()


def site_languages() -> SiteLanguages:
    current = _current.get()
    if current is not None:
        return current
    # By name: models import this module for its validators.
    site_settings = apps.get_model("news", "SiteSettings")
    return SiteLanguages.of(site_settings.load())
