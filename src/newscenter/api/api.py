"""The API: ``/api/v1/`` with its OpenAPI document and, for staff, a page to try it."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.views import openapi_view
from ninja.parser import Parser

from newscenter.api import analytics, articles, catalogue, imports, lookup, problems, webhooks
from newscenter.api.http import finish, finished
from newscenter.api.problems import Problem
from newscenter.news.services import images

logger = logging.getLogger(__name__)


ERRORS = {
    "400": "Bad input: `errors` names each field.",
    "401": "No token, or not a valid one.",
    "403": "The token's scopes or its user's role do not allow it.",
    "404": "Nothing there, or nothing this caller may see.",
    "413": "The request body is too large.",
    "429": "Rate limit reached: see `Retry-After`.",
}


# A multipart body (an image upload) may be this much larger than the largest image the
# library takes: the form's other fields and its boundaries.
FORM_OVERHEAD = 1024 * 1024


class EmptyIsNothing(Parser):
    """An empty body is an empty object: a POST with nothing to say (rotate, ping) is not
    "unreadable", and a body that is required still gets its missing fields named."""

    def parse_body(self, request):
        if not request.body.strip():
            return {}
        if request.content_type == "multipart/form-data" and _empty_form(request):
            return {}  # a form with no fields at all: what test clients and some tools send
        if not _is_json(request.content_type):
            raise ValueError("not JSON")  # ninja answers 400, "Cannot parse request body"
        return super().parse_body(request)


def _is_json(kind: str) -> bool:
    return kind == "application/json" or kind.endswith("+json")


def _empty_form(request) -> bool:
    try:
        return not request.POST and not request.FILES
    except MultiPartParserError:
        return False


class NewsAPI(NinjaAPI):
    def create_temporal_response(self, request) -> HttpResponse:
        """Called once the caller is known and before the body is read: a body larger than
        anything an operation takes is refused by its declared length, before a byte of it
        is parsed or spooled to disk (Django's own cap leaves out uploaded files)."""
        declared = request.META.get("CONTENT_LENGTH") or "0"
        cap = images.MAX_BYTES + FORM_OVERHEAD
        if declared.isdigit() and int(declared) > cap:
            raise Problem("too-large", f"the body is {int(declared)} bytes; at most {cap}")
        kind = request.content_type or ""
        if (
            request.method in ("POST", "PUT", "PATCH")
            and declared not in ("", "0")
            and not _is_json(kind)
            and kind != "multipart/form-data"
        ):
            # A body says it is JSON (or a form, for uploads): text/plain is what a page
            # elsewhere may send without asking first, and a guessed type surprises parsers.
            raise Problem(
                "unsupported-media-type",
                f"send the body as application/json, not {kind or 'untyped'}",
            )
        return super().create_temporal_response(request)

    def create_response(self, request, data: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        return finished(request, super().create_response(request, data, *args, **kwargs))

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Ninja's document, plus what every operation may answer: problem details, and
        no token needed where it is optional."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"]["schemas"]["ProblemDetails"] = PROBLEM_SCHEMA
        reference = {"$ref": "#/components/schemas/ProblemDetails"}
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.pop("x-token-optional", False):
                    operation["security"] = [{"TokenAuth": []}, {}]
                errors = dict(ERRORS)
                if "requestBody" in operation:
                    errors["415"] = "The body is not JSON (or, for uploads, a form)."
                for status, description in errors.items():
                    operation["responses"].setdefault(
                        status,
                        {
                            "description": description,
                            "content": {problems.CONTENT_TYPE: {"schema": reference}},
                        },
                    )
        return schema


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}


api = NewsAPI(
    parser=EmptyIsNothing(),
    title="newscenter API",
    version="1",
    description="Articles, sections, tags, authors, images, search, imports and webhooks of a "
    "newscenter site. Published articles need no token; everything else takes "
    "`Authorization: Bearer <token>` with the scope named on each operation (docs/api.md).",
    urls_namespace="api",
    docs_url=None,  # the page is staff's (docs_view); the OpenAPI document is everyone's
)


def docs_view(request):
    """Swagger UI over the OpenAPI document, for signed-in staff (ninja ships its files)."""
    return openapi_view(request, api=api)


docs_view = staff_member_required(docs_view)
api.add_router("/", articles.router)
api.add_router("/", catalogue.router)
api.add_router("/", lookup.router)
api.add_router("/", imports.router)
api.add_router("/", webhooks.router)
api.add_router("/", analytics.router)


def _problem(request, problem: Problem) -> HttpResponse:
    return finish(request, problems.response(problem, instance=request.path))


@api.exception_handler(Problem)
def _on_problem(request, exc: Problem) -> HttpResponse:
    return _problem(request, exc)


@api.exception_handler(NinjaValidationError)
def _on_validation(request, exc: NinjaValidationError) -> HttpResponse:
    errors = problems.field_errors(exc.errors)
    named = ", ".join(sorted({e["field"] for e in errors}))
    return _problem(request, Problem("validation-error", f"check: {named}", errors=errors))


@api.exception_handler(ValidationError)
def _on_model_validation(request, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "message_dict"):
        errors = [
            {"field": field, "message": " ".join(messages)}
            for field, messages in exc.message_dict.items()
        ]
    else:
        errors = [{"field": "request", "message": message} for message in exc.messages]
    detail = " ".join(e["message"] for e in errors)
    return _problem(request, Problem("validation-error", detail, errors=errors))


@api.exception_handler(AuthenticationError)
def _on_authentication(request, exc: AuthenticationError) -> HttpResponse:
    return _problem(
        request,
        Problem(
            "unauthorized",
            "a valid, unexpired API token is needed",
            headers={"WWW-Authenticate": 'Bearer realm="newscenter"'},
        ),
    )


@api.exception_handler(PermissionDenied)
def _on_denied(request, exc: PermissionDenied) -> HttpResponse:
    return _problem(request, Problem("forbidden", str(exc) or "not allowed"))


@api.exception_handler(Http404)
def _on_missing(request, exc: Http404) -> HttpResponse:
    return _problem(request, Problem("not-found", "there is nothing at this address"))


@api.exception_handler(RequestDataTooBig)
def _on_too_big(request, exc: RequestDataTooBig) -> HttpResponse:
    return _problem(request, Problem("too-large", str(exc)))


@api.exception_handler(TooManyFieldsSent)
def _on_too_many_fields(request, exc: TooManyFieldsSent) -> HttpResponse:
    return _problem(request, Problem("bad-request", "too many parameters in one request"))


@api.exception_handler(TooManyFilesSent)
def _on_too_many_files(request, exc: TooManyFilesSent) -> HttpResponse:
    return _problem(request, Problem("bad-request", "too many files in one request"))


@api.exception_handler(HttpError)
def _on_http_error(request, exc: HttpError) -> HttpResponse:
    slug = {
        400: "bad-request",
        401: "unauthorized",
        403: "forbidden",
        404: "not-found",
        405: "method-not-allowed",
        413: "too-large",
        429: "rate-limited",
    }
    return _problem(request, Problem(slug.get(exc.status_code, "bad-request"), str(exc)))
