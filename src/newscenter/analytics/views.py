"""The beacon: for sites whose pages a CDN or nginx cache answers before the app sees them.

With ``NEWSCENTER_ANALYTICS_MODE=beacon`` the middleware counts nothing and each page calls
``/analytics/count?p=<path>&r=<referrer>`` (``navigator.sendBeacon``, or a 1x1 image without
JavaScript). The same rules apply as to pages: GET or the beacon's POST, DNT and GPC, bots,
signed-in staff; the address and user agent are those of the call.
"""

from __future__ import annotations

import base64
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from newscenter.addresses import client_ip
from newscenter.analytics import buffer
from newscenter.analytics.collect import request_headers, staff
from newscenter.analytics.hits import Hit, paths

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def count(request):
    """Count one view the page reports; always answers (a 1x1 GIF, never cached)."""
    try:
        _count(request)
    except Exception:  # counting never fails a page
        buffer.logger.exception("counting a beacon failed")
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


def _count(request) -> None:
    if settings.NEWSCENTER_ANALYTICS_MODE != "beacon" or not buffer.counting():
        return
    headers = request_headers(request)
    if settings.NEWSCENTER_ANALYTICS_HONOUR_DNT and (
        headers.get("dnt") == "1" or headers.get("sec-gpc") == "1"
    ):
        return
    if staff(request):
        return
    page = urlsplit(request.GET.get("p", "")[:1000])
    public, private = paths()
    if not page.path.startswith(public) or page.path.startswith(private):
        return
    buffer.append(
        Hit(at=time.time(), host=headers.get("host", ""), path=page.path, query=page.query,
            ip=client_ip(request), user_agent=headers.get("user-agent", ""),
            referrer=request.GET.get("r", "")[:1000],
            language=headers.get("accept-language", ""), beacon=True)
    )  # fmt: skip
