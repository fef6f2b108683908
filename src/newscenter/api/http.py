"""What every API answer gets: validators and 304s, caching rules, rate-limit and CORS headers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe
from ninja.responses import NinjaJSONEncoder

JSON_TYPES = ("application/json", "application/problem+json")
# What ninja's JSON renderer answers with.
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def answer(request, data: Any, response: HttpResponse | None = None) -> HttpResponse:
    """``data`` answered as the API answers what an operation returns (ninja's renderer, then
    :func:`finished`), but without ninja's check of it against the operation's response
    schema: for reads whose data has that schema's fields in its order, as pydantic would
    give them back (tests compare the two). Checking and dumping a page of articles cost
    more than reading and making it. ``response``: the one ninja gives an operation that
    asks for it (with the headers it set), else a new one."""
    content = json.dumps(data, cls=NinjaJSONEncoder)
    if response is None:
        response = HttpResponse(content, content_type=JSON_CONTENT_TYPE)
    else:
        response.content = content
    return finished(request, response)


def finished(request, response: HttpResponse) -> HttpResponse:
    """An operation's answer with the next page's ``Link`` (when the view set one) and what
    every API answer gets (:func:`finish`)."""
    next_page = getattr(request, "api_link", None)
    if next_page:
        response["Link"] = f'<{next_page}>; rel="next"'
    return finish(request, response)


def finish(request, response: HttpResponse) -> HttpResponse:
    """Headers and conditional answers for ``response`` to ``request`` (any API answer)."""
    caller = getattr(request, "api_caller", None)
    token = caller is not None and caller.token is not None
    if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
        response = _conditional(request, response)
    if token or request.method not in ("GET", "HEAD"):
        # A token's answers may hold unpublished work: no shared cache may keep them.
        response["Cache-Control"] = "no-store"
    elif "Cache-Control" not in response:
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
    quota = getattr(request, "api_quota", None)
    if quota is not None:
        for name, value in quota.headers().items():
            response[name] = value
    if not token and request.method in ("GET", "HEAD"):
        _cors(request, response)
    return response


def _conditional(request, response: HttpResponse) -> HttpResponse:
    etag = '"' + hashlib.blake2b(response.content, digest_size=12).hexdigest() + '"'
    modified: dt.datetime | None = getattr(request, "api_last_modified", None)
    stamp = modified.timestamp() if modified is not None else None
    matches = request.headers.get("If-None-Match")
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    unchanged = (
        etag in {tag.strip() for tag in matches.split(",")} or matches.strip() == "*"
        if matches is not None
        else stamp is not None and since is not None and int(stamp) <= since
    )
    if unchanged:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    response["ETag"] = etag
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    return response


def _cors(request, response: HttpResponse) -> None:
    """Public, credential-less reads may be made from the configured origins' pages."""
    origin = request.headers.get("Origin")
    allowed = settings.NEWSCENTER_API_CORS_ORIGINS
    if origin is None or not allowed:
        return
    if "*" in allowed:
        response["Access-Control-Allow-Origin"] = "*"
    elif origin in allowed:
        response["Access-Control-Allow-Origin"] = origin
        patch_vary_headers(response, ["Origin"])
