"""Tags' and authors' listings kept by the database: ``ListedArticle`` rows follow the links
of ``Article.tags`` and ``Article.authors`` and the articles' status and publication date.

Triggers keep them in the writing transaction, whatever writes the row (a service, an
import's bulk insert, ``QuerySet.update``, a migration), so a listing read right after a
write sees it, as the join of the links it replaces did:

- a link added or removed (or changed in place) adds or removes its entry, with the article's
  status and date at that moment;
- an article whose status or publication date changes carries them to its entries.

An article is deleted after its links (Django deletes the links of a many-to-many first),
so its entries go with them.

SQLite drops a table's triggers when a migration remakes the table (its way of altering a
column): :func:`kept_up` runs after each ``migrate`` and makes them again, with the entries.
"""

from __future__ import annotations

from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "news_listedarticle"
# The link tables of Article.tags and Article.authors, and each one's column for the listing.
LINKS = {"tag": ("news_article_tags", "tag_id"), "author": ("news_article_authors", "author_id")}

_SQLITE_TRIGGERS = [
    name
    for kind in LINKS
    for name in (f"news_listed_{kind}_added", f"news_listed_{kind}_removed",
                 f"news_listed_{kind}_moved")
] + ["news_listed_article_changed"]  # fmt: skip


def _fill() -> list[str]:
    return [
        f"DELETE FROM {TABLE}",  # noqa: S608 (our own table names only)
        f"INSERT INTO {TABLE} (kind, listing, article_id, status, pub_date) {_expected()}",
    ]


def _entry_of(kind: str, column: str, row: str) -> str:
    return (
        f"INSERT INTO {TABLE} (kind, listing, article_id, status, pub_date) "  # noqa: S608
        f"SELECT '{kind}', {row}.{column}, a.id, a.status, a.pub_date "
        f"FROM news_article a WHERE a.id = {row}.article_id"
    )


def _entry_gone(kind: str, column: str, row: str) -> str:
    return (
        f"DELETE FROM {TABLE} WHERE kind = '{kind}' "  # noqa: S608
        f"AND listing = {row}.{column} AND article_id = {row}.article_id"
    )


_CARRIED = (
    f"UPDATE {TABLE} SET status = new.status, pub_date = new.pub_date "  # noqa: S608
    "WHERE article_id = new.id"
)


def _sqlite_schema() -> list[str]:
    statements = []
    for kind, (links, column) in LINKS.items():
        added, gone = _entry_of(kind, column, "new"), _entry_gone(kind, column, "old")
        statements += [
            f"CREATE TRIGGER IF NOT EXISTS news_listed_{kind}_added AFTER INSERT ON {links} "
            f"BEGIN {added}; END",
            f"CREATE TRIGGER IF NOT EXISTS news_listed_{kind}_removed AFTER DELETE ON {links} "
            f"BEGIN {gone}; END",
            f"CREATE TRIGGER IF NOT EXISTS news_listed_{kind}_moved AFTER UPDATE ON {links} "
            f"BEGIN {gone}; {added}; END",
        ]
    statements.append(
        "CREATE TRIGGER IF NOT EXISTS news_listed_article_changed "
        "AFTER UPDATE OF status, pub_date ON news_article "
        "WHEN old.status IS NOT new.status OR old.pub_date IS NOT new.pub_date "
        f"BEGIN {_CARRIED}; END"
    )
    return statements


