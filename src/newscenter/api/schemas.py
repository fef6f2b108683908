"""What the API takes and gives, as pydantic schemas (and so as OpenAPI)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, HttpUrl

ArticleStatus = Literal[
    "draft", "review", "scheduled", "published", "embargoed", "unpublished", "archived"
]
Verb = Literal[
    "submit", "return", "publish", "schedule", "embargo", "unpublish", "archive", "reopen"
]


class Strict(Schema):
    # Unknown fields are a mistake to report, not something to ignore silently.
    model_config = ConfigDict(extra="forbid")


class Named(Schema):
    id: int
    name: str
    slug: str
    url: str


class Rendition(Schema):
    url: str
    width: int
    height: int
    format: str


class ImageOut(Schema):
    id: int
    url: str
    width: int
    height: int
    alt: str
    caption: str
    credit: str
    renditions: list[Rendition]


class RelatedOut(Schema):
    id: int
    headline: str
    url: str
    path: str
    pub_date: dt.datetime


class TranslationRef(Schema):
    id: int
    url: str
    path: str


class ArticleOut(Schema):
    """Every field is optional in the schema only because ``fields=`` may leave it out."""

    id: int | None = None
    url: str | None = None
    path: str | None = None
    headline: str | None = None
    slug: str | None = None
    standfirst: str | None = None
    body: str | None = Field(None, description="Sanitised HTML.")
    status: ArticleStatus | None = Field(None, description="As stored.")
    state: ArticleStatus | None = Field(None, description="As readers see it now.")
    pub_date: dt.datetime | None = None
    modified: dt.datetime | None = None
    language: str | None = Field(
        None, description="BCP 47; the site's default language when the article names none."
    )
    section: Named | None = None
    tags: list[Named] | None = None
    authors: list[Named] | None = None
    lead_image: ImageOut | None = None
    source_name: str | None = None
    source_url: str | None = None
    canonical_url: str | None = None
    translations: dict[str, TranslationRef] | None = Field(
        None,
        description="The article in the site's other languages: each language (as the site "
        "settings write it) with its published translation there. Drafts are never named.",
    )
    related: list[RelatedOut] | None = Field(
        None,
        description="The public articles to read next, best first, as the article page lists "
        "them: only on one article, and only when asked for by name (`fields=...,related`).",
    )


class ArticleList(Schema):
    items: list[ArticleOut]
    total: int = Field(
        description="How many articles matched when the walk's first page was asked (never a "
        "silent cap); later pages carry that figure in their cursor instead of counting again."
    )
    next: str | None = Field(description="The next page's address, also in `Link: rel=next`.")


class NamedList(Schema):
    items: list[Named]
    total: int
    next: str | None


class ArticleIn(Strict):
    headline: str = Field(min_length=1, max_length=300)
    slug: str = Field("", max_length=200)
    standfirst: str = Field("", max_length=5000)
    body: str = Field("", description="HTML: sanitised by the site's allow-list when saved.")
    section: str | None = Field(None, max_length=100, description="A section's name or slug.")
    tags: list[str] = Field(default_factory=list, max_length=50, description="Names.")
    authors: list[str] = Field(default_factory=list, max_length=20, description="Names.")
    lead_image: int | None = Field(None, description="A library image's id.")
    lead_image_alt: str = Field("", max_length=300)
    source_name: str = Field("", max_length=200)
    source_url: HttpUrl | Literal[""] = ""
    canonical_url: HttpUrl | Literal[""] = ""
    language: str = Field("", max_length=35)


class ArticlePatch(Strict):
    headline: str | None = Field(None, min_length=1, max_length=300)
    slug: str | None = Field(None, max_length=200)
    standfirst: str | None = Field(None, max_length=5000)
    body: str | None = None
    section: str | None = Field(None, max_length=100)
    tags: list[str] | None = Field(None, max_length=50)
    authors: list[str] | None = Field(None, max_length=20)
    lead_image: int | None = None
    lead_image_alt: str | None = Field(None, max_length=300)
    source_name: str | None = Field(None, max_length=200)
    source_url: HttpUrl | Literal[""] | None = None
    canonical_url: HttpUrl | Literal[""] | None = None
    language: str | None = Field(None, max_length=35)


class TransitionIn(Strict):
    transition: Verb
    note: str = Field("", max_length=2000)
    at: dt.datetime | None = Field(
        None, description="When: required to schedule or embargo; may back-date a publish."
    )


class ReviewLinkIn(Strict):
    expires_in_hours: int = Field(48, ge=1, le=720)
    label: str = Field("", max_length=200)


class ReviewLinkOut(Schema):
    id: int
    url: str = Field(description="Shown once: the token in it is not stored.")
    expires: dt.datetime
    label: str


class ImagePatch(Strict):
    alt: str | None = Field(None, max_length=300)
    caption: str | None = Field(None, max_length=1000)
    credit: str | None = Field(None, max_length=200)


class SearchHit(Schema):
    article: ArticleOut
    headline_html: str = Field(description="The headline, escaped, with <mark> around matches.")
    snippet_html: str
    score: float


class SearchResults(Schema):
    query: str
    corrected_query: str | None
    total: int
    total_is_lower_bound: bool
    page: int
    pages: int
    next: str | None
    hits: list[SearchHit]


class ImportIn(Strict):
    text: str = Field(min_length=1, max_length=5_000_000, description="The input, as text.")
    name: str = Field("api.txt", max_length=200, description="A file name: it helps recognise it.")
    format: str = Field("auto", max_length=30)
    status: Literal["draft", "published", ""] = Field(
        "draft", description="New articles' status; \"\" takes the source's (published when dated)."
    )
    section: str = Field("", max_length=100)
    dry_run: bool = False


class ImportReport(Schema):
    articles: list[dict[str, Any]] = Field(description="What would be imported (dry runs).")
    created: list[str]
    updated: list[str]
    skipped: list[dict[str, str]]
    notes: list[dict[str, str]]
    errors: list[dict[str, str]]


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | None = None


WebhookEvent = Literal[
    "article.published",
    "article.updated",
    "article.unpublished",
    "article.scheduled",
    "article.embargo_lifted",
    "article.deleted",
    "import.finished",
]


class EndpointIn(Strict):
    url: str = Field(..., min_length=1, max_length=2000, description="http(s), public address.")
    events: list[WebhookEvent] = Field(
        default_factory=list, max_length=20, description="Empty: every event."
    )
    secret: str | None = Field(
        None, max_length=100, description="whsec_ and base64 of 24 to 64 bytes; made if absent."
    )
    active: bool = True
    description: str = Field("", max_length=200)


class EndpointPatch(Strict):
    url: str | None = Field(None, min_length=1, max_length=2000)
    events: list[WebhookEvent] | None = Field(None, max_length=20)
    active: bool | None = None
    description: str | None = Field(None, max_length=200)


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    disabled_reason: str = Field(..., description="Why it was turned off, when it was.")
    failing_since: dt.datetime | None
    previous_secret_until: dt.datetime | None = Field(
        ..., description="Until then the previous secret signs too (after a rotation)."
    )
    created: dt.datetime


class EndpointCreated(EndpointOut):
    secret: str = Field(..., description="Shown this once; store it where the receiver is.")


class EndpointList(Schema):
    items: list[EndpointOut]
    total: int
    next: str | None


class SecretIn(Strict):
    secret: str | None = Field(None, max_length=100)


class SecretOut(Schema):
    secret: str
    previous_secret_until: dt.datetime


class MessageQueued(Schema):
    message_id: str


class AttemptOut(Schema):
    at: dt.datetime
    status: int | None
    duration_ms: int
    response: str = Field(..., description="The first 2 KB of the answer.")
    error: str


class DeliveryOut(Schema):
    id: int
    message_id: str
    event: str
    state: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: int
    next_attempt: dt.datetime | None
    created: dt.datetime
    finished: dt.datetime | None
    log: list[AttemptOut]


class DeliveryList(Schema):
    items: list[DeliveryOut]
    total: int
    next: str | None


class ReplayIn(Strict):
    since: dt.datetime
    until: dt.datetime


class ReplayOut(Schema):
    messages: int
