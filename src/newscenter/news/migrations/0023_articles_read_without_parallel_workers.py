"""PostgreSQL: the articles' table read without parallel workers.

Public pages read the articles by walking an index newest first and stopping after a page. At
a million articles PostgreSQL planned a tag's page as a parallel walk: starting two workers and
gathering their rows took 43 ms where one process took 9.5 ms, and on a busy machine the tag
page spent 89-103 ms in SQL (10 ms at 10,000 articles). The counts that read the whole table
(the timed articles after each change) were no faster with workers on two cores (100-145 ms
against 98-107 ms). The same setting as the search index's table (search/0005).
"""

from django.db import migrations


def serial(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE news_article SET (parallel_workers = 0)")


def parallel(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE news_article RESET (parallel_workers)")


class Migration(migrations.Migration):
    dependencies = [("news", "0022_public_changed_index")]

    operations = [migrations.RunPython(serial, parallel)]
