"""Migration 0026 gives every article's stored labels the ids of its tags and authors (the
API shows them from the row), and taking it back leaves the labels as 0019 made them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article

pytestmark = pytest.mark.django_db(transaction=True)


def stored() -> dict[int, dict]:
    return dict(Article.objects.order_by("pk").values_list("pk", "labels"))


def migrate_to(name: str) -> None:
    MigrationExecutor(connection).migrate([("news", name)])


def test_the_migration_adds_the_ids_and_takes_them_away_again():
    pumps = services.tag_get_or_create(name="Pumps", acting_user=SYSTEM)
    valves = services.tag_get_or_create(name="Valves", acting_user=SYSTEM)
    ann = services.author_get_or_create(name="Ann Lee", acting_user=SYSTEM)
    make_article(tags=[valves, pumps], authors=[ann])
    make_article(tags=[pumps], status=Article.Status.DRAFT, pub_date=None)
    make_article()
    expected = stored()
    assert expected[min(expected)]["tags"][0] == ["pumps", "Pumps", {}, pumps.pk]
    assert expected[min(expected)]["authors"] == [["ann-lee", "Ann Lee", ann.pk]]
    try:
        migrate_to("0025_sitemap_summary")
        without = stored()
        assert without[min(without)] == {
            "tags": [["pumps", "Pumps", {}], ["valves", "Valves", {}]],
            "authors": [["ann-lee", "Ann Lee"]],
        }
        migrate_to("0026_labels_carry_ids")
        assert stored() == expected
    finally:
        # Back to the latest schema, as `migrate` leaves it, for the next test on this worker.
        call_command("migrate", verbosity=0)
