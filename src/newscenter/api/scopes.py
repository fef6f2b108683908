"""What a token may be used for: each scope opens part of the API, within its user's role."""

SCOPES = {
    "articles:read": "read unpublished articles (published ones need no token)",
    "articles:write": "create and edit drafts, submit them, make review links",
    "articles:publish": "move articles through the workflow: publish, schedule, embargo ...",
    "media:write": "upload images to the media library",
    "imports:run": "run imports (previews too)",
    "webhooks:manage": "manage webhook endpoints and their deliveries",
    "analytics:read": "read the analytics reports",
}


def check(scopes: list[str]) -> list[str]:
    """The scopes, in a stable order; ValueError naming any that does not exist."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        known = ", ".join(SCOPES)
        raise ValueError(f"unknown scope(s): {', '.join(unknown)} (known: {known})")
    return [scope for scope in SCOPES if scope in scopes]
