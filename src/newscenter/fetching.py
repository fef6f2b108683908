"""Fetch one URL from the outside world without becoming a proxy into the inside one (SSRF).

Every hop is checked before anything is sent: http or https only, no credentials, and every
address the host name resolves to must be public. The connection then goes to the checked
address itself, so a second DNS answer cannot swap in a private one (DNS rebinding). Redirects
are followed by hand, each target checked again; time, size and decompressed size are capped.
"""

from __future__ import annotations

import contextlib
import heapq
import ipaddress
import itertools
import os
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

USER_AGENT = "newscenter/0.1 (+feed reader)"
MAX_BYTES = 20 * 1024 * 1024
TIMEOUT = 15.0  # seconds for the whole fetch, redirects included
CONNECT_TIMEOUT = 5.0
MAX_REDIRECTS = 3
CHUNK = 64 * 1024
REDIRECTS = frozenset({301, 302, 303, 307, 308})
# RFC 3986 reserved and unreserved characters, and "%": left alone when quoting a path.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~-._"
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """The URL was refused or could not be fetched; the message says why, for people."""


class Unresolvable(FetchError):
    """The host name has no address (now)."""


@dataclass(frozen=True)
class FetchResult:
    status: int  # 200 (any 2xx) or 304
    body: bytes
    etag: str
    last_modified: str
    url: str  # after redirects


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # as written in the URL, IDNA-encoded
    port: int
    path: str  # with the query

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = self.port == (443 if self.scheme == "https" else 80)
        return host if default else f"{host}:{self.port}"


def fetch(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
) -> FetchResult:
    """GET ``url`` (conditionally when ``etag`` or ``last_modified`` is given), all of it
    (connecting, the headers, the body, every redirect) within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    with _Watchdog(deadline) as watchdog:
        try:
            return _fetch(url, etag, last_modified, max_bytes, deadline, watchdog)
        except FetchError:
            if watchdog.fired:
                raise FetchError(f"fetching {url} took too long") from None
            raise


@dataclass(frozen=True)
class PostResult:
    status: int  # whatever the server answered, redirects included (they are not followed)
    headers: dict[str, str]  # lower-cased names
    head: bytes  # the start of the answer's body, no more than asked for
    seconds: float


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float = TIMEOUT,
    answer_bytes: int = 2048,
) -> PostResult:
    """POST ``body`` to ``url`` with the checks ``fetch`` makes (public addresses only, one
    deadline for all of it). Redirects are answers, not followed: a webhook receiver that
    moved says so. Only the first ``answer_bytes`` of the answer are read."""
    began = time.monotonic()
    deadline = began + timeout
    with _Watchdog(deadline) as watchdog:
        try:
            target = parse_url(url)
            address = resolve(target.host, target.port)
            with _pool(target, address, deadline, watchdog) as pool:
                response = _request(pool, target, "POST", headers, body)
                try:
                    head = _head(response, deadline, answer_bytes, url)
                    return PostResult(
                        response.status,
                        {name.lower(): value for name, value in response.headers.items()},
                        head,
                        time.monotonic() - began,
                    )
                finally:
                    response.close()
        except FetchError:
            # The watchdog's timer or the socket's own timeout may be first to end a wait at
            # the deadline (on a busy machine either can): past it, the cause is the deadline.
            if watchdog.fired or time.monotonic() >= deadline:
                raise FetchError(f"{url} did not answer within {timeout:g} seconds") from None
            raise


def _head(response, deadline: float, limit: int, url: str) -> bytes:
    received = bytearray()
    for chunk in _raw_chunks(response, deadline, 1 << 30, url):
        received += chunk
        if len(received) >= limit:
            break
    return bytes(received[:limit])


def check(url: str) -> None:
    """Raise FetchError, with the sentence ``fetch`` would give, when ``url`` could never be
    fetched: a scheme other than http(s), credentials, or a host on a refused address. A host
    that does not resolve now passes: names come and go, and each fetch checks again."""
    target = parse_url(url)
    with contextlib.suppress(Unresolvable):
        resolve(target.host, target.port)


def _fetch(url, etag, last_modified, max_bytes, deadline, watchdog) -> FetchResult:
    headers = _request_headers(etag, last_modified)
    for _hop in range(MAX_REDIRECTS + 1):
        target = parse_url(url)
        address = resolve(target.host, target.port)
        with _pool(target, address, deadline, watchdog) as pool:
            response = _get(pool, target, headers)
            try:
                location = response.headers.get("Location", "")
                if response.status not in REDIRECTS or not location:
                    return _result(response, url, max_bytes, deadline)
            finally:
                response.close()
        url = _redirect_target(url, location)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects; the last one pointed to {url}")


class _Watchdog:
    """Shuts the fetch's sockets at the deadline, whatever they are waiting for.

    urllib3's read timeout applies to each read: a server sending its headers a byte a second
    would otherwise be waited on for as long as it likes (the body loop checks the deadline
    itself, the header reading inside http.client cannot). The process's one deadline thread
    (:class:`_Deadlines`) closing the socket makes the read in progress fail at once.
    """

    def __init__(self, deadline: float):
        self.deadline = deadline
        self.sockets: list[socket.socket] = []
        self.fired = False
        self.finished = False
        self.lock = threading.Lock()

    def __enter__(self) -> _Watchdog:
        _DEADLINES.watch(self)
        return self

    def __exit__(self, *exc_info) -> None:
        with self.lock:
            self.finished = True

    def watch(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)
            fired = self.fired
        if fired:
            _shut(sock)

    def fire(self) -> None:
        with self.lock:
            if self.finished:
                return
            self.fired = True
            sockets = list(self.sockets)
        for sock in sockets:
            _shut(sock)


class _Deadlines:
    """One thread per process for every fetch's deadline, instead of a timer thread started
    for each fetch: starting that thread took a sixth of the webhook worker's time (cProfile
    of bench/api.py's deliveries)."""

    def __init__(self) -> None:
        self.pid = 0
        self.waiting: list[tuple[float, int, _Watchdog]] = []  # a heap, soonest first
        self.numbers = itertools.count()
        self.changed = threading.Condition()

    def watch(self, watchdog: _Watchdog) -> None:
        if self.pid != os.getpid():  # first use, or a forked process: no thread of its own yet
            with _STARTING:
                if self.pid != os.getpid():
                    self._start()
        with self.changed:
            heapq.heappush(self.waiting, (watchdog.deadline, next(self.numbers), watchdog))
            self.changed.notify()

    def _start(self) -> None:
        self.pid, self.waiting, self.changed = os.getpid(), [], threading.Condition()
        threading.Thread(target=self._run, name="fetch-deadlines", daemon=True).start()

    def _run(self) -> None:
        while True:
            with self.changed:
                while self.waiting and self.waiting[0][2].finished:
                    heapq.heappop(self.waiting)  # the fetch ended in time
                if not self.waiting:
                    self.changed.wait()
                    continue
                wait = self.waiting[0][0] - time.monotonic()
                if wait > 0:
                    self.changed.wait(wait)
                    continue
                _, _, due = heapq.heappop(self.waiting)
            due.fire()


