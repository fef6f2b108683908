"""Choices the desk offers instead of free text: languages (BCP 47) and time zones (IANA), shown
as selects one can search by typing (select2, which Django's admin already ships)."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from django import forms
from django.conf import global_settings

from newscenter.news import languages as site_langs


class SearchableSelect(forms.Select):
    """A select that works as one without JavaScript; with it, typing filters the options."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "searchable-select", **(attrs or {})}, choices)

    class Media:
        js = (
            "admin/js/vendor/jquery/jquery.min.js",
            "admin/js/vendor/select2/select2.full.min.js",
            "admin/js/jquery.init.js",
            "desk/searchable-select.js",
        )
        css = {"screen": ("admin/css/vendor/select2/select2.min.css", "admin/css/autocomplete.css")}


def bcp47(code: str) -> str:
    """Django's lower-case codes in BCP 47's usual casing: ``en-gb`` is ``en-GB``, ``zh-hans``
    is ``zh-Hans`` (the tags are case-insensitive; this is how they are written)."""
    first, *rest = code.split("-")
    parts = [first.lower()]
    for part in rest:
        parts.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part)
    return "-".join(parts)


@functools.cache
def languages() -> tuple[tuple[str, str], ...]:
    """Django's list of languages (the one its own translations use), by name."""
    pairs = {bcp47(code): f"{name} ({bcp47(code)})" for code, name in global_settings.LANGUAGES}
    return tuple(sorted(pairs.items(), key=lambda pair: pair[1].casefold()))


def time_zones(now: dt.datetime | None = None) -> list[tuple[str, str]]:
    """Every IANA time zone this machine knows, with its offset from UTC now."""
    now = now or dt.datetime.now(dt.UTC)
    choices = []
    for name in sorted(zoneinfo.available_timezones()):
        offset = now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or dt.timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        hours, rest = divmod(abs(minutes), 60)
        choices.append((name, f"{name.replace('_', ' ')} (UTC{sign}{hours:02d}:{rest:02d})"))
    return choices


class LanguageField(forms.ChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose a language from the list: “%(value)s” is not one of them.",
        "required": "Choose the language the site is written in.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Language")
        kwargs.setdefault(
            "help_text", "The language the site's pages are written in; type to search."
        )
        super().__init__(choices=languages, widget=SearchableSelect, **kwargs)

    def keep(self, value: str) -> None:
        """Offer ``value`` too (a code saved before this list existed), so that saving the
        form unchanged does not refuse it."""
        known = languages()
        if value and value not in dict(known):
            self.choices = [(value, f"{value} (as saved)"), *known]


class TimeZoneField(forms.ChoiceField):
    default_error_messages = {
        "invalid_choice": "Choose a time zone from the list: “%(value)s” is not one of them "
        "(they are named by region and city, such as Europe/Berlin).",
        "required": "Choose the time zone the newsroom works in.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Time zone")
        kwargs.setdefault(
            "help_text",
            "Dates on the site and in the desk are shown in it; type a city to search.",
        )
        super().__init__(choices=time_zones, widget=SearchableSelect, **kwargs)


class ArticleLanguageField(forms.ChoiceField):
    """An article's language: one of the site's (the default first, meaning "the site's
    language" when left so), and the article's own code when it is another (an import's
    "de-AT"), so that saving it unchanged keeps it."""

    default_error_messages = {
        "invalid_choice": "Choose one of the site's languages: “%(value)s” is not one of them "
        "(an administrator adds languages in the site settings).",
    }

    def __init__(self, *, current: str = "", **kwargs):
        kwargs.setdefault("label", "Language")
        kwargs.setdefault(
            "help_text",
            "The edition it appears in. Empty: the site's default language. "
            "Administrators add languages in the site settings.",
        )
        super().__init__(choices=article_languages(current), required=False, **kwargs)


def article_languages(current: str = "") -> list[tuple[str, str]]:
    site = site_langs.site_languages()
    names = dict(languages())
    # Empty follows the site's default language, should an administrator change it.
    choices = [("", f"{_named(site.default, names)}: the site's language")]
    choices += [(tag, _named(tag, names)) for tag in site.others]
    if current and current not in dict(choices):
        same = site_langs.url_code(current) == site_langs.url_code(site.default)
        choices.append((current, _named(current, names) + ("" if same else " (as saved)")))
    return choices


def _named(tag: str, names: dict[str, str]) -> str:
    return names.get(bcp47(tag), tag)
