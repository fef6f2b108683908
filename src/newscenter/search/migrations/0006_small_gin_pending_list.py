"""The PostgreSQL GIN index keeps a small pending list (postgres._SCHEMA): the planner costs
a GIN scan by the list's pages, and with a long one it tested every row for a rare word."""

from django.db import migrations

from newscenter.search.backends import backend_for


def install(apps, schema_editor):
    # Every statement of the schema is idempotent: the one new setting is what changes.
    backend_for(schema_editor.connection).install()


class Migration(migrations.Migration):
    dependencies = [("search", "0005_no_parallel_search")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
