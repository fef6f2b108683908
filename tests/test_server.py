"""The server `newscenter serve` runs, as an attacker and a crowd meet it: slow clients never
hold a thread, a full lane answers 503 with Retry-After at once, the desk keeps threads of its
own, and a body that trickles or is too large is refused. Timeouts here are the behaviour."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import SEED
from tests.test_cli import NEWSCENTER, _get_when_up, env_with_data_dir, free_port

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One process with one public thread and one desk thread, one place in line, and short
    limits: each limit is then met by a handful of requests."""
    tmp_path = tmp_path_factory.mktemp("server")
    port = free_port()
    env = env_with_data_dir(
        tmp_path,
        NEWSCENTER_HTTPS="false",
        NEWSCENTER_PAGE_CACHE_SECONDS="0",
        NEWSCENTER_THREADS="1",
        NEWSCENTER_DESK_THREADS="1",
        NEWSCENTER_QUEUE="1",
        NEWSCENTER_QUEUE_WAIT="1",
        NEWSCENTER_BODY_TIMEOUT="2",
        NEWSCENTER_MAX_BODY_MB="1",
    )
    subprocess.run([*NEWSCENTER, "setup"], env=env, check=True, capture_output=True)
    media = tmp_path / "data" / "media"
    media.mkdir(parents=True, exist_ok=True)
    (media / "annual-report.pdf").write_bytes(b"%PDF" + b"\0" * (96 * 1024 * 1024))
    process = subprocess.Popen(
        [*NEWSCENTER, "serve", "--port", str(port), "--workers", "1", "--no-worker",
         "--header-timeout", "30", "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _get_when_up(f"http://127.0.0.1:{port}/news/")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, timeout: float = 5) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response


def test_sixteen_slow_clients_do_not_keep_a_reader_out(server):
    stop = threading.Event()

    def trickle():
        with socket.create_connection(("127.0.0.1", server), timeout=30) as sock:
            for byte in b"GET /news/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"s" * 100:
                if stop.is_set():
                    return
                sock.send(bytes([byte]))
                time.sleep(1)

    slow = [threading.Thread(target=trickle, daemon=True) for _ in range(16)]
    for thread in slow:
        thread.start()
    try:
        time.sleep(2)  # all sixteen are sending their headers, a byte a second
        for _ in range(5):
            assert get(server, "/news/", timeout=5).status == 200
    finally:
        stop.set()


def test_a_full_lane_answers_503_with_retry_after_and_the_desk_still_answers(server):
    # A reader who never reads a large download holds the one public thread.
    hog = socket.create_connection(("127.0.0.1", server), timeout=30)
    hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    hog.sendall(b"GET /media/annual-report.pdf HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    try:
        time.sleep(1.5)
        busy = get(server, "/news/", timeout=5)
        assert busy.status == 503
        assert busy.getheader("Retry-After") == "5"
        assert busy.getheader("Cache-Control") == "no-store"
        desk = get(server, "/admin/login/", timeout=5)  # its own thread
        assert desk.status == 302
    finally:
        hog.close()
    deadline = time.monotonic() + 30  # a hang guard: 10 s ran out once on a machine at load 8
    while get(server, "/news/").status == 503 and time.monotonic() < deadline:
        time.sleep(0.2)  # the thread comes back once the download is abandoned
    assert get(server, "/news/").status == 200


def test_a_body_that_trickles_in_is_answered_408(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        began = time.monotonic()
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n"
            b"username=a"
        )
        answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
        assert time.monotonic() - began < 8


def test_a_body_over_the_limit_is_answered_413_before_it_is_read(server):
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    connection.putrequest("POST", "/accounts/login/")
    connection.putheader("Content-Length", str(2 * 1024 * 1024))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert b"larger than 1 MB" in response.read()


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                if parent == pid:
                    found |= {int(entry.name), *_descendants(int(entry.name))}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_serve_killed_takes_its_server_and_worker_with_it_and_restarts_without_collecting(
    tmp_path,
):
    port = free_port()
    env = env_with_data_dir(tmp_path, NEWSCENTER_HTTPS="false")
    subprocess.run([*NEWSCENTER, "setup"], env=env, check=True, capture_output=True)
    command = [*NEWSCENTER, "serve", "--port", str(port), "--workers", "1", "--no-access-log"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        _get_when_up(f"http://127.0.0.1:{port}/news/")
        deadline = time.monotonic() + 30
        while len(children := _descendants(first.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)  # granian, its worker process, and the background worker
        assert len(children) >= 3, children
        manifest = tmp_path / "data" / "static" / "staticfiles.json"
        collected_at = manifest.stat().st_mtime_ns
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        deadline = time.monotonic() + 30
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in children if _alive(pid)]
        with pytest.raises(ConnectionRefusedError):
            get(port, "/news/", timeout=2)
    finally:
        for pid in _descendants(first.pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        assert _get_when_up(f"http://127.0.0.1:{port}/news/").status == 200
        assert manifest.stat().st_mtime_ns == collected_at  # the sources did not change
    finally:
        second.terminate()
        assert second.wait(timeout=60) == 0


@pytest.mark.slow
def test_granian_killed_under_serve_is_started_again(tmp_path):
    """A `kill -9` of granian's main process (a crash, the OOM killer) leaves the site down
    only for a moment: serve starts granian again and the worker keeps running."""
    port = free_port()
    env = env_with_data_dir(tmp_path, NEWSCENTER_HTTPS="false")
    subprocess.run([*NEWSCENTER, "setup"], env=env, check=True, capture_output=True)
    command = [*NEWSCENTER, "serve", "--port", str(port), "--workers", "1", "--no-access-log"]
    serve = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        _get_when_up(f"http://127.0.0.1:{port}/news/", timeout=300)
        time.sleep(11)  # past serving.SERVED_FOR: a granian that served is started again
        granian = _granian_under(serve.pid)
        assert len(granian) == 1, granian
        os.kill(granian[0], signal.SIGKILL)
        # serve notices, ends what granian left (its workers could still answer), starts one
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (
            _alive(granian[0]) or not set(_granian_under(serve.pid)) - set(granian)
        ):
            time.sleep(0.2)
        assert not _alive(granian[0])
        assert set(_granian_under(serve.pid)) - set(granian), "no new granian was started"
        assert _get_when_up(f"http://127.0.0.1:{port}/news/", timeout=300).status == 200
        assert serve.poll() is None
    finally:
        serve.terminate()
        assert serve.wait(timeout=60) == 0


def _granian_under(parent: int) -> list[int]:
    """The granian main processes that are children of ``parent``."""
    found = []
    for pid in _descendants(parent):
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            if (
                b"granian" in Path(f"/proc/{pid}/cmdline").read_bytes()
                and int(stat.rsplit(")", 1)[1].split()[1]) == parent
            ):
                found.append(pid)
    return found


@pytest.mark.parametrize("module", ["newscenter.asgi", "newscenter.wsgi"])
def test_what_the_server_loads_is_kept_out_of_full_collections(tmp_path, module):
    """Django, the apps and the URLconf live as long as the process: the collector's full
    passes walked them all (140,000 objects, 70-130 ms a pass, the p99 of bench/sitemaps.py).
    Loaded by the server, they are frozen, and a full pass walks what requests leave."""
    script = f"import gc, {module}; print(gc.get_freeze_count(), len(gc.get_objects()))"
    frozen, tracked = _printed_numbers(tmp_path, script)
    assert frozen > 50_000
    assert tracked < frozen / 5


@pytest.mark.parametrize("command", ["import", "worker"])
def test_what_an_import_or_the_worker_loads_is_kept_out_of_full_collections(
    tmp_path, seed_text, command
):
    """The rows an import makes set off the collector's full passes, each walking Django and
    the apps again (0.45-0.53 s of a 2,000-post import's CPU): the import command and the
    worker set them aside when they start, as the servers do."""
    args = [str(SEED), "--dry-run"] if command == "import" else ["--once"]
    script = (
        "import gc, io, os, django\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'newscenter.settings'\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "before = gc.get_freeze_count()\n"
        f"call_command({command!r}, *{args!r}, stdout=io.StringIO())\n"
        "print(before, gc.get_freeze_count())\n"
    )
    before, after = _printed_numbers(tmp_path, script)
    assert before == 0
    assert after > 50_000


def _printed_numbers(tmp_path, script: str) -> list[int]:
    """The two numbers a Python process running ``script`` on a data folder of its own
    prints last."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env_with_data_dir(tmp_path),
        check=True,
        capture_output=True,
        text=True,
    )
    return [int(n) for n in done.stdout.split()[-2:]]
