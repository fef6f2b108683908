"""The PostgreSQL index's table read without parallel workers (postgres._SCHEMA): a search
stops after its window, and starting workers cost more than the walk they share."""

from django.db import migrations

from newscenter.search.backends import backend_for


def install(apps, schema_editor):
    # Every statement of the schema is idempotent: the one new setting is what changes.
    backend_for(schema_editor.connection).install()


class Migration(migrations.Migration):
    dependencies = [("search", "0004_stems")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
