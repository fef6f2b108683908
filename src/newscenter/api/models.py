"""API tokens: a user's key for scripts, with scopes, an expiry and a revocation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Token(models.Model):
    """Shown once when made (``nc_<prefix>_<secret>``); only the secret's SHA-256 is kept.

    The prefix finds the row; the digest proves the secret. A token acts as its user and
    never above that user's role; its scopes narrow what it may do further.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    label = models.CharField(max_length=200, help_text="What the token is for.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list)
    created = models.DateTimeField(default=timezone.now, editable=False)
    expires = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True, editable=False)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.label} (nc_{self.prefix}_…)"

    def is_usable(self, *, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked is None and (self.expires is None or at < self.expires)
