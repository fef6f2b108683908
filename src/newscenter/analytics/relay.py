"""From the web processes to the worker: hits handed over a local socket, never through a file.

Classifying a hit (the visitor's daily hash, the country, the browser) and inserting its event
cost several times what the page's side of counting does; done in a thread of the web process,
they shared its CPU with the pages (bench/analytics.py). So the web process's writer thread
sends what waits in its buffer to ``newscenter worker`` over a Unix socket
(``NEWSCENTER_ANALYTICS_SOCKET``, in the data folder, mode 0600) and the worker classifies and
writes it. A socket's bytes stay in memory (the kernel's buffers): the address and the user
agent still never reach a disk. The worker answers once the batch is committed, with how many
events it wrote and whether the site counts; until then the web process keeps the batch.

Wire format, one batch a connection: a 4-byte big-endian length and a list of hits (each the
tuple of :class:`Hit`'s fields) in :mod:`marshal`'s format 4; the answer, the same way, a JSON
object ``{"written": n, "counting": true}`` or ``{"error": "..."}`` (nothing of the batch
written). marshal, not JSON: JSON cost ten times as much a hit to make (3 us against 0.3, a
percent of a page's CPU). marshal is not meant for data from strangers; none reach this
socket, which is the site user's alone (mode 0600, as the database file is), and what it
reads is checked field by field before use (:func:`hits_of`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import marshal
import os
import socket
import socketserver
import struct
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from newscenter.analytics.hits import Hit

logger = logging.getLogger("newscenter.analytics")

MAX_BYTES = 64 * 1024 * 1024  # one batch is a few hundred hits of a few hundred bytes
READ_SECONDS = 10.0  # a connection that sends nothing this long is dropped
_LENGTH = struct.Struct("!I")
MARSHAL_VERSION = 4  # read alike by every Python since 3.4: a worker and a server may differ


class Unavailable(OSError):
    """Nobody listens on the socket: nothing was sent."""


class Refused(RuntimeError):
    """The worker read the batch and wrote none of it; the message says why."""


def send(batch: Sequence[Hit], path: str, *, timeout: float = 60.0) -> tuple[int, bool]:
    """Hand ``batch`` to the worker listening on ``path``; (events it wrote, whether the site
    counts). Unavailable when nobody listens, Refused when the worker wrote none of it, another
    OSError when the connection broke or timed out after sending (the batch may be written)."""
    body = marshal.dumps([tuple(hit) for hit in batch], MARSHAL_VERSION)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(path)
        except OSError as error:  # no such file, nobody listening, a path too long
            raise Unavailable(str(error)) from error
        sock.sendall(_LENGTH.pack(len(body)))
        sock.sendall(body)
        answer = json.loads(_read_message(sock))
    if not isinstance(answer, dict) or "error" in answer:
        raise Refused(str(answer.get("error") if isinstance(answer, dict) else answer))
    return int(answer["written"]), bool(answer["counting"])


def _read_message(sock: socket.socket) -> bytes:
    """One message; EOFError when the connection ended before its first byte."""
    first = sock.recv(_LENGTH.size)
    if not first:
        raise EOFError
    (length,) = _LENGTH.unpack(first + _read_exactly(sock, _LENGTH.size - len(first)))
    if length > MAX_BYTES:
        raise ValueError(f"a batch of {length} bytes is more than {MAX_BYTES}")
    return _read_exactly(sock, length)


def _read_exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise ConnectionError(f"the connection ended {left} bytes short")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _send_message(sock: socket.socket, answer: dict[str, object]) -> None:
    body = json.dumps(answer).encode()
    sock.sendall(_LENGTH.pack(len(body)) + body)


def hits_of(payload: bytes) -> list[Hit]:
    """The hits of a batch as sent; ValueError naming the first one that is not a hit."""
    try:
        rows = marshal.loads(payload)  # noqa: S302 (the site user's socket alone: see above)
    except (EOFError, TypeError, ValueError) as error:
        raise ValueError(f"not a batch: {error}") from None
    if not isinstance(rows, list):
        raise ValueError("a batch is a list of hits")
    return [_hit(n, row) for n, row in enumerate(rows)]


_TEXT = ("host", "path", "query", "user_agent", "referrer", "language")


def _hit(n: int, row: object) -> Hit:
    if type(row) is not tuple or len(row) != len(Hit._fields):
        raise ValueError(f"hit {n}: a tuple of {len(Hit._fields)} fields is expected")
    hit = Hit(*row)
    wrong = [name for name in _TEXT if not isinstance(getattr(hit, name), str)]
    if not isinstance(hit.at, int | float) or isinstance(hit.at, bool):
        wrong.append("at")
    if hit.ip is not None and not isinstance(hit.ip, str):
        wrong.append("ip")
    if hit.results is not None and (not isinstance(hit.results, int)
                                    or isinstance(hit.results, bool)):  # fmt: skip
        wrong.append("results")
    if not isinstance(hit.beacon, bool):
        wrong.append("beacon")
    if wrong:
        raise ValueError(f"hit {n}: {', '.join(wrong)} of the wrong type")
    return hit


# --- The worker's side ---------------------------------------------------------------------


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sock = self.request
        sock.settimeout(READ_SECONDS)
        try:
            payload = _read_message(sock)
        except EOFError:  # a look whether somebody listens (:func:`listening`)
            return
        except (OSError, ValueError, struct.error) as error:
            logger.warning("an analytics batch could not be read: %s", error)
            with contextlib.suppress(OSError):
                _send_message(sock, {"error": f"unreadable: {error}"})
            return
        try:
            hits = hits_of(payload)
        except ValueError as error:
            logger.warning("an analytics batch was refused: %s", error)
            answer: dict[str, object] = {"error": str(error)}
        else:
            try:
                written, counting = self.server.write(hits)
                answer = {"written": written, "counting": counting}
            except Exception as error:  # the database may be away: the sender keeps the batch
                logger.exception("writing %d analytics hits failed", len(hits))
                answer = {"error": f"not written: {type(error).__name__}"}
        with contextlib.suppress(OSError):  # the sender gave up: it keeps or resends the batch
            _send_message(sock, answer)


class _Server(socketserver.UnixStreamServer):
    """One connection at a time: batches are written one after the other."""

    def __init__(self, path: str, write: Callable[[list[Hit]], tuple[int, bool]]):
        self.write = write
        super().__init__(path, _Handler)


class Receiver(threading.Thread):
    """The worker's listener: writes each batch a web process sends (``write``), answers when
    it is committed. Binds ``path`` (mode 0600) unless another receiver already listens there."""

    def __init__(self, path: str, write: Callable[[list[Hit]], tuple[int, bool]]):
        super().__init__(name="analytics-receiver", daemon=True)
        self.path = path
        self.write = write
        self.server: _Server | None = None
        self.ready = threading.Event()

    def bind(self) -> bool:
        """Take the socket; False when another process listens on it already."""
        if listening(self.path):
            return False
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # left by a worker that was killed
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        umask = os.umask(0o177)  # the socket is the site user's alone
        try:
            self.server = _Server(self.path, self.write)
        finally:
            os.umask(umask)
        return True

    def run(self) -> None:
        try:
            if self.server is None and not self.bind():
                logger.warning("another process receives analytics at %s", self.path)
                return
        except OSError:  # the web processes write their hits themselves, as without a worker
            logger.exception("analytics cannot listen at %s", self.path)
            return
        finally:
            self.ready.set()
        assert self.server is not None
        self.server.serve_forever(poll_interval=0.5)

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)


def listening(path: str) -> bool:
    """Whether a process accepts connections on ``path``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        try:
            sock.connect(path)
        except OSError:
            return False
    return True
