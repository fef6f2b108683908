"""The desk's front page: the work waiting for the signed-in person, and the System group.

What each role sees: "In review" for those who may publish; "Scheduled" (and embargoed)
with times in the site's time zone for everyone; the person's own drafts, the drafts
returned to them with the editor's note, their notifications and the recent imports (their
own, or everyone's for editors). Django's internal apps (accounts, sign-in records, the
authenticator devices, background tasks) are one "System" group, shown to administrators
only.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from newscenter.news import policy
from newscenter.news.models import Article, AuditEntry, ImportRun, Notification
from newscenter.news.policy import Role
from newscenter.news.services import desk, workflow

SHOWN = 8  # rows per list; each list links to the whole of it in the article list
# Django's and its add-ons' apps, not the newsroom's: one "System" group for administrators.
SYSTEM_APPS = ("auth", "axes", "otp_totp", "otp_static", "django_tasks_database")


def context(request) -> dict:
    user = request.user
    mine = Q(created_by=user) | Q(authors__user=user)
    articles = Article.objects.select_related("section")
    editor = policy.can(user, "article.publish")
    return {
        "dashboard": True,
        "zone": timezone.get_current_timezone_name(),
        "new_article_url": _url_if(user, "article.create", "admin:news_article_add"),
        "import_url": _url_if(user, "article.create", "admin:news_article_import"),
        "in_review": _review(articles) if editor else None,
        "scheduled": _scheduled(articles),
        "my_drafts": list(
            articles.filter(mine, status=Article.Status.DRAFT)
            .distinct()
            .order_by("-updated")[:SHOWN]
        ),
        "returned": returned_to(user),
        "notifications": list(
            Notification.objects.filter(user=user).select_related("article")[:SHOWN]
        ),
        "unread": Notification.objects.filter(user=user, read=False).count(),
        "imports": _imports(user, everyone=editor),
    }


def each_context(request) -> dict:
    """On every desk page: how many notifications wait (the header's link)."""
    user = request.user
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return {"unread_notifications": None}
    return {"unread_notifications": Notification.objects.filter(user=user, read=False).count()}


@require_POST
def notifications_read_view(request):
    count = desk.notifications_read(acting_user=request.user)
    messages.success(request, f"{count} notification(s) marked as read.")
    return redirect("admin:index")


def returned_to(user) -> list[dict]:
    """Drafts of the user's that an editor returned, newest first, each with the last note."""
    mine = Q(article__created_by=user) | Q(article__authors__user=user)
    entries = (
        AuditEntry.objects.filter(mine, action="return", article__status=Article.Status.DRAFT)
        .select_related("article", "actor")
        .order_by("-at", "-id")
    )
    seen: dict[int | None, dict] = {}
    for entry in entries[: SHOWN * 4]:
        if entry.article_id not in seen and len(seen) < SHOWN:
            seen[entry.article_id] = {"article": entry.article, "entry": entry}
    return list(seen.values())


def return_note(article: Article) -> AuditEntry | None:
    """The editor's note when the article's last hand-over was a return to its writer."""
    if not article.pk or article.status != Article.Status.DRAFT:
        return None
    last = (
        AuditEntry.objects.filter(article=article, action__in=("submit", "return"))
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    return last if last is not None and last.action == "return" else None


def app_list(request, apps: list[dict], app_label: str | None) -> list[dict]:
    """Django's apps after the newsroom's own, grouped as "System"; none unless administrator."""
    system = [app for app in apps if app["app_label"] in SYSTEM_APPS]
    rest = [app for app in apps if app["app_label"] not in SYSTEM_APPS]
    if policy.role_of(request.user) != Role.ADMINISTRATOR or not system:
        return rest
    if app_label is not None:  # the app's own index page keeps the app's own name
        return apps
    models = sorted((m for app in system for m in app["models"]), key=lambda m: m["name"])
    group = {
        "name": "System",
        "app_label": "system",
        # Not "": the sidebar marks as current every app whose address is in the page's.
        "app_url": reverse("admin:index") + "#system",
        "has_module_perms": True,
        "models": models,
    }
    return [*rest, group]


def _url_if(user, action: str, name: str) -> str | None:
    return reverse(name) if policy.can(user, action) else None


def _review(articles) -> list[Article]:
    waiting = articles.filter(status=Article.Status.REVIEW).order_by("updated")
    return list(waiting[:SHOWN])


def _scheduled(articles) -> list[Article]:
    later = workflow.in_state(articles, Article.Status.SCHEDULED)
    embargoed = workflow.in_state(articles, Article.Status.EMBARGOED)
    return list((later | embargoed).order_by("pub_date")[:SHOWN])


def _imports(user, *, everyone: bool) -> list[ImportRun]:
    runs = ImportRun.objects.select_related("user")
    return list((runs if everyone else runs.filter(user=user))[:SHOWN])
