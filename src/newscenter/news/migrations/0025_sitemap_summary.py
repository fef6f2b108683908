"""The sitemap index's summary (``news.summaries``), kept from now on with the listing rows:
made here from the rows as last kept, for the articles public then."""

import datetime as dt

from django.db import migrations

from newscenter.news import summaries

_UNTIL = "listing_changes_until"  # news.listings.UNTIL
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def fill(apps, schema_editor):
    until = apps.get_model("news", "Tally").objects.filter(name=_UNTIL).first()
    if until is not None:  # never kept: the next change keeps rows and summary at once
        summaries.keep(_EPOCH + dt.timedelta(microseconds=until.value), apps=apps)


def empty(apps, schema_editor):
    apps.get_model("news", "Tally").objects.filter(name__startswith=summaries.PREFIX).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0024_listed_articles"),
    ]

    operations = [migrations.RunPython(fill, empty)]
