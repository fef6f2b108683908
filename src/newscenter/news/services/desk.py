"""The desk's working state: autosaved forms, who has an article open, notifications, and the
record of imports run from the desk.

Autosaves and presence are a person's own scratch state, written every few seconds while a
page is open: they are checked against the policy but neither audited (the audit trail would
drown in them) nor announced (readers never see them). Import runs are audited.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from newscenter import conf
from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.models import Article, Autosave, ImportRun, Notification, Presence
from newscenter.news.policy import Role
from newscenter.news.translations import article_text, text_of

log = logging.getLogger(__name__)
# The default EMAIL_URL writes mail to the server's log: that is "email not configured".
UNCONFIGURED_MAIL = "django.core.mail.backends.console.EmailBackend"

PRESENT_FOR = dt.timedelta(seconds=60)  # a page renews its presence every 20 s
AUTOSAVE_MAX_BYTES = 2 * 1024 * 1024
REPORT_ITEMS = 200  # labels and errors an import run keeps; its counts are always whole


def autosave_key(article: Article | None) -> str:
    return f"article-{article.pk}" if article is not None and article.pk else "new"


def autosave_store(*, acting_user: Any, article: Article | None, data: dict[str, str]) -> Autosave:
    """Keep ``data`` (the writing form's fields) as the user's autosave of ``article``."""
    if article is None:
        policy.require(acting_user, "article.create")
    else:
        policy.require(acting_user, "article.edit", article=article)
    clean = {str(k)[:100]: str(v) for k, v in data.items()}
    if sum(len(v) for v in clean.values()) > AUTOSAVE_MAX_BYTES:
        raise ValueError(f"an autosave holds at most {AUTOSAVE_MAX_BYTES // 2**20} MB of text")
    saved, _ = Autosave.objects.update_or_create(
        user=acting_user,
        key=autosave_key(article),
        defaults={"article": article, "data": clean, "saved": timezone.now()},
    )
    return saved


def autosave_discard(*, acting_user: Any, article: Article | None) -> None:
    """The user's autosave of ``article`` (or of their unsaved new article) is gone."""
    if getattr(acting_user, "pk", None) is None:
        return
    Autosave.objects.filter(user=acting_user, key=autosave_key(article)).delete()


def presence_touch(*, acting_user: Any, article: Article) -> list[str]:
    """Mark the user as having ``article`` open now; the others who have it open."""
    policy.require(acting_user, "article.create")  # anyone with a newsroom role
    now = timezone.now()
    Presence.objects.update_or_create(article=article, user=acting_user, defaults={"seen": now})
    others = (
        Presence.objects.filter(article=article, seen__gte=now - PRESENT_FOR)
        .exclude(user=acting_user)
        .select_related("user")
        .order_by("user__username")
    )
    return [p.user.get_full_name() or p.user.get_username() for p in others]


def presence_leave(*, acting_user: Any, article: Article) -> None:
    if getattr(acting_user, "pk", None) is not None:
        Presence.objects.filter(article=article, user=acting_user).delete()


def notify(*, users: Iterable[Any], text: str, article: Article | None = None) -> int:
    """A notification for each of ``users`` (the system's, inside the caller's transaction)."""
    rows = [
        Notification(user=user, article=article, text=text[:500])
        for user in {u.pk: u for u in users if getattr(u, "pk", None)}.values()
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notify_transition(*, verb: str, article: Article, acting_user: Any, note: str = "") -> int:
    """Tell the people a workflow move concerns: a submission to the editors, a return, a
    publication or a schedule to the article's writer and authors. Never the mover."""
    who = _name(acting_user)
    when = timezone.localtime(article.pub_date) if article.pub_date else None
    if verb == "submit":
        users, text = _editors(), f"{who} submitted “{article.headline}” for review."
    elif verb == "return":
        users = _writers(article)
        text = f"{who} returned “{article.headline}” to you: {note}"
    elif verb == "publish":
        users, text = _writers(article), f"{who} published “{article.headline}”."
    elif verb == "schedule" and when is not None:
        zone = timezone.get_current_timezone_name()
        users = _writers(article)
        text = f"{who} scheduled “{article.headline}” for {when:%Y-%m-%d %H:%M} ({zone})."
    else:
        return 0
    users = [u for u in users if u.pk != getattr(acting_user, "pk", None)]
    count = notify(users=users, text=text, article=article)
    if users and settings.EMAIL_BACKEND != UNCONFIGURED_MAIL:
        mails = [u.email for u in users if u.email]
        transaction.on_commit(lambda: _send(mails, text, article))
    return count


def notify_outdated_translations(
    *, source: Article, text_before: tuple[str, ...], acting_user: Any
) -> int:
    """Tell the writers of each public translation that this change of its source's text
    made outdated (it followed the text as it was), and the editors: once, when it goes
    outdated, not again at every later edit. Never the person who made the change."""
    if article_text(source) == text_before:
        return 0
    translations = list(Article.objects.published().filter(translated_from=source))
    if not translations:
        return 0
    numbers = {t.translated_from_revision for t in translations}
    followed: dict[int | None, tuple[str, ...]] = {
        number: text_of(content)
        for number, content in source.revisions.filter(number__in=numbers).values_list(
            "number", "content"
        )
    }
    editors = _editors()
    count = 0
    for translation in translations:
        if followed.get(translation.translated_from_revision) != text_before:
            continue  # outdated already, or following another revision
        language = translation.edition
        users = [
            u
            for u in [*_writers(translation), *editors]
            if u.pk != getattr(acting_user, "pk", None)
        ]
        text = (
            f"{_name(acting_user)} changed “{source.headline}”: its translation into "
            f"{language}, “{translation.headline}”, is outdated."
        )
        count += notify(users=users, text=text, article=translation)
    return count


def notifications_read(*, acting_user: Any) -> int:
    """Every notification of the user marked read."""
    return Notification.objects.filter(user=acting_user, read=False).update(read=True)


def import_run_record(
    *,
    acting_user: Any,
    source_name: str,
    format_name: str,
    created: list[str],
    updated: list[str],
    skipped: list[tuple[str, str]],
    failed: list[tuple[str, str]],
    articles: Iterable[int],
    fetch_images: bool,
) -> ImportRun:
    """The desk's record of one confirmed import, and of its lead images to come."""
    policy.require(acting_user, "article.create")
    with transaction.atomic():
        run = ImportRun.objects.create(
            user=policy.actor_of(acting_user),
            source_name=source_name[:300],
            format=format_name[:50],
            created_count=len(created),
            updated_count=len(updated),
            skipped_count=len(skipped),
            report={
                "created": created[:REPORT_ITEMS],
                "updated": updated[:REPORT_ITEMS],
                "skipped": [list(s) for s in skipped[:REPORT_ITEMS]],
                "failed": [list(f) for f in failed[:REPORT_ITEMS]],
            },
            images=ImportRun.Images.QUEUED if fetch_images else ImportRun.Images.NONE,
        )
        run.articles.set(list(articles))
        audit_record(
            actor=acting_user,
            action="import.run",
            target=run,
            created=len(created),
            updated=len(updated),
        )
    return run


def import_run_images_finished(
    *, run: ImportRun, fetched: list[str], failed: list[tuple[str, str]], error: str = ""
) -> ImportRun:
    """The worker's report on a run's lead images, and a notification to who ran it."""
    with transaction.atomic():
        run.images = ImportRun.Images.FAILED if error else ImportRun.Images.DONE
        run.images_report = {
            "fetched": fetched[:REPORT_ITEMS],
            "failed": [list(f) for f in failed[:REPORT_ITEMS]],
            "error": error,
        }
        run.save(update_fields=["images", "images_report"])
        if run.user is not None:
            text = (
                f"Lead images of the import of {run.source_name}: could not run ({error})."
                if error
                else f"Lead images of the import of {run.source_name}: {len(fetched)} "
                f"fetched, {len(failed)} not."
            )
            notify(users=[run.user], text=text)
    return run


def _editors() -> list[Any]:
    """Everyone who may publish: the editors and administrators, superusers included."""
    names = [Role.EDITOR.group_name, Role.ADMINISTRATOR.group_name]
    found = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name__in=names), is_active=True
    )
    return list(found.distinct())


def _writers(article: Article) -> list[Any]:
    """Who wrote the article: its creator and the users behind its authors."""
    found = get_user_model().objects.filter(
        Q(pk=article.created_by_id) | Q(author__articles=article), is_active=True
    )
    return list(found.distinct())


def _name(user: Any) -> str:
    if isinstance(user, policy.System):
        return "newscenter"
    return str(user.get_full_name() or user.get_username())


def _send(addresses: list[str], text: str, article: Article) -> None:
    """One mail per person (no one sees the others' addresses); a failing server is logged,
    and never undoes the move that was already made."""
    link = conf.site_url(reverse("admin:news_article_change", args=[article.pk]))
    body = f"{text}\n\nOpen it in the desk: {link}\n"
    subject = text if len(text) <= 120 else text[:119] + "…"
    messages = [(subject, body, None, [address]) for address in addresses]
    try:
        mail.send_mass_mail(messages, fail_silently=False)
    except Exception:  # any mail server error: the notification in the desk stays
        log.exception("Notification mail about article %s not sent", article.pk)
