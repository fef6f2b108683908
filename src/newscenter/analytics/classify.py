"""From a hit held in memory to the event stored: what is kept of a reader, and what is not.

Here, in the buffer's thread, the address and the user agent are used one last time: for the
daily visitor hash, the country (geoip2fast's data file, shipped with the package) and the
browser and device (ua-parser). Then they are dropped; no column can hold them. Bots
(crawlerdetect) are dropped here too, except a feed aggregator's poll, which is kept for its
"N subscribers" (not counted as a view).
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import ipaddress
import logging
import re
import secrets
import threading
import time
import warnings
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

from django.db import IntegrityError
from django.urls import Resolver404, resolve

from newscenter.addresses import is_ip_v4
from newscenter.analytics.hits import Hit
from newscenter.analytics.models import DailySecret, Event

logger = logging.getLogger("newscenter.analytics")

KINDS = {
    "index": Event.Kind.INDEX,
    "index-older": Event.Kind.INDEX,
    "section": Event.Kind.SECTION,
    "section-older": Event.Kind.SECTION,
    "tag": Event.Kind.TAG,
    "tag-older": Event.Kind.TAG,
    "author": Event.Kind.AUTHOR,
    "author-older": Event.Kind.AUTHOR,
    "article": Event.Kind.ARTICLE,
    "search": Event.Kind.SEARCH,
    "feed": Event.Kind.FEED,
    "section-feed": Event.Kind.FEED,
    "tag-feed": Event.Kind.FEED,
    "author-feed": Event.Kind.FEED,
}

SEARCH_ENGINES = (
    "google.", "bing.com", "duckduckgo.com", "yahoo.", "ecosia.org", "baidu.com", "yandex.",
    "qwant.com", "startpage.com", "search.brave.com", "kagi.com", "ask.com", "naver.com",
)  # fmt: skip
SOCIAL = (
    "facebook.com", "fb.me", "t.co", "twitter.com", "x.com", "linkedin.com", "lnkd.in",
    "reddit.com", "instagram.com", "youtube.com", "news.ycombinator.com", "bsky.app",
    "mastodon.social", "threads.net", "xing.com", "pinterest.com", "tiktok.com",
    "whatsapp.com", "t.me", "telegram.org",
)  # fmt: skip
SUBSCRIBERS = re.compile(r"(\d+)\s+(?:subscribers?|readers?)\b", re.IGNORECASE)


PAGES_SECONDS = 300  # how long a path's article is remembered (an article may move)
_pages_read = [time.monotonic()]


# The columns of an event as the buffer writes them (every field of Event but its id; a test
# holds the two together), and what each holds when the hit says nothing of it.
COLUMNS = (
    "at", "day", "kind", "path", "article_id", "section_id", "visitor", "channel", "referrer",
    "utm_source", "utm_medium", "utm_campaign", "country", "device", "browser", "os",
    "language", "query", "results", "subscribers",
)  # fmt: skip
_BLANK: dict[str, object] = dict.fromkeys(COLUMNS, "") | {
    "article_id": None, "section_id": None, "channel": Event.Channel.DIRECT, "results": None,
    "subscribers": None,
}  # fmt: skip

Row = tuple  # one event's values in COLUMNS order


def events(hits: Iterable[Hit]) -> list[Row]:
    """The events of a batch of hits, as rows (bots and pages that are not counted left
    out). Rows, not Event instances: a model instance cost more to make than everything
    else here (bench/analytics.py)."""
    if time.monotonic() - _pages_read[0] > PAGES_SECONDS:
        page_of.cache_clear()
        _pages_read[0] = time.monotonic()
    out = []
    for hit in hits:
        try:
            event = event_of(hit)
        except Exception:  # one odd hit never holds back the rest of the batch
            logger.exception("an analytics hit could not be read; dropped")
            continue
        if event is not None:
            out.append(tuple(event[name] for name in COLUMNS))
    return out


def event_of(hit: Hit) -> dict[str, object] | None:
    """What is stored of ``hit``, by column; None for a bot or a page that is not counted."""
    kind, article_id, section_id = page_of(hit.path)
    if kind is None:
        return None
    at = dt.datetime.fromtimestamp(hit.at, tz=dt.UTC)
    event = _BLANK | {"at": at, "day": at.date(), "kind": kind, "path": hit.path[:500],
                      "article_id": article_id, "section_id": section_id}  # fmt: skip
    subscribers = SUBSCRIBERS.search(hit.user_agent) if kind == Event.Kind.FEED else None
    if subscribers:
        event["subscribers"] = int(subscribers.group(1))
        event["browser"] = aggregator(hit.user_agent)
        return event
    if not hit.user_agent or bot(hit.user_agent):
        return None
    event["visitor"] = visitor(hit, at.date())
    event["channel"], event["referrer"] = channel(hit.referrer, hit.host)
    params = parse_qs(hit.query, max_num_fields=50) if hit.query else {}
    event["utm_source"] = _first(params, "utm_source")[:100]
    event["utm_medium"] = _first(params, "utm_medium")[:100]
    event["utm_campaign"] = _first(params, "utm_campaign")[:100]
    event["country"] = country(hit.ip)
    event["device"], event["browser"], event["os"] = device(hit.user_agent)
    event["language"] = language(hit.language)
    if kind == Event.Kind.SEARCH:
        event["query"] = " ".join(_first(params, "q").lower().split())[:200]
        event["results"] = hit.results if event["query"] else None
    if kind == Event.Kind.EMBED:
        event["channel"] = Event.Channel.SITE
    return event


def _first(params: dict[str, list[str]], name: str) -> str:
    values = params.get(name)
    return values[0].strip() if values else ""


# --- What page it is ---------------------------------------------------------------------


@functools.lru_cache(maxsize=20_000)
def page_of(path: str) -> tuple[str | None, int | None, int | None]:
    """The kind of public page at ``path``, and its article's and section's ids."""
    from newscenter.news.models import Article, Section

    try:
        match = resolve(path)
    except Resolver404:
        return None, None, None
    name = match.url_name or ""
    if "embed" in name or "embed" in match.namespaces:
        return Event.Kind.EMBED, match.kwargs.get("pk"), None
    kind = KINDS.get(name) if "news" in match.namespaces else None
    if kind == Event.Kind.ARTICLE:
        k = match.kwargs
        found = (
            Article.objects.published()
            .filter(pub_day=dt.date(k["year"], k["month"], k["day"]), slug=k["slug"])
            .values_list("pk", "section_id")
            .first()
        )
        return (kind, *found) if found else (kind, None, None)
    if kind == Event.Kind.SECTION:
        section = Section.objects.filter(slug=match.kwargs["slug"]).values_list("pk").first()
        return kind, None, section[0] if section else None
    return kind, None, None


# --- Who, without knowing who ------------------------------------------------------------

_secrets: dict[dt.date, bytes] = {}
_secrets_lock = threading.Lock()


def visitor(hit: Hit, day: dt.date) -> str:
    """HMAC-SHA256(the day's secret, site + address cut to its /24 or /48 + user agent)."""
    message = "\n".join((hit.host.lower(), truncated(hit.ip), hit.user_agent)).encode()
    # hmac.digest: OpenSSL's one-shot HMAC, the same bytes as hmac.new(...).digest() without
    # an HMAC object per view.
    return hmac.digest(daily_secret(day), message, "sha256").hex()[:32]


def truncated(ip: str | None) -> str:
    if not ip:
        return ""
    if is_ip_v4(ip):  # the common case
        return ip[: ip.rindex(".")] + ".0"
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def daily_secret(day: dt.date) -> bytes:
    """The secret of ``day``, made by the first process that needs it on that day. Once the
    day is over its secret is deleted (``rollup.forget_secrets``); a hit of a past day whose
    secret is gone gets a key nobody keeps, so that it cannot be linked to anything either."""
    with _secrets_lock:
        if day in _secrets:
            return _secrets[day]
        for old in [d for d in _secrets if d < day - dt.timedelta(days=1)]:
            del _secrets[old]
        today = dt.datetime.now(tz=dt.UTC).date()
        if day < today:
            row = DailySecret.objects.filter(day=day).first()
            return bytes.fromhex(row.secret) if row else secrets.token_bytes(32)
        try:
            row, _ = DailySecret.objects.get_or_create(
                day=day, defaults={"secret": secrets.token_hex(32)}
            )
        except IntegrityError:  # another process made it first
            row = DailySecret.objects.get(day=day)
        _secrets[day] = bytes.fromhex(row.secret)
        return _secrets[day]


def forget_cached_secrets() -> None:
    with _secrets_lock:
        _secrets.clear()


# --- Where from, with what ---------------------------------------------------------------


def channel(referrer: str, host: str) -> tuple[str, str]:
    """The referrer's channel and host name (never its path, which may say too much)."""
    if not referrer:
        return Event.Channel.DIRECT, ""
    try:
        name = (urlsplit(referrer).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return Event.Channel.DIRECT, ""
    if not name:
        return Event.Channel.DIRECT, ""
    own = host.lower().split(":")[0].removeprefix("www.")
    if name == own:
        return Event.Channel.INTERNAL, ""
    if _matches(name, SEARCH_ENGINES):
        return Event.Channel.SEARCH, name[:255]
    if _matches(name, SOCIAL):
        return Event.Channel.SOCIAL, name[:255]
    return Event.Channel.SITE, name[:255]


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        if pattern.endswith("."):  # google. : google.com, google.de, news.google.co.uk
            if name.startswith(pattern) or f".{pattern}" in f".{name}":
                return True
        elif name == pattern or name.endswith(f".{pattern}"):
            return True
    return False


@functools.cache
def _crawlers():
    from crawlerdetect import CrawlerDetect

    return CrawlerDetect()


@functools.lru_cache(maxsize=4096)
def bot(user_agent: str) -> bool:
    return bool(_crawlers().isCrawler(user_agent))


def aggregator(user_agent: str) -> str:
    """A feed aggregator's name: "Feedly/1.0 (...; 16 subscribers)" gives "Feedly"."""
    name = re.split(r"[/;(]| - ", user_agent, maxsplit=1)[0].strip()
    return name[:50] or "unknown"


@functools.lru_cache(maxsize=4096)
def device(user_agent: str) -> tuple[str, str, str]:
    """(desktop | mobile | tablet, browser family, operating system family)."""
    from ua_parser import parse

    result = parse(user_agent)
    browser = result.user_agent.family if result.user_agent else "Other"
    system = result.os.family if result.os else "Other"
    family = result.device.family if result.device else ""
    if (
        "iPad" in user_agent
        or "Tablet" in user_agent
        or (system == "Android" and "Mobile" not in user_agent)
    ):
        kind = "tablet"
    elif "Mobi" in user_agent or system in ("iOS", "Android") or family == "iPhone":
        kind = "mobile"
    else:
        kind = "desktop"
    return kind, browser[:50], system[:50]


@functools.cache
def _geo():
    with warnings.catch_warnings():  # its regexes' escapes warn on import (1.2.2)
        warnings.simplefilter("ignore", DeprecationWarning)
        from geoip2fast import GeoIP2Fast

        return GeoIP2Fast(verbose=False)


def country(ip: str | None) -> str:
    """The two-letter country of an address from the data file geoip2fast ships (no network);
    empty for private and unknown addresses."""
    if not ip:
        return ""
    try:
        code = _geo().lookup(ip).country_code
    except Exception:
        return ""
    return code if isinstance(code, str) and len(code) == 2 and code.isalpha() else ""


def language(accept_language: str) -> str:
    """The reader's first language, without its region: "de-CH,de;q=0.9" gives "de"."""
    first = accept_language.split(",", 1)[0].split(";", 1)[0].strip().lower()
    primary = first.split("-", 1)[0]
    return primary if primary.isalpha() and len(primary) <= 8 else ""
