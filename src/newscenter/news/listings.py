"""When each section's, tag's and author's public articles last changed, kept after each change
(``ListingChange`` rows), so that their sitemaps read one small table instead of grouping every
public article (10 s at a million articles).

A row holds, for one listing and one article language, Max(Greatest(updated, pub_date)) over
its public articles, as the sitemaps have always dated a listing, and the article that moment
is of. After a change (:func:`keep`, a listener of the change signal):

- the changed articles that are public, and those whose time came since the last run (a
  scheduled article goes live without a write), raise the rows of the listings they are in;
- a row whose own article changed and no longer gives that moment there (unpublished, deleted,
  moved to another section, retagged, put in another language) is worked out again from its
  listing's public articles: the one case that reads a whole listing;
- rows of a section, tag or author that is gone are dropped.

No other row can be wrong: an article that leaves a listing without being its newest leaves the
newest where it was. The rows count the articles whose time had come when they were kept (the
``Tally`` ``listing_changes_until``, in microseconds since 1970); a reader adds those whose
time came since (:func:`last_changes`): scheduled articles, few, found along the listing index.

With the rows, in the same transaction, the summary the sitemap index reads (``news.summaries``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.apps import apps as django_apps
from django.apps.registry import Apps
from django.db import connection
from django.db.models import F, QuerySet, Window
from django.db.models.functions import Greatest, RowNumber
from django.utils import timezone

from newscenter.news import summaries
from newscenter.news.changes import Change
from newscenter.news.models import Article, Author, ListingChange, Section, Tag, Tally
from newscenter.news.prepared import PreparedValues

UNTIL = "listing_changes_until"
KINDS = ("section", "tag", "author")
_FIELD = {"section": "section", "tag": "tags", "author": "authors"}
_MODEL: dict[str, type[Section] | type[Tag] | type[Author]] = {
    "section": Section,
    "tag": Tag,
    "author": Author,
}
_IDS_A_QUERY = 500
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

Key = tuple[int, str]  # (listing id, article language)
Newest = tuple[dt.datetime, int]  # (moment, article id): the later moment, then the higher id


def keep(change: Change) -> None:
    """Listener of the change signal: the rows the changed articles reach, and the scheduled
    articles that went live since the last run."""
    gone_kinds = change.kinds & set(KINDS)
    if not change.articles and not gone_kinds:
        return
    now = timezone.now()
    until = _until()
    if until is None:
        rebuild(now=now)
        return
    public = Article.objects.published(at=now)
    ids = sorted(change.articles)
    chunks = [
        _changed_newest(public.filter(pk__in=ids[start : start + _IDS_A_QUERY]))
        for start in range(0, len(ids), _IDS_A_QUERY)
    ]
    for kind in KINDS:
        found = _went_live(kind, now, until)
        for chunk in chunks:
            _merge(found, chunk[kind])
        stale = _stale(kind, ids, found)
        _raise(kind, {key: newest for key, newest in found.items() if key not in stale})
        for key in stale:
            _work_out(kind, key, public)
        if kind in gone_kinds:
            ListingChange.objects.filter(kind=kind).exclude(
                listing__in=_MODEL[kind]._default_manager.values("pk")
            ).delete()
    _set_until(now)
    summaries.keep(now)


def kept_until() -> dt.datetime | None:
    """When the rows were last kept: they count the articles public then. None when they
    never were, or inside a transaction that may have changed articles since (read the
    articles themselves then)."""
    return None if connection.in_atomic_block else _until()


def last_changes(kind: str, now: dt.datetime, until: dt.datetime) -> dict[Key, dt.datetime]:
    """Each (listing, article language) with a public article, and when its public articles
    last changed: the rows kept ``until``, raised by the articles whose time came since."""
    rows = _kept_rows(kind=kind)
    found = {(listing, language): moment for listing, language, moment in rows}
    for key, (moment, _) in _went_live(kind, now, until).items():
        found[key] = max(found.get(key, moment), moment)
    return found


def _went_live(kind: str, now: dt.datetime, until: dt.datetime) -> dict[Key, Newest]:
    if now <= until:
        return {}
    return _newest(_went_live_rows[kind](now=now, until=until))


def rebuild(*, now: dt.datetime | None = None, apps: Apps = django_apps) -> None:
    """Every row again, from the public articles: one INSERT ... SELECT a kind, each listing's
    newest article picked by a window over the articles. Run by the migration that made the
    rows (on its own ``apps``), and after a bulk load that bypassed the services."""
    now = now or timezone.now()
    article = apps.get_model("news", "Article")
    rows = apps.get_model("news", "ListingChange")
    rows.objects.all().delete()
    public = article.objects.filter(status__in=Article.TIMED, pub_date__lte=now).order_by()
    with connection.cursor() as cursor:
        for kind in KINDS:
            cursor.execute(*_insert_newest(kind, public, rows._meta.db_table))
    apps.get_model("news", "Tally").objects.update_or_create(
        name=UNTIL, defaults={"value": _microseconds(now)}
    )
    summaries.keep(now, apps=apps)


def _insert_newest(kind: str, articles: QuerySet[Any], table: str) -> tuple[str, list[Any]]:
    changed = Greatest("updated", "pub_date")
    ranked = (
        _listed(kind, articles)
        .annotate(
            changed=changed,
            n=Window(
                RowNumber(),
                partition_by=[F("listing"), F("language")],
                order_by=[changed.desc(), F("id").desc()],
            ),
        )
        .values("listing", "language", "changed", "id", "n")
    )
    inner, params = ranked.query.sql_with_params()
    name = connection.ops.quote_name
    columns = ", ".join(name(c) for c in ("listing", "language", "changed", "id"))
    sql = (  # every value travels as a parameter; the names are our own
        f"INSERT INTO {name(table)} (kind, listing, language, last_change, article) "  # noqa: S608
        f"SELECT %s, {columns} FROM ({inner}) ranked WHERE {name('n')} = 1"
    )
    return sql, [kind, *params]


def _listed(kind: str, articles: QuerySet[Any]) -> QuerySet[Any]:
    """``articles`` with the id of their section, or one row per tag or author, as
    ``listing``; articles outside every listing of the kind left out."""
    listed: QuerySet[Any] = articles.annotate(listing=F(_FIELD[kind]))
    found: QuerySet[Any] = listed.filter(listing__isnull=False)
    return found


def _rows(kind: str, articles: QuerySet[Article]) -> Iterable[tuple[Any, ...]]:
    return _listed(kind, articles).values_list("listing", "language", "updated", "pub_date", "id")


def _changed_newest(articles: QuerySet[Article]) -> dict[str, dict[Key, Newest]]:
    """For each kind, what ``_newest(_rows(kind, articles))`` gives, keys in the same order
    (the articles newest first, as the model orders them; an article's tags and authors by
    id, as the join's index gives them), from the articles read once and the ids of their
    tags and authors: the join read an article's dates again for each of its tags (11,000
    rows, 22,000 dates parsed, for 2,000 posts)."""
    rows: list[tuple[Any, ...]] = list(
        articles.values_list("section", "language", "updated", "pub_date", "id")
    )
    listed: dict[str, dict[int, list[int]]] = {
        "section": {pk: [section] for section, *_, pk in rows if section is not None}
    }
    for kind in ("tag", "author"):
        links = (
            getattr(Article, _FIELD[kind])
            .through.objects.filter(article_id__in=[row[-1] for row in rows])
            .order_by("article_id", f"{kind}_id")
            .values_list("article_id", f"{kind}_id")
        )
        listed[kind] = {}
        for pk, listing in links:
            listed[kind].setdefault(pk, []).append(listing)
    return {
        kind: _newest(
            (listing, language, updated, pub_date, pk)
            for _, language, updated, pub_date, pk in rows
            for listing in listed[kind].get(pk, ())
        )
        for kind in KINDS
    }


def _newest(rows: Iterable[tuple[Any, ...]]) -> dict[Key, Newest]:
    found: dict[Key, Newest] = {}
    for listing, language, updated, pub_date, pk in rows:
        key, newest = (listing, language), (max(updated, pub_date), pk)
        if key not in found or newest > found[key]:  # as _merge keeps the later
            found[key] = newest
    return found


def _merge(into: dict[Key, Newest], other: dict[Key, Newest]) -> None:
    for key, newest in other.items():
        if key not in into or newest > into[key]:
            into[key] = newest


def _stale(kind: str, ids: list[int], found: dict[Key, Newest]) -> set[Key]:
    """Rows whose own article changed and is no longer known to give at least their moment."""
    stale = set()
    for start in range(0, len(ids), _IDS_A_QUERY):
        rows = ListingChange.objects.filter(
            kind=kind, article__in=ids[start : start + _IDS_A_QUERY]
        )
        for listing, language, moment in rows.values_list("listing", "language", "last_change"):
            newest = found.get((listing, language))
            if newest is None or newest[0] < moment:
                stale.add((listing, language))
    return stale


def _raise(kind: str, found: dict[Key, Newest]) -> None:
    """Rows raised to what ``found`` says where it is later (new rows where there were none)."""
    if not found:
        return
    listings = {listing for listing, _ in found}
    kept = {
        (row.listing, row.language): row
        for row in ListingChange.objects.filter(kind=kind, listing__in=listings)
    }
    new: list[ListingChange] = []
    raised: list[ListingChange] = []
    for (listing, language), (moment, pk) in found.items():
        row = kept.get((listing, language))
        if row is None:
            new.append(ListingChange(kind=kind, listing=listing, language=language))
            row = new[-1]
        elif (moment, pk) <= (row.last_change, row.article):
            continue
        else:
            raised.append(row)
        row.last_change, row.article = moment, pk
    ListingChange.objects.bulk_create(new, batch_size=500)
    ListingChange.objects.bulk_update(raised, ["last_change", "article"], batch_size=500)


def _work_out(kind: str, key: Key, public: QuerySet[Article]) -> None:
    """One row again from its listing's public articles in its language (or gone with them)."""
    listing, language = key
    articles = _listed(kind, public).filter(listing=listing, language=language)
    newest = (
        articles.order_by(Greatest("updated", "pub_date").desc(), "-id")
        .values_list(Greatest("updated", "pub_date"), "id")
        .first()
    )
    rows = ListingChange.objects.filter(kind=kind, listing=listing, language=language)
    if newest is None:
        rows.delete()
    else:
        rows.update(last_change=newest[0], article=newest[1])


def _until() -> dt.datetime | None:
    found = _until_value()
    if not found:
        return None
    return _EPOCH + dt.timedelta(microseconds=found[0])


# The reads every section's, tag's and author's sitemap makes, their SQL built once per
# connection (news.prepared): building it cost more than running it.
_DATE = Article._meta.get_field("pub_date")
_until_value = PreparedValues(
    lambda p: Tally.objects.filter(name=UNTIL).values_list("value", flat=True)[:1]  # unique
)
_kept_rows = PreparedValues(
    lambda p: ListingChange.objects.filter(kind=p.kind).values_list(
        "listing", "language", "last_change"
    ),
    kind=ListingChange._meta.get_field("kind"),
)


def _went_live_read(kind: str) -> PreparedValues:
    def build(p: SimpleNamespace) -> Any:
        return _rows(kind, Article.objects.published(at=p.now).filter(pub_date__gt=p.until))

    return PreparedValues(build, now=_DATE, until=_DATE)


_went_live_rows = {kind: _went_live_read(kind) for kind in KINDS}


def _set_until(moment: dt.datetime) -> None:
    Tally.objects.update_or_create(name=UNTIL, defaults={"value": _microseconds(moment)})


def _microseconds(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(microseconds=1)
