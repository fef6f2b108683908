"""A newsroom-shaped corpus for the serving benchmark, cached on disk between runs.

Articles carry a section, one to three tags, one or two authors and, one in seven, a lead
image, so that every listing, feed and sitemap has realistic work to do. Words come from
bench/corpus.py's Zipf vocabulary. Two ways in, both checked to give the rows the services give:

- ``fill_services``: ``article_bulk_create`` (validation, revisions, audit) with the search
  index rebuilt once at the end (``reindex``), instead of once per batch after each commit.
- ``fill_raw``: plain INSERTs, a transaction a batch, then ``reindex``: for a million articles,
  where the services' per-article validation alone would take a quarter of an hour. It skips
  what no public page shows (revision 1 and the audit row of each article).

Run in a process of its own: Django is set up here for one data folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import json
import time
from pathlib import Path

from corpus import SECTIONS, SYLLABLES, Corpus

# Bump when the generated content changes: cached corpora of another version are not reused.
GENERATOR_VERSION = 1
BATCH = 2_000
TAGS = 150
AUTHORS = 40
IMAGES = 6
IMAGE_EVERY = 7
META = "bench-meta.json"


def cache_key(size: int) -> str:
    """Names a cached corpus: its size, this generator's version, and bench/corpus.py's words."""
    words = hashlib.sha256((Path(__file__).parent / "corpus.py").read_bytes()).hexdigest()[:10]
    return f"corpus-{size}-v{GENERATOR_VERSION}-{words}"


class Newsroom(Corpus):
    def __init__(self, seed: int):
        super().__init__(seed)
        self.tags: list = []
        self.authors: list = []
        self.images: list = []

    def prepare(self) -> None:
        """Sections, tags, authors and library images, through the services."""
        from newscenter.news import services
        from newscenter.news.policy import SYSTEM

        self.sections = [
            services.section_get_or_create(name=name, acting_user=SYSTEM) for name in SECTIONS
        ]
        names = [w.capitalize() for w in self.words[20 : 20 + TAGS]]
        self.tags = [services.tag_get_or_create(name=name, acting_user=SYSTEM) for name in names]
        self.authors = [
            services.author_get_or_create(name=self._person(), acting_user=SYSTEM)
            for _ in range(AUTHORS)
        ]
        self.images = [_image(n) for n in range(IMAGES)]

    def _person(self) -> str:
        parts = ("".join(self.rng.choices(SYLLABLES, k=self.rng.choice((2, 3)))) for _ in "ab")
        return " ".join(p.capitalize() for p in parts)

    def new_articles(self, first: int, last: int, start: dt.datetime, step: dt.timedelta):
        for n in range(first, last):
            article = self._article(n, start + n * step)
            rng = self.rng
            article.tags = rng.sample(self.tags[: rng.choice((10, 40, TAGS))], rng.randint(1, 3))
            article.authors = rng.sample(self.authors, rng.choice((1, 1, 1, 2)))
            if n % IMAGE_EVERY == 0:
                article.fields["lead_image"] = self.images[n // IMAGE_EVERY % IMAGES]
            yield article


def build(
    data_dir: Path, size: int, how: str, end: dt.datetime | None = None, search: bool = True
) -> dict:
    """Fill an empty, migrated site with ``size`` articles; return what the benchmark needs."""
    from django.utils import timezone

    newsroom = Newsroom(seed=size)
    started = time.perf_counter()
    newsroom.prepare()
    prepared = time.perf_counter()
    # Dated over five years up to a minute ago: all public, and the order never changes later.
    end = end or timezone.now() - dt.timedelta(minutes=1)
    start = end - dt.timedelta(days=5 * 365)
    step = (end - start) / size
    fill = fill_raw if how == "raw" else fill_services
    with _bulk_loading():
        fill(newsroom, size, start, step)
        filled = time.perf_counter() - started
        indexed = _reindex() if search else 0
    _recount()
    meta = {
        "size": size,
        "how": how,
        "prepare_s": round(prepared - started, 1),
        "fill_s": round(filled - (prepared - started), 1),
        "reindex_s": round(time.perf_counter() - started - filled, 1),
        "common_word": search_word(newsroom.words),
        **_probe_paths(),
        "indexed": indexed,
    }
    (data_dir / META).write_text(json.dumps(meta, indent=1))
    return meta


@contextlib.contextmanager
def _bulk_loading():
    """Settings of this connection alone, for loading: the file's content is the same.

    A rollback journal instead of the WAL: pages new to the file need no journal, where the WAL
    would hold a second copy of the whole index until the end. A big page cache: the index's
    b-trees stay in memory while they grow.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute("PRAGMA cache_size=-1000000")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")


