"""Related articles stored rather than ranked per view: the lists of the articles already there."""

from django.db import migrations

from newscenter.search import related


def fill(apps, schema_editor):
    # The live code ranks: it reads named columns only, and the index 0001 made.
    related.rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index"), ("news", "0016_stored_lists_and_counts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
