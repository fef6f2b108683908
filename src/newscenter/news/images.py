"""Images from outside (imports today, uploads later): validated by Pillow, then re-encoded.

Re-encoding keeps pixels only: EXIF, GPS and any payload appended to the file are dropped,
and what is stored is a JPEG or PNG we wrote ourselves, under a name we chose.
"""

from __future__ import annotations

import io
import secrets

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # 8000 x 5000; a decompression bomb is refused before decoding
ACCEPTED = frozenset({"JPEG", "PNG", "GIF", "WEBP", "AVIF", "BMP", "TIFF"})


class ImageRejected(Exception):
    """Not an image we accept; the message says why."""


def image_from_bytes(data: bytes) -> ContentFile:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            _check(probe)
            probe.verify()  # structure only; a verified image must be opened again to decode
        with Image.open(io.BytesIO(data)) as image:
            return _reencoded(ImageOps.exif_transpose(image))
    except ImageRejected:
        raise
    except Image.DecompressionBombError:
        raise ImageRejected("the image has more pixels than we accept") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRejected("not a readable image (or a damaged one)") from None


def _check(image: Image.Image) -> None:
    if image.format not in ACCEPTED:
        raise ImageRejected(f"{image.format or 'unknown'} images are not accepted")
    if image.width * image.height > MAX_PIXELS:
        raise ImageRejected(f"{image.width} x {image.height} pixels is more than we accept")


def _reencoded(image: Image.Image) -> ContentFile:
    keeps_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
    out = io.BytesIO()
    if keeps_alpha:
        image.convert("RGBA").save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(8)}.{extension}")