def _postgres_schema() -> list[str]:
    statements = []
    for kind, (links, column) in LINKS.items():
        statements += [
            f"""CREATE OR REPLACE FUNCTION news_listed_{kind}() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN {_entry_gone(kind, column, "OLD")}; END IF;
                    IF TG_OP <> 'DELETE' THEN {_entry_of(kind, column, "NEW")}; END IF;
                    RETURN NULL;
                END $$""",
            f"DROP TRIGGER IF EXISTS news_listed_{kind} ON {links}",
            f"CREATE TRIGGER news_listed_{kind} AFTER INSERT OR UPDATE OR DELETE ON {links} "
            f"FOR EACH ROW EXECUTE FUNCTION news_listed_{kind}()",
        ]
    statements += [
        f"""CREATE OR REPLACE FUNCTION news_listed_article() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN {_CARRIED.replace("new.", "NEW.")}; RETURN NULL; END $$""",
        "DROP TRIGGER IF EXISTS news_listed_article ON news_article",
        "CREATE TRIGGER news_listed_article AFTER UPDATE OF status, pub_date ON news_article "
        "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status "
        "OR OLD.pub_date IS DISTINCT FROM NEW.pub_date) "
        "EXECUTE FUNCTION news_listed_article()",
    ]
    return statements


def _postgres_drop() -> list[str]:
    return [
        *(
            f"DROP TRIGGER IF EXISTS news_listed_{kind} ON {links}"
            for kind, (links, _) in LINKS.items()
        ),
        "DROP TRIGGER IF EXISTS news_listed_article ON news_article",
        *(f"DROP FUNCTION IF EXISTS news_listed_{kind}()" for kind in LINKS),
        "DROP FUNCTION IF EXISTS news_listed_article()",
    ]


def _expected() -> str:
    """The entries the links and the articles call for, as one SELECT (its own subquery: a
    compound of EXCEPT and UNION ALL reads left to right)."""
    parts = " UNION ALL ".join(
        f"SELECT '{kind}' AS kind, link.{column} AS listing, a.id AS article_id, "  # noqa: S608
        f"a.status AS status, a.pub_date AS pub_date "
        f"FROM {links} link JOIN news_article a ON a.id = link.article_id"
        for kind, (links, column) in LINKS.items()
    )
    return f"SELECT kind, listing, article_id, status, pub_date FROM ({parts}) AS called"  # noqa: S608


_KEPT = f"SELECT kind, listing, article_id, status, pub_date FROM {TABLE}"  # noqa: S608


def differences(using: str = "default") -> tuple[int, int]:
    """How many entries are missing or stale, and how many are extra or stale, against what
    the links and the articles say (``newscenter doctor``; none while the triggers hold)."""
    with connections[using].cursor() as cursor:
        counts = []
        for first, second in ((_expected(), _KEPT), (_KEPT, _expected())):
            cursor.execute(f"SELECT COUNT(*) FROM ({first} EXCEPT {second}) AS differing")  # noqa: S608
            counts.append(cursor.fetchone()[0])
    return counts[0], counts[1]


def refill(using: str = "default") -> int:
    """Every entry made again from the links (``newscenter reindex``), in one transaction;
    the number of entries."""
    db = connections[using]
    with transaction.atomic(using=using), db.cursor() as cursor:
        for statement in _fill():
            cursor.execute(statement)
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608
        return int(cursor.fetchone()[0])


def install(db: BaseDatabaseWrapper) -> None:
    """Make the triggers and fill the entries from the links there are (a migration's step)."""
    schema = _sqlite_schema() if db.vendor == "sqlite" else _postgres_schema()
    with db.cursor() as cursor:
        for statement in [*schema, *_fill()]:
            cursor.execute(statement)


def uninstall(db: BaseDatabaseWrapper) -> None:
    drop = [f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS]
    with db.cursor() as cursor:
        for statement in drop if db.vendor == "sqlite" else _postgres_drop():
            cursor.execute(statement)


def kept_up(using: str = "default", **kwargs: object) -> None:
    """After each ``migrate``: triggers a remade table lost (SQLite) are made again, and the
    entries filled again from the links, which a remade table kept."""
    db = connections[using]
    if db.vendor != "sqlite":
        return  # PostgreSQL keeps a table's triggers through ALTER TABLE
    with db.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        if cursor.fetchone() is None:
            return  # not migrated this far yet
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
    if not set(_SQLITE_TRIGGERS) <= present:
        install(db)
