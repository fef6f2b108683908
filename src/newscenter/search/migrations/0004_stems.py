"""The index made again with the stems of each article's words in its language
(search.stemming): on PostgreSQL its text search configurations per language."""

from django.db import migrations

from newscenter.search import indexing
from newscenter.search.backends import backend_for


def rebuild(apps, schema_editor):
    # The live code installs (the configurations, IF NOT EXISTS) and indexes: it reads named
    # columns only, the tables 0001 made and the articles' and the site's language.
    backend_for(schema_editor.connection).install()
    indexing.reindex()


class Migration(migrations.Migration):
    dependencies = [("search", "0003_script_words"), ("news", "0018_translated_names_and_texts")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
