"""On PostgreSQL, each pair of adjacent words is indexed as one more lexeme (postgres._SCHEMA,
``search_pairs``), so that the GIN index finds a phrase's rows without rechecking every row
that holds its words. The articles already indexed get their pairs by one UPDATE in the
database (no text goes through Python), with the GIN index dropped first and built again
after: kept, it took every new entry through its pending list, row by row. Searches wait
for the migration: it holds the index's table until it commits."""

from django.db import migrations

from newscenter.search.backends import backend_for


def add_pairs(apps, schema_editor):
    engine = backend_for(schema_editor.connection)
    engine.install()  # on PostgreSQL, search_pairs before it is used
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS search_document_gin")
        # Building a GIN index is faster the more of it fits in memory (64 MB by default);
        # for this transaction only.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # The pairs of the whole vector, stems included, as indexing makes them.
        cursor.execute("UPDATE search_document SET document = document || search_pairs(document)")
    engine.install()  # the GIN index again, with its settings
    engine.optimize()


class Migration(migrations.Migration):
    dependencies = [("search", "0007_article_substrings")]

    operations = [migrations.RunPython(add_pairs, migrations.RunPython.noop)]
