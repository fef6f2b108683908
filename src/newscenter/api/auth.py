"""Who calls the API: a bearer token (its user, its scopes), or an anonymous reader.

Only ``Authorization: Bearer <token>`` authenticates: a session cookie never does (the API is
exempt from CSRF, so a cookie must not carry a signed-in user's rights into it). Every call
also counts against a rate limit: the token's, or the address's (stricter) when anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer

from newscenter.addresses import client_ip
from newscenter.api import limits, tokens
from newscenter.api.models import Token
from newscenter.api.problems import Problem

# Marks an operation a token is optional for, in the OpenAPI document (api.NewsAPI).
OPTIONAL = {"x-token-optional": True}


@dataclass
class Caller:
    token: Token | None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def user(self) -> Any:
        """The acting user for the services: the token's user, or an anonymous visitor (whom
        the policy refuses every write)."""
        return self.token.user if self.token is not None else AnonymousUser()

    def require(self, scope: str) -> None:
        if self.token is None:
            raise Problem(
                "unauthorized",
                f"this needs a token with the {scope!r} scope",
                headers={"WWW-Authenticate": 'Bearer realm="newscenter"'},
            )
        if scope not in self.scopes:
            raise Problem("forbidden", f"this token lacks the {scope!r} scope")

    def has(self, scope: str) -> bool:
        return self.token is not None and scope in self.scopes


class TokenAuth(HttpBearer):
    """Bearer tokens; with ``optional``, no Authorization header at all is an anonymous reader
    (a wrong token is still refused, never quietly treated as anonymous)."""

    def __init__(self, *, optional: bool = False) -> None:
        super().__init__()
        self.optional = optional

    def __call__(self, request) -> Caller | None:
        if "Authorization" not in request.headers:
            if not self.optional:
                return None
            caller = Caller(token=None)
            _count(request, limits.for_address(client_ip(request) or "unknown"))
            request.api_caller = caller
            return caller
        return super().__call__(request)

    def authenticate(self, request, token: str) -> Caller | None:
        found = tokens.token_find(token)
        if found is None:
            return None
        caller = Caller(token=found, scopes=frozenset(found.scopes))
        _count(request, limits.for_token(found.pk))
        request.api_caller = caller
        return caller


def _count(request, quota: limits.Quota) -> None:
    request.api_quota = quota
    if quota.exceeded:
        raise Problem(
            "rate-limited",
            f"more than {quota.limit} requests a minute: wait {quota.reset} s",
            headers={**quota.headers(), "Retry-After": str(quota.reset)},
        )
