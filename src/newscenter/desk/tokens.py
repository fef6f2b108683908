"""API tokens in the desk: make one (its secret shown this once), see when each was last used,
revoke. Everyone with a role manages their own tokens; administrators (``user.manage``) see
and revoke everyone's and make tokens for others. Writes go through ``api.tokens``."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django.utils import timezone

from newscenter.api import scopes as api_scopes
from newscenter.api import tokens
from newscenter.api.models import Token
from newscenter.news import policy


class TokenForm(forms.ModelForm):
    label = forms.CharField(max_length=200, help_text="What the token is for, e.g. “Main site”.")
    scopes = forms.MultipleChoiceField(
        choices=[(name, f"{name}: {what}") for name, what in api_scopes.SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="Published articles need no token at all. A token never does more than its "
        "user's role allows, whatever its scopes say.",
    )
    expires_in_days = forms.IntegerField(
        label="Expires in (days)",
        min_value=1,
        max_value=3650,
        required=False,
        help_text="Leave empty for a token that lasts until it is revoked.",
    )
    acting_user: Any = None  # set per request by TokenAdmin.get_form

    class Meta:
        model = Token
        fields = ("user",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "user" not in self.fields:
            return  # a token's own page: every field shown read-only
        users = get_user_model().objects.filter(is_active=True, is_staff=True)
        if not policy.can(self.acting_user, "user.manage"):
            users = users.filter(pk=self.acting_user.pk)
        field = cast(forms.ModelChoiceField, self.fields["user"])
        field.queryset = users.order_by("username")
        field.initial = self.acting_user.pk
        field.help_text = "Whose rights the token has."


@admin.register(Token)
class TokenAdmin(admin.ModelAdmin):
    form = TokenForm
    list_display = ("label", "user", "prefix_shown", "scopes_shown", "created", "expires",
                    "last_used", "state")  # fmt: skip
    list_filter = ("revoked",)
    search_fields = ("label", "prefix", "user__username")
    actions = ("revoke",)
    readonly_fields = ("label", "user", "prefix_shown", "scopes_shown", "created", "expires",
                       "last_used", "revoked", "state")  # fmt: skip

    # --- who sees what: the policy ----------------------------------------------------------

    def _has_role(self, request) -> bool:
        return policy.role_of(request.user) is not None

    def has_module_permission(self, request) -> bool:
        return self._has_role(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._has_role(request) and (obj is None or self._mine(request, obj))

    def has_add_permission(self, request) -> bool:
        return self._has_role(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # a token is made and revoked, never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked, so that the audit trail keeps what it was

    def has_revoke_permission(self, request) -> bool:
        return self._has_role(request)

    def _mine(self, request, obj: Token) -> bool:
        return obj.user_id == request.user.pk or policy.can(request.user, "user.manage")

    def get_queryset(self, request):
        tokens_seen = super().get_queryset(request).select_related("user")
        if policy.can(request.user, "user.manage"):
            return tokens_seen
        return tokens_seen.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "label", "scopes", "expires_in_days")
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    # --- what the list shows ------------------------------------------------------------------

    @admin.display(description="Prefix")
    def prefix_shown(self, obj: Token) -> str:
        return f"nc_{obj.prefix}_…"

    @admin.display(description="Scopes")
    def scopes_shown(self, obj: Token) -> str:
        return ", ".join(obj.scopes) or "(published articles only)"

    @admin.display(description="State")
    def state(self, obj: Token) -> str:
        if obj.revoked is not None:
            return "revoked"
        if obj.expires is not None and obj.expires <= timezone.now():
            return "expired"
        return "active"

    # --- writes: api.tokens ---------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        days = form.cleaned_data.get("expires_in_days")
        token, secret = tokens.token_create(
            user=form.cleaned_data["user"],
            acting_user=request.user,
            label=form.cleaned_data["label"],
            scopes=form.cleaned_data["scopes"],
            expires=timezone.now() + dt.timedelta(days=days) if days else None,
        )
        obj.pk = token.pk
        request.newscenter_secret = secret  # for response_add, this request only

    def response_add(self, request, obj, post_url_continue=None):
        return secret_page(
            self, request, obj, secret=request.newscenter_secret, what="API token",
            use="Authorization: Bearer <token>",
            kept="Only a digest of it is kept: a lost token is revoked and made anew.",
        )  # fmt: skip

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request, queryset):
        done = 0
        for token in queryset:
            try:
                tokens.token_revoke(token=token, acting_user=request.user)
            except policy.PolicyDenied as exc:
                messages.error(request, f"{token}: {exc}")
            else:
                done += 1
        if done:
            messages.success(request, f"Revoked {done} token(s): they stop working at once.")


def secret_page(model_admin, request, obj, *, secret: str, what: str, use: str, kept: str):
    """The one page that ever shows a secret: never cached (admin_view), never stored."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": obj,
        "title": f"Copy the new {what}",
        "secret": secret,
        "what": what,
        "use": use,
        "kept": kept,
    }
    return TemplateResponse(request, "admin/desk/shown_once.html", context)
