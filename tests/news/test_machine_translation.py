"""The machine translation hook: off by default; on, a local stand-in for a provider (a real
HTTP server on loopback, speaking the documented JSON) drafts a translation, only ever a
draft, its HTML through the allow-list; a service that fails leaves nothing behind."""

from __future__ import annotations

import http.server
import json
import threading

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM, PolicyDenied
from tests.builders import make_article, make_user

pytestmark = pytest.mark.django_db

GERMAN = {
    "Plant opens": "Werk eröffnet",
    "With 35 jobs.": "Mit 35 Arbeitsplätzen.",
    "<p>The plant opens.</p>": "<p>Das Werk öffnet.<script>alert(1)</script></p>",
    "<h2>Testing</h2>": "<h2>Prüfung</h2>",
}


class FakeProvider(http.server.BaseHTTPRequestHandler):
    """Translates from a word list; answers what ``server.answer`` says instead when set."""

    def do_POST(self):
        asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.asked.append(asked)
        status, body = self.server.answer or (
            200,
            {"texts": [GERMAN.get(text, text) for text in asked["texts"]]},
        )
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    server.asked, server.answer = [], None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NEWSCENTER_MACHINE_TRANSLATION_URL = f"http://127.0.0.1:{server.server_port}/t"
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = True  # the stand-in runs on loopback
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def source(db):
    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    return make_article(headline="Plant opens", standfirst="With 35 jobs.",
                        body="<p>The plant opens.</p><h2>Testing</h2>")  # fmt: skip


def test_off_unless_configured(source, settings):
    assert settings.NEWSCENTER_MACHINE_TRANSLATION_URL == ""
    with pytest.raises(ValidationError, match="No machine translation service is configured"):
        services.translation_machine_draft(acting_user=SYSTEM, source=source, language="de")
    assert not Article.objects.filter(language="de").exists()


def test_a_machine_draft_from_the_provider(source, provider):
    draft = services.translation_machine_draft(acting_user=SYSTEM, source=source, language="de")
    assert provider.asked == [{
        "source": "en", "target": "de", "format": "html",
        "texts": ["Plant opens", "With 35 jobs.", "<p>The plant opens.</p>", "<h2>Testing</h2>"],
    }]  # fmt: skip
    draft.refresh_from_db()
    assert (draft.headline, draft.standfirst) == ("Werk eröffnet", "Mit 35 Arbeitsplätzen.")
    assert draft.body == "<p>Das Werk öffnet.</p><h2>Prüfung</h2>"  # the allow-list
    assert draft.status == Article.Status.DRAFT
    assert draft.translated_from == source
    # Only ever a new draft: never over a translation that exists.
    with pytest.raises(ValidationError, match="already has a de version"):
        services.translation_machine_draft(acting_user=SYSTEM, source=source, language="de")


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ((500, {"error": "down"}), "answered 500"),
        ((200, {"translations": []}), "answered something else"),
        ((200, {"texts": ["nur eins"]}), "sent back 1 texts for 4"),
    ],
)
def test_a_failing_service_leaves_nothing_behind(source, provider, answer, words):
    provider.answer = answer
    with pytest.raises(ValidationError, match=words):
        services.translation_machine_draft(acting_user=SYSTEM, source=source, language="de")
    assert not Article.objects.filter(language="de").exists()


def test_people_without_the_right_are_refused_before_the_service_is_asked(source, provider):
    with pytest.raises(PolicyDenied):
        services.translation_machine_draft(acting_user=make_user(), source=source, language="de")
    assert provider.asked == []


def test_the_desks_machine_draft_button(source, provider, role_client):
    client = role_client("editor")
    matrix = client.get("/admin/news/article/translations/").content.decode()
    url = reverse("admin:news_article_machine_draft", args=[source.pk, "de"])
    assert f'action="{url}"' in matrix
    response = client.post(url)
    draft = Article.objects.get(language="de")
    assert response["Location"] == reverse("admin:news_article_change", args=[draft.pk])
    assert draft.headline == "Werk eröffnet"
