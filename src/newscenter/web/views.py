"""Public pages: thin views over the selectors."""

from __future__ import annotations

import datetime as dt
import errno
import mimetypes
import re
import sys

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db import DatabaseError, IntegrityError
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django.views.static import serve

from newscenter.news import blocks, selectors
from newscenter.news.models import Article, Author, Section, Tag
from newscenter.search.related import related_articles
from newscenter.web.languages import page_edition

PAGE_SIZE = 20


class ArticleIndexView(TemplateView):
    """The index: newest first, twenty a page, each older page addressed by the article it
    follows (``older/<id>/``), so that a deep page costs what the first costs."""

    template_name = "web/article_list.html"

    def subject(self) -> dict:
        """The section, tag or author whose articles this lists (none: the index)."""
        return {}

    def listing_url(self) -> str:
        return reverse("news:index")

    def listing_context(self) -> dict:
        """What a listing of one section, tag or author adds (after subject() found it)."""
        return {}

    def get_context_data(self, **kwargs):
        page = selectors.listing_page(
            after=self.kwargs.get("after"),
            size=PAGE_SIZE,
            edition=page_edition(self.request),
            **self.subject(),
        )
        if page is None:
            raise Http404("No such page")
        base = self.listing_url()
        return super().get_context_data(
            articles=page.articles,
            older_url=page.older and f"{base}older/{page.older}/",
            newer_url=_newer_url(base, page.newer),
            page_number=page.number,
            **self.listing_context(),
            **kwargs,
        )


def _newer_url(base: str, newer: int | bool | None) -> str:
    if newer is False:
        return ""
    return base if newer is None else f"{base}older/{newer}/"


class SectionView(ArticleIndexView):
    def subject(self) -> dict:
        self.section = selectors.listing_subject(Section, self.kwargs["slug"])
        return {"section": self.section}

    def listing_url(self) -> str:
        return self.section.get_absolute_url()

    def listing_context(self) -> dict:
        return {"section": self.section, "listing_title": self.section.local_name}


class TagView(ArticleIndexView):
    def subject(self) -> dict:
        self.tag = selectors.listing_subject(Tag, self.kwargs["slug"])
        return {"tag": self.tag}

    def listing_url(self) -> str:
        return self.tag.get_absolute_url()

    def listing_context(self) -> dict:
        return {
            "tag": self.tag,
            "listing_title": _("Tagged “%(tag)s”") % {"tag": self.tag.local_name},
        }


class AuthorView(ArticleIndexView):
    def subject(self) -> dict:
        self.author = selectors.listing_subject(Author, self.kwargs["slug"])
        return {"author": self.author}

    def listing_url(self) -> str:
        return self.author.get_absolute_url()

    def listing_context(self) -> dict:
        return {
            "author": self.author,
            "listing_title": self.author.name,
            "listing_description": self.author.bio,
        }


def article_detail(request, year: int, month: int, day: int, slug: str):
    try:
        pub_day = dt.date(year, month, day)
    except ValueError:
        raise Http404("No such date") from None
    try:
        article = selectors.public_article(day=pub_day, slug=slug)
    except Http404:
        if _withdrawn(pub_day, slug):
            return article_gone(request)
        raise
    if article.edition != page_edition(request):
        # The address of another edition's article: its own address has the right prefix.
        return redirect(article.get_absolute_url(), permanent=True)
    context = {"article": article, "related": related_articles(article)}
    return with_players(render(request, "web/article_detail.html", context), article)


def with_players(response, article):
    """A body with a video may frame its player, once a reader presses play (news.blocks)."""
    if blocks.has_video(article.body):
        response._csp_update = {"frame-src": list(blocks.FRAME_SOURCES)}
    return response


def _withdrawn(pub_day: dt.date, slug: str) -> bool:
    """Whether an article that was public at this address has been taken down.

    Only articles that once left "published" (their audit trail says so) answer 410: a
    draft archived before it ever ran stays a plain 404, so the answer tells a visitor
    nothing about work that was never public.
    """
    return Article.objects.filter(
        pub_day=pub_day,
        slug=slug,
        status__in=Article.WITHDRAWN,
        audit_entries__from_status=Article.Status.PUBLISHED,
    ).exists()


def article_gone(request):
    """410 Gone: search engines drop the address sooner than after a 404, and readers
    learn the article was withdrawn rather than mistyped."""
    response = render(request, "410.html", status=410)
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@staff_member_required
def article_preview(request, pk: int):
    """Staff see any article as readers will, marked so that search engines never index it."""
    article = selectors.article_for_preview(pk=pk)
    response = render(request, "web/article_detail.html", {"article": article, "preview": True})
    with_players(response, article)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """The last resort, rendered with no context processors: the database may be what failed.

    When what failed is the storage itself (a read-only or full data folder, a database that
    cannot be opened or written), readers are told the news are unavailable for a moment, as
    a 503 a proxy or a crawler will come back for, rather than that the site is broken.
    """
    if _storage_failure(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response.headers["Retry-After"] = "60"
        response.headers["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


STORAGE_ERRNOS = frozenset({errno.EROFS, errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EDQUOT})


def _storage_failure(error: BaseException | None) -> bool:
    if isinstance(error, DatabaseError) and not isinstance(error, IntegrityError):
        return True  # unable to open, read-only, disk full, server gone
    return isinstance(error, OSError) and error.errno in STORAGE_ERRNOS


def serve_media(request, path: str):
    """Uploaded files: sandboxed, never sniffed, and anything but an image downloaded."""
    try:
        response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    except OSError:  # a name too long for the file system, or a file that cannot be read
        raise Http404("No such file") from None
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Library images are stored under names the server drew at random (services.images), and
    # a name is never given to other content: a browser may keep them for a year unasked.
    immutable = _LIBRARY_FILE.fullmatch(path)
    response.headers["Cache-Control"] = (
        "public, max-age=31536000, immutable" if immutable else "public, max-age=86400"
    )
    content_type = mimetypes.guess_type(path)[0] or ""
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        response.headers["Content-Disposition"] = "attachment"
    return response


# images/2026/12/<24 hex digits>[-320w | -16x9].webp, each part perhaps with the 7 characters
# storage adds when a name is taken.
_LIBRARY_FILE = re.compile(
    r"images/\d{4}/\d{2}/[0-9a-f]{24}(_[A-Za-z0-9]{7})?(-[0-9a-z]+(_[A-Za-z0-9]{7})?)?\.[a-z]+"
)


def media_urlpattern():
    prefix = settings.MEDIA_URL.lstrip("/")
    return re_path(rf"^{prefix}(?P<path>.+)$", serve_media, name="media")
