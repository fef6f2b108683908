"""What an embed address may ask for, read from its query string into :class:`Options`.

Every embed (the iframe page, the bare fragment, the JSON and the custom element, which
passes its attributes on) takes the same options; docs/embed.md lists them. A value that is
not understood is refused with a sentence naming the option, never ignored: a widget that
silently shows something else than asked is a bug nobody notices on a company's home page.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

from django.http import QueryDict

from newscenter.news.languages import site_languages
from newscenter.news.models import Author, Section, Tag

LIMIT_RANGE = (1, 20)
DEFAULT_LIMIT = 5
LAYOUTS = ("list", "cards", "compact")
THEMES = ("light", "dark", "auto")
SWITCHES = {"on": True, "off": False, "1": True, "0": False, "true": True, "false": False}
ACCENT = re.compile(r"[0-9a-f]{3}(?:[0-9a-f]{3})?")
LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*")
KNOWN = {
    "section", "tag", "author", "lang", "language", "limit", "layout", "theme", "images", "accent",
}  # fmt: skip


_Subject = TypeVar("_Subject", Section, Tag, Author)


class OptionError(ValueError):
    """An option that is malformed (``status`` 400) or names nothing that exists (404)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclasses.dataclass(frozen=True)
class Options:
    section: Section | None = None
    tag: Tag | None = None
    author: Author | None = None
    lang: str = ""  # one of the site's languages: its edition, dates and links in it
    language: str = ""
    limit: int = DEFAULT_LIMIT
    layout: str = "list"
    theme: str = "auto"
    images: bool = True
    accent: str = ""  # hex digits without "#", or "" for the default

    def query(self) -> dict[str, str]:
        """The options that differ from the defaults, as query parameters (for the links the
        embeds make to one another)."""
        values = {
            "section": self.section.slug if self.section else "",
            "tag": self.tag.slug if self.tag else "",
            "author": self.author.slug if self.author else "",
            "lang": self.lang,
            "language": self.language,
            "limit": "" if self.limit == DEFAULT_LIMIT else str(self.limit),
            "layout": "" if self.layout == "list" else self.layout,
            "theme": "" if self.theme == "auto" else self.theme,
            "images": "" if self.images else "off",
            "accent": self.accent,
        }
        return {name: value for name, value in values.items() if value}


def parse(query: QueryDict) -> Options:
    """The options in ``query``; :class:`OptionError` for the first one that is wrong."""
    unknown = sorted(set(query) - KNOWN)
    if unknown:
        raise OptionError(
            f"Unknown option {unknown[0]!r}: the embeds take {', '.join(sorted(KNOWN))}."
        )
    return Options(
        section=_subject(query, "section", Section),
        tag=_subject(query, "tag", Tag),
        author=_subject(query, "author", Author),
        lang=_edition(query.get("lang", "")),
        language=_language(query.get("language", "")),
        limit=_limit(query.get("limit")),
        layout=_choice(query, "layout", LAYOUTS),
        theme=_choice(query, "theme", THEMES),
        images=_switch(query.get("images")),
        accent=_accent(query.get("accent", "")),
    )


def _subject(query: QueryDict, name: str, model: type[_Subject]) -> _Subject | None:
    slug = query.get(name, "").strip()
    if not slug:
        return None
    found = model.objects.filter(slug=slug).first()
    if found is None:
        raise OptionError(f"{name}: there is no {name} {slug!r}.", status=404)
    return found


def _limit(value: str | None) -> int:
    low, high = LIMIT_RANGE
    if value is None or value == "":
        return DEFAULT_LIMIT
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise OptionError(f"limit: {value!r} is not a whole number from {low} to {high}.")
    return int(value)


def _choice(query: QueryDict, name: str, choices: tuple[str, ...]) -> str:
    value = query.get(name, "") or choices[0 if name == "layout" else -1]
    if value not in choices:
        raise OptionError(f"{name}: {value!r} is not one of {', '.join(choices)}.")
    return value


def _switch(value: str | None) -> bool:
    if value is None or value == "":
        return True
    if value.lower() not in SWITCHES:
        raise OptionError(f"images: {value!r} is neither on nor off.")
    return SWITCHES[value.lower()]


def _accent(value: str) -> str:
    value = value.lower().removeprefix("#")
    if value and not ACCENT.fullmatch(value):
        raise OptionError(f"accent: {value!r} is not a colour in hex digits, like 0a5c8f.")
    return value


def _edition(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    site = site_languages()
    found = site.find(value) if len(value) <= 35 else None
    if found is None:
        raise OptionError(f"lang: {value[:40]!r} is not one of the site's languages "
                          f"({', '.join(site.all)}).")  # fmt: skip
    return found


def _language(value: str) -> str:
    value = value.strip().lower()
    if value and (len(value) > 35 or not LANGUAGE.fullmatch(value)):
        raise OptionError(f"language: {value!r} is not a language tag, like en or de-ch.")
    return value
