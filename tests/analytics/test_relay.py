"""The web process hands its hits to the worker over a local socket, and the worker writes them;
with no worker listening the web process writes them itself. Real sockets, a real receiver."""

from __future__ import annotations

import json
import marshal
import os
import socket
import stat
import struct
import tempfile
from pathlib import Path

import pytest

from newscenter.analytics import buffer, relay, services
from newscenter.analytics.models import Event
from newscenter.cli import worker
from tests.analytics.conftest import reader
from tests.builders import make_article, make_user


@pytest.fixture
def socket_path(settings):
    # A short folder: a Unix socket's path is at most 107 bytes, pytest's tmp_path can be more.
    folder = Path(tempfile.mkdtemp(prefix="ns-relay-"))
    settings.NEWSCENTER_ANALYTICS_SOCKET = str(folder / "analytics.sock")
    yield settings.NEWSCENTER_ANALYTICS_SOCKET
    Path(settings.NEWSCENTER_ANALYTICS_SOCKET).unlink(missing_ok=True)
    folder.rmdir()


@pytest.fixture
def receiving(socket_path):
    """The worker's receiver, as `newscenter worker` starts it."""
    receiver = worker.analytics_receiver()
    assert receiver is not None
    yield receiver
    receiver.stop()


def _exchange(path: str, payload: bytes) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(30)
        sock.connect(path)
        sock.sendall(struct.pack("!I", len(payload)) + payload)
        (length,) = struct.unpack("!I", sock.recv(4))
        return json.loads(sock.recv(length))


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_the_views_a_web_process_hands_over(client, receiving):
    article = make_article()
    reader(client, article.get_absolute_url(), HTTP_REFERER="https://t.co/x")
    reader(client, article.get_absolute_url(), ip="81.2.70.1")
    assert buffer.waiting() == 2
    assert buffer.deliver() == 2
    assert buffer.waiting() == 0
    events = list(Event.objects.order_by("id"))
    assert [(e.article_id, e.channel) for e in events] == [
        (article.pk, "social"),
        (article.pk, "direct"),
    ]
    assert events[0].country == "GB"
    assert all(len(e.visitor) == 32 for e in events)


@pytest.mark.django_db(transaction=True)
def test_the_socket_is_the_site_users_alone_and_goes_with_the_worker(receiving):
    mode = os.stat(receiving.path).st_mode
    assert stat.S_ISSOCK(mode)
    assert stat.S_IMODE(mode) == 0o600
    second = worker.analytics_receiver()  # another worker on the same folder: it stands aside
    assert second is not None
    second.join(5)
    assert not second.is_alive()
    assert relay.listening(receiving.path)
    receiving.stop()
    assert not Path(receiving.path).exists()


@pytest.mark.django_db
def test_without_a_worker_the_web_process_writes_its_views_itself(client, socket_path):
    article = make_article()
    reader(client, article.get_absolute_url())
    assert not Path(socket_path).exists()
    assert buffer.deliver() == 1
    assert [e.article_id for e in Event.objects.all()] == [article.pk]


@pytest.mark.django_db
def test_with_the_socket_switched_off_the_web_process_writes_itself(client, settings):
    settings.NEWSCENTER_ANALYTICS_SOCKET = ""
    article = make_article()
    reader(client, article.get_absolute_url())
    assert buffer.deliver() == 1
    assert Event.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("payload", "said"),
    [
        (b"not a batch", "not a batch"),
        (marshal.dumps({"at": 1}), "a list of hits"),
        (marshal.dumps([("x", "h", "/news/", "", None, "ua", "", "", None, False)]), "hit 0: at"),
        (marshal.dumps([(1.0, "h", "/news/", "", 7, "ua", "", "", None, False)]), "hit 0: ip"),
        (marshal.dumps([(1.0, "h", "/news/")]), "hit 0: a tuple of 10 fields"),
        (marshal.dumps([[1.0, "h", "/news/", "", None, "ua", "", "", None, False]]), "hit 0: a"),
        (marshal.dumps([(1.0, "h", "/news/", "", None, "ua", "", "", True, False)]), "hit 0: res"),
        (marshal.dumps([(1.0, "h", "/news/", "", None, b"ua", "", "", None, 0)]), "user_agent"),
    ],
)
def test_what_is_not_a_batch_of_hits_is_refused_and_nothing_written(receiving, payload, said):
    answer = _exchange(receiving.path, payload)
    assert said in answer["error"]
    assert Event.objects.count() == 0
    assert relay.listening(receiving.path)  # still there for the next batch


@pytest.mark.django_db(transaction=True)
def test_a_batch_past_the_limit_is_refused_unread(receiving):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(30)
        sock.connect(receiving.path)
        sock.sendall(struct.pack("!I", relay.MAX_BYTES + 1))
        (length,) = struct.unpack("!I", sock.recv(4))
        answer = json.loads(sock.recv(length))
    assert "more than" in answer["error"]


@pytest.mark.django_db(transaction=True)
def test_switched_off_the_worker_writes_nothing_and_the_web_process_learns_it(client, receiving):
    article = make_article()
    # Switched off in another process: this one still counts until the worker tells it.
    services.counting_set(acting_user=make_user(role="administrator"), on=False)
    buffer.set_counting(True)
    reader(client, article.get_absolute_url())
    reader(client, article.get_absolute_url())
    assert buffer.waiting() == 2
    assert buffer.deliver() == 0
    assert Event.objects.count() == 0
    assert not buffer.counting()
    assert buffer.waiting() == 0
    services.counting_set(acting_user=make_user(role="administrator", username="b"), on=True)
    buffer.set_counting(False)  # as another process would still have it
    assert buffer.deliver() == 0  # nothing waits: the round reads the switch
    assert buffer.counting()
