"""An article's language on the writing screen: one of the site's languages, chosen."""

import pytest
from bs4 import BeautifulSoup

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article
from tests.news.test_admin import article_form

pytestmark = pytest.mark.django_db
ADD = "/admin/news/article/add/"


@pytest.fixture(autouse=True)
def _three_languages():
    services.site_settings_update(acting_user=SYSTEM, languages=["de", "zh-Hans"])


def options(response) -> list[tuple[str, str]]:
    page = BeautifulSoup(response.content, "html.parser")
    select = page.select_one("select#id_language")
    return [(o["value"], o.text) for o in select.select("option")]


def test_the_writing_screen_offers_the_sites_languages(admin_client):
    assert options(admin_client.get(ADD)) == [
        ("", "English (en): the site's language"),
        ("de", "German (de)"),
        ("zh-Hans", "Simplified Chinese (zh-Hans)"),
    ]
    assert admin_client.post(ADD, article_form(language="de")).status_code == 302
    assert Article.objects.get().language == "de"


def test_a_language_the_site_lacks_is_refused_by_name(admin_client):
    refused = admin_client.post(ADD, article_form(language="fr"))
    assert refused.status_code == 200
    errors = BeautifulSoup(refused.content, "html.parser").select_one(".field-language .errorlist")
    assert "Choose one of the site's languages: “fr” is not one of them" in errors.text
    assert not Article.objects.exists()


def test_an_imported_code_is_kept_when_saved_unchanged(admin_client):
    article = make_article(status="draft", language="de-AT")
    url = f"/admin/news/article/{article.pk}/change/"
    assert options(admin_client.get(url))[-1] == ("de-AT", "de-AT (as saved)")
    form = article_form(headline=article.headline, slug=article.slug, language="de-AT")
    assert admin_client.post(url, form).status_code == 302
    article.refresh_from_db()
    assert article.language == "de-AT"
