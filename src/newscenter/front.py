"""The front of the app server: what stands between connections and Django's threads.

granian reads each connection's headers in its own event loop (a slow client costs a socket,
never a thread, and is cut off by the header timeout). This ASGI layer then:

- reads the whole body before the request may take a thread, within a time limit and a size
  cap (a client trickling its body is answered 408, an oversize one 413): a slow upload holds
  a coroutine, not a thread;
- admits the request into one of two lanes, each with threads of its own: the editors' desk
  and sign-in (so that they stay usable while the public site is overloaded), and the rest.
  A lane lets a bounded number of requests wait for a thread, each for a bounded time; past
  either, the answer is ``503 Service Unavailable`` with ``Retry-After`` instead of a wait
  with no end;
- runs Django's WSGI application in a thread pool (a2wsgi), one request per thread.

Before all that, a page the page cache holds for a reader is answered here, in the event
loop, by the page cache's own code (``web.pagecache.middleware.cached``): a hit takes no thread
and no queue, which is most of what a busy public site serves.

``newscenter serve`` runs it (docs/deploy.md gives the numbers and how to change them).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from a2wsgi import WSGIMiddleware

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CHUNK = 64 * 1024
SPOOL_BYTES = 1024 * 1024  # bodies larger than this wait on disk, not in memory


@dataclass(frozen=True)
class Limits:
    threads: int = 8  # threads for the public lane, per worker process
    desk_threads: int = 2  # threads of its own for the desk and sign-in
    queue: int = 64  # requests a lane lets wait for a thread
    wait: float = 5.0  # seconds one may wait before it is answered 503
    retry_after: int = 5  # seconds a 503 asks the client to wait
    body_timeout: float = 60.0  # seconds to receive a whole request body
    max_body: int = 64 * 1024 * 1024  # bytes


class Lane:
    """Threads for one kind of request, and a bounded wait for them."""

    def __init__(self, capacity: int, queue: int, wait: float):
        self.capacity, self.queue, self.wait = capacity, queue, wait
        self.waiting = 0
        self._slots: asyncio.Semaphore | None = None

    @property
    def slots(self) -> asyncio.Semaphore:
        if self._slots is None:  # made in the worker's own event loop
            self._slots = asyncio.Semaphore(self.capacity)
        return self._slots

    async def enter(self) -> bool:
        """Take a thread, waiting a bounded time in a bounded queue; False when refused."""
        if self.slots.locked() and self.waiting >= self.queue:
            return False
        self.waiting += 1
        try:
            await asyncio.wait_for(self.slots.acquire(), self.wait)
        except TimeoutError:
            return False
        finally:
            self.waiting -= 1
        return True

    def leave(self) -> None:
        self.slots.release()


class Front:
    """The ASGI application ``newscenter serve`` runs: lanes and buffering around Django."""

    def __init__(
        self,
        wsgi_app: Any,
        limits: Limits,
        desk_prefixes: tuple[str, ...],
        cached: Callable[[Scope], Any] | None = None,
    ):
        self.app: Any = WSGIMiddleware(wsgi_app, workers=limits.threads + limits.desk_threads)
        self.limits = limits
        self.desk_prefixes = desk_prefixes
        self.public = Lane(limits.threads, limits.queue, limits.wait)
        self.desk = Lane(limits.desk_threads, limits.queue, limits.wait)
        self.cached = cached

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # lifespan: a2wsgi answers it
            return
        if self.cached is not None and scope["method"] in ("GET", "HEAD"):
            response = self.cached(scope)
            if response is not None:
                await _respond(send, response, head=scope["method"] == "HEAD")
                return
        body = await self._body(scope, receive, send)
        if body is None:
            return  # answered already: too slow or too large
        lane = self.desk if scope["path"].startswith(self.desk_prefixes) else self.public
        try:
            if not await lane.enter():
                await _busy(send, self.limits.retry_after)
                return
            try:
                await self.app(scope, _replay(body, receive), send)
            finally:
                lane.leave()
        finally:
            body.close()

    async def _body(self, scope: Scope, receive: Receive, send: Send) -> Any:
        """The whole request body in a spooled file, or None once answered 408 or 413."""
        body = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by caller)
        deadline = time.monotonic() + self.limits.body_timeout
        declared = _content_length(scope)
        if declared is not None and declared > self.limits.max_body:
            body.close()
            await _too_large(send, self.limits.max_body)
            return None
        size, more = 0, True
        while more:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                body.close()
                await _answer(send, 408, b"The request body arrived too slowly.\n",
                              [(b"connection", b"close")])  # fmt: skip
                return None
            if message["type"] == "http.disconnect":
                body.close()
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limits.max_body:
                body.close()
                await _too_large(send, self.limits.max_body)
                return None
            body.write(chunk)
            more = message.get("more_body", False)
        body.seek(0)
        return body


def _replay(body: Any, receive: Receive) -> Receive:
    """A ``receive`` that gives the buffered body, then passes the client's own events on."""
    done = False

    async def replay() -> Message:
        nonlocal done
        if done:
            return await receive()  # only http.disconnect is left to come
        chunk = body.read(CHUNK)
        more = len(chunk) == CHUNK
        done = not more
        return {"type": "http.request", "body": chunk, "more_body": more}

    return replay


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _respond(send: Send, response: Any, *, head: bool) -> None:
    """A Django ``HttpResponse`` (not streaming) as ASGI messages."""
    headers = [
        (name.encode("latin-1"), value.encode("latin-1"))
        for name, value in response.items()
        if name.lower() != "content-length"  # written below, from the body itself
    ]
    headers.append((b"content-length", str(len(response.content)).encode()))
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else response.content})


async def _busy(send: Send, retry_after: int) -> None:
    text = b"The site is busy: please try again in a moment.\n"
    await _answer(send, 503, text, [(b"retry-after", str(retry_after).encode())])


async def _too_large(send: Send, limit: int) -> None:
    message = f"The request body is larger than {limit // (1024 * 1024)} MB.\n".encode()
    await _answer(send, 413, message, [(b"connection", b"close")])


async def _answer(send: Send, status: int, text: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(text)).encode()),
            (b"cache-control", b"no-store"),
            (b"x-content-type-options", b"nosniff"),
            *headers,
        ],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": text})
