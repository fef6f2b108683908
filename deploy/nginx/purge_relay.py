"""Turn newscenter's purge hook into nginx cache refreshes (docs/deploy.md, "Purging").

nginx open source cannot purge, but newscenter.conf.template lets a request from an allowed
address carrying ``X-Newscenter-Refresh: 1`` skip the cache and store a fresh copy. This relay
listens for the app's POST (NEWSCENTER_PURGE_URL), ``{"paths": [...] or null, ...}``, and asks
nginx for each path again with that header; ``null`` (everything changed) refreshes the
``--path`` list, the pages read most. Other pages wait out their s-maxage.

    python3 purge_relay.py --listen 127.0.0.1:8079 --nginx http://127.0.0.1:80 \\
        --site https://news.example.com --path /news/ --path /news/feed/rss/

Standard library only; run it on the nginx machine (the template allows refreshes from
loopback) and point NEWSCENTER_PURGE_URL at it, e.g. http://10.0.0.5:8079/.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

MAX_BODY = 64 * 1024


class Relay:
    def __init__(self, nginx: str, site: str, paths: list[str]) -> None:
        target, public = urlsplit(nginx), urlsplit(site)
        self.address = (target.hostname or "127.0.0.1", target.port or 80)
        # The cache key holds the reader's scheme and host: refresh under the same ones.
        self.headers = {
            "Host": public.netloc,
            "X-Forwarded-Proto": public.scheme,
            "X-Newscenter-Refresh": "1",
        }
        self.paths = paths

    def paths_to_refresh(self, payload: object) -> list[str]:
        paths = payload.get("paths") if isinstance(payload, dict) else None
        if paths is None:
            return self.paths
        # Only paths on this site: never a scheme, a host or anything but a string.
        return [p for p in paths if isinstance(p, str) and p.startswith("/") and "//" not in p]

    def refresh(self, path: str) -> int:
        connection = http.client.HTTPConnection(*self.address, timeout=30)
        try:
            connection.request("GET", path, headers=self.headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()


def handler_for(relay: Relay) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.send_error(413)
                return
            try:
                payload = json.loads(self.rfile.read(length) or b"null")
            except ValueError:
                self.send_error(400, "not JSON")
                return
            failed = []
            for path in relay.paths_to_refresh(payload):
                try:
                    if relay.refresh(path) >= 500:
                        failed.append(path)
                except OSError:
                    failed.append(path)
            if failed:
                self.send_error(502, f"could not refresh {len(failed)} page(s)")
                return
            self.send_response(204)
            self.end_headers()

    return Handler


def make_server(listen: str, relay: Relay) -> ThreadingHTTPServer:
    host, _, port = listen.rpartition(":")
    return ThreadingHTTPServer((host or "127.0.0.1", int(port)), handler_for(relay))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="127.0.0.1:8079", help="address:port to listen on")
    parser.add_argument("--nginx", default="http://127.0.0.1:80", help="where nginx listens")
    parser.add_argument("--site", required=True, help="the site's public address")
    parser.add_argument(
        "--path", action="append", default=[], help="refreshed when everything changed"
    )
    options = parser.parse_args(argv)
    relay = Relay(options.nginx, options.site, options.path or ["/news/"])
    with make_server(options.listen, relay) as server:
        print(f"relaying purges on {options.listen} to {options.nginx}", file=sys.stderr)
        server.serve_forever()


if __name__ == "__main__":
    main()
