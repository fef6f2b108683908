"""Container health check: healthy while the app server answers without a server error.

It asks for /robots.txt (which reads the site settings, so the database must answer too) as
the proxy would: with a host name the site accepts and X-Forwarded-Proto: https, so that a
production site (DJANGO_BEHIND_PROXY) serves it instead of redirecting to HTTPS.
"""

import http.client
import os
import sys


def allowed_host() -> str:
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Host": allowed_host(), "X-Forwarded-Proto": "https"}
    try:
        connection.request("GET", "/robots.txt", headers=headers)
        status = connection.getresponse().status
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status >= 500:
        print(f"unhealthy: HTTP {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
