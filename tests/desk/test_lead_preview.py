"""The lead image in the writing screen's sidebar: a thumbnail, its alt text and caption."""

import pytest
from bs4 import BeautifulSoup

from tests.builders import make_article, make_image, make_user
from tests.conftest import https_client, staff_login

pytestmark = pytest.mark.django_db


def test_the_sidebar_shows_the_lead_image_and_asks_for_another_ones_card():
    image = make_image(alt="The new press", caption="Hall four.", credit="Ann Example")
    other = make_image(alt="Apprentices <at> the lathe", color="darkgreen")
    article = make_article(lead_image=image, lead_image_alt="The new press")
    client = staff_login(https_client(), make_user(role="editor"))

    page = BeautifulSoup(
        client.get(f"/admin/news/article/{article.pk}/change/").content, "html.parser"
    )
    preview = page.find(id="lead-preview")
    assert preview.find_parent(class_="writing-side") is not None
    assert preview.find("img")["src"].startswith("/media/images/")
    assert "Alt text: The new press" in preview.get_text()
    assert "Hall four. Photo: Ann Example" in preview.get_text()

    card_url = preview["data-card"].replace("/0/", f"/{other.pk}/")
    card = BeautifulSoup(client.get(card_url).json()["html"], "html.parser")
    assert card.find("img") is not None
    assert "Alt text: Apprentices <at> the lathe" in card.get_text()  # escaped, read back
    assert client.get(preview["data-card"].replace("/0/", "/999999/")).status_code == 404


def test_a_new_article_says_no_lead_image_is_chosen_and_the_card_needs_a_role():
    writer = make_user(role="contributor")
    page = BeautifulSoup(
        staff_login(https_client(), writer).get("/admin/news/article/add/").content,
        "html.parser",
    )
    assert "No lead image chosen." in page.find(id="lead-preview").get_text()

    image = make_image()
    nobody = make_user(role=None)
    nobody.is_staff = True  # let into the desk, holding no newsroom role
    nobody.save()
    answer = staff_login(https_client(), nobody).get(f"/admin/news/image/{image.pk}/card/")
    assert answer.status_code == 403
