"""Errors as RFC 9457 problem details (``application/problem+json``), one stable type each."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpResponse

CONTENT_TYPE = "application/problem+json"

# slug -> (status, title). The type URI is the API's problems address plus the slug: stable,
# and docs/api.md lists them all.
PROBLEMS = {
    "validation-error": (400, "The request is not valid"),
    "bad-request": (400, "The request cannot be read"),
    "unauthorized": (401, "A valid API token is needed"),
    "forbidden": (403, "Not allowed"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "conflict": (409, "Conflict"),
    "too-large": (413, "The request is too large"),
    "unsupported-media-type": (415, "The body is not in a type this operation reads"),
    "rate-limited": (429, "Too many requests"),
}


def type_uri(slug: str) -> str:
    base: str = settings.NEWSCENTER_BASE_URL
    return f"{base}/api/v1/problems/{slug}"


class Problem(Exception):
    """Raised anywhere in the API; answered as problem+json with the right status."""

    def __init__(
        self, slug: str, detail: str, *, headers: dict[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.slug, self.detail, self.headers, self.extra = slug, detail, headers or {}, extra


def response(problem: Problem, *, instance: str = "") -> HttpResponse:
    status, title = PROBLEMS[problem.slug]
    body = {
        "type": type_uri(problem.slug),
        "title": title,
        "status": status,
        "detail": problem.detail,
        **({"instance": instance} if instance else {}),
        **problem.extra,
    }
    answer = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    answer["Cache-Control"] = "no-store"
    for name, value in problem.headers.items():
        answer[name] = value
    return answer


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """pydantic's and ninja's errors as ``{"field": "body.headline", "message": ...}``."""
    found = []
    for error in errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "payload", "data")
        ]
        found.append({"field": ".".join(location) or "request", "message": error.get("msg", "")})
    return found
