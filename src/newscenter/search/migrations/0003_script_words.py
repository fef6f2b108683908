"""The index made again with the extra words of Chinese, Japanese, Korean and Arabic text
(search.scripts): pairs of characters, and Arabic words folded."""

from django.db import migrations

from newscenter.search import indexing


def rebuild(apps, schema_editor):
    # The live code indexes: it reads named columns only, and the tables 0001 made.
    indexing.reindex()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_related")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
