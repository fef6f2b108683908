"""Public pages: thin views over the selectors."""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import re_path
from django.views.decorators.cache import never_cache
from django.views.generic import ListView
from django.views.static import serve

from newscenter.news import selectors
from newscenter.news.models import Article, Author, Section, Tag
from newscenter.search.related import related_articles

PAGE_SIZE = 20


class ArticleIndexView(ListView):
    template_name = "web/article_list.html"
    context_object_name = "articles"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return selectors.public_articles()


class SectionView(ArticleIndexView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return selectors.public_articles(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section, listing_title=self.section.name, **kwargs
        )


class TagView(ArticleIndexView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return selectors.public_articles(tag=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tag=self.tag, listing_title=f"Tagged “{self.tag.name}”", **kwargs
        )


class AuthorView(ArticleIndexView):
    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return selectors.public_articles(author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            author=self.author,
            listing_title=self.author.name,
            listing_description=self.author.bio,
            **kwargs,
        )


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
    context = {"article": article, "related": related_articles(article)}
    return render(request, "web/article_detail.html", context)


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
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: the database may be the thing that failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


def serve_media(request, path: str):
    """Uploaded files: sandboxed, never sniffed, and anything but an image downloaded."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=86400"
    content_type = mimetypes.guess_type(path)[0] or ""
    if not content_type.startswith("image/") or content_type == "image/svg+xml":
        response.headers["Content-Disposition"] = "attachment"
    return response


def media_urlpattern():
    prefix = settings.MEDIA_URL.lstrip("/")
    return re_path(rf"^{prefix}(?P<path>.+)$", serve_media, name="media")
