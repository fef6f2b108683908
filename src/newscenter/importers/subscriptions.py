"""Feed subscriptions: subscribe, unsubscribe, and poll every active feed for new entries.

Polling is fetch (conditional, SSRF-safe) then the one import path, ``run.import_sources``: an
entry already imported is skipped or updated by its source key, never duplicated. One feed
failing never stops the others; each subscription keeps its last status for ``feeds list``.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newscenter import fetching
from newscenter.importers.parsers import feed
from newscenter.importers.run import (
    UNCHANGED,
    ImportOptions,
    ImportReport,
    Source,
    import_sources,
)
from newscenter.news import services
from newscenter.news.audit import audit_record
from newscenter.news.models import Article, FeedSubscription

logger = logging.getLogger(__name__)

STATUS_CHARS = 300  # FeedSubscription.last_status
NOT_MODIFIED = "not modified"


@dataclass(frozen=True)
class PollResult:
    url: str
    ok: bool
    status: str  # "2 new, 0 updated, 3 unchanged", "not modified", or "failed: <why>"
    created: int = 0
    updated: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@transaction.atomic
def feed_subscribe(
    *, url: str, acting_user, section_name: str = "", publish: bool = False, title: str = ""
) -> FeedSubscription:
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise ValidationError({"url": "A feed address must start with http:// or https://."})
    section = (
        services.section_get_or_create(name=section_name, acting_user=acting_user)
        if section_name.strip()
        else None
    )
    subscription = FeedSubscription(url=url, section=section, publish=publish, title=title)
    subscription.full_clean()
    try:
        fetching.check(url)  # refused now what every poll would refuse, in the same words
    except fetching.FetchError as exc:
        raise ValidationError({"url": str(exc)}) from None
    subscription.save()
    _audit(acting_user, "feed_subscribe", subscription)
    return subscription


@transaction.atomic
def feed_unsubscribe(*, url: str, acting_user) -> None:
    """Stop polling ``url``; the articles already imported from it stay."""
    subscription = FeedSubscription.objects.get(url=url.strip())
    _audit(acting_user, "feed_unsubscribe", subscription)
    subscription.delete()


def feeds_poll(*, acting_user, now=None) -> list[PollResult]:
    subscriptions = FeedSubscription.objects.filter(active=True).select_related("section")
    return [
        _poll(subscription, acting_user, now or timezone.now()) for subscription in subscriptions
    ]


def _poll(subscription: FeedSubscription, acting_user, now) -> PollResult:
    try:
        result = _fetch_and_import(subscription, acting_user)
    except Exception:
        # A poll runs unattended over many feeds: one feed tripping over a bug must neither
        # stop the others nor go unrecorded. The traceback goes to the log.
        logger.exception("polling %s failed", subscription.url)
        result = PollResult(subscription.url, False, "failed: internal error (see the log)")
    subscription.last_polled = now
    subscription.last_status = result.status[:STATUS_CHARS]
    subscription.save(update_fields=["etag", "last_modified", "last_polled", "last_status"])
    return result


def _fetch_and_import(subscription: FeedSubscription, acting_user) -> PollResult:
    url = subscription.url
    try:
        fetched = fetching.fetch(
            url,
            etag=subscription.etag,
            last_modified=subscription.last_modified,
            max_bytes=feed.MAX_BYTES,
        )
    except fetching.FetchError as exc:
        return PollResult(url, False, f"failed: {exc}")
    if fetched.status == 304:
        return PollResult(url, True, NOT_MODIFIED)
    report = import_sources(
        [Source(name=url, data=fetched.body)],
        options=_options(subscription),
        acting_user=acting_user,
    )
    if not report.ok:
        # Validators kept as they were, so that the next poll fetches the feed again.
        return PollResult(url, False, "failed: " + _failure(report, url))
    subscription.etag = _fits(fetched.etag, "etag")
    subscription.last_modified = _fits(fetched.last_modified, "last_modified")
    return PollResult(
        url, True, _summary(report), created=len(report.created), updated=len(report.updated)
    )


def _options(subscription: FeedSubscription) -> ImportOptions:
    status = Article.Status.PUBLISHED if subscription.publish else Article.Status.DRAFT
    section = subscription.section.name if subscription.section else ""
    return ImportOptions(format="feed", status=status, section=section)


def _summary(report: ImportReport) -> str:
    unchanged = sum(1 for _, reason in report.skipped if reason == UNCHANGED)
    other = len(report.skipped) - unchanged
    summary = f"{len(report.created)} new, {len(report.updated)} updated, {unchanged} unchanged"
    return summary + (f", {other} skipped" if other else "")


def _failure(report: ImportReport, url: str) -> str:
    where, message = report.failed[0]
    item = where.removeprefix(url).strip()  # the URL is already on the line: keep the entry
    return f"{message} {item}" if item else message


def _fits(value: str, field: str) -> str:
    """A validator too long to store is dropped: a truncated one would never match again."""
    limit = FeedSubscription._meta.get_field(field).max_length or 0  # type: ignore[union-attr]
    return value if len(value) <= limit else ""


def _audit(actor, action: str, subscription: FeedSubscription) -> None:
    audit_record(actor=actor, action=action, target=subscription, feed=subscription.url)
