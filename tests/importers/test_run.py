"""The persistence path shared by every format: idempotent, one transaction per source."""

import io

import pytest
from django.core.management import call_command

from newscenter.importers.run import ImportOptions, Source, import_sources
from newscenter.news.changes import Change, Stage, content_changed
from newscenter.news.models import Article, RelatedArticle
from newscenter.news.policy import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pipe_format(settings):
    settings.NEWSCENTER_IMPORT_FORMATS = {"pipe": "tests.importers.pipe_format"}


def run(text: str, name: str = "news.pipe", **options):
    return import_sources(
        [Source(name=name, data=text.encode())],
        options=ImportOptions(**options),
        acting_user=SYSTEM,
    )


def test_create_then_skip_then_update():
    first = run("a|Plant opens|2024-05-01T09:00:00+00:00\nb|Line starts|2024-05-02T09:00:00+00:00")
    assert len(first.created) == 2
    again = run("a|Plant opens|2024-05-01T09:00:00+00:00\nb|Line starts|2024-05-02T09:00:00+00:00")
    assert again.created == again.updated == []
    assert [reason for _, reason in again.skipped] == ["unchanged since the last import"] * 2
    changed = run("a|Plant opens early|2024-05-01T09:00:00+00:00")
    assert changed.updated == ["news.pipe (line 1): Plant opens early"]
    assert Article.objects.count() == 2
    assert Article.objects.get(import_key="pipe:a").headline == "Plant opens early"


def test_a_file_that_fails_saves_nothing():
    report = run("a|Fine|2024-05-01T09:00:00+00:00\nb|" + "x" * 400 + "|2024-05-01T09:00:00+00:00")
    assert report.created == []
    [(item, message)] = report.failed
    assert item == "news.pipe (line 2)"
    assert "headline" in message
    assert "nothing from this file was saved" in message
    assert not Article.objects.exists()


def test_parse_errors_name_the_line():
    report = run("a|Fine|2024-05-01T09:00:00+00:00\nnonsense")
    assert report.failed == [("news.pipe:2", "expected key|headline|date")]
    assert not Article.objects.exists()


def test_dry_run_writes_nothing():
    report = run("a|Fine|2024-05-01T09:00:00+00:00", dry_run=True)
    assert [a.headline for a in report.articles] == ["Fine"]
    assert not Article.objects.exists()


def test_registered_format_is_detected_and_offered_by_the_cli(tmp_path):
    path = tmp_path / "batch.pipe"
    path.write_text("k|From the registry|2024-05-01T09:00:00+00:00")
    out = io.StringIO()
    call_command("import", str(path), "--format", "pipe", stdout=out)
    assert "1 created" in out.getvalue()
    assert Article.objects.get().headline == "From the registry"


def test_system_check_reports_a_broken_format(settings):
    from newscenter.importers.checks import check_import_formats

    settings.NEWSCENTER_IMPORT_FORMATS = {"broken": "tests.importers.no_such_module"}
    [error] = check_import_formats()
    assert error.id == "newscenter.E002"
    settings.NEWSCENTER_IMPORT_FORMATS = {"other": "tests.importers.pipe_format"}
    [error] = check_import_formats()
    assert error.id == "newscenter.E003"


def test_provenance_skips_and_notes_are_recorded():
    report = run(
        "# a comment line\n"
        "a|Gallery day [gallery]|2024-05-01T09:00:00+00:00\n"
        "b|Second|2024-05-02T09:00:00+00:00"
    )
    assert report.skipped == [("news.pipe: line 1", "comment")]
    assert report.notes == [
        ("news.pipe (line 2): Gallery day [gallery]", "shortcode [gallery] left as text")
    ]
    record = Article.objects.get(import_key="pipe:a").import_record
    assert (record.format, record.origin, record.where) == ("pipe", "news.pipe", "line 2")
    assert record.original == "a|Gallery day [gallery]|2024-05-01T09:00:00+00:00"
    assert record.notes == ["shortcode [gallery] left as text"]


