"""The media library's writes, and the checks every image from outside passes first.

Uploads, imports and the demo all call :func:`image_create`. An image is hostile until
proven otherwise (SECURITY.md, "uploads"), so :func:`prepare`:

- refuses a file over :data:`MAX_BYTES` before reading it (Django spools big uploads to a
  temporary file and knows their size), and SVG or HTML before any parser sees it;
- lets Pillow try only the formats we accept, so no other decoder (EPS runs Ghostscript)
  is ever reached by a file that merely claims to be one;
- reads the dimensions from the header and refuses a decompression bomb before decoding;
- decodes every pixel (a truncated or corrupt file fails here), turns it upright,
  converts it to sRGB and keeps the pixels only: EXIF, GPS, XMP, ICC profiles, comments and
  whatever was appended to the file (HTML, a ZIP) are not in what we write;
- writes a JPEG (or a PNG when there is transparency) of our own, under a random name.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from PIL import Image as Pillow
from PIL import ImageCms, ImageOps, UnidentifiedImageError

from newscenter.news import pictures, policy
from newscenter.news.audit import audit_record
from newscenter.news.changes import announce
from newscenter.news.models import Article, Image, Rendition, SiteSettings
from newscenter.news.policy import Actor, actor_of

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 8000 x 5000: a 12-bit camera's largest files fit
ACCEPTED = ("JPEG", "PNG", "GIF", "WEBP", "AVIF")
JPEG_QUALITY = 90  # the stored original: renditions are what pages send
EDITABLE = ("alt", "caption", "credit")
_TEXT_HEAD = b"\xef\xbb\xbf \t\r\n"  # a BOM and whitespace before markup


class ImageRejected(Exception):
    """Not an image we accept; the message says why, in words an editor understands."""


class ImageInUse(Exception):
    """The image is still shown somewhere; the message says where."""


@dataclass(frozen=True)
class Prepared:
    """An image that passed every check: upright sRGB pixels, and the original as we store it."""

    pixels: Pillow.Image  # "RGB", or "RGBA" when there is transparency
    content: ContentFile[bytes]


def prepare(source: Any) -> Prepared:
    """Check and re-encode ``source`` (bytes, an uploaded or other file); raise ImageRejected."""
    data = read_capped(source)
    _refuse_markup(data)
    pixels = _decoded(data)
    return Prepared(pixels=pixels, content=_encoded(pixels))


# --- services --------------------------------------------------------------------------


def image_create(
    *,
    file_or_bytes: Any,
    acting_user: Actor,
    alt: str = "",
    caption: str = "",
    credit: str = "",
) -> Image:
    """A new library image with its renditions; raises ImageRejected or PolicyDenied.

    ``file_or_bytes`` may also be what :func:`prepare` returned (the admin's form checks
    the upload while validating, so that a refusal is a form error, and hands it over).
    """
    policy.require(acting_user, "image.upload")
    prepared = file_or_bytes if isinstance(file_or_bytes, Prepared) else prepare(file_or_bytes)
    image = Image(
        file=prepared.content,
        width=prepared.pixels.width,
        height=prepared.pixels.height,
        alt=alt.strip(),
        caption=caption.strip(),
        credit=credit.strip(),
        uploaded_by=actor_of(acting_user),
    )
    image.full_clean()
    try:
        with transaction.atomic():
            image.save()
            renditions_make(image=image, pixels=prepared.pixels)
            _audit(acting_user, "image.create", image)
    except BaseException:
        # Storage is not transactional: take back the file this call wrote.
        _delete_files([image.file.name])
        raise
    return image


@transaction.atomic
def image_update(*, image: Image, acting_user: Actor, **changes: str) -> Image:
    """Change the alternative text, caption or credit."""
    policy.require(acting_user, "image.edit")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"unknown image fields: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(image, name, value.strip())
    image.full_clean()
    image.save()
    _audit(acting_user, "image.update", image, changed=sorted(changes))
    announce(kinds=["image"])  # pages show its alternative text, caption and credit
    return image


@transaction.atomic
def image_delete(*, image: Image, acting_user: Actor) -> None:
    """Delete the image and, once that is committed, its files; refused while it is shown."""
    policy.require(acting_user, "image.edit")
    where = image_uses(image)
    if where:
        raise ImageInUse(f"“{image}” is still shown: {'; '.join(where)}. Replace it there first.")
    names = [image.file.name, *image.renditions.values_list("file", flat=True)]
    _audit(acting_user, "image.delete", image)
    image.delete()
    announce(kinds=["image"])
    transaction.on_commit(lambda: _delete_files(names))


def image_renditions_remake(*, image: Image, acting_user: Actor) -> Image:
    """Make the renditions again from the stored file (images carried over by migration 0007).

    The stored file passes the same checks as an upload: files from before the media library
    were stored as they came.
    """
    policy.require(acting_user, "image.edit")
    with default_storage.open(image.file.name) as stored:
        pixels = prepare(stored).pixels
    with transaction.atomic():
        renditions_make(image=image, pixels=pixels)
        if (image.width, image.height) != pixels.size:
            image.width, image.height = pixels.size
            image.save(update_fields=["width", "height"])
        _audit(acting_user, "image.renditions", image)
        announce(kinds=["image"])
    return image


def image_uses(image: Image) -> list[str]:
    """Where the image is shown: lead image of articles, the banner, inside article bodies."""
    where = []
    leads = list(image.articles.values_list("headline", flat=True)[:4])
    if leads:
        where.append("lead image of " + ", ".join(f"“{h}”" for h in leads))
    if SiteSettings.objects.filter(banner_image=image).exists():
        where.append("the site banner")
    in_bodies = list(bodies_showing(image).values_list("headline", flat=True)[:4])
    if in_bodies:
        where.append("inside " + ", ".join(f"“{h}”" for h in in_bodies))
    return where


def bodies_showing(image: Image) -> QuerySet[Article]:
    """Articles whose body shows the image: bodies name it by URL (renditions.pictures_in_body)."""
    return Article.objects.filter(body__contains=image.file.url)


# --- renditions ------------------------------------------------------------------------

_SAVE: dict[str, tuple[str, str, dict[str, Any]]] = {
    Rendition.Format.WEBP: ("WEBP", "webp", {"quality": 80, "method": 4}),
    Rendition.Format.JPEG: ("JPEG", "jpg", {"quality": 82, "optimize": True, "progressive": True}),
    Rendition.Format.PNG: ("PNG", "png", {"optimize": True}),
    Rendition.Format.AVIF: ("AVIF", "avif", {"quality": 60, "speed": 6}),  # see news/pictures.py
}


def widths_for(width: int) -> list[int]:
    """The widths to make for an original ``width`` pixels wide: never wider than it."""
    widths = [w for w in pictures.WIDTHS if w < width]
    return sorted({*widths, min(width, pictures.WIDTHS[-1])})


def renditions_make(*, image: Image, pixels: Pillow.Image) -> list[Rendition]:
    """(Re)make the renditions of ``image`` from its checked, upright ``pixels``."""
    fallback = Rendition.Format.PNG if pixels.mode == "RGBA" else Rendition.Format.JPEG
    stem = PurePosixPath(image.file.name).stem
    made = []
    for width in widths_for(pixels.width):
        height = max(1, round(pixels.height * width / pixels.width))
        resized = pixels
        if width != pixels.width:
            resized = pixels.resize((width, height), Pillow.Resampling.LANCZOS, reducing_gap=3.0)
        for kind in (pictures.MODERN, fallback):
            data, extension = _encode(resized, kind)
            file = ContentFile(data, name=f"{stem}-{width}w.{extension}")
            made.append(Rendition(image=image, width=width, height=height, format=kind, file=file))
    made += _crops_make(image, pixels, fallback, stem)
    stale = list(image.renditions.values_list("file", flat=True))
    image.renditions.all().delete()
    Rendition.objects.bulk_create(made)
    image.rendition_list = sorted([r.format, r.width, r.height, r.crop, r.file.name] for r in made)
    Image.objects.filter(pk=image.pk).update(rendition_list=image.rendition_list)
    image.__dict__.pop("shown_renditions", None)
    transaction.on_commit(lambda: _delete_files(stale))
    return made


def _crops_make(image: Image, pixels: Pillow.Image, kind: str, stem: str) -> list[Rendition]:
    """The middle of the picture in each of ``pictures.CROPS``, ``CROP_WIDTH`` wide, in the
    format every search engine reads; none that would need enlarging."""
    made = []
    for name, (across, down) in pictures.CROPS.items():
        width = min(pixels.width, pixels.height * across // down)
        height = width * down // across
        if width < pictures.CROP_WIDTH:
            continue
        left, top = (pixels.width - width) // 2, (pixels.height - height) // 2
        size = (pictures.CROP_WIDTH, pictures.CROP_WIDTH * down // across)
        cut = pixels.crop((left, top, left + width, top + height))
        data, extension = _encode(cut.resize(size, Pillow.Resampling.LANCZOS), kind)
        file = ContentFile(data, name=f"{stem}-{name}.{extension}")
        made.append(
            Rendition(image=image, width=size[0], height=size[1], format=kind, file=file, crop=name)
        )
    return made


def _encode(pixels: Pillow.Image, kind: str) -> tuple[bytes, str]:
    pillow_format, extension, options = _SAVE[kind]
    out = io.BytesIO()
    pixels.save(out, format=pillow_format, **options)
    return out.getvalue(), extension


# --- checks ----------------------------------------------------------------------------


def read_capped(
    source: Any, *, limit: int | None = None, rejected: type[Exception] = ImageRejected
) -> bytes:
    """The bytes of an upload (or bytes), refused with ``rejected`` when empty or over
    ``limit`` (:data:`MAX_BYTES`): a file whose size is known is refused before it is read."""
    limit = MAX_BYTES if limit is None else limit
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        size = getattr(source, "size", None)
        if size is not None and size > limit:
            raise rejected(_too_big(size, limit))
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)  # the cap holds even where the size was not known
    if len(data) > limit:
        raise rejected(_too_big(len(data), limit))
    if not data:
        raise rejected("the file is empty")
    return data


def _too_big(size: int, limit: int) -> str:
    return f"the file is {size / 2**20:.1f} MB; at most {limit // 2**20} MB is accepted"


def _refuse_markup(data: bytes) -> None:
    head = data[:4096].lstrip(_TEXT_HEAD).lower()
    if not head.startswith(b"<"):
        return
    if b"<svg" in head:
        # An SVG is a document that may run script when opened from our origin.
        raise ImageRejected(
            "SVG is not accepted (it can carry scripts): upload a PNG, JPEG, GIF, WebP or AVIF"
        )
    raise ImageRejected("not a readable image: the file holds HTML or XML text")


def _decoded(data: bytes) -> Pillow.Image:
    try:
        with Pillow.open(io.BytesIO(data), formats=ACCEPTED) as image:
            _check_size(image)
            image.load()
            return _clean_pixels(image)
    except ImageRejected:
        raise
    except (Pillow.DecompressionBombError, Pillow.DecompressionBombWarning):
        raise ImageRejected(_too_many_pixels()) from None
    except UnidentifiedImageError:
        raise ImageRejected(
            "not a readable image: JPEG, PNG, GIF, WebP and AVIF are accepted"
        ) from None
    except Exception:
        # Decoders fail on hostile bytes in many ways (OSError, SyntaxError, struct.error,
        # IndexError ...): every one of them is a damaged file, never a server error.
        raise ImageRejected("the image is damaged or incomplete") from None


def _check_size(image: Pillow.Image) -> None:
    # The header's dimensions, before a single pixel is decoded.
    if image.width < 1 or image.height < 1:
        raise ImageRejected("the image has no pixels")
    if image.width * image.height > MAX_PIXELS:
        raise ImageRejected(f"{image.width} x {image.height} pixels: {_too_many_pixels()}")


def _too_many_pixels() -> str:
    return f"more pixels than we accept (at most {MAX_PIXELS // 1_000_000} megapixels)"


def _clean_pixels(image: Pillow.Image) -> Pillow.Image:
    alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    mode = "RGBA" if alpha else "RGB"
    try:
        upright = ImageOps.exif_transpose(image)
    except Exception:
        upright = image  # a damaged EXIF block: the pixels as stored are still a picture
    icc = image.info.get("icc_profile")
    pixels = _to_srgb(upright, icc, mode) if icc else upright.convert(mode)
    if alpha and pixels.getchannel("A").getextrema()[0] == 255:
        pixels = pixels.convert("RGB")  # an alpha channel nobody uses: store a JPEG
    # convert() copies .info (comments, XMP, the EXIF exif_transpose rewrote), and Pillow
    # writes some of it back when saving: start from nothing.
    pixels.info.clear()
    return pixels


def _to_srgb(image: Pillow.Image, icc: bytes, mode: str) -> Pillow.Image:
    """Colours as the camera meant them (Display P3 phones) once the profile is dropped."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image.convert(mode)  # a broken profile: its colours are lost, not the upload
    return converted if converted is not None else image.convert(mode)


def _encoded(pixels: Pillow.Image) -> ContentFile[bytes]:
    out = io.BytesIO()
    if pixels.mode == "RGBA":
        pixels.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        pixels.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        extension = "jpg"
    # A name we chose: nothing of the uploader's file name (``../../x.jpg``) reaches storage.
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(12)}.{extension}")


# --- helpers ---------------------------------------------------------------------------


def _delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def _audit(actor: Actor, action: str, image: Image, **detail: Any) -> None:
    audit_record(actor=actor, action=action, target=image, **detail)
