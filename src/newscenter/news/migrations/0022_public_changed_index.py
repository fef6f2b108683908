"""PostgreSQL: an index on the public articles' last changes alone.

The sitemap index's two walks (the newest ``updated`` and the newest own change among public
articles) passed every draft, review and archived article updated after the newest public one:
21,000 index entries at a million articles, 3 ms each walk. A partial index holds the public
ones only, so each walk reads its first entries. PostgreSQL only: SQLite matches a partial
index only against literals, and Django binds the statuses as parameters (psycopg's client
side binding writes them into the statement, where PostgreSQL proves the condition).
"""

from django.db import migrations

# news.models.Article.TIMED, the statuses of Article.objects.published(), as they are today:
# a migration keeps its own copy, as it must say what it made.
_TIMED = "('scheduled', 'published', 'embargoed')"
_CREATE = (
    "CREATE INDEX IF NOT EXISTS article_public_changed_idx ON news_article "
    f"(updated DESC, pub_date, modified) WHERE status IN {_TIMED}"
)
_DROP = "DROP INDEX IF EXISTS article_public_changed_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_DROP)


class Migration(migrations.Migration):
    dependencies = [("news", "0021_changed_index_covers_modified")]

    operations = [migrations.RunPython(create, drop)]
