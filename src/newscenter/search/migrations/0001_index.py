"""The full-text index for the database in use, filled with the articles already published."""

from django.db import migrations

from newscenter.search.backends import backend_for
from newscenter.search.base import Document
from newscenter.search.indexing import documents_index


def install(apps, schema_editor):
    engine = backend_for(schema_editor.connection)
    engine.install()
    Article = apps.get_model("news", "Article")
    rows = Article.objects.filter(status="published").values(*Document.FIELDS)
    documents_index(engine, rows.iterator(chunk_size=500))


def uninstall(apps, schema_editor):
    backend_for(schema_editor.connection).uninstall()


class Migration(migrations.Migration):
    dependencies = [("news", "0004_site_logo")]

    operations = [migrations.RunPython(install, uninstall)]
