"""The plain text of a page as units (paragraphs or lines), and what each unit looks like:
prose, a headline, a byline, page chrome (menus, breadcrumbs, share links) or a footer.

Shared by the text importer and its date finder; pure, no database or network.
"""

# Full-width colons, typographic dashes and quotes below are deliberate: pages use them.
# ruff: noqa: RUF001

from __future__ import annotations

import codecs
import functools
import re
import unicodedata

# --- decoding -------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def decode(data: bytes, *, final: bool = True) -> str | None:
    """The text of ``data``, or None when it is not text in an encoding we accept."""
    bom_encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    for encoding in (bom_encoding,) if bom_encoding else ("utf-8", "cp1252"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(data, final=final)
        except UnicodeDecodeError:
            continue
        # cp1252 decodes almost anything: trust it only when no control bytes came out.
        if "\x00" not in text and (encoding != "cp1252" or not _CONTROL.search(text)):
            return text
    return None


def normalise(text: str) -> str:
    """One spelling per page, so that the same page always gets the same source key."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    lines = (_CONTROL.sub("", line).rstrip() for line in text.splitlines())
    return "\n".join(lines).strip("\n")


# --- what a line is -------------------------------------------------------------------------

_TERMINAL = ".!?。！？…"
_CLOSERS = "\"'“”‘’»«)」』】"
_CHROME_TITLES = frozenset(
    {
        "banner", "logo", "menu", "search", "home", "news", "newsroom", "news center",
        "news centre", "press", "press releases", "media", "blog", "company news",
        "industry news", "latest news", "skip to content", "skip to main content",
        "aktuelles", "neuigkeiten", "presse", "pressemitteilungen", "nachrichten",
        "zum inhalt springen", "新闻中心", "公司新闻", "行业新闻", "新闻动态", "首页", "主页",
    }
)  # fmt: skip
_SOCIAL = re.compile(
    r"\b(?:facebook|twitter|linkedin|xing|instagram|youtube|whatsapp|wechat|weibo|pinterest"
    r"|reddit|e-?mail|print|share)\b"
)
_SOFT_CHROME = re.compile(
    r"(?i)top of page|bottom of page|share|share this(?: article| story| page| post)?"
    r"|share (?:on|via)\b.*|teilen|drucken"
    r"|print(?: this (?:page|article))?|e-?mail|facebook|twitter|x|linkedin|xing|instagram"
    r"|youtube|whatsapp|wechat|weibo|pinterest|reddit|read more\b.*|continue reading|weiterlesen"
    r"|mehr lesen|mehr erfahren|learn more|more|mehr|advertisement|anzeige|sponsored"
    r"|back to top|top|nach oben|zum seitenanfang|(?:photo|foto|image|bild|credit)\s*[:：].*"
    r"|\d+\s*min(?:ute)?s? read|(?:lesezeit|reading time)\b.*"
    r"|(?:views?|hits|aufrufe|comments?|kommentare)\s*[:：]?\s*\d+|\d+\s*(?:views?|comments?)"
    r"|分享.*|打印|阅读(?:更多|全文)|更多|查看更多|返回顶部|(?:浏览|阅读|点击)(?:次数|量)?[:：]?\s*\d+\s*次?"
    # Share, print and download buttons, gallery and image controls, widgets' leftovers.
    r"|tweet|pin it|e-?mail this(?: page| article| story| post)?|print this\b[^.]*"
    r"|download\b.{0,40}(?<![.!?])|(?:view|open) (?:the )?(?:pdf|file|document|attachment)\b[^.]*"
    r"|click (?:here )?to (?:enlarge|view|zoom|download|read more)\b[^.]*"
    r"|enlarge(?: image| photo| picture)?|view (?:gallery|slideshow|larger|image|photo)s?"
    r"|(?:image|photo|picture|slide) \d+ (?:of|/) \d+|loading\W*|like this:.*"
    r"|\(?(?:photo|image|picture|foto|bild)s?:? (?:credit|courtesy|by|source)\b[^)]*\)?"
    r"|(?:accept|reject|allow|decline|deny)(?: all)?(?: cookies)?"
    r"|(?:manage )?cookies?(?: settings)?|manage (?:cookies|settings|preferences)"
    r"|search(?: for)?\s*[:：]?|sponsored(?: content)?"
    r"|trending(?: now)?|reply|posted in [^.!?]{1,60}|(?:read|reading) time\s*[:：].*"
    # A chat widget: "Online Chat", "WhatsApp Online Chat !", "Chat icon Chat with us live".
    r"|(?:[\w-]+ )?(?:online|live) chat\W*|(?:chat icon )?chat (?:with us|now|online)\b.*"
    r"|(?:last updated|last modified|page last (?:reviewed|updated))\s*[:：]?.*"
)
# A site's legal notice: who owns and runs it, where the company is registered.
_LEGAL = re.compile(
    r"(?i)\bregistered (?:office|in england|in scotland|in ireland|address|number)\b"
    r"|\bcompany (?:registration )?(?:number|no\.?)\s*[:：]?\s*\d"
    r"|\b(?:is|are) (?:a )?(?:part|division|subsidiary|trading name) of\b.{0,80}"
    r"\b(?:plc|ltd|limited|inc|llc|group|gmbh|ag|holdings)\b"
    r"|\bthis (?:web)?site is (?:operated|owned|run|published) by\b|\ball copyright resides\b"
)
# A cookie banner, whatever it says: "We use cookies to give you the best experience...".
_COOKIES = re.compile(
    r"(?i)^(?=.*\bcookies?\b)(?=.*\b(?:website|site|browser|consent|accept|preferences|settings"
    r"|policy|privacy|experience|browsing)\b)"
)
_STOP = re.compile(
    r"(?i)(?:(?:previous|next|prev)(?: (?:article|post|story|news|item|page))?\s*(?:[:：>»›]|$)"
    r"|(?:vorherige[rs]?|nächste[rs]?) (?:artikel|beitrag|meldung)|上一篇|下一篇|上一条|下一条"
    r"|back to (?:news|top|overview|all|list|blog|press|newsroom|stories|home|the (?:news|blog))\b"
    r"|zurück(?: zur| zum| zu den)?(?: \w+)?\s*$|返回(?:列表|首页|顶部|上一页|新闻中心)?\s*$"
    r"|(?:tags?|keywords?|categor(?:y|ies)|filed under|schlagw(?:ö|oe)rter|schlagworte"
    r"|stichw(?:ö|oe)rter|kategorien?|标签|关键词|关键字|分类)\s*[:：]"
    r"|related(?: (?:news|articles|posts|stories|links|reading))?\s*(?:[:：]|$)"
    r"|more (?:news|articles|stories|from)\b|you (?:may|might) also\b"
    r"|(?:latest|recent|other|further|popular) (?:news|articles|posts|stories)\b"
    r"|weitere (?:nachrichten|news|artikel|meldungen|beiträge)|ähnliche (?:artikel|beiträge)"
    r"|相关(?:新闻|文章|阅读|推荐|链接)|推荐阅读|最新(?:新闻|动态|文章)|热门(?:新闻|文章|推荐)|猜你喜欢"
    r"|关注我们|联系我们|关于我们|发表评论|媒体联系"
    r"|follow us|folgen sie uns|subscribe|newsletter|sign up|impressum|imprint|privacy"
    r"|datenschutz|terms (?:of|and)\b|cookie|sitemap|contact us|about us|über uns"
    r"|leave a (?:comment|reply)|(?:media|press) contacts?\b|(?:presse|press)kontakt"
    r"|(?:contact|kontakt|comments?|kommentare|评论)\s*[:：]?$"
    r"|about the author|(?:see also|tagged(?: with| as)?)\s*[:：]"
    r"|(?:older|newer) (?:posts?|entries)|join our (?:mailing list|newsletter)"
    r"|for (?:more|further) information,? (?:please )?contact)"
)
# Where the article has ended even when the line ends like a sentence.
_FINAL = re.compile(
    r"(?i)(?:comments are closed|no comments(?: yet)?|be the first to comment"
    r"|your email address will not be published|please enable javascript"
    r"|was this (?:page|article|information) (?:helpful|useful)|report a (?:problem|mistake)"
    r"|-+ ?ends? ?-+|[–—] ?ends? ?[–—]|#{3,}$)"
)
_FOOTER = re.compile(
    r"(?i)©|\(c\)\s*\d{4}|^copyright\b|all rights reserved|alle rechte vorbehalten|版权所有"
    r"|ICP备|ICP证"
)
BYLINE = re.compile(
    r"(?i)(?:by|von|par|por|door|written by|posted by)\s+\S"
    r"|(?:author|autor|autorin|text|source|quelle|作者|来源|编辑|记者|文)\s*[:：]"
)
_CRUMB_SEPARATOR = re.compile(r"\s*[>»›→]\s*|\s+/\s+")
_CRUMB_START = re.compile(
    r"(?i)(?:home|start|startseite|accueil|you are here|sie sind hier"
    r"|首页|主页|当前位置|您的位置)\b"
)
# A breadcrumb whose separators were lost: "Home Articles Road Closure on the A6".
_BARE_CRUMBS = re.compile(
    r"(?i)(?:home|start|startseite|accueil|inicio)\s+"
    r"(?:(?:news|articles?|blog|posts?|press(?: releases)?|media(?: centre| center)?|newsroom"
    r"|updates|stories|events|announcements|aktuelles|neuigkeiten|presse|actualités|noticias)"
    r"\s+){1,2}(?=[A-Z0-9\"'“‘])"
)
# A newsletter's prompt: "Get the Daily Courier delivered to your inbox every morning!".
_PROMPT = re.compile(
    r"(?i)\b(?:delivered|sent|straight|directly|right) to your inbox\b"
    r"|^(?:sign up|subscribe|register)\b.{0,60}\bnewsletters?\b"
)
_MENU_SEPARATOR = re.compile(r"[|•·]")
_CJK = re.compile("[\u3040-\u9fff\uac00-\ud7af]")  # kana, CJK ideographs, hangul


def ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSERS)[-1:] in tuple(_TERMINAL)


def cjk_chars(text: str) -> int:
    return len(_CJK.findall(text))


@functools.lru_cache(maxsize=8192)  # asked many times per line
def is_prose(unit: str) -> bool:
    """A paragraph of running text: what articles have and chrome, listings and forms lack."""
    cjk = cjk_chars(unit)
    if cjk * 3 >= len(unit):
        return cjk >= 60 or (cjk >= 20 and ends_sentence(unit))
    words = len(unit.split())
    return words >= 25 or (words >= 10 and ends_sentence(unit))


@functools.lru_cache(maxsize=8192)  # asked many times per line
def is_text(unit: str) -> bool:
    """Prose that is the page's own: not a cookie banner or a legal notice."""
    return is_prose(unit) and not is_chrome(unit)


@functools.lru_cache(maxsize=8192)  # asked many times per line
def is_headline(unit: str) -> bool:
    """Short, substantial and unpunctuated, and not one of the page's furniture lines."""
    if not 8 <= len(unit) <= 200 or unit.rstrip(_CLOSERS).endswith((".", "。", ":", "：", ",")):
        return False
    if is_chrome(unit) or is_byline(unit) or _STOP.match(unit) or is_footer(unit):
        return False
    words = len(unit.split())
    return 3 <= words <= 30 or (cjk_chars(unit) >= 6 and words <= 30)


@functools.lru_cache(maxsize=8192)  # asked many times per line
def is_byline(unit: str) -> bool:
    return len(unit) <= 80 and len(unit.split()) <= 6 and bool(BYLINE.match(unit))


@functools.lru_cache(maxsize=8192)  # asked many times per line
def is_chrome(unit: str) -> bool:
    """Page furniture to drop wherever it appears: titles, share links, menus, breadcrumbs."""
    if len(unit) > 400:
        return False  # a paragraph: the longest banner or notice is shorter
    bare = unit.strip(" :：|•·-–—>»").lower()
    if bare in _CHROME_TITLES or (len(unit) <= 80 and _SOFT_CHROME.fullmatch(bare)):
        return True
    if _is_notice(bare):
        return True
    if len(unit) <= 200 and ("inbox" in bare or "newsletter" in bare) and _PROMPT.search(bare):
        return True
    if len(unit) <= 200 and len(_SOCIAL.findall(bare)) >= 3:
        return True  # "Facebook Share Icon LinkedIn Share Icon Twitter Share Icon ..."
    return _is_breadcrumb(unit) or _is_menu(unit)


@functools.lru_cache(maxsize=8192)  # asked many times per line
def is_stop(unit: str) -> bool:
    """Where the article ends: footers, tag lists, related news, previous/next links."""
    if len(unit) > 200 or is_prose(unit):
        return False
    if is_footer(unit):  # cached: the footer pattern is the dearest, run once a line
        return True
    # Links and labels carry no full stop; a short sentence of the article does.
    bare = unit.lstrip("←→<>«‹·• ")
    if len(unit) <= 100 and _FINAL.match(bare):
        return True
    bare = bare.lstrip("-–—")
    return len(unit) <= 100 and not ends_sentence(unit) and bool(_STOP.match(bare))


def without_bare_crumbs(unit: str) -> str:
    """The last crumb of a breadcrumb scraped without its separators, else the unit itself."""
    match = _BARE_CRUMBS.match(unit)
    return unit[match.end() :] if match else unit


_NOTICE_WORDS = re.compile(
    "cookie|registered|company|part of|division of|subsidiary|trading name|site is"
    "|copyright resides"
)


def _is_notice(low: str) -> bool:
    """A cookie banner or a legal notice; cheap words first, the patterns only when one is in."""
    if not _NOTICE_WORDS.search(low):
        return False
    return bool(_COOKIES.search(low) or _LEGAL.search(low))


def _is_breadcrumb(unit: str) -> bool:
    if len(unit) > 200 or is_prose(unit):
        return False
    separators = len(_CRUMB_SEPARATOR.findall(unit))
    return separators >= 2 or (separators == 1 and bool(_CRUMB_START.match(unit)))


def _is_menu(unit: str) -> bool:
    if len(unit) > 200 or is_prose(unit):
        return False
    items = _MENU_SEPARATOR.split(unit)
    return len(items) >= 3 and all(len(item.split()) <= 4 for item in items)


@functools.lru_cache(maxsize=8192)  # asked many times per line
def is_footer(unit: str) -> bool:
    """A copyright or licence line: the page's footer has started."""
    return bool(_FOOTER.search(unit))
