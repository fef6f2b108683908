"""PostgreSQL: the pairs of adjacent words that an earlier version of this migration added to
every indexed article as extra lexemes are taken out again.

They let the GIN index find a phrase's rows itself (a phrase's p95 at 100,000 articles 186 to
50 ms), but they made the index six times larger (121 to 740 MB) and pushed most vectors past
a page into TOAST, which the planner does not count: with the table's heap at 12 MB it read
every row for a rare word (p95 54 to 465 ms) or a misspelt one (53 to 1,559 ms). A database
that never had the pairs (no ``search_pairs`` function) has nothing to do here. One that had
them should run ``VACUUM FULL search_document`` after: the index built again in the same
transaction as the UPDATE also holds the old rows' entries (833 MB at 100,000 articles against
121 MB for the same rows built afresh), and the old vectors stay in TOAST until then.
"""

from django.db import migrations

from newscenter.search.backends import backend_for
from newscenter.search.postgres import PAIRS_DROP


def remove_pairs(apps, schema_editor):
    db = schema_editor.connection
    if db.vendor != "postgresql":
        return
    with db.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'search_pairs')")
        if not cursor.fetchone()[0]:
            return
        cursor.execute("DROP INDEX IF EXISTS search_document_gin")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")  # the index's rebuild
        # A pair is a lexeme starting with a space, which no word can.
        cursor.execute(
            "UPDATE search_document SET document = ts_delete(document, ARRAY("
            "SELECT lexeme FROM unnest(document) WHERE left(lexeme, 1) = ' '))"
        )
        for statement in PAIRS_DROP:
            cursor.execute(statement)
    engine = backend_for(db)
    engine.install()  # the GIN index again, with its settings
    engine.optimize()


class Migration(migrations.Migration):
    dependencies = [("search", "0007_article_substrings")]

    operations = [migrations.RunPython(remove_pairs, migrations.RunPython.noop)]
