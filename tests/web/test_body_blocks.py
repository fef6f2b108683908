"""Videos, pull quotes and tables in a body: stored through the allow-list, shown readable,
and no request to YouTube or Vimeo before a reader asks for it."""

import pytest
from bs4 import BeautifulSoup

from newscenter.news.blocks import video_of
from newscenter.news.rendering import sanitise_html
from newscenter.news.services.images import bodies_showing
from tests.builders import make_article, make_image
from tests.conftest import https_client

pytestmark = pytest.mark.django_db

BODY = (
    "<p>The new line started on Monday.</p>"
    '<figure class="video-embed"><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=3">'
    "Line 4 &amp; its “first” run</a></figure>"
    '<figure class="pull-quote"><blockquote><p>We doubled the output.</p></blockquote>'
    "<figcaption>Ann Example, plant manager</figcaption></figure>"
    "<table><tbody><tr><th><p>Quarter</p></th><th>Units</th></tr>"
    "<tr><th>Q1</th><td>4,200</td></tr></tbody></table>"
    '<figure class="video-embed"><a href="https://vimeo.com/76979871">Tour</a></figure>'
)


@pytest.mark.parametrize(
    ("address", "embed"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
        ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1"),
        ("https://vimeo.com/76979871/0a1b2c3d4e", "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1&h=0a1b2c3d4e"),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", None),
        ("javascript:alert(1)//youtu.be/dQw4w9WgXcQ", None),
        ("https://www.youtube.com/watch?v=<script>", None),
        ("https://vimeo.com/channels/staff", None),
        ("http://[::1", None),
    ],
)  # fmt: skip
def test_only_youtube_and_vimeo_addresses_make_a_player(address, embed):
    video = video_of(address)
    assert (video.embed_url if video else None) == embed


def test_the_blocks_pass_the_allow_list_unchanged_and_other_classes_do_not():
    assert 'class="video-embed"' in sanitise_html(BODY)
    assert 'class="pull-quote"' in sanitise_html(BODY)
    assert sanitise_html('<figure class="pull-quote evil"><p>x</p></figure>') == (
        '<figure class="pull-quote"><p>x</p></figure>'
    )
    assert "class" not in sanitise_html('<p class="video-embed">x</p><figure class="x">y</figure>')


def test_the_page_shows_a_poster_and_asks_nothing_of_youtube_until_play(client):
    article = make_article(body=BODY)
    response = https_client().get(article.get_absolute_url())
    page = BeautifulSoup(response.content, "html.parser")
    first, second = page.select("figure.video-embed")
    assert first["data-embed"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"
    assert first["data-title"] == "Line 4 & its “first” run"
    assert first.figcaption.text == "Line 4 & its “first” run"
    play = first.select_one("button.video-play")
    assert play.has_attr("hidden")  # shown by video.js; without it the link is the way
    assert play.text == "Play video"
    assert play["aria-label"] == "Play video: Line 4 & its “first” run"
    assert (
        first.select_one(".video-note a")["href"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    )
    assert second["data-embed"].startswith("https://player.vimeo.com/video/76979871?dnt=1")
    # Nothing on the page loads from another site: no iframe, no third-party src.
    assert not page.select("iframe")
    sources = [tag["src"] for tag in page.select("[src]")]
    assert not [src for src in sources if "youtube" in src or "vimeo" in src]
    assert page.select_one("script[src*='video']")
    policy = response["Content-Security-Policy"]
    assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com" in policy

    quote = page.select_one("figure.pull-quote")
    assert quote.blockquote.text == "We doubled the output."
    assert quote.figcaption.text == "Ann Example, plant manager"

    region = page.select_one("div.table-scroll[role=region]")
    assert (region["tabindex"], region["aria-label"]) == ("0", "Table")
    assert [th["scope"] for th in region.select("th")] == ["col", "col", "row"]


def test_a_page_without_a_video_frames_nothing(client):
    article = make_article(body="<p>Words only.</p>")
    response = https_client().get(article.get_absolute_url())
    assert "frame-src" not in response["Content-Security-Policy"]
    assert b"video.js" not in response.content


def test_a_video_figure_with_another_address_stays_a_plain_link():
    article = make_article(
        body='<figure class="video-embed"><a href="https://videos.example/1">Elsewhere</a></figure>'
    )
    page = BeautifulSoup(https_client().get(article.get_absolute_url()).content, "html.parser")
    figure = page.select_one("figure.video-embed")
    assert not figure.has_attr("data-embed")
    assert figure.a["href"] == "https://videos.example/1"


def test_a_library_image_as_the_poster_is_shown_through_its_renditions(client):
    still = make_image(alt="The line from above")
    body = (
        '<figure class="video-embed"><a href="https://youtu.be/dQw4w9WgXcQ">'
        f'<img src="{still.file.url}" alt="">Line 4 runs</a></figure>'
        '<figure class="video-embed"><a href="https://vimeo.com/76979871">'
        '<img src="https://tracker.example/poster.jpg" alt="">Tour</a></figure>'
    )
    article = make_article(body=body)
    page = BeautifulSoup(https_client().get(article.get_absolute_url()).content, "html.parser")
    shown, elsewhere = page.select("figure.video-embed")
    poster = shown.select_one(".video-poster.with-image picture")
    assert poster.source["type"] == "image/webp"
    webp = [r.file.url for r in still.renditions.filter(format="webp")]
    assert webp
    assert all(url in poster.source["srcset"] for url in webp)
    assert poster.img["alt"] == ""  # the button and the caption name the video
    assert poster.img["loading"] == "lazy"
    assert shown.select_one("button.video-play")["aria-label"] == "Play video: Line 4 runs"
    assert shown.figcaption.text == "Line 4 runs"
    # A poster from elsewhere is left out: the page fetches nothing from other sites.
    assert not elsewhere.select("img, picture")
    assert "with-image" not in elsewhere.select_one(".video-poster")["class"]
    assert "tracker.example" not in str(page)
    # The library knows the image is in use, as for a figure's.
    assert list(bodies_showing(still)) == [article]
