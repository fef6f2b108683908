"""What one WXR item says, in newscenter's terms: body HTML, headline, date, status, names.

Block-editor posts are HTML already, wrapped in ``<!-- wp:... -->`` comments. Classic posts are
text with blank lines between paragraphs, which WordPress turns into ``<p>`` only when it displays
them (``wpautop``), so the same is done here. Shortcodes are plugins' markup: a simple
``[caption]`` becomes a ``<figure>``, ``[embed]URL[/embed]`` a link; every other shortcode stays
as text and is named in a note, for an editor to replace.

Content comes from a file we do not trust: every scan here is linear in its length (``str.find``
and patterns without nested or unbounded backtracking), and the result goes through
``sanitise_html``.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from newscenter.news.rendering import paragraphs_to_html, plain_text, sanitise_html

HEADLINE_CHARS, NAME_CHARS = 300, 100  # the model's limits: longer would fail the whole file
ALT_CHARS, URL_CHARS = 300, 1000
MAX_TAGS = 100
# The sanitiser's HTML parser takes time in tags x nesting depth: 10,000 nested <div> take
# 0.4 s, 40,000 take 13 s. Markup with more tags than any real post is read as plain text.
MAX_MARKUP_TAGS = 10_000
UNTITLED = "(untitled)"
_STATUSES = {
    "publish": ("published", ""),
    "future": ("published", ""),  # dated in the future: newscenter schedules it
    "draft": ("draft", ""),
    "pending": ("draft", ""),
    "auto-draft": ("draft", ""),
    "private": ("draft", "private in WordPress: imported as a draft"),
}

_WXR_NAMESPACE = re.compile(r"https?://wordpress\.org/export/\d+\.\d+/(excerpt/)?\Z")
_NAMESPACES = {"http://purl.org/rss/1.0/modules/content/": "content",
               "http://purl.org/dc/elements/1.1/": "dc"}  # fmt: skip
# WordPress's own list ($allblocks in wpautop): tags that never sit inside a paragraph.
_BLOCK = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section"
    r"|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_BLOCK_OPEN = re.compile(rf"<{_BLOCK}(?=[\s/>])", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(rf"</{_BLOCK}>", re.IGNORECASE)
_BLOCK_TAG = re.compile(rf"</?{_BLOCK}(?:[\s/][^<>]*)?>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")
_H1 = re.compile(r"<(/?)h1(?=[\s/>])", re.IGNORECASE)
_PRE_OPEN = re.compile(r"<pre(?=[\s>])", re.IGNORECASE)

# A name after "[": known WordPress and plugin shortcodes, or any name given key=value attributes.
_SHORTCODE_OPEN = re.compile(r"\[([A-Za-z][\w-]{0,40})(\s+[\w-]{1,40}\s*=)?")
_SHORTCODE_CLOSE = re.compile(r"\[/([A-Za-z][\w-]{0,40})\]")
KNOWN_SHORTCODES = frozenset(
    {
        "audio", "caption", "embed", "gallery", "playlist", "video", "wp_caption",
        "contact-form", "contact-form-7", "code", "sourcecode", "googlemaps", "instagram",
        "soundcloud", "tweet", "twitter", "vimeo", "youtube", "slideshow", "wpvideo",
    }
)  # fmt: skip
_CAPTION_IMAGE = re.compile(
    r"\s*((?:<a\s[^<>]*>\s*)?<img\s[^<>]*>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL
)
_CAPTION_ATTRIBUTE = re.compile(r"""\bcaption=(?:"([^"]*)"|'([^']*)')""")
_URL = re.compile(r"https?://[^\s<>\"']{1,2000}")
# WordPress shows a URL alone on its line as an embedded player (classic posts and embed blocks).
_LONE_URL = re.compile(r"^[ \t]*(https?://[^\s<>\"'\[\]]{1,2000})[ \t]*$", re.MULTILINE)


# --- the item -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def short_name(tag: str) -> str:
    """``{https://wordpress.org/export/1.2/}post_id`` -> ``wp:post_id``, for every WXR version."""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    prefix = namespace_prefix(uri)
    return f"{prefix}:{local}" if prefix else tag


@functools.lru_cache(maxsize=64)
def namespace_prefix(uri: str) -> str:
    """The usual prefix of a WXR namespace (``wp``, ``excerpt``, ``content``, ``dc``), or ""."""
    if uri in _NAMESPACES:
        return _NAMESPACES[uri]
    wxr = _WXR_NAMESPACE.match(uri)
    return ("excerpt" if wxr.group(1) else "wp") if wxr else ""


@dataclass(frozen=True)
class Attachment:
    url: str
    alt: str


