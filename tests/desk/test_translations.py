"""The desk's translation pages: the matrix, "translate", what changed in the source."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import html

from newscenter.news import services, translations
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from newscenter.news.translations import Status
from tests.builders import make_article
from tests.news.test_xliff import translated

pytestmark = pytest.mark.django_db

MATRIX = "/admin/news/article/translations/"


@pytest.fixture
def outdated(db):
    """An English article with a German translation that its source's edit left behind."""
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "zh-Hans"])
    source = make_article(headline="Plant opens", body="<p>The plant opens with 35 jobs.</p>")
    german = services.translation_create(acting_user=SYSTEM, source=source, language="de")
    german = services.article_update(article=german, acting_user=SYSTEM, headline="Werk eröffnet")
    services.article_publish(article=german, acting_user=SYSTEM)
    source.refresh_from_db()
    services.article_update(
        article=source, acting_user=SYSTEM, body="<p>The plant opens with 50 jobs.</p>"
    )
    return source, german


def cells(response) -> dict[str, list[str]]:
    tree = html.fromstring(response.content.decode())
    return {
        row.xpath("string(th)").strip(): [
            " ".join(td.xpath("string(.)").split()) for td in row.xpath("td")
        ]
        for row in tree.xpath("//table[@id='translation-matrix']/tbody/tr")
    }


def test_the_matrix_shows_each_status_and_filters(role_client, outdated):
    make_article(headline="Only in English")
    client = role_client("editor")
    response = client.get(MATRIX)
    assert response.status_code == 200
    matrix = cells(response)
    assert matrix["Plant opens"][0].startswith("Current")
    assert matrix["Plant opens"][1].startswith("Outdated · what changed")
    assert matrix["Plant opens"][2].startswith("Missing")
    assert matrix["Only in English"][1].startswith("Missing")
    assert "Werk eröffnet" not in matrix  # a translation is a cell, not a row

    assert list(cells(client.get(MATRIX + "?status=outdated"))) == ["Plant opens"]
    assert set(cells(client.get(MATRIX + "?status=missing"))) == {"Plant opens", "Only in English"}
    bad = client.get(MATRIX + "?status=lost", follow=True)
    assert bad.status_code == 200
    assert "No status “lost”" in bad.content.decode()


def test_translate_makes_a_prefilled_draft_and_opens_it(role_client, outdated):
    source, _ = outdated
    client = role_client("editor")
    url = reverse("admin:news_article_translate", args=[source.pk, "zh-Hans"])
    assert client.get(url).status_code == 405  # a change: never on GET
    response = client.post(url)
    draft = Article.objects.get(language="zh-Hans")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:news_article_change", args=[draft.pk])
    assert (draft.headline, draft.body, draft.status) == (source.headline, source.body, "draft")
    again = client.post(url, follow=True)
    assert "already has a zh-Hans version" in again.content.decode()
    assert Article.objects.filter(language="zh-Hans").count() == 1


def test_what_changed_in_the_source_word_by_word_then_marked_current(role_client, outdated):
    _source, german = outdated
    client = role_client("editor")
    page = client.get(reverse("admin:news_article_source_changes", args=[german.pk]))
    assert page.status_code == 200
    tree = html.fromstring(page.content.decode())
    assert tree.xpath("string(//tr[@class='diff-body']//del)").strip() == "35"
    assert tree.xpath("string(//tr[@class='diff-body']//ins)").strip() == "50"
    assert not tree.xpath("//tr[@class='diff-headline']")

    client.post(reverse("admin:news_article_translation_current", args=[german.pk]))
    german.refresh_from_db()
    assert translations.status(german) == Status.CURRENT


def test_xliff_out_of_the_matrix_and_back_as_the_translation(role_client, outdated):
    source, _german = outdated
    client = role_client("editor")
    tree = html.fromstring(client.get(MATRIX).content.decode())
    link = reverse("admin:news_article_xliff", args=[source.pk, "zh-Hans"])
    assert tree.xpath(f"//a[@href='{link}']")
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xliff+xml"
    assert response["Content-Disposition"].endswith('.zh-hans.xlf"')
    body = "<p>工厂开业，提供五十个工作岗位。</p>"  # noqa: RUF001  (Chinese punctuation)
    chinese = {
        "Plant opens": "工厂开业",
        "<p>The plant opens with 50 jobs.</p>": body,
        "Standfirst number 1.": "摘要。",
    }
    data = translated(response.content, lambda text: chinese.get(text, text))
    upload = SimpleUploadedFile("plant.zh-hans.xlf", data, content_type="application/xliff+xml")
    done = client.post(reverse("admin:news_article_xliff_import"), {"file": upload})
    translation = Article.objects.get(language="zh-Hans")
    assert done["Location"] == reverse("admin:news_article_change", args=[translation.pk])
    assert (translation.headline, translation.status) == ("工厂开业", "draft")
    assert translation.body == body
    broken = SimpleUploadedFile("x.xlf", b"<nope/>")
    refused = client.post(reverse("admin:news_article_xliff_import"), {"file": broken}, follow=True)
    assert "Not imported: This is not an XLIFF 2.0 file" in refused.content.decode()
    assert client.get(reverse("admin:news_article_xliff_import")).status_code == 405


def test_a_batch_of_xliff_files_out_of_the_matrix_and_back(role_client, outdated):
    """ "XLIFF batch" under German: the outdated German translation and the missing one of
    "Only in English", one file each in a zip; the zip back makes both translations."""
    source, german = outdated
    only = make_article(headline="Only in English", body="<p>Only here.</p>")
    client = role_client("editor")
    tree = html.fromstring(client.get(MATRIX).content.decode())
    link = reverse("admin:news_article_xliff_batch", args=["de"])
    assert tree.xpath(f"//thead//a[@href='{link}']")
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(
            [f"{source.pk}-{source.slug}.de.xlf", f"{only.pk}-{only.slug}.de.xlf"]
        )
        done = io.BytesIO()
        with zipfile.ZipFile(done, "w") as back:
            for name in names:
                back.writestr(name, translated(archive.read(name), lambda text: f"DE {text}"))
    upload = SimpleUploadedFile("batch.de.zip", done.getvalue(), content_type="application/zip")
    page = client.post(reverse("admin:news_article_xliff_import"), {"file": upload}, follow=True)
    assert "2 translations imported" in page.content.decode()
    german.refresh_from_db()
    assert german.headline == "DE Plant opens"
    assert german.body == "DE <p>The plant opens with 50 jobs.</p>"
    assert translations.status(german) == Status.CURRENT  # it follows the latest revision now
    assert Article.objects.get(translated_from=only).headline == "DE Only in English"
    # Nothing left to translate into German: the batch says so instead of an empty zip.
    empty = client.get(link, follow=True)
    assert "No XLIFF files: No article to export." in empty.content.decode()