_STARTING = threading.Lock()
_DEADLINES = _Deadlines()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


def _redirect_target(url: str, location: str) -> str:
    try:
        return urljoin(url, location.strip())
    except ValueError:
        raise FetchError(f"{url} redirects to an invalid address: {location[:200]!r}") from None


def _request_headers(etag: str, last_modified: str) -> dict[str, str]:
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8",
        "Accept-Encoding": "gzip, deflate",
    }
    # Validators come from a server: only printable ones are sent back (no header injection).
    if etag and etag.isprintable():
        headers["If-None-Match"] = etag
    if last_modified and last_modified.isprintable():
        headers["If-Modified-Since"] = last_modified
    return headers


# --- checking the URL and the address ----------------------------------------------------------


def parse_url(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"{url!r} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not {scheme or 'this'}: {url}")
    if parts.username is not None or parts.password is not None:
        raise FetchError(f"URLs with a user name or password are refused: {_without_auth(parts)}")
    if not parts.hostname:
        raise FetchError(f"{url!r} has no host name")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise FetchError(f"{parts.hostname!r} is not a valid host name") from None
    path = quote(parts.path or "/", safe=_URL_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_URL_SAFE)
    return _Target(scheme, host, port or (443 if scheme == "https" else 80), path)


def _without_auth(parts: SplitResult) -> str:
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def resolve(host: str, port: int) -> str:
    """The address to connect to; every address of ``host`` must be allowed, not just one."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise Unresolvable(f"cannot resolve {host}: {exc}") from None
    addresses = [str(info[4][0]).split("%")[0] for info in infos]
    for address in addresses:
        reason = refusal(ipaddress.ip_address(address))
        if reason:
            named = f"{address} is" if address == host else f"{host} resolves to {address},"
            raise FetchError(f"{named} {reason}: refused")
    if not addresses:
        raise Unresolvable(f"cannot resolve {host}")
    # One address, not a list to try: IPv4 first, since many hosts publish unreachable IPv6.
    return next((address for address in addresses if ":" not in address), addresses[0])


def refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Why ``address`` may not be fetched from, or "" when it may."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return refusal(embedded)
    # Never useful, whatever the setting: link-local holds cloud metadata (169.254.169.254).
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_link_local:
        return "a link-local address"
    allow_private = getattr(settings, "NEWSCENTER_FETCH_ALLOW_PRIVATE", False)
    if address.is_loopback:  # before "reserved": ::1 lies in the reserved ::/8
        return "" if allow_private else "a loopback address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private or not address.is_global:
        return "" if allow_private else "a private address"
    return ""


def _embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address):
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address, if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


# --- the request and the response -------------------------------------------------------------


def _get(pool, target: _Target, headers: dict[str, str]):
    return _request(pool, target, "GET", headers, None)


def _request(pool, target: _Target, method: str, headers: dict[str, str], body: bytes | None):
    try:
        return pool.urlopen(
            method,
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=False,
            release_conn=False,
        )
    except NewConnectionError as exc:  # before the timeout: urllib3 makes it a subclass of one
        raise FetchError(f"cannot connect to {target.host}: {_reason(exc)}") from None
    except Urllib3Timeout:
        raise FetchError(f"{target.host} did not answer in time") from None
    except (HTTPError, OSError) as exc:
        raise FetchError(f"cannot fetch from {target.host}: {_reason(exc)}") from None


def _pool(target: _Target, address: str, deadline: float, watchdog: _Watchdog):
    """A pool bound to the checked address; TLS still verifies the certificate for the host.
    Its connections show their sockets to the watchdog as soon as they are connected."""
    remaining = _remaining(deadline, target)
    timeout = urllib3.Timeout(connect=min(CONNECT_TIMEOUT, remaining), read=remaining)
    pool = _make_pool(target, address, timeout)
    base = pool.ConnectionCls

    class Watched(base):  # type: ignore[valid-type,misc]
        def connect(self) -> None:
            super().connect()
            watchdog.watch(self.sock)

    pool.ConnectionCls = Watched
    return pool


def _make_pool(target: _Target, address: str, timeout: urllib3.Timeout):
    if target.scheme == "https":
        return HTTPSConnectionPool(
            address,
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            timeout=timeout,
            maxsize=1,
            retries=False,
        )
    return HTTPConnectionPool(address, target.port, timeout=timeout, maxsize=1, retries=False)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return str(reason).split(": ", 1)[-1] or type(exc).__name__


def _remaining(deadline: float, target: _Target) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError(f"fetching from {target.host} took too long")
    return remaining


def _result(response, url: str, max_bytes: int, deadline: float) -> FetchResult:
    status = response.status
    etag = response.headers.get("ETag", "")
    last_modified = response.headers.get("Last-Modified", "")
    if status == 304:
        return FetchResult(304, b"", etag, last_modified, url)
    if not 200 <= status < 300:
        reason = response.reason or ""
        raise FetchError(f"the server answered {status} {reason}".rstrip() + f" for {url}")
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    chunks = _decoded(_raw_chunks(response, deadline, max_bytes, url), encoding, url)
    return FetchResult(status, _collect(chunks, max_bytes, url), etag, last_modified, url)


def _raw_chunks(response, deadline: float, max_bytes: int, url: str) -> Iterator[bytes]:
    """The body as sent, stopping at the deadline even when the server trickles bytes."""
    received = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"fetching {url} took too long")
        _shorten_read_timeout(response, remaining)
        try:
            chunk = response.read1(CHUNK)  # what has arrived: read() waits for a full chunk
        except Urllib3Timeout:
            raise FetchError(f"fetching {url} took too long") from None
        except (HTTPError, OSError) as exc:
            raise FetchError(f"the download of {url} broke off: {_reason(exc)}") from None
        if not chunk:
            return
        received += len(chunk)
        if received > max_bytes:  # compressed padding can be endless while decoding to nothing
            raise FetchError(f"{url} is larger than the limit of {max_bytes:,} bytes")
        yield chunk


def _shorten_read_timeout(response, remaining: float) -> None:
    # urllib3 applies the read timeout per socket read; the deadline is for the whole body.
    sock = getattr(getattr(response, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(remaining)


def _decoded(chunks: Iterator[bytes], encoding: str, url: str) -> Iterator[bytes]:
    """Content-Encoding undone in bounded pieces, so a gzip bomb is stopped by the size cap."""
    if encoding in ("", "identity"):
        yield from chunks
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"{url} was sent with an unsupported Content-Encoding: {encoding}")
    decompressor = None
    try:
        for chunk in chunks:
            decompressor = decompressor or _decompressor(encoding, chunk)
            data = chunk
            while data:
                yield decompressor.decompress(data, CHUNK)
                data = decompressor.unconsumed_tail
        if decompressor is not None:
            yield decompressor.flush()
    except zlib.error as exc:
        raise FetchError(f"{url} was sent with a broken {encoding} encoding ({exc})") from None


def _decompressor(encoding: str, first: bytes):
    if encoding != "deflate":
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    # "deflate" should be zlib-wrapped, but some servers send a raw deflate stream.
    wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and int.from_bytes(first[:2]) % 31 == 0
    return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)


def _collect(chunks: Iterator[bytes], max_bytes: int, url: str) -> bytes:
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"{url} is larger than the limit of {max_bytes:,} bytes")
    return bytes(body)