@dataclass
class Item:
    """One ``<item>``, its children by short name."""

    number: int
    element: ET.Element
    fields: dict[str, str] = field(default_factory=dict)
    categories: list[tuple[str, str]] = field(default_factory=list)  # (domain, name)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)  # comment ids
    language: str = ""  # Polylang's term of the "language" taxonomy: its slug is the code
    translations: str = ""  # Polylang's term of "post_translations": one per group
    size: int = 0  # characters of text in its direct children

    @classmethod
    def read(cls, number: int, element: ET.Element) -> Item:
        item = cls(number, element)
        for child in element:
            item.size += len(child.text or "")
            name = short_name(child.tag)
            if name == "category" and child.get("domain") == "language":
                item.language = item.language or (child.get("nicename") or "").strip()
            elif name == "category" and child.get("domain") == "post_translations":
                item.translations = item.translations or (child.get("nicename") or "").strip()
            elif name == "category":
                item.categories.append((child.get("domain", ""), child.text or ""))
            elif name == "wp:postmeta":
                pair = {short_name(part.tag): part.text or "" for part in child}
                item.meta.setdefault(pair.get("wp:meta_key", ""), pair.get("wp:meta_value", ""))
            elif name == "wp:comment":
                parts = {short_name(part.tag): part.text or "" for part in child}
                item.comments.append(parts.get("wp:comment_id", "").strip())
            else:
                item.fields.setdefault(name, child.text or "")
        return item

    def get(self, name: str) -> str:
        return self.fields.get(name, "").strip()

    @property
    def post_id(self) -> str:
        post_id = self.get("wp:post_id")
        return post_id if post_id.isascii() and post_id.isdigit() and len(post_id) <= 20 else ""

    @property
    def where(self) -> str:
        return f"post {self.post_id}" if self.post_id else f"item {self.number}"

    @property
    def post_type(self) -> str:
        return self.get("wp:post_type") or "post"  # as WordPress's importer defaults it

    def attachment(self) -> Attachment | None:
        url = self.get("wp:attachment_url")
        if self.post_type != "attachment" or not self.post_id:
            return None
        if not url.lower().startswith(("http://", "https://")):
            return None  # a lead image is fetched later: only web addresses
        alt = self.meta.get("_wp_attachment_image_alt", "").strip()
        return Attachment(url[:URL_CHARS], (alt or plain_line(self.get("title")))[:ALT_CHARS])

    def awaits(self, attachments: dict[str, Attachment]) -> bool:
        """Whether this is a post whose featured image is not among ``attachments`` (yet)."""
        thumbnail = self.meta.get("_thumbnail_id", "").strip()[:20]
        return bool(thumbnail) and thumbnail not in attachments and self.post_type == "post"

    def lead_image(
        self, attachments: dict[str, Attachment], *, two_pass: bool
    ) -> tuple[Attachment | None, str]:
        """The featured image (``_thumbnail_id``), or a note on why there is none."""
        thumbnail = self.meta.get("_thumbnail_id", "").strip()[:20]
        if not thumbnail or thumbnail in attachments:
            return attachments.get(thumbnail), ""
        if two_pass:
            return None, f"the featured image (attachment {thumbnail}) is not in the export"
        return None, (
            f"the featured image (attachment {thumbnail}) comes after the post, and this input "
            "could be read only once: no lead image"
        )

    def status(self) -> tuple[str, list[str]] | None:
        return article_status(
            self.get("wp:status"),
            password=self.get("wp:post_password"),
            sticky=self.get("wp:is_sticky"),
        )


# --- the body -----------------------------------------------------------------------------------


def has_blocks(content: str) -> bool:
    """WordPress's own test: block-editor content skips autop when displayed."""
    return "<!-- wp:" in content


def body_html(content: str) -> tuple[str, list[str]]:
    """The body as newscenter stores it, and notes on what could not be carried over."""
    if content.count("<") > MAX_MARKUP_TAGS:
        paragraphs = re.split(r"\n\s*\n", _strip_tags(content))
        note = f"the post has more than {MAX_MARKUP_TAGS:,} tags: imported as plain text"
        return sanitise_html(paragraphs_to_html(paragraphs)), [note]
    notes: list[str] = []
    blocks = has_blocks(content)
    text = drop_comments(content.replace("\r\n", "\n").replace("\r", "\n"))
    text = _media(text, notes)
    if not blocks:
        text = autop(text)
    text = _H1.sub(r"<\1h2", text)  # the headline is the page's one h1
    for name in shortcodes(text):
        if (note := f"shortcode [{name}] left as text") not in notes:
            notes.append(note)
    return sanitise_html(text), notes


