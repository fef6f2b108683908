"""The admin's pages for the review links of one article."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from newscenter.desk.revisions import article_for_admin
from newscenter.news import policy
from newscenter.news.models import ReviewLink
from newscenter.news.services import review_links

UNITS = {"hours": dt.timedelta(hours=1), "days": dt.timedelta(days=1)}


class ReviewLinkForm(forms.Form):
    label = forms.CharField(
        max_length=200,
        required=False,
        help_text="Who it is for, e.g. “Legal” or “Trade Weekly”.",
    )
    expires_in = forms.IntegerField(label="Expires in", min_value=1, max_value=720, initial=48)
    unit = forms.ChoiceField(choices=[(u, u) for u in UNITS], initial="hours")

    def lifetime(self) -> dt.timedelta:
        return self.cleaned_data["expires_in"] * UNITS[self.cleaned_data["unit"]]


def urls(model_admin) -> list:
    """URL patterns added to ArticleAdmin's own."""
    # admin_view: staff only, CSRF-protected, never cached.
    view = model_admin.admin_site.admin_view(
        lambda request, object_id: review_links_view(model_admin, request, object_id)
    )
    return [path("<path:object_id>/review-links/", view, name="news_article_review_links")]


def review_links_view(model_admin, request, object_id: str):
    article = article_for_admin(model_admin, request, object_id)
    if request.method == "POST" and "revoke" in request.POST:
        return _revoke(request, article, request.POST["revoke"])
    form = ReviewLinkForm(request.POST if request.method == "POST" else None)
    created_url = None
    if form.is_bound and form.is_valid():
        created_url = _create(request, article, form)
        if created_url:
            form = ReviewLinkForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": article,
        "title": "Review links",
        "form": form,
        "created_url": created_url,
        "links": [
            (link, review_links.review_link_state(link))
            for link in article.review_links.select_related("created_by")
        ],
        "can_create": policy.can(request.user, "review_link.create", article=article),
        "can_revoke": policy.can(request.user, "review_link.revoke", article=article),
    }
    return TemplateResponse(request, "admin/news/article/review_links.html", context)


def _create(request, article, form: ReviewLinkForm) -> str | None:
    """The new link's address, shown on this one page and never stored: or None, said why."""
    try:
        _, token = review_links.review_link_create(
            article=article,
            acting_user=request.user,
            expires=form.lifetime(),
            label=form.cleaned_data["label"],
        )
    except policy.PolicyDenied as exc:
        messages.error(request, f"No review link made: {exc}.")
        return None
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    messages.success(request, "Review link made. Copy its address now: it is shown only once.")
    return review_links.review_link_url(token)


def _revoke(request, article, link_id: str):
    # Digits only, and few enough to fit the database's integer (a longer number overflows).
    valid = link_id.isascii() and link_id.isdigit() and len(link_id) <= 18
    link = ReviewLink.objects.filter(article=article, pk=link_id).first() if valid else None
    if link is None:
        messages.error(request, "This article has no such review link.")
    else:
        try:
            review_links.review_link_revoke(link=link, acting_user=request.user)
        except policy.PolicyDenied as exc:
            messages.error(request, f"Not revoked: {exc}.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Revoked the review link “{link.label or link.pk}”.")
    return redirect(reverse("admin:news_article_review_links", args=[article.pk]))
