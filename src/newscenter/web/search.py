"""The search page and the same results as JSON: a form, a call to search, a rendering."""

from __future__ import annotations

import json
import math

from django import forms
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from newscenter.analytics.collect import RESULTS_HEADER
from newscenter.conf import site_url
from newscenter.news import languages, selectors
from newscenter.news.models import Section, Tag
from newscenter.search.base import Results
from newscenter.search.searching import MAX_PAGE, SearchRequest, search
from newscenter.web.languages import page_edition
from newscenter.web.sitecache import all_sections
from newscenter.web.widgets import WIDGETS_WRITTEN

PER_PAGE = 20

# A number of each CLDR plural category (Intl.PluralRules in the browser names the category;
# gettext's formula for these numbers picks the same form in every language of the site).
_PLURAL_SAMPLES = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}


def static_search_messages() -> str:
    """The words of a static export's in-browser search (web/static/web/search.js) in the
    active language, as JSON for a data attribute: the page's own phrases, with ``{count}``,
    ``{query}`` and ``{limit}`` for the script to fill in."""
    messages = {
        "results": {
            category: ngettext("%(total)s result", "%(total)s results", sample)
            % {"total": "{count}"}
            for category, sample in _PLURAL_SAMPLES.items()
        },
        "for": gettext("for “%(query)s”") % {"query": "{query}"},
        "none": gettext("Nothing matches “%(query)s”.") % {"query": "{query}"},
        "first": gettext("the first %(limit)s shown") % {"limit": "{limit}"},
        "failed": gettext("The search index could not be loaded."),
    }
    return json.dumps(messages, ensure_ascii=False)


class QueryField(forms.CharField):
    """Any text is a query: control characters (NUL included) separate words like spaces."""

    def to_python(self, value):
        value = super().to_python(value)
        return "".join(" " if ord(c) < 32 or c == "\x7f" else c for c in value).strip()


class _KeptSections(forms.models.ModelChoiceIterator):
    """A section field's choices from the sections kept in memory (web.sitecache): reading
    them for each search page was a query and a tenth of the form's rendering."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for section in all_sections():
            yield self.choice(section)

    def __len__(self) -> int:
        return len(all_sections()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(all_sections())


class SectionField(forms.ModelChoiceField):
    """A ModelChoiceField of sections by slug whose choices and valid values are the kept
    sections; any other value goes to Django's own checks, errors and messages."""

    iterator = _KeptSections

    def to_python(self, value):
        if isinstance(value, str) and "\x00" not in value:
            for section in all_sections():
                if section.slug == value:
                    return section
        return super().to_python(value)


class SearchForm(forms.Form):
    default_renderer = WIDGETS_WRITTEN  # its widgets' HTML without their templates
    # No max_length: a long query is cut by the parser rather than refused.
    q = QueryField(label=_("Search the news"), required=False)
    section = SectionField(
        Section.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Section"),
        empty_label=_("All sections"),
    )
    tag = forms.ModelChoiceField(
        Tag.objects.all(), to_field_name="slug", required=False, label=_("Tag")
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput({"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        choices=[("relevance", _("Best match")), ("date", _("Newest first"))],
        required=False,
    )
    page = forms.IntegerField(
        min_value=1, max_value=MAX_PAGE, required=False, widget=forms.HiddenInput
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def search_request(self, request) -> SearchRequest:
        data = self.cleaned_data
        site = languages.site_languages()
        return SearchRequest(
            data["q"],
            section=data["section"],
            tag=data["tag"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            page=data["page"] or 1,
            per_page=PER_PAGE,
            by_date=data["sort"] == "date",
            # Each edition's search page searches its own language's articles.
            edition=page_edition(request) if site.several else None,
        )


def search_page(request):
    form = SearchForm(request.GET or None)
    # The sections only if the template reads them (when nothing is found; base.html's menu,
    # which it names "sections" too, is what it shows now): building their queryset for every
    # search cost a twentieth of the page.
    sections = SimpleLazyObject(lambda: list(selectors.sections_in_use()))
    context = {"form": form, "noindex": True, "sections": sections}
    status, found = 200, None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        search_request = form.search_request(request)
        results = search(search_request)
        context |= _results_context(request, search_request, results)
        found = results.total
    elif form.is_bound and not form.is_valid():
        status = 400
    response = render(request, "web/search.html", context, status=status)
    if found is not None:  # for analytics' "searched and found nothing"; taken off there
        response[RESULTS_HEADER] = str(found)
    return _not_indexed(response)


def search_json(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return _not_indexed(JsonResponse({"errors": errors}, status=400))
    search_request = form.search_request(request)
    results = search(search_request)
    context = _results_context(request, search_request, results)
    articles = context["articles"]
    payload = {
        "query": search_request.text,
        "corrected_query": results.corrected.text() if results.corrected else None,
        "total": results.total,
        # True when more articles matched than a search ranks: narrow the query to see them.
        "total_is_lower_bound": results.more,
        "page": search_request.page,
        "pages": context["pages"],
        "per_page": search_request.per_page,
        "next": _absolute(request, context["next_url"], json=True),
        "previous": _absolute(request, context["previous_url"], json=True),
        "results": [_result_json(request, hit, articles[hit.article_id]) for hit in results.hits],
    }
    return _not_indexed(JsonResponse(payload, json_dumps_params={"ensure_ascii": False}))


def _results_context(request, search_request: SearchRequest, results: Results) -> dict:
    ids = [hit.article_id for hit in results.hits]
    articles = selectors.public_teasers(ids)
    pages = min(MAX_PAGE, math.ceil(results.total / search_request.per_page))
    page = search_request.page
    return {
        "query": search_request.text,
        "results": results,
        "hits": [
            (hit, articles[hit.article_id]) for hit in results.hits if hit.article_id in articles
        ],
        "articles": articles,
        "pages": pages,
        "page": page,
        "next_url": _page_url(request, page + 1) if page < pages else None,
        "previous_url": _page_url(request, page - 1) if page > 1 else None,
        "corrected_url": _corrected_url(request, results),
    }


def _page_url(request, page: int) -> str:
    params = request.GET.copy()
    params["page"] = page
    return f"?{params.urlencode()}"


def _corrected_url(request, results: Results) -> str | None:
    if results.corrected is None:
        return None
    params = request.GET.copy()
    params["q"] = results.corrected.text()
    params.pop("page", None)
    return f"{reverse('news:search')}?{params.urlencode()}"


def _absolute(request, url: str | None, *, json: bool) -> str | None:
    if url is None:
        return None
    path = reverse("news:search-json") if json else reverse("news:search")
    return site_url(path + url) if url.startswith("?") else url


def _result_json(request, hit, article) -> dict:
    return {
        "id": article.pk,
        "url": site_url(article.get_absolute_url()),
        "headline": article.headline,
        "headline_html": hit.headline_html,
        "snippet_html": hit.snippet_html,
        "standfirst": article.standfirst,
        "date_published": article.pub_date.isoformat(),
        "section": (
            {
                "name": article.section.name,
                "url": site_url(article.section.get_absolute_url()),
            }
            if article.section
            else None
        ),
        "score": round(hit.score, 6),
    }


def _not_indexed(response):
    # Result pages are endless and thin: search engines should follow them, not list them.
    response.headers["X-Robots-Tag"] = "noindex"
    return response
