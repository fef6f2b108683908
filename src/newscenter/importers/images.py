"""Lead images named by imported items (WordPress featured images, og:image, feed media),
fetched under the SSRF rules of ``newscenter.fetching`` and added to the media library
through ``image_create``, which checks and re-encodes them like any upload.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from newscenter.fetching import FetchError, fetch
from newscenter.news import services
from newscenter.news.models import ImportRecord
from newscenter.news.policy import PolicyDenied
from newscenter.news.services.images import ImageRejected, image_create

MAX_IMAGE_BYTES = 15 * 1024 * 1024


@dataclass
class ImageReport:
    fetched: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def lead_images_fetch(*, acting_user, articles: Iterable[int] | None = None) -> ImageReport:
    """Every imported article still waiting for its lead image (of ``articles``, when given)
    gets one, or a reason why not."""
    report = ImageReport()
    waiting = ImportRecord.objects.exclude(lead_image_url="").filter(
        article__lead_image__isnull=True
    )
    if articles is not None:
        waiting = waiting.filter(article__in=list(articles))
    for record in waiting.select_related("article"):
        try:
            _attach(record, acting_user)
        except (FetchError, ImageRejected, PolicyDenied) as exc:
            report.failed.append((record.lead_image_url, str(exc)))
        else:
            report.fetched.append(record.lead_image_url)
    return report


def _attach(record: ImportRecord, acting_user) -> None:
    data = fetch(record.lead_image_url, max_bytes=MAX_IMAGE_BYTES).body
    article = record.article
    with transaction.atomic():
        image = image_create(
            file_or_bytes=data,
            # The source's own description; else the headline, so that an article imported
            # as published never shows a picture with no text at all.
            alt=record.lead_image_alt or article.headline,
            acting_user=acting_user,
        )
        # The image completes the import: readers' "last changed" stays the source's.
        services.article_update(
            article=article, acting_user=acting_user, lead_image=image, modified=article.modified
        )
        # The image completes the import: it is not an editor's change to protect.
        ImportRecord.objects.filter(pk=record.pk).update(imported_at=timezone.now())
