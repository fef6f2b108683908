"""Webhook endpoints in the desk, for administrators (``webhook.manage``): add one (its secret
shown this once), change its address and events, rotate its secret, send a test ping, read the
delivery log with every attempt, send one message again or replay a time range. An endpoint
the worker turned off shows why. Every write goes through ``webhooks.services``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from newscenter.desk.tokens import secret_page
from newscenter.news import policy
from newscenter.webhooks import events, services, signing
from newscenter.webhooks.models import Endpoint

SHOWN = 100  # deliveries on the log page, newest first


class EndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=services.URL_CHARS, assume_scheme="https",
                         help_text="Where the events go: http(s), a public address.")  # fmt: skip
    events = forms.MultipleChoiceField(
        choices=[(name, f"{name}: {what}") for name, what in events.EVENTS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked: every event.",
    )
    signing_secret = forms.CharField(
        max_length=100, required=False, strip=True, label="Secret",
        help_text="Leave empty to have one made (whsec_…); it is shown once, after saving.",
    )  # fmt: skip

    class Meta:
        model = Endpoint
        fields = ("url", "description", "events", "active")

    def clean_url(self) -> str:
        try:
            return services.checked_url(self.cleaned_data["url"])  # the SSRF rules, said here
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean_signing_secret(self) -> str:
        secret = self.cleaned_data.get("signing_secret", "")
        try:
            return signing.checked_secret(secret) if secret else ""
        except signing.BadSecret as exc:
            raise ValidationError(str(exc)) from None


class ReplayForm(forms.Form):
    since = forms.DateTimeField(help_text="YYYY-MM-DD HH:MM, the site's time zone.")
    until = forms.DateTimeField()


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("url", "events_shown", "active", "disabled_reason", "owner", "created")
    list_filter = ("active",)
    search_fields = ("url", "description")
    change_form_template = "admin/webhooks/endpoint/change_form.html"

    # --- the policy decides, not Django's model permissions ---------------------------------

    def _manages(self, request) -> bool:
        return policy.can(request.user, "webhook.manage")

    def has_module_permission(self, request) -> bool:
        return self._manages(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._manages(request)

    def has_add_permission(self, request) -> bool:
        return self._manages(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._manages(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._manages(request)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("url", "description", "events", "signing_secret", "active")
        return ("url", "description", "events", "active", "disabled_reason", "failing_since",
                "owner", "previous_until")  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("disabled_reason", "failing_since", "owner",
                                       "previous_until")  # fmt: skip

    @admin.display(description="Events")
    def events_shown(self, obj: Endpoint) -> str:
        return ", ".join(obj.events) or "every event"

    # --- writes: webhooks.services ----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            changed = {name: data[name] for name in form.changed_data
                       if name in ("url", "events", "active", "description")}  # fmt: skip
            services.endpoint_update(endpoint=obj, acting_user=request.user, **changed)
            return
        made, secret = services.endpoint_create(
            acting_user=request.user, url=data["url"], events=data["events"],
            secret=data["signing_secret"], active=data["active"], description=data["description"],
            owner=request.user,
        )  # fmt: skip
        obj.pk = made.pk
        request.newscenter_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        return _secret(self, request, obj, request.newscenter_secret)

    def delete_model(self, request, obj):
        services.endpoint_delete(endpoint=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for endpoint in queryset:
            services.endpoint_delete(endpoint=endpoint, acting_user=request.user)

    # --- the endpoint's own pages --------------------------------------------------------------

    def get_urls(self):
        def view(method):
            return self.admin_site.admin_view(method)

        return [
            path("<int:pk>/rotate/", view(self.rotate_view), name="webhooks_endpoint_rotate"),
            path("<int:pk>/ping/", view(self.ping_view), name="webhooks_endpoint_ping"),
            path("<int:pk>/deliveries/", view(self.deliveries_view),
                 name="webhooks_endpoint_deliveries"),
            *super().get_urls(),
        ]  # fmt: skip

    def _endpoint(self, request, pk: int) -> Endpoint:
        policy.require(request.user, "webhook.manage")  # a 403 page for anyone else
        return get_object_or_404(Endpoint, pk=pk)

    def rotate_view(self, request, pk: int):
        endpoint = self._endpoint(request, pk)
        if request.method != "POST":
            return redirect(reverse("admin:webhooks_endpoint_change", args=[pk]))
        secret = services.endpoint_rotate_secret(endpoint=endpoint, acting_user=request.user)
        messages.success(
            request,
            "New secret made: the previous one signs beside it for 24 hours, so the receiver "
            "can switch without a gap.",
        )
        return _secret(self, request, endpoint, secret)

    def ping_view(self, request, pk: int):
        endpoint = self._endpoint(request, pk)
        if request.method == "POST":
            message = services.endpoint_ping(endpoint=endpoint, acting_user=request.user)
            messages.success(request, f"Test ping {message.msg_id} queued: the worker sends it "
                                      "within a few seconds; see the delivery log.")  # fmt: skip
        return redirect(reverse("admin:webhooks_endpoint_deliveries", args=[pk]))

    def deliveries_view(self, request, pk: int):
        endpoint = self._endpoint(request, pk)
        replay = ReplayForm(request.POST if "replay" in request.POST else None)
        if request.method == "POST":
            done = self._log_action(request, endpoint, replay)
            if done:
                return redirect(reverse("admin:webhooks_endpoint_deliveries", args=[pk]))
        deliveries = (
            endpoint.deliveries.select_related("message").prefetch_related("log")
            .order_by("-id")[:SHOWN]
        )  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": endpoint,
            "title": f"Deliveries to {endpoint.url}",
            "deliveries": deliveries,
            "replay": replay,
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/webhooks/endpoint/deliveries.html", context)

    def _log_action(self, request, endpoint: Endpoint, replay: ReplayForm) -> bool:
        if "redeliver" in request.POST:
            raw = request.POST["redeliver"]
            valid = raw.isascii() and raw.isdigit() and len(raw) <= 18
            found = endpoint.deliveries.filter(pk=raw).first() if valid else None
            if found is None:
                messages.error(request, "This endpoint has no such delivery.")
                return True
            services.delivery_redeliver(delivery=found, acting_user=request.user)
            messages.success(request, f"Message {found.message.msg_id} will be sent again, with "
                                      "the same webhook-id.")  # fmt: skip
            return True
        if "replay" in request.POST and replay.is_valid():
            try:
                count = services.endpoint_replay(
                    endpoint=endpoint, acting_user=request.user,
                    since=replay.cleaned_data["since"], until=replay.cleaned_data["until"],
                )  # fmt: skip
            except ValidationError as exc:
                replay.add_error(None, exc)
                return False
            messages.success(request, f"{count} message(s) of that range will be sent again.")
            return True
        return False


def _secret(model_admin, request, endpoint: Endpoint, secret: str):
    return secret_page(
        model_admin, request, endpoint, secret=secret, what="signing secret",
        use="the receiver's Standard Webhooks verifier",
        kept="It is never shown again; a lost one is replaced by rotating the secret.",
    )  # fmt: skip