def search_word(words: list[str]) -> str:
    """What the benchmark searches for: the most frequent word of six letters or more (the
    shortest words are syllables that other words start with)."""
    return next(word for word in words if len(word) >= 6)


def fill_services(newsroom: Newsroom, size: int, start, step) -> None:
    from newscenter.news import services
    from newscenter.news.changes import content_changed
    from newscenter.news.policy import SYSTEM

    # The index and the related lists are rebuilt once at the end: the same documents and
    # lists, without a small update after each batch.
    content_changed.disconnect("newscenter.search.index")
    content_changed.disconnect("newscenter.search.related")
    for first in range(0, size, BATCH):
        new = list(newsroom.new_articles(first, min(size, first + BATCH), start, step))
        services.article_bulk_create(acting_user=SYSTEM, new=new)


def fill_raw(newsroom: Newsroom, size: int, start, step) -> None:
    from django.db import connection, transaction

    from newscenter.news.models import Article, SiteSettings

    site = SiteSettings.load()
    ops = connection.ops
    now = ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
    next_id = (Article.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    try:
        from newscenter.news.services.labels import labels_refresh as refresh_labels
    except ImportError:  # a checkout from before Article.labels, timed for a comparison
        refresh_labels = None
    taken: dict = {}
    for first in range(0, size, BATCH):
        new = list(newsroom.new_articles(first, min(size, first + BATCH), start, step))
        if first == 0:
            _check_same_as_services(new[:200], site)
        rows, tags, authors = [], [], []
        for offset, row in enumerate(new):
            pk = next_id + first + offset
            article = _derived(row.fields, site, taken)
            rows.append((pk, *_column_values(article, ops), now, now))
            tags += [(pk, t.pk) for t in row.tags]
            authors += [(pk, a.pk) for a in row.authors]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(_insert_article(labels=bool(refresh_labels)), rows)
            cursor.executemany(
                "INSERT INTO news_article_tags (article_id, tag_id) VALUES (%s, %s)", tags
            )
            cursor.executemany(
                "INSERT INTO news_article_authors (article_id, author_id) VALUES (%s, %s)",
                authors,
            )
            if refresh_labels:  # what the services keep of the tags and authors on each row
                refresh_labels(row[0] for row in rows)


_COLUMNS = (
    "headline", "slug", "standfirst", "body", "status", "pub_date", "pub_day", "section_id",
    "lead_image_id", "lead_image_alt", "source_name", "source_url", "canonical_url", "language",
)  # fmt: skip


def _insert_article(*, labels: bool) -> str:
    """The INSERT of an article row; on a checkout with ``labels``, that column as '{}' until
    the relations are in and it is filled."""
    columns = ", ".join(_COLUMNS) + ", created, updated" + (", labels" if labels else "")
    values = ", ".join(["%s"] * (len(_COLUMNS) + 3)) + (", '{}'" if labels else "")
    # Column names from the constant above; values travel as parameters.
    return f"INSERT INTO news_article (id, {columns}) VALUES ({values})"  # noqa: S608


def _derived(fields: dict, site, taken: dict):
    """What services._derive makes of the generated fields (which need no sanitising)."""
    from newscenter.news import publishing
    from newscenter.news.models import Article

    article = Article(**fields)
    article.headline = article.headline.strip()
    article.standfirst = article.standfirst.strip()
    # As the services: the article's own language, else the site's.
    article.language = article.language or site.language
    article.pub_day = publishing.local_day(article.pub_date, site.time_zone)
    base, n = publishing.slug_for(article.headline), 2
    day = taken.setdefault(article.pub_day, set())
    article.slug = base
    while article.slug in day:
        suffix = f"-{n}"
        article.slug = base[: publishing.SLUG_MAX_LENGTH - len(suffix)] + suffix
        n += 1
    day.add(article.slug)
    return article


def _column_values(article, ops) -> tuple:
    values = []
    for name in _COLUMNS:
        value = getattr(article, name)
        if name == "pub_date":
            value = ops.adapt_datetimefield_value(value)
        elif name == "pub_day":
            value = ops.adapt_datefield_value(value)
        values.append(value)
    return tuple(values)


def _check_same_as_services(sample: list, site) -> None:
    """The raw path's columns must be what article_bulk_create would have stored."""
    from django.db import connection

    from newscenter.news.services import articles, saving

    ours_taken: dict = {}
    theirs_taken: dict = {}
    for row in sample:
        ours = _column_values(_derived(dict(row.fields), site, ours_taken), connection.ops)
        theirs = articles._new_article(row, site)  # the derivation itself
        day = theirs_taken.setdefault(theirs.pub_day, set())
        theirs.slug = saving.unique_slug(theirs, day)
        day.add(theirs.slug)
        expected = _column_values(theirs, connection.ops)
        if ours != expected:
            raise SystemExit(f"raw fill differs from the services:\n{ours}\n{expected}")


def _recount() -> None:
    """What the services keep after each change, for rows they did not write."""
    from newscenter.news.changes import Change

    try:
        from newscenter.news.tallies import recount
    except ImportError:  # a checkout from before news.tallies, timed for a comparison
        from newscenter.web.sitemaps import recount  # type: ignore[attr-defined,no-redef]

    recount(Change(articles=frozenset({0})))
    try:
        from newscenter.news.listings import rebuild
    except ImportError:  # a checkout from before news.listings
        return
    rebuild()


def _reindex() -> int:
    from newscenter.search import indexing, query, related

    # fold() is pure and the vocabulary small: remembering it makes the rebuild several times
    # faster and changes no word it indexes.
    query.fold = functools.lru_cache(maxsize=200_000)(query.fold)
    indexed = indexing.reindex()
    related.rebuild()
    return indexed


def _probe_paths() -> dict:
    """The URLs the benchmark requests, worked out from the public ordering."""
    from newscenter.news.models import Article, Section
    from newscenter.web.views import PAGE_SIZE

    public = Article.objects.published().order_by("-pub_date", "-id")
    total = public.count()
    page = min(400, max(2, (total - 1) // PAGE_SIZE + 1))
    # Page k starts after the (k-1)*PAGE_SIZE-th article: page 400 is older/<id of the 7980th>/.
    anchor = public.values_list("id", flat=True)[(page - 1) * PAGE_SIZE - 1]
    middle = public.filter(lead_image__isnull=False)[total // (2 * IMAGE_EVERY)]
    section = Section.objects.order_by("position", "name").first()
    return {
        "public": total,
        "deep_page": page,
        "article": middle.get_absolute_url(),
        "index": "/news/",
        "index_deep": f"/news/older/{anchor}/",
        "section": section.get_absolute_url(),
    }


def _image(n: int):
    from PIL import Image, ImageDraw

    from newscenter.news.policy import SYSTEM
    from newscenter.news.services.images import image_create

    picture = Image.new("RGB", (1600, 900), (40 * n % 256, 90, 160))
    draw = ImageDraw.Draw(picture)
    for x in range(0, 1600, 40):
        draw.line([(x, 0), (1600 - x, 900)], fill=(255, 255 - 30 * n % 256, 80), width=5)
    data = io.BytesIO()
    picture.save(data, "JPEG", quality=85)
    return image_create(
        file_or_bytes=data.getvalue(), acting_user=SYSTEM, alt=f"Generated picture number {n + 1}"
    )


def main() -> None:
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Fill one throw-away site (bench/serve.py).")
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--how", choices=("services", "raw"), default="services")
    # A fixed clock makes two fills comparable page for page (the raw path's check).
    parser.add_argument("--end", type=dt.datetime.fromisoformat)
    # The sitemaps and listings need no search index: a million rows in minutes, not half an hour.
    parser.add_argument("--no-search", action="store_true", help="no search index or related")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    from throwaway import throwaway_site

    throwaway_site(args.data_dir)
    print(
        json.dumps(build(args.data_dir, args.size, args.how, args.end, search=not args.no_search))
    )


if __name__ == "__main__":
    main()