def _media(text: str, notes: list[str]) -> str:
    """Captioned images as figures; embedded players as links to what they played."""
    text = replace_enclosing(text, "caption", _figure, notes)
    text = replace_enclosing(text, "wp_caption", _figure, notes)
    text = replace_enclosing(
        text, "embed", _embed_link, notes, converted="shortcode [embed] turned into a link"
    )
    embeds = 0
    if "http" in text:  # every lone URL has it: most posts are spared a scan line by line
        text, embeds = _LONE_URL.subn(_lone_url_link, text)
    if embeds:
        notes.append("a web address on a line of its own (a player in WordPress) became a link")
    return text


def drop_comments(text: str) -> str:
    """Without HTML comments: Gutenberg's block delimiters, ``<!--more-->``, ``<!--nextpage-->``."""
    kept, position = [], 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break  # unterminated: left for the sanitiser, which drops it
        kept.append(text[position:start])
        position = end + 3
    kept.append(text[position:])
    return "".join(kept)


# --- shortcodes ---------------------------------------------------------------------------------


def replace_enclosing(
    text: str,
    name: str,
    render: Callable[[str, str], str | None],
    notes: list[str],
    *,
    converted: str = "",
) -> str:
    """Each ``[name ...]inner[/name]`` replaced by ``render(attributes, inner)``, when it can be.

    ``render`` returns None for one it cannot convert: that one stays as text, with a note.
    """
    opener, closer = f"[{name}", f"[/{name}]"
    parts, position = [], 0
    while (start := text.find(opener, position)) >= 0:
        after = text[start + len(opener) : start + len(opener) + 1]
        if not (after == "]" or after.isspace()):
            parts.append(text[position : start + 1])  # "[captions]": another name
            position = start + 1
            continue
        head_end = text.find("]", start)
        close = text.find(closer, head_end) if head_end >= 0 else -1
        if close < 0:
            break  # no closing tag anywhere after this one: none of the rest can close either
        markup = render(text[start + len(opener) : head_end], text[head_end + 1 : close])
        end = close + len(closer)
        parts.append(text[position:start])
        parts.append(text[start:end] if markup is None else markup)
        note = f"shortcode [{name}] left as text" if markup is None else converted
        if note and note not in notes:
            notes.append(note)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _figure(attributes: str, inner: str) -> str | None:
    """``[caption]<a><img></a> Text[/caption]`` -> ``<figure><a><img></a><figcaption>``."""
    match = _CAPTION_IMAGE.fullmatch(inner)
    if match is None:
        return None
    image, caption = match.group(1), match.group(2).strip()
    if not caption and (old := _CAPTION_ATTRIBUTE.search(attributes)):
        caption = old.group(1) or old.group(2) or ""  # the pre-2.9 caption="..." form
    if not caption:
        return f"<figure>{image}</figure>"
    return f"<figure>{image}<figcaption>{caption}</figcaption></figure>"


def _embed_link(attributes: str, inner: str) -> str | None:
    """``[embed]URL[/embed]``: a player we cannot carry over, kept as a link to what it played."""
    url = plain_text(inner).strip()
    if not _URL.fullmatch(url):
        return None
    escaped = html.escape(url)
    return f'\n\n<p><a href="{escaped}">{escaped}</a></p>\n\n'


def _lone_url_link(match: re.Match[str]) -> str:
    url = html.escape(html.unescape(match.group(1)))
    return f'<a href="{url}">{url}</a>'


def shortcodes(text: str) -> list[str]:
    """Names of shortcodes still in ``text``, in order of first appearance."""
    closed = {match.group(1).lower() for match in _SHORTCODE_CLOSE.finditer(text)}
    names: dict[str, None] = {}
    for match in _SHORTCODE_OPEN.finditer(text):
        name = match.group(1).lower()
        if name in KNOWN_SHORTCODES or name in closed or match.group(2):
            names.setdefault(name)
    return list(names)


# --- autop ------------------------------------------------------------------------------------


def autop(text: str) -> str:
    """WordPress's ``wpautop``: blank-line separated text into ``<p>``, single newlines ``<br>``.

    Block elements are left alone and ``<pre>`` keeps its line breaks.
    """
    out: list[str] = []
    position = 0
    lowered = text.lower()
    while (match := _PRE_OPEN.search(text, position)) is not None:
        end = lowered.find("</pre>", match.end())
        if end < 0:
            break
        out.append(_paragraphs(text[position : match.start()]))
        out.append(text[match.start() : end + len("</pre>")])
        position = end + len("</pre>")
    out.append(_paragraphs(text[position:]))
    return "\n".join(part for part in out if part)


