"""Blocks inside article bodies as the public page shows them: videos, tables, attachments.

A body stores what the allow-list (news.rendering) keeps, and no more: a video is a figure
holding a link to it (``<figure class="video-embed"><a href="https://youtu.be/...">Title</a>
</figure>``), which feeds, the API and a page without scripts show as a plain link. On the
article page the link becomes a poster with a play button: nothing is fetched from YouTube
or Vimeo until the reader presses it, and then from their privacy-enhanced players
(youtube-nocookie.com, Vimeo with ``dnt=1``). Tables get header scopes and a region that
scrolls on narrow screens and takes the keyboard's focus. A link to an attached file (a PDF
press release, a Word, Excel or PowerPoint document: news.services.attachments) says its kind
and size in its text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from newscenter.news.models import Attachment
from newscenter.news.rendering import text_of

# The kinds of attached file, by the extension the server gives the stored name: what readers
# are told and the link's type.
FILE_KINDS = {
    "pdf": ("PDF", "application/pdf"),
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}
VIDEO_CLASS = "video-embed"
PULL_QUOTE_CLASS = "pull-quote"
# The players a video may be framed from, once a reader asked for it (the page's frame-src).
FRAME_SOURCES = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                  "www.youtube-nocookie.com"}  # fmt: skip
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
VIDEO_HOSTS = frozenset({"youtu.be", *_YOUTUBE_HOSTS, *_VIMEO_HOSTS})


@dataclass(frozen=True)
class Video:
    provider: str  # "YouTube" or "Vimeo"
    watch_url: str  # the provider's own page, for readers without scripts
    embed_url: str  # the privacy-enhanced player, framed only after a click


def video_of(url: str) -> Video | None:
    """The video a YouTube or Vimeo address points at, or None for any other address."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https"):
        return None
    if host == "youtu.be" or host in _YOUTUBE_HOSTS:
        return _youtube(host, parts.path, parse_qs(parts.query))
    if host in _VIMEO_HOSTS:
        return _vimeo(parts.path, parse_qs(parts.query))
    return None


def _youtube(host: str, path: str, query: dict[str, list[str]]) -> Video | None:
    steps = [step for step in path.split("/") if step]
    if host == "youtu.be":
        found = steps[0] if steps else ""
    elif steps[:1] == ["watch"]:
        found = query.get("v", [""])[0]
    elif len(steps) >= 2 and steps[0] in ("embed", "shorts", "live", "v"):
        found = steps[1]
    else:
        found = ""
    if not _YOUTUBE_ID.fullmatch(found):
        return None
    return Video(
        provider="YouTube",
        watch_url=f"https://www.youtube.com/watch?v={found}",
        embed_url=f"https://www.youtube-nocookie.com/embed/{found}?autoplay=1",
    )


def _vimeo(path: str, query: dict[str, list[str]]) -> Video | None:
    steps = [step for step in path.split("/") if step]
    if steps[:1] == ["video"]:
        steps = steps[1:]
    if not steps or not steps[0].isdigit():
        return None
    number = steps[0]
    # An unlisted video's address carries its hash, which the player needs too.
    secret = steps[1] if len(steps) > 1 else query.get("h", [""])[0]
    secret = secret if re.fullmatch(r"[0-9a-f]{6,20}", secret) else ""
    return Video(
        provider="Vimeo",
        watch_url=f"https://vimeo.com/{number}" + (f"/{secret}" if secret else ""),
        embed_url=f"https://player.vimeo.com/video/{number}?dnt=1&autoplay=1"
        + (f"&h={secret}" if secret else ""),
    )


# nh3 writes attributes in double quotes and in the order allowed, so a stored video figure
# is exactly this shape (an editor's own HTML that differs stays the plain link it is).
_VIDEO_FIGURE = re.compile(
    rf'<figure class="{VIDEO_CLASS}"><a href="([^"]*)"[^>]*>(.*?)</a>'
    r"(?:<figcaption>(.*?)</figcaption>)?</figure>",
    re.DOTALL,
)
_TABLE = re.compile(r"<table>((?:(?!<table>).)*?)</table>", re.DOTALL)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.DOTALL)


def has_video(body: str) -> bool:
    return f'<figure class="{VIDEO_CLASS}">' in (body or "")


