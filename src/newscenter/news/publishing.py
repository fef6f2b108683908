"""Pure publishing rules: no database, no clock of their own (callers pass ``at``)."""

from __future__ import annotations

import datetime as dt
import html.parser
import zoneinfo
from typing import TYPE_CHECKING, NamedTuple

from django.utils import timezone
from django.utils.text import slugify

if TYPE_CHECKING:
    from newscenter.news.models import Article

SLUG_MAX_LENGTH = 200


def is_public(article: Article, *, at: dt.datetime | None = None) -> bool:
    """The rule ``ArticleQuerySet.published()`` expresses in SQL, for one article in memory."""
    at = at or timezone.now()
    return (
        article.status in article.TIMED and article.pub_date is not None and article.pub_date <= at
    )


def is_scheduled(article: Article, *, at: dt.datetime | None = None) -> bool:
    """Waiting for its time: scheduled or embargoed (or published with a future date)."""
    at = at or timezone.now()
    return (
        article.status in article.TIMED and article.pub_date is not None and article.pub_date > at
    )


def state(article: Article, *, at: dt.datetime | None = None) -> str:
    """The state a reader and an editor see at ``at``: a timed article whose time has come
    is published, whatever its stored status says (no worker rewrites it); one stored as
    published with a date still ahead (an older row, an import) is scheduled."""
    if is_public(article, at=at):
        return article.Status.PUBLISHED
    return stored_status(article.status, article.pub_date, at=at)


def last_change(article: Article) -> dt.datetime | None:
    """When readers are told the article last changed (JSON-LD, feeds, sitemaps): its
    ``modified`` stamp, never before its publication (an article written ahead and scheduled
    was saved before it appeared). Rows older than the stamp fall back to their last write."""
    changed = article.modified or article.updated
    if article.pub_date is None:
        return changed
    return max(article.pub_date, changed) if changed else article.pub_date


def stored_status(
    status: str, pub_date: dt.datetime | None, *, at: dt.datetime | None = None
) -> str:
    """The status to store: "published" with a future date means scheduled, so that the
    admin, the CLI and the audit trail never call an article published before it is."""
    at = at or timezone.now()
    if status == "published" and pub_date is not None and pub_date > at:
        return "scheduled"
    return status


def date_move_problem(
    previous: Article, pub_date: dt.datetime | None, *, at: dt.datetime | None = None
) -> str:
    """Why an edit may not give ``previous`` this date ("" when it may). Moving a public
    article's date ahead would take it down without "unpublish", and without its old URL
    answering 410: that is a transition, not an edit."""
    at = at or timezone.now()
    if is_public(previous, at=at) and pub_date is not None and pub_date > at:
        return (
            "A public article's date cannot move into the future: unpublish it, then schedule it."
        )
    return ""


class Transition(NamedTuple):
    sources: frozenset[str]  # effective states (see state()) the move starts from
    target: str  # the status stored afterwards
    label: str  # the button's words


def _from(*states: str) -> frozenset[str]:
    return frozenset(states)


# The workflow as data: news.services.workflow enforces it, docs/workflow.md describes it, and the
# tests walk every (state, transition) pair of it. Keys are also the policy's actions
# ("article.<verb>") and the audit entries' action names.
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(_from("draft"), "review", "Submit for review"),
    "return": Transition(_from("review"), "draft", "Return to draft"),
    "publish": Transition(
        _from("draft", "review", "scheduled", "embargoed", "unpublished"),
        "published",
        "Publish now",
    ),
    "schedule": Transition(_from("draft", "review", "unpublished"), "scheduled", "Schedule"),
    "embargo": Transition(_from("draft", "review", "scheduled"), "embargoed", "Embargo"),
    "unpublish": Transition(_from("published"), "unpublished", "Unpublish"),
    "archive": Transition(_from("draft", "unpublished"), "archived", "Archive"),
    "reopen": Transition(
        _from("review", "scheduled", "embargoed", "unpublished", "archived"),
        "draft",
        "Reopen as draft",
    ),
}
# Which transitions take a moment, and the name of that argument.
DATED = {"schedule": "at", "embargo": "until"}
# Which need a note: the writer is told why their article came back.
NOTE_REQUIRED = frozenset({"return"})
# Which put an article in front of readers: its images must be described first.
GOING_PUBLIC = frozenset({"publish", "schedule", "embargo"})


def allowed(verb: str, current_state: str) -> bool:
    """Whether ``verb`` may start from ``current_state`` (an effective state)."""
    return current_state in TRANSITIONS[verb].sources


def transitions_from(current_state: str) -> list[str]:
    return [verb for verb, move in TRANSITIONS.items() if current_state in move.sources]


def alt_text_problems(article: Article) -> list[str]:
    """What keeps ``article`` from readers who cannot see its pictures: an empty list when
    the lead image and every ``<img>`` in the body have alternative text."""
    problems = []
    if _has_lead_image(article) and not _lead_image_alt(article):
        problems.append("The lead image has no alternative text.")
    missing = _ImagesWithoutAlt.count(article.body or "")
    if missing == 1:
        problems.append("An image in the body has no alternative text.")
    elif missing:
        problems.append(f"{missing} images in the body have no alternative text.")
    return problems


def _has_lead_image(article: Article) -> bool:
    # A ForeignKey to the library has lead_image_id; a file field is truthy when set.
    if hasattr(article, "lead_image_id"):
        return article.lead_image_id is not None
    return bool(article.lead_image)


def _lead_image_alt(article: Article) -> str:
    own = (article.lead_image_alt or "").strip()
    return own or (getattr(article.lead_image, "alt", "") or "").strip()


class _ImagesWithoutAlt(html.parser.HTMLParser):
    """Counts ``<img>`` tags whose alt is absent or blank. An empty alt marks a picture as
    decorative on other sites; a news article's pictures carry information, so we ask."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.missing = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not (dict(attrs).get("alt") or "").strip():
            self.missing += 1

    @classmethod
    def count(cls, body: str) -> int:
        parser = cls()
        parser.feed(body)
        parser.close()
        return parser.missing


def slug_for(headline: str) -> str:
    """A URL slug from a headline; non-Latin headlines keep their letters (unicode slugs)."""
    slug = slugify(headline, allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-")
    return slug or "article"


def local_day(moment: dt.datetime, zone: str) -> dt.date:
    """The calendar day of ``moment`` in the site's time zone, as readers and the URL see it."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone)).date()
