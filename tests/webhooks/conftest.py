"""A webhook receiver on 127.0.0.1: records every POST, answers as a test tells it to."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook

from newscenter.news.policy import SYSTEM
from newscenter.webhooks import services
from tests.api.conftest import api, token_for  # noqa: F401  (fixtures shared with the API tests)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    def verified(self, secret: str) -> dict:
        """The payload, as the official Standard Webhooks verifier reads it."""
        return Webhook(secret).verify(self.body, self.headers)


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)
    answer: bytes = b""
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answering(self, status: int, *, headers: dict | None = None, answer: bytes = b""):
        self.status, self.headers, self.answer = status, headers or {}, answer

    def events(self) -> list[str]:
        return [json.loads(r.body)["type"] for r in self.received]

    def delivered(self) -> list[Received]:
        """What arrived while the receiver answered 2xx."""
        return [r for r in self.received if r.headers.get("x-answered", "").startswith("2")]


@pytest.fixture(autouse=True)
def one_at_a_time(settings):
    """Deliveries sent in this thread: the test's transaction is invisible to others. The
    worker's threads are tested through the real worker (test_worker.py)."""
    settings.NEWSCENTER_WEBHOOK_CONCURRENCY = 1


@pytest.fixture
def receiver(settings):
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = True  # the receiver is on loopback

    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            me = state["receiver"]
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if me.delay:
                time.sleep(me.delay)
            headers = {k.lower(): v for k, v in self.headers.items()}
            headers["x-answered"] = str(me.status)
            with me.lock:
                me.received.append(Received(headers, body))
            self.send_response(me.status)
            for name, value in me.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(me.answer)))
            self.end_headers()
            self.wfile.write(me.answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["receiver"] = Receiver(url=f"http://127.0.0.1:{server.server_port}/hooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state["receiver"]
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(receiver, db):
    """An endpoint for every event at the receiver, and its secret."""
    made, secret = services.endpoint_create(acting_user=SYSTEM, url=receiver.url)
    return made, secret


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write and what follows its commit (the outbox's consumers), as a request does."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


def failing_for_five_days(committed) -> None:
    """An article published each day for five days and a round of deliveries after each, on a
    frozen clock: with a receiver failing throughout, its endpoint is then turned off."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from newscenter.webhooks import delivery
    from tests.builders import make_article

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        committed(make_article)
        delivery.run_due()
        for day in range(1, 6):
            clock.move_to(start + dt.timedelta(days=day, minutes=1))
            committed(make_article)
            delivery.run_due()