def _paragraphs(text: str) -> str:
    # Block tags on their own: opening tags start a chunk, closing tags end one.
    text = _BLOCK_OPEN.sub(lambda m: "\n\n" + m.group(0), text)
    text = _BLOCK_CLOSE.sub(lambda m: m.group(0) + "\n\n", text)
    return "\n".join(_chunk_html(chunk) for chunk in _chunks(text))


def _chunks(text: str) -> list[list[str]]:
    """Runs of non-blank lines, trailing whitespace removed."""
    chunks: list[list[str]] = [[]]
    for line in text.split("\n"):
        line = line.rstrip()
        if line.strip():
            chunks[-1].append(line)
        elif chunks[-1]:
            chunks.append([])
    return [chunk for chunk in chunks if chunk]


def _chunk_html(lines: list[str]) -> str:
    first, last = lines[0].lstrip(), lines[-1]
    joined = _line_breaks([first, *lines[1:]])
    if _starts_with_block(first) or _ends_with_block(last):
        return joined  # already a block, or part of one: a <p> around it would be invalid
    return f"<p>{joined}</p>"


def _line_breaks(lines: list[str]) -> str:
    """Single newlines as ``<br />``, except next to a block tag (as wpautop does)."""
    out = [lines[0]]
    for previous, line in itertools.pairwise(lines):
        plain = not (_ends_with_block(previous) or _starts_with_block(line.lstrip()))
        out.append(("<br />\n" if plain else "\n") + line)
    return "".join(out)


def _starts_with_block(line: str) -> bool:
    return line.startswith("<") and _BLOCK_TAG.match(line) is not None


def _ends_with_block(line: str) -> bool:
    if not line.endswith(">"):
        return False
    return _BLOCK_TAG.fullmatch(line, line.rfind("<")) is not None


# --- the other fields ---------------------------------------------------------------------------


def plain_line(markup: str) -> str:
    """Titles and excerpts may hold HTML and entities: the words only, on one line."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())  # most titles: nothing for the sanitiser to do
    text = _strip_tags(markup) if markup.count("<") > MAX_MARKUP_TAGS else plain_text(markup)
    return " ".join(text.split())


def _strip_tags(markup: str) -> str:
    """Text without tags, in linear time: for markup too large for the sanitiser."""
    return html.unescape(_TAG.sub(" ", drop_comments(markup)))


def headline(title: str) -> tuple[str, list[str]]:
    text = plain_line(title)
    if not text:
        return UNTITLED, [f"no title in WordPress: the headline is {UNTITLED}"]
    if len(text) <= HEADLINE_CHARS:
        return text, []
    shortened = text[: HEADLINE_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return shortened, [f"the title was {len(text)} characters: shortened to {HEADLINE_CHARS}"]


def pub_date(gmt: str, local: str, zone: ZoneInfo) -> tuple[dt.datetime | None, str]:
    """``post_date_gmt`` in UTC; for unpublished drafts (zero GMT date) ``post_date`` locally."""
    for text, date_zone in ((gmt.strip(), dt.UTC), (local.strip(), zone)):
        if not text or text.startswith("0000-00-00"):
            continue
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return None, f"the date {text[:40]!r} could not be read: imported without a date"
        if not 1000 <= moment.year <= 9000:  # converting far dates between zones overflows
            return None, f"the date {text[:40]!r} is out of range: imported without a date"
        return (moment if moment.tzinfo else moment.replace(tzinfo=date_zone)), ""
    return None, ""


def article_status(
    wordpress_status: str, *, password: str, sticky: str
) -> tuple[str, list[str]] | None:
    """newscenter's status and notes for a post; None for a post in the trash."""
    if wordpress_status == "trash":
        return None
    mapped, note = _STATUSES.get(
        wordpress_status,
        ("draft", f"status {wordpress_status[:40]!r} in WordPress: imported as a draft"),
    )
    notes = [note] if note else []
    if password:
        mapped = "draft"
        notes.append("password-protected in WordPress: imported as a draft")
    if sticky == "1":
        notes.append("sticky in WordPress: newscenter does not pin articles, so it is not pinned")
    return mapped, notes


def section_and_tags(categories: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """From (domain, name) pairs: the first category is the section; further categories, then
    post tags, are the tags."""
    sections = [
        name for domain, text in categories if domain == "category" if (name := _name(text))
    ]
    post_tags = [_name(text) for domain, text in categories if domain == "post_tag"]
    section = sections[0] if sections else ""
    tags: dict[str, str] = {}
    for name in [*sections[1:], *post_tags]:
        if name and name.lower() != section.lower():
            tags.setdefault(name.lower(), name)  # one tag per name, as tag_get_or_create matches
    return section, list(tags.values())[:MAX_TAGS]


def _name(text: str) -> str:
    return " ".join(html.unescape(text).split())[:NAME_CHARS].strip()
