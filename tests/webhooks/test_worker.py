"""The real `newscenter worker`, killed with SIGKILL while deliveries are in flight, then
started again: every message still arrives, verified, and none more than once more (with the
same webhook-id)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook

from tests.test_cli import NEWSCENTER, env_with_data_dir

ARTICLES = 5

# Run in the worker's own database: an endpoint at the receiver and five articles published,
# each leaving its "published" message in the outbox.
SETUP = """
import json
from newscenter.news import services
from newscenter.news.policy import SYSTEM
from newscenter.webhooks import services as webhooks
from django.utils import timezone
import datetime as dt
endpoint, secret = webhooks.endpoint_create(acting_user=SYSTEM, url="{url}")
for n in range({count}):
    services.article_create(
        acting_user=SYSTEM, headline=f"Kesselmark news number {{n}}", body="<p>News.</p>",
        status="published", pub_date=timezone.now() - dt.timedelta(hours=1),
    )
print(json.dumps({{"secret": secret}}))
"""

STATE = """
import json
from newscenter.webhooks.models import Delivery, Message
print(json.dumps({
    "messages": sorted(Message.objects.values_list("msg_id", flat=True)),
    "states": sorted(Delivery.objects.values_list("state", flat=True)),
    "attempts": {d.message.msg_id: d.log.count() for d in Delivery.objects.all()},
}))
"""


class Receiver:
    """Holds every request that arrives before ``release`` (the worker is killed meanwhile),
    then answers 204 at once."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        self.first = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.received.append(({k.lower(): v for k, v in self.headers.items()},
                                              body))  # fmt: skip
                receiver.first.set()
                receiver.release.wait(30)
                try:
                    self.send_response(204)
                    self.end_headers()
                except OSError:
                    pass  # the worker that asked is gone

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self) -> list[str]:
        with self.lock:
            return [headers["webhook-id"] for headers, _ in self.received]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _shell(env: dict, code: str) -> dict:
    done = subprocess.run([*NEWSCENTER, "shell", "-v", "0", "-c", code], env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen([*NEWSCENTER, "worker", "--interval", "0.5"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip


def _until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_loses_nothing_and_sends_at_most_once_more(tmp_path):
    receiver = Receiver()
    env = env_with_data_dir(
        tmp_path,
        NEWSCENTER_FETCH_ALLOW_PRIVATE="true",  # the receiver is on loopback
        NEWSCENTER_WEBHOOK_TIMEOUT="3",  # a claim lasts timeout + 15 s: the test's wait
    )
    first = second = None
    try:
        subprocess.run([*NEWSCENTER, "migrate", "-v", "0"], env=env, check=True, timeout=300)
        secret = _shell(env, SETUP.format(url=receiver.url, count=ARTICLES))["secret"]
        first = _worker(env)
        assert receiver.first.wait(120), "the worker sent nothing"
        time.sleep(0.5)  # let the rest of the round reach the receiver too
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        time.sleep(0.5)  # a request already on the wire is read by the receiver all the same
        in_flight = set(receiver.ids())
        assert in_flight  # killed with deliveries in flight, unanswered
        receiver.release.set()
        second = _worker(env)
        messages = set(_shell(env, STATE)["messages"])
        assert len(messages) == ARTICLES
        assert _until(lambda: set(receiver.ids()) == messages
                      and Counter(receiver.ids()).keys() >= in_flight
                      and all(Counter(receiver.ids())[i] == 2 for i in in_flight), 120), (
            receiver.ids(), in_flight)  # fmt: skip
        assert _until(lambda: set(_shell(env, STATE)["states"]) == {"delivered"}, 60)
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                os.kill(worker.pid, signal.SIGTERM)
                worker.wait(timeout=30)
        receiver.close()
    # Every message arrived; the ones in flight at the kill came once more, no others did.
    counts = Counter(receiver.ids())
    assert set(counts) == messages
    assert {i for i, n in counts.items() if n == 2} == in_flight
    assert max(counts.values()) == 2
    # Each arrival, the repeated ones included, verifies with the official library.
    for headers, body in receiver.received:
        payload = Webhook(secret).verify(body, headers)
        assert payload["type"] == "article.published"
    state = _shell(env, STATE)
    assert set(state["states"]) == {"delivered"}
    assert all(n == 1 for n in state["attempts"].values())  # the killed attempt left no log
