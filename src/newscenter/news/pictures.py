"""Pictures on pages: the ``<picture>`` markup of a library image and its renditions.

Renditions are every library image at several widths, in WebP and a fallback, made by
``services.images`` when the image is stored.

WebP rather than AVIF, measured on this machine (Pillow 13.0, libavif 1.4.2, 2 cores) with a
2000 x 1333 photograph resized to the five widths below: AVIF at Pillow's default speed took
2.6-2.9 s for 200 KB in all; AVIF at speed 8 took 0.62 s for 181 KB; WebP at quality 80 took
0.46 s for 176 KB (JPEG 0.04 s, 339 KB). Renditions are made while the editor waits for the
upload, and the one AVIF setting that beats WebP on size (speed 6, 145 KB) costs 2.4 s of a
core per picture, five times WebP. Every browser we serve reads WebP; the ``<img>`` inside
``<picture>`` carries JPEG (PNG where there is transparency) for the rest.

:func:`picture_html` writes the ``<picture>`` element; :func:`pictures_in_body` gives images
inside article bodies the same markup when the page is rendered.
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import unquote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db.models import FileField, Q
from django.db.models.fields.files import FieldFile
from django.utils.functional import LazyObject, empty
from django.utils.safestring import SafeString, mark_safe

from newscenter.news.models import Image, Rendition
from newscenter.news.rendering import escape

WIDTHS = (320, 640, 960, 1280, 1920)
MODERN = Rendition.Format.WEBP
MODERN_TYPE = f"image/{MODERN.value}"
FALLBACKS = (Rendition.Format.JPEG, Rendition.Format.PNG)
# The aspect ratios search engines ask for (Google's Article structured data: 16x9, 4x3 and
# 1x1, at least 1200 pixels wide), cut from the middle of any picture wide enough for them.
CROPS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
CROP_WIDTH = 1200
# The article column (web/static/newscenter/site.css: 42rem less its padding).
COLUMN_SIZES = "(min-width: 42rem) 39rem, calc(100vw - 2rem)"


# --- markup ----------------------------------------------------------------------------


def picture_html(
    image: Image,
    *,
    sizes: str = COLUMN_SIZES,
    alt: str | None = None,
    loading: str = "lazy",
    fetchpriority: str = "",
) -> SafeString:
    """``<picture>`` with a WebP ``<source>`` and a sized ``<img>``, every value escaped.

    Written from the image's ``rendition_list`` with no Rendition rows, format_html() or
    flatatt(): a page of teasers writes a few pictures, and building their ten renditions
    as model instances and their markup through those helpers cost a fifth of the page. The
    markup is flatatt()'s: the ``<img>``'s attributes in the order of their names.
    """
    available = _available_files(image)
    modern = [(url, width) for kind, width, url in available if kind == MODERN]
    fallback = [(url, width) for kind, width, url in available if kind in FALLBACKS]
    source = ""
    if modern:
        source = (
            f'<source type="{MODERN_TYPE}" srcset="{escape(_srcset_of(modern))}" '
            f'sizes="{escape(sizes)}">'
        )
    attributes = (
        ("alt", image.alt if alt is None else alt),
        ("decoding", "async"),
        ("fetchpriority", fetchpriority or None),
        # The original's size gives the box its shape before the picture arrives.
        ("height", image.height or None),
        ("loading", loading),
        ("sizes", sizes if fallback else None),
        # The largest fallback for browsers that ignore srcset; the original if none is left.
        ("src", fallback[-1][0] if fallback else _url(image.file)),
        ("srcset", _srcset_of(fallback) if fallback else None),
        ("width", image.width or None),
    )
    # Built from escaped values and our own markup.
    return mark_safe(f"<picture>{source}<img{_flat(attributes)}></picture>")  # noqa: S308


def _flat(attributes: tuple[tuple[str, object], ...]) -> str:
    """flatatt() of attributes given in the order of their names: ``key="value"`` for each
    value but None and booleans, then the names of those True."""
    pairs = "".join(
        f' {key}="{escape(value)}"'
        for key, value in attributes
        if value is not None and not isinstance(value, bool)
    )
    return pairs + "".join(f" {key}" for key, value in attributes if value is True)


def _srcset_of(files: list[tuple[str, int]]) -> str:
    return ", ".join(f"{url} {width}w" for url, width in files)


def _url(file: FieldFile) -> str:
    return _address(concrete_storage(file.storage), file.name or "")


def file_url(storage: Storage, name: str) -> str:
    """``storage.url(name)``, on the file system worked out once per name (see _local)."""
    return _address(concrete_storage(storage), name)


def concrete_storage(storage: Storage) -> Storage:
    """The storage behind a lazy one (Django's ``default_storage``, ``staticfiles_storage``) as
    it is now (settings may replace it), so that a picture's ten addresses and file checks do
    not each go through the lazy object's proxy for every attribute, a tenth of a page of
    teasers; the storage itself when it is not lazy."""
    if isinstance(storage, LazyObject):
        lazy: Any = storage  # django-stubs leave out the lazy object's own attributes
        if lazy._wrapped is empty:
            lazy._setup()
        return cast(Storage, lazy._wrapped)
    return storage


def _address(storage: Storage, name: str) -> str:
    """``storage.url(name)``; on the file system worked out once per name (see _local)."""
    if storage.__class__ is FileSystemStorage:  # not a subclass: its url() may read more
        on_disk = cast(FileSystemStorage, storage)
        return _local(on_disk.url, on_disk.base_url, name)
    return storage.url(name)


@functools.lru_cache(maxsize=16384)
def _local(find: Callable[[str], str], root: str | None, name: str) -> str:
    # FileSystemStorage's url() and path() read nothing but their root (base_url, location)
    # and the name, and cost more than the rest of a picture's markup: a page of teasers
    # writes ten addresses a picture and checks five files. The key holds the bound method
    # (its storage) and the root, so that a storage set up again (new settings) is asked again.
    return find(name)


def _available_files(image: Image) -> list[tuple[str, int, str]]:
    """The renditions whose file is still in storage, narrowest first, as (format, width,
    URL), read from ``rendition_list``; crops are for structured data, not for pictures.

    A rendition deleted from disk (a restore from an old backup, a tidy-up by hand) must
    not leave a broken picture: without it the page falls back to the original. On the
    file system this is one ``stat`` per rendition.
    """
    storage = concrete_storage(_RENDITION_FILE.storage)
    rows = sorted(image.rendition_list, key=lambda row: (row[0], row[1]))
    return [
        (kind, width, _address(storage, name))
        for kind, width, _height, crop, name in rows
        if not crop and name and _kept(storage, name)
    ]


_RENDITION_FILE = cast(FileField, Rendition._meta.get_field("file"))


def crops(image: Image) -> list[Rendition]:
    """The image cut to each of :data:`CROPS` (widest first), as far as it was wide enough."""
    made = {r.crop: r for r in image.shown_renditions if r.crop}
    return [made[name] for name in CROPS if name in made]


def _stored(file: FieldFile) -> bool:
    """Whether the file is on disk; on object storage the database row is trusted.

    Asking the store (a HEAD request) for every picture of every page would put a network
    round trip per image into rendering; there only ``url()`` is called, which builds a string.
    """
    return _kept(concrete_storage(file.storage), file.name or "")


def _kept(storage: Storage, name: str) -> bool:
    if storage.__class__ is FileSystemStorage:  # its path worked out once per name
        on_disk = cast(FileSystemStorage, storage)
        return os.path.exists(_local(on_disk.path, str(on_disk.location), name))
    try:
        path = storage.path(name)
    except NotImplementedError:  # storages without local files say so (Storage.path)
        return True
    return os.path.exists(path)


# --- images inside article bodies --------------------------------------------------------

# nh3 sanitised every body when it was saved and writes each attribute value in double
# quotes, with any quote inside escaped: so an <img ...> tag ends at the first ">" outside
# quotes, and a quote always closes a value.
_IMG_TAG = re.compile(r'<img\s(?:[^>"]|"[^"]*")*>')
_ATTRIBUTE = re.compile(r'([^\s"=<>/]+)="([^"]*)"')


def pictures_in_body(markup: str) -> SafeString:
    """Body HTML in which each ``<img>`` of a library image becomes its ``<picture>``.

    Safe to mark safe: ``markup`` passed the allow-list (news.rendering) when it was saved
    and is copied through unchanged except for the ``<img>`` tags replaced. A replacement
    is built by :func:`picture_html` from our own rows (URLs from storage, integers) and the
    body's alt text, unescaped and escaped again by picture_html; the body's ``src`` is only
    a key to look the image up, never written out.
    """
    tags = {match[0]: _attributes(match[0]) for match in _IMG_TAG.finditer(markup or "")}
    library = _library_images({_storage_name(attrs.get("src", "")) for attrs in tags.values()})
    if not library:
        return mark_safe(markup or "")  # noqa: S308 (sanitised on save, see above)

    def replace(match: re.Match[str]) -> str:
        attrs = tags[match[0]]
        image = library.get(_storage_name(attrs.get("src", "")))
        if image is None:
            return str(match[0])
        return picture_html(image, alt=attrs.get("alt"))

    return mark_safe(_IMG_TAG.sub(replace, markup))  # noqa: S308 (see the docstring)


def _attributes(tag: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def _storage_name(url: str) -> str:
    """The storage name a media URL points at, or "" for any other address."""
    prefix = settings.MEDIA_URL
    if not url.startswith(prefix) or "?" in url or "#" in url:
        return ""
    name = unquote(url[len(prefix) :])
    return "" if ".." in name.split("/") else name


def _library_images(names: set[str]) -> dict[str, Image]:
    """Library images by the name of their original or of any of their renditions."""
    names.discard("")
    if not names:
        return {}
    found = (
        Image.objects.filter(Q(file__in=names) | Q(renditions__file__in=names))
        .distinct()
        .prefetch_related("renditions")
    )
    by_name = {}
    for image in found:
        by_name[image.file.name] = image
        by_name |= {r.file.name: image for r in image.renditions.all()}
    return by_name
