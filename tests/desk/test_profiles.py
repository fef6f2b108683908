"""Author profiles and the site's press contact in the desk: photo, job title, and addresses
typed one a line, kept as lists of web addresses."""

from __future__ import annotations

import pytest

from newscenter.news import services
from newscenter.news.models import Author, SiteSettings
from newscenter.news.policy import SYSTEM
from tests.builders import make_image

pytestmark = pytest.mark.django_db


def author_form(**fields) -> dict:
    return {"name": "Jana Oster", "slug": "jana-oster", "bio": "", "job_title": ""} | fields


def test_an_author_gains_a_job_title_a_photo_and_profiles_one_a_line(admin_client):
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    photo = make_image(400, 400, alt="Jana Oster")
    links = "https://www.linkedin.com/in/jana-oster-example\n\n  https://jana.example/ \n"
    response = admin_client.post(
        f"/admin/news/author/{author.pk}/change/",
        author_form(job_title="Head of Communications", photo=photo.pk, links=links),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    author.refresh_from_db()
    assert author.job_title == "Head of Communications"
    assert author.photo == photo
    assert author.links == [
        "https://www.linkedin.com/in/jana-oster-example",
        "https://jana.example/",
    ]
    page = admin_client.get(f"/admin/news/author/{author.pk}/change/").content.decode()
    assert "https://jana.example/</textarea>" in page


def test_a_line_that_is_no_web_address_is_named_and_nothing_is_saved(admin_client):
    author = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    response = admin_client.post(
        f"/admin/news/author/{author.pk}/change/",
        author_form(job_title="Press officer", links="https://jana.example/\njavascript:alert(1)"),
    )
    assert response.status_code == 200
    assert "Line 2, &#x27;javascript:alert(1)&#x27;, is not a web address" in response.text
    assert Author.objects.get(pk=author.pk).job_title == ""


def test_the_site_settings_hold_the_press_contact_and_social_profiles(admin_client):
    SiteSettings.load()
    form = {
        "site_name": "Kesselmark",
        "section_title": "Newsroom",
        "tagline": "",
        "banner_alt": "",
        "press_contact_name": "Mara Lind",
        "press_contact_email": "press@kesselmark.example",
        "press_contact_phone": "+49 30 1234567",
        "social_links": "https://www.linkedin.com/company/kesselmark-example",
        "language": "en",
        "time_zone": "UTC",
    }
    response = admin_client.post("/admin/news/sitesettings/1/change/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    site = SiteSettings.load()
    assert (site.press_contact_name, site.press_contact_email) == (
        "Mara Lind",
        "press@kesselmark.example",
    )
    assert site.social_links == ["https://www.linkedin.com/company/kesselmark-example"]
