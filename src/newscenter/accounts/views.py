"""Signing in: password, then (for staff) a TOTP code; and "forgot your password?".

Staff are not logged in by their password alone. The password step remembers, in the
session, who passed it; only a right code from their authenticator (or, on the first login,
from the one they enrol) logs them in, and marks the session verified for the admin
(desk/site.py). Wrong passwords and wrong codes count alike towards django-axes'
lockout of the username and, at a larger count, of the address (accounts/throttle.py).
docs/accounts.md tells the whole story.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import segno
from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView
from django_otp import login as otp_login

from newscenter.accounts import trust
from newscenter.news.models import SiteSettings
from newscenter.news.services import accounts

PENDING = "accounts_pending"  # session key: who passed the password, awaiting their code
PENDING_SECONDS = 300  # time allowed between the password and the code
WRONG_CODE = "That code is not right. Codes change every 30 seconds: try the current one."
WRONG_RECOVERY = "That is not one of your recovery codes, or it has been used already."
RECOVERY_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz234567")


def client_ip(request) -> str | None:
    """The client's address for login throttling (settings.AXES_CLIENT_IP_CALLABLE).

    ``REMOTE_ADDR``, unless ``DJANGO_BEHIND_PROXY`` is set: then the last address in the
    configured header (``NEWSCENTER_CLIENT_IP_HEADER``), the one our proxy wrote. Without
    the setting the header is ignored, since any client can send it to dodge the lockout.
    """
    address = request.META.get("REMOTE_ADDR")
    if settings.BEHIND_PROXY:
        name = "HTTP_" + settings.NEWSCENTER_CLIENT_IP_HEADER.upper().replace("-", "_")
        forwarded = request.META.get(name, "").split(",")[-1].strip()
        address = forwarded if _is_ip(forwarded) else address
    return address if _is_ip(address) else None


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (settings.AXES_LOCKOUT_CALLABLE): a page that
    says why and for how long, with status 429 and Retry-After, never an error page."""
    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.NEWSCENTER_LOGIN_ADDRESS_FAILURE_LIMIT,
        "minutes": int(cooloff.total_seconds() // 60),
    }
    response = render(request, "accounts/locked.html", context, status=429)
    response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response


def _is_ip(value) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _base_url() -> str:
    # Links we send are built on the configured address, never on the request's Host
    # header, which the client chooses (WordPress CVE-2017-8295).
    return str(settings.NEWSCENTER_BASE_URL).rstrip("/")


