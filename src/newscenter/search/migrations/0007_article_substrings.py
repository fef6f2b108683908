"""The desk's search by a trigram index (search.substrings): an FTS5 trigram table kept by
triggers on SQLite, a pg_trgm GIN index on PostgreSQL, over every article's headline,
standfirst, body and source name."""

from django.db import migrations

from newscenter.search import substrings


def install(apps, schema_editor):
    substrings.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    substrings.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_small_gin_pending_list"),
        ("news", "0018_translated_names_and_texts"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
