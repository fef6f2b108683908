"""SSRF-safe fetching against a real HTTP server on 127.0.0.1.

By default loopback is refused, so the tests that fetch turn on NEWSCENTER_FETCH_ALLOW_PRIVATE;
the refusal tests leave it off and check that the server never saw a request.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscenter import fetching
from newscenter.fetching import FetchError, fetch

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Contoso Wire</title><link>https://wire.contoso.example/</link>
<item><title>Contoso ships the first batch</title><link>https://wire.contoso.example/1</link>
<guid>https://wire.contoso.example/1</guid><pubDate>Mon, 06 May 2024 10:00:00 +0000</pubDate>
<description>The first batch left the plant.</description></item></channel></rss>"""
MB = 1024 * 1024

Route = Callable[[BaseHTTPRequestHandler], None]


class FeedServer:
    """An HTTP server on 127.0.0.1 with swappable routes; it records every request it gets."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.httpd.handle_error = lambda request, address: None  # clients hang up on purpose
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def feed(self, path: str, body: bytes, *, etag: str = "", last_modified: str = "") -> None:
        self.routes[path] = lambda h: serve_feed(h, body, etag=etag, last_modified=last_modified)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        owner = self.server.owner  # type: ignore[attr-defined]
        owner.requests.append((self.path, dict(self.headers)))
        route = owner.routes.get(self.path)
        if route is None:
            send(self, 404, b"not here")
        else:
            route(self)

    def log_message(self, *args) -> None:
        pass  # keep test output clean


def send(handler, status: int, body: bytes = b"", **headers: str) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def serve_feed(handler, body: bytes, *, etag: str = "", last_modified: str = "") -> None:
    fresh = (etag and handler.headers.get("If-None-Match") == etag) or (
        last_modified and handler.headers.get("If-Modified-Since") == last_modified
    )
    headers = {"Content-Type": "application/rss+xml; charset=utf-8"}
    headers |= {"ETag": etag} if etag else {}
    headers |= {"Last-Modified": last_modified} if last_modified else {}
    if fresh:
        handler.send_response(304)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    send(handler, 200, body, **headers)


def redirect(target: str) -> Route:
    return lambda h: send(h, 302, Location=target)


def stream(total: int, chunk: bytes = b"x" * MB) -> Route:
    """A body of ``total`` bytes written chunk by chunk: never in memory at once."""

    def route(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(total))
        handler.end_headers()
        for _ in range(total // len(chunk)):
            handler.wfile.write(chunk)

    return route


def sleeping(seconds: float) -> Route:
    def route(handler) -> None:
        time.sleep(seconds)
        send(handler, 200, FEED)

    return route


def trickling(seconds: float) -> Route:
    """Headers at once, then one byte every 50 ms: each read is quick, the whole is not."""

    def route(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            handler.wfile.write(b"<")
            handler.wfile.flush()
            time.sleep(0.05)

    return route


def compressed(data_chunks, *, wbits: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join(compressor.compress(chunk) for chunk in data_chunks) + compressor.flush()


GZIP_BOMB = compressed((b"\0" * MB for _ in range(100)), wbits=31)  # 100 MB of zeros, ~100 KB


@pytest.fixture
def server():
    with FeedServer() as running:
        running.feed("/feed.xml", FEED, etag='"v1"', last_modified="Mon, 06 May 2024 10:00:00 GMT")
        for n in range(1, 5):
            running.routes[f"/redirect/{n}"] = redirect(f"/redirect/{n - 1}")
        running.routes["/redirect/0"] = running.routes["/feed.xml"]
        yield running


@pytest.fixture
def allow_private(settings):
    settings.NEWSCENTER_FETCH_ALLOW_PRIVATE = True


@pytest.fixture
def no_connections(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a connection was opened to a refused address")

    monkeypatch.setattr(fetching, "HTTPConnectionPool", refuse)
    monkeypatch.setattr(fetching, "HTTPSConnectionPool", refuse)


# --- refused by default, before any connection --------------------------------------------------

LOOPBACK_AND_PRIVATE = [
    "127.0.0.1",
    "127.1",
    "0x7f000001",
    "2130706433",
    "0177.0.0.1",
    "localhost",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "100.64.0.1",
    "[fc00::1]",
    "[fd12:3456::1]",
    "[64:ff9b::7f00:1]",
    "[2002:7f00:1::]",
]
ALWAYS_REFUSED = [
    "169.254.169.254",
    "[fe80::1]",
    "0.0.0.0",  # noqa: S104 (an address to refuse, not to bind)
    "[::]",
    "224.0.0.1",
    "[ff02::1]",
    "240.0.0.1",
]


@pytest.mark.parametrize("host", LOOPBACK_AND_PRIVATE + ALWAYS_REFUSED)
def test_loopback_private_and_special_addresses_are_refused_without_connecting(
    server, no_connections, host
):
    with pytest.raises(FetchError, match="refused"):
        fetch(server.url("/feed.xml", host=host))
    assert server.requests == []


@pytest.mark.parametrize("host", ALWAYS_REFUSED)
def test_link_local_multicast_and_unspecified_stay_refused_when_private_is_allowed(
    allow_private, no_connections, host
):
    with pytest.raises(FetchError, match="refused"):
        fetch(f"http://{host}/latest/meta-data/")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://ftp.contoso.example/feed.xml", "only http and https"),
        ("gopher://127.0.0.1:70/_GET", "only http and https"),
        ("feed://news.contoso.example/rss", "only http and https"),
        ("//news.contoso.example/rss", "only http and https"),
        ("http://editor:secret@news.contoso.example/rss", "user name or password"),
        ("http:///rss", "no host name"),
        ("http://news.contoso.example:99999/rss", "not a valid URL"),
    ],
)
def test_other_schemes_credentials_and_broken_urls_are_refused(
    allow_private, no_connections, url, message
):
    with pytest.raises(FetchError, match=message) as refused:
        fetch(url)
    assert "secret" not in str(refused.value)


def test_a_host_is_refused_when_any_of_its_addresses_is_private(monkeypatch, no_connections):
    answers = [("198.18.0.0", 80), ("10.1.2.3", 80)]
    infos = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", address) for address in answers]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: infos)
    with pytest.raises(FetchError, match=r"news\.contoso\.example resolves to 198\.18\.0\.0"):
        fetch("http://news.contoso.example/rss")


@given(st.ip_addresses(network="10.0.0.0/8") | st.ip_addresses(network="fc00::/7"))
def test_every_private_address_is_refused(address):
    assert fetching.refusal(address)


@given(st.ip_addresses(network="169.254.0.0/16") | st.ip_addresses(network="fe80::/10"))
def test_every_link_local_address_is_refused(address):
    assert fetching.refusal(address) == "a link-local address"


def test_public_addresses_are_allowed():
    for address in ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"):
        assert fetching.refusal(ipaddress.ip_address(address)) == ""


# --- fetching, with loopback allowed for the test server ---------------------------------------


def test_a_feed_is_fetched_with_validators_and_a_user_agent(server, allow_private):
    result = fetch(server.url("/feed.xml"))
    assert (result.status, result.body) == (200, FEED)
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 06 May 2024 10:00:00 GMT"
    assert result.url == server.url("/feed.xml")
    [(_, headers)] = server.requests
    assert headers["User-Agent"] == "newscenter/0.1 (+feed reader)"
    assert headers["Host"] == f"127.0.0.1:{server.port}"
    assert "If-None-Match" not in headers


def test_validators_with_control_characters_are_not_sent_back(server, allow_private):
    assert fetch(server.url("/feed.xml"), etag='"v1"\r\nX-Injected: 1').status == 200
    assert "If-None-Match" not in server.requests[0][1]
    assert "X-Injected" not in server.requests[0][1]


def test_a_conditional_get_of_an_unchanged_feed_is_a_304(server, allow_private):
    by_etag = fetch(server.url("/feed.xml"), etag='"v1"')
    by_date = fetch(server.url("/feed.xml"), last_modified="Mon, 06 May 2024 10:00:00 GMT")
    assert (by_etag.status, by_etag.body, by_etag.etag) == (304, b"", '"v1"')
    assert (by_date.status, by_date.body) == (304, b"")
    assert server.requests[0][1]["If-None-Match"] == '"v1"'
    assert server.requests[1][1]["If-Modified-Since"] == "Mon, 06 May 2024 10:00:00 GMT"
    assert fetch(server.url("/feed.xml"), etag='"v0"').status == 200


def test_the_connection_goes_to_the_checked_address_with_the_host_name(
    server, allow_private, monkeypatch
):
    """One DNS lookup per hop: a second answer (DNS rebinding) is never asked for."""
    real_getaddrinfo = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host, *args, **kwargs):
        if host == "feeds.fourthcoffee.example":
            lookups.append(host)
            host = "127.0.0.1"
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    result = fetch(server.url("/feed.xml", host="feeds.fourthcoffee.example"))
    assert result.body == FEED
    assert lookups == ["feeds.fourthcoffee.example"]
    assert server.requests[0][1]["Host"] == f"feeds.fourthcoffee.example:{server.port}"


def test_three_redirects_are_followed_and_a_fourth_is_refused(server, allow_private):
    assert fetch(server.url("/redirect/3")).body == FEED
    assert fetch(server.url("/redirect/3")).url == server.url("/redirect/0")
    server.requests.clear()
    with pytest.raises(FetchError, match="more than 3 redirects"):
        fetch(server.url("/redirect/4"))
    assert [path for path, _ in server.requests] == [f"/redirect/{n}" for n in (4, 3, 2, 1)]


@pytest.mark.parametrize(
    "target",
    [
        "http://[::1/broken",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://0.0.0.0:{port}/feed.xml",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_to_a_refused_address_is_not_followed(server, allow_private, target):
    server.routes["/moved"] = redirect(target.format(port=server.port))
    with pytest.raises(FetchError, match=r"refused|only http and https|invalid address"):
        fetch(server.url("/moved"))
    assert [path for path, _ in server.requests] == ["/moved"]


@pytest.mark.parametrize(
    "target", ["http://[::1]:{port}/feed.xml", "http://127.0.0.3:{port}/", "http://10.0.0.1/"]
)
def test_a_redirect_from_a_public_host_to_loopback_or_private_is_refused(
    server, monkeypatch, target
):
    """Private addresses not allowed; 127.0.0.1 alone stands in for a public host."""
    real = fetching.refusal
    monkeypatch.setattr(fetching, "refusal", lambda a: "" if str(a) == "127.0.0.1" else real(a))
    server.routes["/moved"] = redirect(target.format(port=server.port))
    with pytest.raises(FetchError, match=r"a (loopback|private) address: refused"):
        fetch(server.url("/moved"))
    assert [path for path, _ in server.requests] == ["/moved"]


def test_a_50_mb_body_is_refused_at_the_cap(server, allow_private):
    server.routes["/big"] = stream(50 * MB)
    started = time.monotonic()
    with pytest.raises(FetchError, match="larger than the limit of 20,971,520 bytes"):
        fetch(server.url("/big"))
    assert time.monotonic() - started < 5
    with pytest.raises(FetchError, match="larger than the limit of 1,048,576 bytes"):
        fetch(server.url("/big"), max_bytes=MB)


def test_a_server_that_does_not_answer_is_given_up_on(server, allow_private):
    server.routes["/slow"] = sleeping(3)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"did not answer in time|took too long"):
        fetch(server.url("/slow"), timeout=1)
    assert time.monotonic() - started < 2


def test_a_server_that_trickles_is_stopped_at_the_total_timeout(server, allow_private):
    server.routes["/trickle"] = trickling(3)
    started = time.monotonic()
    with pytest.raises(FetchError, match="took too long"):
        fetch(server.url("/trickle"), timeout=1)
    assert time.monotonic() - started < 2


def trickling_headers(seconds: float) -> Route:
    """The status line at once, then one byte of a header every 50 ms: the headers never end
    before ``seconds``, and each read on its own is quick."""

    def route(handler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            handler.wfile.write(b"a")
            handler.wfile.flush()
            time.sleep(0.05)

    return route


def test_a_server_that_trickles_its_headers_is_stopped_at_the_total_timeout(server, allow_private):
    server.routes["/trickle-headers"] = trickling_headers(4)
    started = time.monotonic()
    with pytest.raises(FetchError, match="took too long"):
        fetch(server.url("/trickle-headers"), timeout=1)
    assert time.monotonic() - started < 2


def test_a_gzip_bomb_is_refused_at_the_decoded_cap(server, allow_private):
    assert len(GZIP_BOMB) < 200_000
    server.routes["/bomb"] = lambda h: send(h, 200, GZIP_BOMB, Content_Encoding="gzip")
    started = time.monotonic()
    with pytest.raises(FetchError, match="larger than the limit"):
        fetch(server.url("/bomb"))
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(("encoding", "wbits"), [("gzip", 31), ("deflate", 15), ("deflate", -15)])
def test_compressed_feeds_are_decoded(server, allow_private, encoding, wbits):
    body = compressed([FEED], wbits=wbits)
    server.routes["/packed"] = lambda h: send(h, 200, body, Content_Encoding=encoding)
    assert fetch(server.url("/packed")).body == FEED


def test_unknown_or_broken_encodings_are_refused(server, allow_private):
    server.routes["/br"] = lambda h: send(h, 200, b"\x1b\x00", Content_Encoding="br")
    server.routes["/broken"] = lambda h: send(h, 200, b"not gzip", Content_Encoding="gzip")
    with pytest.raises(FetchError, match="unsupported Content-Encoding: br"):
        fetch(server.url("/br"))
    with pytest.raises(FetchError, match="broken gzip encoding"):
        fetch(server.url("/broken"))


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (500, "Internal Server Error")])
def test_error_statuses_are_reported(server, allow_private, status, reason):
    server.routes["/error"] = lambda h: send(h, status, b"oops")
    with pytest.raises(FetchError, match=f"the server answered {status} {reason}"):
        fetch(server.url("/error"))


def test_a_closed_port_and_an_unknown_host_are_reported(allow_private):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FetchError, match=r"cannot connect to 127\.0\.0\.1: .*refused"):
        fetch(f"http://127.0.0.1:{port}/feed.xml")
    with pytest.raises(FetchError, match=r"cannot resolve no-such-host\.invalid"):
        fetch("http://no-such-host.invalid/feed.xml")


def test_https_verifies_the_certificate_for_the_host_name_not_the_address(server, allow_private):
    target = fetching.parse_url("https://news.contoso.example/rss?x=ä b")
    assert target.path == "/rss?x=%C3%A4%20b"
    pool = fetching._pool(target, "127.0.0.1", time.monotonic() + 5, fetching._Watchdog(0))
    assert pool.host == "127.0.0.1"
    assert pool.conn_kw["server_hostname"] == "news.contoso.example"
    assert pool.assert_hostname == "news.contoso.example"
    assert pool.cert_reqs == "CERT_REQUIRED"
    with pytest.raises(FetchError, match=r"cannot fetch from 127\.0\.0\.1"):
        fetch(f"https://127.0.0.1:{server.port}/feed.xml", timeout=3)  # plain HTTP: no TLS