# --- Password -------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Django's login (never cached, CSRF-protected, ``next=`` kept to our own host), with
    the second factor for staff. A wrong password and an unknown username give the same page:
    Django's form says the same thing for both, and its backend runs the password hasher for
    unknown users too, so the time taken tells nothing either."""

    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs):
        # Django adds a "site" made from the request's Host; ours (the site settings, from
        # the context processor) is meant, so Django's goes.
        context = super().get_context_data(**kwargs)
        del context["site"], context["site_name"]
        return context

    def form_valid(self, form):
        user = form.get_user()
        if not (user.is_staff or user.is_superuser):
            return super().form_valid(form)
        _begin_second_factor(self.request, user, self.get_redirect_url())
        device = accounts.second_factor_device(user)
        if device is None:
            return redirect("accounts:enrol")
        pending = _pending(self.request)
        if pending is not None and trust.is_trusted(self.request, user):
            return _finish_login(self.request, pending, device)  # a device they trusted
        return redirect("accounts:verify")


def _begin_second_factor(request, user, next_url: str) -> None:
    # A new session key: whoever planted the old one cannot take over the half-done login.
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url or reverse("admin:index"),
        "since": time.time(),
        # A password change since the first step (a reset, say) ends the attempt.
        "hash": user.get_session_auth_hash(),
    }


# --- Second factor --------------------------------------------------------


@dataclass
class Pending:
    user: Any
    backend: str
    next: str

    @property
    def credentials(self) -> dict:
        return {"username": self.user.get_username()}


def _pending(request) -> Pending | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("since", 0) > PENDING_SECONDS:
        del request.session[PENDING]
        return None
    model = auth.get_user_model()
    user = model.objects.filter(pk=data.get("user") or 0, is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), data["hash"]):
        return None
    return Pending(user=user, backend=data["backend"], next=data["next"])


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "size": 10,
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    trust = forms.BooleanField(required=False)

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery = recovery  # recovery codes are taken too (not while enrolling)
        if recovery:
            self.fields["code"].label = "Code from your authenticator app, or a recovery code"
        else:
            self.fields["code"].widget.attrs["inputmode"] = "numeric"  # digits only: keypad
        if trust.days():
            self.fields["trust"].label = f"Trust this device for {trust.days()} days"
            self.fields["trust"].help_text = (
                "No code on this browser until then; your password is still asked for. Not on "
                "a shared or public computer."
            )
        else:
            del self.fields["trust"]

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if code.isascii() and code.isdigit() and len(code) in (6, 8):
            return code
        letters = code.replace("-", "").lower()
        if self.recovery and len(letters) == 8 and set(letters) <= RECOVERY_ALPHABET:
            return letters
        if self.recovery:
            raise ValidationError(
                "Enter the 6-digit code your authenticator app shows, or one of your recovery "
                "codes (such as abcd-efgh)."
            )
        raise ValidationError("Enter the 6-digit code your authenticator app shows.")

    @property
    def is_recovery_code(self) -> bool:
        return not self.cleaned_data["code"].isdigit()


_second_factor_view = [never_cache, csrf_protect, sensitive_post_parameters("code")]


@method_decorator(_second_factor_view, name="dispatch")
class CodeStepView(TemplateView):
    """A step that takes a code: check the lockout, try the code, count a failure."""

    needs_device: bool  # verify: the user has an authenticator; enrol: not yet
    template_name: str
    pending: Pending

    def dispatch(self, request, *args, **kwargs):
        pending = _pending(request)
        if pending is None:
            return render(request, "accounts/expired.html")
        self.pending = pending
        has_device = accounts.second_factor_device(self.pending.user) is not None
        if has_device != self.needs_device:
            return redirect("accounts:verify" if has_device else "accounts:enrol")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.page(CodeForm(recovery=self.needs_device))

    def post(self, request, *args, **kwargs):
        form = CodeForm(request.POST, recovery=self.needs_device)
        if not form.is_valid():
            return self.page(form)
        if not AxesProxyHandler.is_allowed(request, self.pending.credentials):
            return lockout_response(request)
        device = self.try_code(form)
        if device is None:
            # Counted like a wrong password, so that guessing codes locks out as guessing
            # passwords does (AxesMiddleware answers 429 once the limit is reached).
            user_login_failed.send(
                sender=__name__, credentials=self.pending.credentials, request=request
            )
            form.add_error("code", WRONG_RECOVERY if form.is_recovery_code else WRONG_CODE)
            return self.page(form)
        response = self.succeed(device)
        if form.cleaned_data.get("trust"):
            trust.remember(self.request, response, self.pending.user)
        return response

    def page(self, form):
        return render(self.request, self.template_name, {"form": form, **self.extra()})

    def try_code(self, form: CodeForm):
        raise NotImplementedError

    def succeed(self, device):
        return _finish_login(self.request, self.pending, device)

    def extra(self) -> dict:
        return {}


class VerifyView(CodeStepView):
    template_name = "accounts/verify.html"
    needs_device = True

    def try_code(self, form: CodeForm):
        user, code = self.pending.user, form.cleaned_data["code"]
        if form.is_recovery_code:
            return accounts.recovery_code_use(user=user, code=code)
        device = accounts.second_factor_device(user)
        return device if device is not None and device.verify_token(code) else None

    def succeed(self, device):
        response = super().succeed(device)
        if device == accounts.recovery_device(self.pending.user):
            left = accounts.recovery_codes_left(self.pending.user)
            messages.warning(
                self.request,
                f"You signed in with a recovery code; {left} of them left. Each works once: "
                "make new ones under “Recovery codes” before you run out.",
            )
        return response


class EnrolView(CodeStepView):
    """First login of a staff member: a new secret as a QR code and as text, confirmed by
    one code from the app."""

    template_name = "accounts/enrol.html"
    needs_device = False

    def device(self):
        # One secret per login attempt, kept while the page is reloaded or a code mistyped.
        data = self.request.session[PENDING]
        device = accounts.second_factor_enrolling(self.pending.user, pk=data.get("device"))
        if device is None:
            device = accounts.second_factor_begin(user=self.pending.user)
            self.request.session[PENDING] = {**data, "device": device.pk}
        return device

    def try_code(self, form: CodeForm):
        device = self.device()
        code = form.cleaned_data["code"]
        return device if accounts.second_factor_confirm(device=device, code=code) else None

    def succeed(self, device):
        # The recovery codes, shown this once, before the person goes on to the desk.
        user, target = self.pending.user, self.pending.next
        _finish_login(self.request, self.pending, device)
        codes = accounts.recovery_codes_make(user=user, acting_user=user)
        context = {"codes": codes, "next": target}
        return render(self.request, "accounts/recovery_codes.html", context)

    def extra(self) -> dict:
        device = self.device()
        secret = accounts.second_factor_secret(device)
        # An image from a data: URI, which our CSP allows (img-src data:), rather than inline
        # SVG markup; segno draws it from the otpauth:// address the apps understand. The same
        # address as a link opens the authenticator app on the phone that shows this page.
        qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
        return {
            "qr": qr,
            "otpauth": device.config_url,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        }


class SignedInView(TemplateView):
    """A page about the signed-in person's own sign-in, for a session past the code step."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        verified = getattr(user, "is_verified", None)
        if not (user.is_authenticated and callable(verified) and verified()):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
        return super().dispatch(request, *args, **kwargs)