def test_large_sources_stream_from_disk(tmp_path):
    path = tmp_path / "many.pipe"
    path.write_text("\n".join(f"k{n}|Item {n}|2024-05-01T09:00:00+00:00" for n in range(300)))
    report = import_sources(
        [Source(name=str(path), path=path)], options=ImportOptions(), acting_user=SYSTEM
    )
    assert len(report.created) == 300
    assert report.articles == []  # a real run keeps no items in memory


def test_reimport_leaves_articles_the_editors_changed_alone():
    from newscenter.news import services

    run("a|Plant opens|2024-05-01T09:00:00+00:00", status="draft")
    article = Article.objects.get()
    services.article_publish_or_schedule(article=article, acting_user=SYSTEM)
    for status in ("draft", "published", ""):
        again = run("a|Plant opens at last|2024-05-01T09:00:00+00:00", status=status)
        assert again.skipped == [
            ("news.pipe (line 1): Plant opens at last",
             "changed in newscenter since it was imported: left as the editors made it")
        ]  # fmt: skip
    article.refresh_from_db()
    assert (article.headline, article.status) == ("Plant opens", "published")


def test_reimport_without_status_keeps_the_status():
    run("a|Plant opens|2024-05-01T09:00:00+00:00", status="draft")
    updated = run("a|Plant opens at last|2024-05-01T09:00:00+00:00")
    assert len(updated.updated) == 1
    assert Article.objects.get().status == "draft"


def test_same_item_twice_in_one_source_is_saved_once():
    report = run("a|First|2024-05-01T09:00:00+00:00\na|Second|2024-05-01T09:00:00+00:00")
    assert len(report.created) == 1
    assert len(report.updated) == 1
    assert Article.objects.get().headline == "Second"


def test_bulk_path_derives_like_the_single_path():
    lines = [f"k{n}|Same headline|2024-05-01T09:00:00+00:00" for n in range(3)]
    run("\n".join(lines))
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == ["same-headline", "same-headline-2", "same-headline-3"]
    assert all(a.pub_day.isoformat() == "2024-05-01" for a in Article.objects.all())
    assert Article.objects.filter(audit_entries__action="create").count() == 3


def test_a_broken_format_setting_is_a_clear_failure(settings):
    settings.NEWSCENTER_IMPORT_FORMATS = {"pipe": "tests.importers.no_such_module"}
    report = run("a|Fine|2024-05-01T09:00:00+00:00", format="pipe")
    [(item, message)] = report.failed
    assert item == "news.pipe"
    assert "format 'pipe' is configured as tests.importers.no_such_module" in message
    assert not Article.objects.exists()


@pytest.mark.django_db(transaction=True)  # each source commits: the consumers hear it
def test_many_sources_reach_the_changes_consumers_once_at_the_end():
    """One transaction per source, and one change for them all: the related lists are then
    ranked once (a pass), not again around each file's article (120 ms a text file)."""
    heard: list[Change] = []
    content_changed.connect(heard.append, stage=Stage.PAGES, uid="tests.imports-heard")
    try:
        sources = [
            Source(
                name=f"news-{n}.pipe",
                data=f"k{n}|Plant {n} opens|2024-05-0{n}T09:00:00+00:00".encode(),
            )
            for n in range(1, 4)
        ]
        report = import_sources(sources, options=ImportOptions(), acting_user=SYSTEM)
    finally:
        content_changed.disconnect("tests.imports-heard")
    assert len(report.created) == 3
    imported = set(Article.objects.values_list("pk", flat=True))
    assert [change.articles for change in heard] == [imported]
    # What followed the changes ran: every article has its related list.
    assert set(RelatedArticle.objects.values_list("article_id", flat=True)) == imported
    # Outside an import, each commit is heard at once, as before.
    run("k9|Plant 9 opens|2024-05-09T09:00:00+00:00")
    assert RelatedArticle.objects.filter(article__import_key="pipe:k9").exists()
