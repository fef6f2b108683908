"""Demo content: the News center of Kesselmark Valves & Pumps, loaded by ``newscenter demo``.

Everything here is invented for newscenter: the company, its town (Ebersfurt), its people,
its products and the trade outlet it quotes. Pictures are drawn with Pillow at load time,
so the package ships no binary files. Writes go through the services like any other input.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from newscenter.demo.content import (
    ARTICLES,
    AUTHOR_TITLES,
    BANNER,
    BANNER_SIZE,
    LEAD_IMAGE_SIZE,
    LOGO,
    LOGO_SIZE,
    RGB,
    SECTIONS,
    SHARE_ALT,
    SHARE_SIZE,
    SITE,
    DemoArticle,
    Picture,
)
from newscenter.demo.translations import (
    LANGUAGES,
    SECTION_NAMES,
    SITE_TEXTS,
    SOURCE_EDITS,
    TRANSLATIONS,
    DemoTranslation,
)
from newscenter.news.models import Article, SiteSettings
from newscenter.news.models import Image as LibraryImage
from newscenter.news.services import (
    article_create,
    article_publish_or_schedule,
    article_update,
    author_get_or_create,
    image_create,
    section_get_or_create,
    site_settings_update,
    tag_get_or_create,
    taxonomy_save,
    translation_create,
)


def demo_is_needed() -> bool:
    """True on a fresh install: the demo is only offered to a News center with no articles."""
    return not Article.objects.exists()


@transaction.atomic
def load_demo(*, acting_user: Any) -> int:
    """Load the site settings, sections and articles above; return the number of articles."""
    # Settings first: the site's time zone decides each article's URL day.
    _site_settings_update(banner=BANNER, logo=LOGO, acting_user=acting_user, **SITE)
    for position, name in enumerate(SECTIONS):
        section = section_get_or_create(name=name, position=position, acting_user=acting_user)
        section.translations = SECTION_NAMES.get(name, {})
        taxonomy_save(obj=section, acting_user=acting_user)
    now = timezone.now()
    loaded = {
        item.headline: _article_load(item, acting_user=acting_user, now=now) for item in ARTICLES
    }
    site_settings_update(acting_user=acting_user, languages=LANGUAGES, texts=SITE_TEXTS)
    for translation in TRANSLATIONS:
        _translation_load(translation, source=loaded[translation.source], acting_user=acting_user)
    for headline, addition in SOURCE_EDITS:
        source = loaded[headline]
        source.refresh_from_db()
        article_update(article=source, acting_user=acting_user, body=source.body + addition)
    return len(ARTICLES)


def _site_settings_update(
    *, banner: Picture, logo: Picture, acting_user: Any, **fields: Any
) -> SiteSettings:
    # The banner is a library image, described there; banner_alt stays empty (no override).
    banner_image = image_create(
        file_or_bytes=_render(banner, BANNER_SIZE, "PNG"),
        alt=fields.pop("banner_alt", ""),
        acting_user=acting_user,
    )
    share_image = image_create(
        file_or_bytes=_render(logo, SHARE_SIZE, "JPEG"), alt=SHARE_ALT, acting_user=acting_user
    )
    return site_settings_update(
        acting_user=acting_user,
        banner_image=banner_image,
        banner_alt="",
        logo=ContentFile(_render(logo, LOGO_SIZE, "PNG"), name="demo-logo.png"),
        share_image=share_image,
        **fields,
    )


def _author(name: str, *, acting_user: Any):
    author = author_get_or_create(name=name, acting_user=acting_user)
    title = AUTHOR_TITLES.get(name, "")
    if title and author.job_title != title:
        author.job_title = title
        taxonomy_save(obj=author, acting_user=acting_user)
    return author


def _article_load(item: DemoArticle, *, acting_user: Any, now: dt.datetime) -> Article:
    article = article_create(
        acting_user=acting_user,
        headline=item.headline,
        standfirst=item.standfirst,
        body=" ".join(item.body.split()),
        section=section_get_or_create(name=item.section, acting_user=acting_user),
        tags=[tag_get_or_create(name=name, acting_user=acting_user) for name in item.tags],
        authors=[_author(name, acting_user=acting_user) for name in item.authors],
        source_name=item.source_name,
        source_url=item.source_url,
        lead_image=_lead_image(item, acting_user=acting_user),
    )
    if item.days_ago is None:
        return article
    at = now - dt.timedelta(days=item.days_ago)
    return article_publish_or_schedule(article=article, acting_user=acting_user, at=at)


def _translation_load(item: DemoTranslation, *, source: Article, acting_user: Any) -> Article:
    article = translation_create(acting_user=acting_user, source=source, language=item.language)
    article = article_update(
        article=article,
        acting_user=acting_user,
        headline=item.headline,
        slug=item.slug,
        standfirst=item.standfirst,
        body=" ".join(item.body.split()),
        lead_image_alt=item.lead_image_alt,
    )
    if item.after_hours is None or source.pub_date is None:
        return article
    at = source.pub_date + dt.timedelta(hours=item.after_hours)
    return article_publish_or_schedule(article=article, acting_user=acting_user, at=at)


def _lead_image(item: DemoArticle, *, acting_user: Any) -> LibraryImage | None:
    if item.picture is None:
        return None
    data = _render(item.picture, LEAD_IMAGE_SIZE, "JPEG")
    return image_create(file_or_bytes=data, alt=item.lead_image_alt, acting_user=acting_user)


def _render(picture: Picture, size: tuple[int, int], image_format: str) -> bytes:
    mask = Image.linear_gradient("L").rotate(90).resize(size)  # dark on the left
    start, end = Image.new("RGB", size, picture.start), Image.new("RGB", size, picture.end)
    image = Image.composite(end, start, mask)
    overlay = Image.new("RGBA", size)
    _MOTIFS[picture.motif](ImageDraw.Draw(overlay), size, picture.accent)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, quality=85, optimize=True)
    return buffer.getvalue()


def _rings(draw: ImageDraw.ImageDraw, size: tuple[int, int], accent: RGB) -> None:
    width, height = size
    cx, cy, step = int(width * 0.74), height // 2, min(size) // 7
    for i in range(1, 9):
        r = i * step
        box = (cx - r, cy - r, cx + r, cy + r)
        draw.ellipse(box, outline=(*accent, 230 - i * 22), width=max(2, step // (i + 2)))


def _stripes(draw: ImageDraw.ImageDraw, size: tuple[int, int], accent: RGB) -> None:
    width, height = size
    band, lean = width * 0.035, height * 0.6
    for i in range(6):
        x = width * 0.52 + i * width * 0.075
        corners = [(x, height), (x + lean, 0), (x + lean + band, 0), (x + band, height)]
        draw.polygon(corners, fill=(*accent, 70 + i * 30))


def _waves(draw: ImageDraw.ImageDraw, size: tuple[int, int], accent: RGB) -> None:
    width, height = size
    for i in range(6):
        base, phase = height * (0.35 + i * 0.08), i * 0.55
        points = [
            (x, base + height * 0.07 * math.sin(x / width * 3 * math.pi + phase))
            for x in range(0, width + 1, 6)
        ]
        draw.line(points, fill=(*accent, 90 + i * 25), width=max(2, height // 90))


_MOTIFS: dict[str, Callable[[ImageDraw.ImageDraw, tuple[int, int], RGB], None]] = {
    "rings": _rings,
    "stripes": _stripes,
    "waves": _waves,
}