def blocks_in_body(markup: str) -> SafeString:
    """Sanitised body HTML with its videos as click-to-load posters and its tables
    readable. Safe to mark safe: ``markup`` passed the allow-list when it was saved; what
    is put in is built by format_html from the escaped text of the body and addresses we
    make ourselves from a video's id (never the body's address)."""
    markup = _VIDEO_FIGURE.sub(_video, markup or "")
    markup = _TABLE.sub(_table, markup)
    return mark_safe(_attachments(markup))  # noqa: S308 (see the docstring)


_LINK = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.DOTALL)


def _attachments(markup: str) -> str:
    prefix = f"{settings.MEDIA_URL}files/"
    if f'href="{prefix}' not in markup:
        return markup
    hrefs = {match[1] for match in _LINK.finditer(markup)}
    names = {href[len(settings.MEDIA_URL) :] for href in hrefs if href.startswith(prefix)}
    found = {a.file.name: a for a in Attachment.objects.filter(file__in=names)}

    def link(match: re.Match[str]) -> str:
        attachment = found.get(match[1][len(settings.MEDIA_URL) :])
        if attachment is None:
            return str(match[0])
        kind, media_type = file_kind(attachment.file.name)
        return format_html(
            '<a href="{}"{} type="{}">{}<span class="file-meta"> ({}, {})</span></a>',
            mark_safe(match[1]),  # noqa: S308 (the sanitised body's own address, escaped)
            mark_safe(match[2]),  # noqa: S308 (the sanitised body's own attributes)
            media_type,
            mark_safe(match[3]),  # noqa: S308 (the sanitised body's own link text)
            kind,
            size_text(attachment.size),
        )

    return _LINK.sub(link, markup)


# A poster chosen from the media library: the video link's <img>, which news.pictures has
# made the image's <picture> by the time the blocks are made (the allow-list keeps no
# <picture> of an editor's own, so one here is ours). Any other <img> there is left out: the
# page fetches no poster from elsewhere.
_POSTER = re.compile(r"<picture>.*?</picture>", re.DOTALL)


def _video(match: re.Match[str]) -> str:
    video = video_of(html.unescape(match[1]))
    if video is None:
        return str(match[0])
    title = text_of(match[2]) or _("Video")
    caption = text_of(match[3] or "") or title
    poster = _POSTER.search(match[2])
    return format_html(
        '<figure class="{}" data-embed="{}" data-title="{}">'
        '<div class="video-poster{}">{}'
        '<button type="button" class="video-play" aria-label="{}: {}" hidden>{}</button>'
        '<p class="video-note">{} <a href="{}" rel="noopener">{}</a></p>'
        "</div><figcaption>{}</figcaption></figure>",
        VIDEO_CLASS,
        video.embed_url,
        title,
        " with-image" if poster else "",
        mark_safe(poster[0]) if poster else "",  # noqa: S308 (news.pictures' own markup)
        _("Play video"),
        title,
        _("Play video"),
        _("Playing it loads the video from %(provider)s, which learns your address.")
        % {"provider": video.provider},
        video.watch_url,
        _("Watch on %(provider)s") % {"provider": video.provider},
        caption,
    )


def _table(match: re.Match[str]) -> str:
    inner = match[1]
    rows = _ROW.findall(inner)
    first = rows[0] if rows else ""
    # The first row's header cells head columns; a header cell further down heads its row.
    inner = inner.replace(f"<tr>{first}</tr>", f"<tr>{_scoped(first, 'col')}</tr>", 1)
    inner = _ROW.sub(lambda row: f"<tr>{_scoped(row[1], 'row')}</tr>", inner)
    caption = _CAPTION.search(inner)
    label = text_of(caption[1]) if caption else _("Table")
    return str(
        format_html(
            '<div class="table-scroll" role="region" tabindex="0" aria-label="{}">'
            "<table>{}</table></div>",
            label,
            mark_safe(inner),  # noqa: S308 (the sanitised body's own table, scopes added)
        )
    )


def _scoped(cells: str, scope: str) -> str:
    return re.sub(r"<th(?=[\s>])(?![^>]*\sscope=)", f'<th scope="{scope}"', cells)


def file_kind(name: str) -> tuple[str, str]:
    """What readers are told a stored file is, and its media type, by its extension."""
    return FILE_KINDS.get(name.rsplit(".", 1)[-1].lower(), FILE_KINDS["pdf"])


def size_text(size: int) -> str:
    """A file's size as readers read it: 840 bytes, 240 KB, 3.4 MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / 2**20:.1f} MB"
