"""The permission matrix's API surface: every policy action the JSON API exposes, tried for
real over HTTP with a bearer token of the actor's own, and read back from the database.

Each attempt takes ``without``: the scope to leave out of the token. By default the token holds
every scope, so the role alone decides (tests/news/test_permissions.py); with the action's own
scope left out, nobody may do it, not even an administrator (tests/api/test_scopes.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from newscenter.api import scopes as api_scopes
from newscenter.api import tokens
from newscenter.news.models import Article, Image, ReviewLink
from newscenter.news.policy import SYSTEM
from tests.builders import make_image
from tests.conftest import https_client
from tests.policy_matrix import _MOVES, Actor, register, target

_fresh = itertools.count(1)  # each attempt's own name, so an earlier success never counts

# action -> the scope the API asks for it (besides the user's role)
SCOPE: dict[str, str] = {}


def _token(actor: Actor, without: str | None) -> str | None:
    """A token of the actor's own with every scope but ``without``; None when the actor may
    hold none (no newsroom role)."""
    wanted = [scope for scope in api_scopes.SCOPES if scope != without]
    try:
        _, secret = tokens.token_create(
            user=actor.user, acting_user=actor.user, label="matrix", scopes=wanted
        )
    except ValueError:
        return None
    return secret


def _call(actor: Actor, without: str | None, method: str, path: str, data: Any = None,
          **extra: Any) -> int:  # fmt: skip
    """The status of one API call as the actor (0: no token could be made)."""
    secret = _token(actor, without)
    if secret is None:
        return 0
    client = https_client()
    headers = {"Authorization": f"Bearer {secret}"}
    if method == "post" and extra.get("multipart"):
        response = client.post(path, data, headers=headers)
    else:
        response = getattr(client, method)(
            path, data, content_type="application/json", headers=headers
        )
    # A refusal is a 4xx problem, never a 5xx.
    assert response.status_code < 500, (path, response.status_code, response.content[:300])
    return response.status_code


def api_attempt(action: str, scope: str):
    """Register the decorated attempt for ``action`` on the API, which asks for ``scope``."""

    def add(attempt):
        SCOPE[action] = scope
        return register(action, "api")(attempt)

    return add


# --- the workflow ---------------------------------------------------------------------------


def _transition(verb: str):
    def attempt(actor: Actor, case: str, without: str | None = None) -> bool:
        start, needs, done_status = _MOVES[verb]
        article = target(actor, case, start)
        data: dict[str, Any] = {"transition": verb, "note": needs.get("note", "")}
        if "when" in needs:
            data["at"] = (timezone.now() + needs["when"]).isoformat()
        _call(actor, without, "post", f"/api/v1/articles/{article.pk}/transitions", data)
        article.refresh_from_db()
        return article.status == done_status

    return attempt


for _verb in _MOVES:
    api_attempt(f"article.{_verb}", "articles:write" if _verb == "submit" else "articles:publish")(
        _transition(_verb)
    )


# --- articles ---------------------------------------------------------------------------------


@api_attempt("article.create", "articles:write")
def _create(actor: Actor, case: str, without: str | None = None) -> bool:
    headline = f"Written through the API by {actor.user.get_username()} ({next(_fresh)})"
    _call(actor, without, "post", "/api/v1/articles", {"headline": headline, "body": "<p>A.</p>"})
    return Article.objects.filter(headline=headline).exists()


@api_attempt("article.edit", "articles:write")
def _edit(actor: Actor, case: str, without: str | None = None) -> bool:
    article = target(actor, case, "draft")
    _call(actor, without, "patch", f"/api/v1/articles/{article.pk}", {"headline": "Edited"})
    article.refresh_from_db()
    return article.headline == "Edited"


@api_attempt("article.delete", "articles:publish")
def _delete(actor: Actor, case: str, without: str | None = None) -> bool:
    article = target(actor, case, "draft")
    _call(actor, without, "delete", f"/api/v1/articles/{article.pk}")
    return not Article.objects.filter(pk=article.pk).exists()


@api_attempt("revision.restore", "articles:write")
def _restore(actor: Actor, case: str, without: str | None = None) -> bool:
    from newscenter.news import services

    article = target(actor, case, "draft", headline="First headline")
    services.article_update(article=article, acting_user=SYSTEM, headline="Second headline")
    first = article.revisions.order_by("number").first()
    path = f"/api/v1/articles/{article.pk}/revisions/{first.number}/restore"
    _call(actor, without, "post", path)
    article.refresh_from_db()
    return article.headline == "First headline"


# --- review links -------------------------------------------------------------------------------


@api_attempt("review_link.create", "articles:write")
def _review_link_create(actor: Actor, case: str, without: str | None = None) -> bool:
    article = target(actor, case, "draft")
    path = f"/api/v1/articles/{article.pk}/review-links"
    _call(actor, without, "post", path, {"label": "Legal", "expires_in_hours": 48})
    return article.review_links.exists()


@api_attempt("review_link.revoke", "articles:write")
def _review_link_revoke(actor: Actor, case: str, without: str | None = None) -> bool:
    from newscenter.news.services import review_links

    article = target(actor, case, "draft")
    link, _key = review_links.review_link_create(
        article=article, acting_user=SYSTEM, expires=dt.timedelta(hours=48)
    )
    _call(actor, without, "delete", f"/api/v1/review-links/{link.pk}")
    return ReviewLink.objects.get(pk=link.pk).revoked is not None


# --- the media library -----------------------------------------------------------------------


@api_attempt("image.upload", "media:write")
def _image_upload(actor: Actor, case: str, without: str | None = None) -> bool:
    from tests.policy_matrix import _png_upload

    alt = f"Uploaded through the API by {actor.user.get_username()} ({next(_fresh)})"
    data = {"file": _png_upload(), "alt": alt}
    _call(actor, without, "post", "/api/v1/images", data, multipart=True)
    return Image.objects.filter(alt=alt).exists()


@api_attempt("image.edit", "media:write")
def _image_edit(actor: Actor, case: str, without: str | None = None) -> bool:
    image = make_image(400, 300)
    _call(actor, without, "patch", f"/api/v1/images/{image.pk}", {"alt": "Edited description"})
    image.refresh_from_db()
    return image.alt == "Edited description"


# --- analytics ----------------------------------------------------------------------------------


@api_attempt("analytics.view", "analytics:read")
def _analytics_view(actor: Actor, case: str, without: str | None = None) -> bool:
    """A read: done when the report comes back."""
    return _call(actor, without, "get", "/api/v1/analytics/summary") == 200


# --- webhooks -----------------------------------------------------------------------------------


@api_attempt("webhook.manage", "webhooks:manage")
def _webhook_manage(actor: Actor, case: str, without: str | None = None) -> bool:
    """Done when the endpoint the actor's own token asked for exists."""
    from newscenter.webhooks.models import Endpoint

    url = f"https://hooks.example.com/{actor.role or 'none'}/{next(_fresh)}"
    _call(actor, without, "post", "/api/v1/webhooks", {"url": url, "events": ["article.published"]})
    return Endpoint.objects.filter(url=url).exists()
