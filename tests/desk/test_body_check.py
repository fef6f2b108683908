"""The writing screen asks what the body's allow-list would drop before the HTML view applies."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/admin/news/article/discarded/"


def test_the_check_names_what_would_go_and_not_the_editors_own_markup(role_client):
    client = role_client("contributor")
    editors_own = (
        '<figure class="figure"><img src="/media/images/a.jpg" alt="A" data-file="3">'
        '<figcaption class="figure-caption">A</figcaption></figure>'
        '<table style="min-width: 50px"><colgroup><col style="min-width: 25px"></colgroup>'
        '<tbody><tr><th colspan="1" rowspan="1"><p>Q1</p></th></tr></tbody></table>'
        '<p data-pm-slice="1 1 []"><a href="https://firm.example" rel="noopener">firm</a></p>'
    )
    assert client.post(URL, {"html": editors_own}).json()["removed"] == []
    hostile = (
        '<p onclick="x()">Hi</p><script>x()</script><iframe src="https://t.example/"></iframe>'
    )
    assert client.post(URL, {"html": hostile}).json() == {
        "removed": ["onclick attributes", "<script> with its content", "<iframe> from t.example"],
        "clean": "<p>Hi</p>",
    }


def test_the_check_answers_plainly_to_what_it_does_not_take(role_client, client):
    editor = role_client("editor")
    assert editor.get(URL).status_code == 405
    too_long = editor.post(URL, {"html": "x" * 2_000_001})
    assert too_long.status_code == 413
    assert "characters" in too_long.json()["error"]
    assert client.post(URL, {"html": "<p>x</p>"}).status_code == 302  # signed out: sign in


def test_a_pasted_player_is_named_with_the_way_to_keep_the_video(role_client):
    player = '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
    removed = role_client("editor").post(URL, {"html": player}).json()["removed"]
    assert removed == [
        "<iframe> from www.youtube.com (insert it with the video button: readers get it "
        "click-to-load)"
    ]
