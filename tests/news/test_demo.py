"""`newscenter demo`: the fictional Kesselmark News center, loaded through the services."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from newscenter.demo import loader as demo
from newscenter.news.models import Article, AuditEntry, Section, SiteSettings
from tests.conftest import module_data

pytestmark = pytest.mark.django_db


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@dataclass(frozen=True)
class Loaded:
    output: str
    media: Path


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the tests that only read it (loading it for each of them was
    most of this module's minutes, twice in `make test`)."""
    folder = tmp_path_factory.mktemp("demo")
    with module_data(django_db_blocker, folder):
        yield Loaded(run_demo(), folder / "media")


@pytest.fixture
def output(loaded, settings) -> str:
    settings.MEDIA_ROOT = loaded.media
    return loaded.output


@pytest.fixture
def demo_media(loaded) -> Path:
    return loaded.media


def originals():
    """The demo's own articles; their German and Chinese editions are tested apart."""
    return Article.objects.filter(translated_from=None)


def scheduled() -> list[Article]:
    return list(originals().filter(status="scheduled", pub_date__gt=timezone.now()))


# The empty database first: the tests after them share one load (`loaded`).


def test_if_empty_on_an_empty_database_loads(media_root):
    assert demo.demo_is_needed()
    assert "12 articles" in run_demo("--if-empty")
    assert not demo.demo_is_needed()


def test_a_failed_load_leaves_nothing_behind(media_root, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "article_publish_or_schedule", fail)
    with pytest.raises(RuntimeError):
        run_demo()
    assert not Article.objects.exists()
    assert not Section.objects.exists()


def test_loads_twelve_articles_in_three_sections(output):
    assert originals().count() == 12
    assert set(Section.objects.values_list("name", flat=True)) == {
        "Company news",
        "Product news",
        "Industry news",
    }
    assert not Article.objects.filter(section=None).exists()


def test_output_names_the_count(output):
    assert "Loaded demo content: 12 articles in 3 sections." in output


def test_a_republished_article_names_its_source(output):
    republished = Article.objects.exclude(source_url="").get()
    assert republished.source_name == "FlowTrade Weekly"
    assert republished.source_url.startswith("https://flowtrade.example/")
    assert "<blockquote" in republished.body
    assert republished in Article.objects.published()


def test_exactly_one_article_is_scheduled_and_not_yet_public(output):
    [article] = scheduled()
    assert article.pub_date - timezone.now() > dt.timedelta(days=1)
    assert article not in Article.objects.published()


def test_exactly_one_draft(output):
    draft = originals().get(status="draft")
    assert draft not in Article.objects.published()


def test_published_dates_spread_over_the_past_ten_months(output):
    dates = list(originals().published().values_list("pub_date", flat=True))
    assert len(dates) == 10
    assert dt.timedelta(days=270) < timezone.now() - min(dates) < dt.timedelta(days=320)


def test_every_article_has_a_standfirst_and_paragraphs(output):
    for article in Article.objects.all():
        assert article.standfirst
        assert article.body.count("<p>") >= 3, article.headline


def test_site_settings_have_a_tagline_and_a_banner(output, demo_media):
    site = SiteSettings.load()
    assert site.site_name == "Kesselmark Valves & Pumps"
    assert site.tagline
    assert site.banner_alt_text
    assert site.time_zone == "Europe/Berlin"
    banner = site.banner_image
    assert (demo_media / banner.file.name).is_file()
    # A library image like any other: re-encoded (no transparency, so JPEG), with renditions.
    with Image.open(banner.file.path) as picture:
        assert (picture.format, picture.size) == ("JPEG", demo.BANNER_SIZE)
    assert banner.renditions.filter(width=demo.BANNER_SIZE[0]).count() == 2


def test_some_articles_have_generated_lead_images(output, demo_media):
    illustrated = originals().exclude(lead_image=None)
    assert 2 <= illustrated.count() <= 3
    for article in illustrated:
        assert article.lead_image_alt_text
        assert (demo_media / article.lead_image.file.name).is_file()
        with Image.open(article.lead_image.file.path) as image:
            assert (image.format, image.size) == ("JPEG", demo.LEAD_IMAGE_SIZE)
        assert article.lead_image.renditions.exists()


def test_writes_go_through_the_services(output):
    own = AuditEntry.objects.filter(article__translated_from=None)
    assert own.filter(action="create").count() == 12
    assert own.filter(action="publish").count() == 10
    assert own.filter(action="schedule").count() == 1


def test_if_empty_on_a_loaded_database_creates_nothing(output):
    again = run_demo("--if-empty")
    assert originals().count() == 12
    assert "not loaded" in again


def test_german_and_chinese_editions_of_some_articles(output):
    translations = Article.objects.exclude(translated_from=None)
    assert sorted(set(translations.values_list("language", flat=True))) == ["de", "zh-Hans"]
    assert translations.published().filter(language="de").count() == 3
    assert translations.published().filter(language="zh-Hans").count() == 1
    assert translations.filter(status="draft").count() == 1
    assert AuditEntry.objects.filter(action="translate").count() == translations.count()
    assert SiteSettings.load().languages == ["de", "zh-Hans"]


def test_the_demos_editions_name_their_sections_and_site_in_their_language(output, client):
    german = client.get("/de/news/").content.decode()
    assert '<h1 class="listing-title">Aktuelles</h1>' in german
    assert ">Unternehmen</a>" in german
    chinese = client.get("/zh-hans/news/").content.decode()
    assert "新闻中心" in chinese
    assert ">公司新闻</a>" in chinese
    assert ">Company news</a>" in client.get("/news/").content.decode()