@method_decorator([never_cache, csrf_protect], name="dispatch")
class RecoveryCodesView(SignedInView):
    """The signed-in person's recovery codes: how many are left, and new ones (shown once)."""

    template_name = "accounts/recovery_codes.html"

    def get(self, request, *args, **kwargs):
        left = accounts.recovery_codes_left(request.user)
        return self.render_to_response({"left": left, "next": reverse("admin:index")})

    def post(self, request, *args, **kwargs):
        codes = accounts.recovery_codes_make(user=request.user, acting_user=request.user)
        return self.render_to_response({"codes": codes, "next": reverse("admin:index")})


@method_decorator([never_cache, csrf_protect], name="dispatch")
class TrustedDevicesView(SignedInView):
    """The browsers the signed-in person trusted to skip the code: each to end, or all."""

    template_name = "accounts/trusted_devices.html"

    def get(self, request, *args, **kwargs):
        devices = accounts.trusted_devices(request.user)
        context = {"devices": devices, "here": trust.device_key(request), "days": trust.days()}
        return self.render_to_response({**context, "next": reverse("admin:index")})

    def post(self, request, *args, **kwargs):
        if request.POST.get("revoke") == "all":
            ended = accounts.trusted_devices_revoke_all(user=request.user, acting_user=request.user)
            messages.success(request, f"Ended {ended} trusted device(s).")
        else:
            device = next(
                (d for d in accounts.trusted_devices(request.user)
                 if str(d.pk) == request.POST.get("revoke")),
                None,
            )  # fmt: skip
            if device is None:
                messages.error(request, "That device was no longer trusted.")
            else:
                accounts.trusted_device_revoke(device=device, acting_user=request.user)
                messages.success(request, f"{device.label} is no longer trusted.")
        return redirect("accounts:trusted-devices")


def _finish_login(request, pending: Pending, device) -> HttpResponseRedirect:
    del request.session[PENDING]
    auth.login(request, pending.user, backend=pending.backend)
    otp_login(request, device)  # marks this session verified: the admin asks for that
    return HttpResponseRedirect(pending.next)


# --- Password reset -------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not an account has the address: Django's form sends mail
    only to active accounts with a password, and always redirects to the "done" page."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        base = _base_url()
        parts = urlsplit(base)
        # Django fills domain and protocol from the request; the configured site wins.
        self.extra_email_context = {
            "base_url": base,
            "domain": parts.netloc,
            "protocol": parts.scheme,
            "site_name": SiteSettings.load().site_name,
        }
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    # Not logged in after the reset: staff still need their second factor.
    post_reset_login = False


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
