"""Users in the admin, by role only: Django's user admin replaced by a restricted one.

Editors see users and set roles up to their own; administrators (``user.manage``) also
create and delete users and change their other fields. No form has a field for groups,
permissions, ``is_staff`` or ``is_superuser``: they follow from the role, set by
news.services.accounts.user_set_role, which checks the policy. Groups are not editable here either
(their permissions are the roles' definition, made by migrations), nor are authenticator
secrets (an administrator resets a lost one with the action below).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model, password_validation, update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django_otp.plugins.otp_totp.models import TOTPDevice

from newscenter.news import policy
from newscenter.news.policy import PolicyDenied, Role
from newscenter.news.services import accounts

User = get_user_model()

for model in (User, Group, TOTPDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def role_choices(acting_user) -> list[tuple[str, str]]:
    """The roles ``acting_user`` may grant, lowest first: never one above their own."""
    held = policy.role_of(acting_user)
    choices = [("none", "No role (no access to the desk)")]
    choices += [(r.name.lower(), r.name.capitalize()) for r in Role if held and r <= held]
    if acting_user.is_superuser:
        choices.append((accounts.SUPERUSER, "Superuser (every right, unchecked)"))
    return choices


class RoleFormMixin(forms.Form):
    role = forms.ChoiceField(
        help_text="What this person may do in the newsroom (docs/roles.md). Anyone with a "
        "role signs in with a password and a code from an authenticator app."
    )
    acting_user: Any = None  # set per request by NewsroomUserAdmin.get_form
    instance: Any  # the user: the form is mixed into a ModelForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(self.acting_user)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["role"].initial = accounts.role_label(self.instance)
        else:
            self.fields["role"].initial = Role.CONTRIBUTOR.name.lower()

    def clean_role(self) -> str:
        value = self.cleaned_data["role"]
        role, superuser = accounts.parse_role(value)
        try:
            accounts.check_role_change(
                self.acting_user, user=self.instance, role=role, superuser=superuser
            )
        except PolicyDenied as exc:
            raise ValidationError(str(exc)) from None
        return value


# Plain words for Django's field labels and help texts, on every user form.
LABELS = {
    "username": ("Username", "What they type to sign in: letters, digits and @ . + - _ only."),
    "email": ("Email address", "Where a forgotten password's link goes."),
    "is_active": (
        "May sign in",
        "Untick to stop this person signing in; their articles and history stay.",
    ),
}


def plain_labels(form: forms.BaseForm) -> None:
    for name, (label, help_text) in LABELS.items():
        if name in form.fields:
            form.fields[name].label, form.fields[name].help_text = label, help_text


class PasswordFields(forms.Form):
    """A new password, typed twice: the person it is for may be at the administrator's side."""

    password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters; not a common password, not only digits, and not "
        "like their name or email address.",
    )
    password2 = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="The same again, to catch a typo.",
    )

    def check_passwords(self, user) -> None:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ: type the same one twice.")
        elif first:
            try:
                password_validation.validate_password(first, user)
            except ValidationError as exc:
                self.add_error("password1", exc)


class UserForm(RoleFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):  # type: ignore[name-defined]
        fields = ("username", "first_name", "last_name", "email", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("password", None)  # its hash is nobody's business: see "Password"
        plain_labels(self)


class UserCreateForm(RoleFormMixin, PasswordFields, forms.ModelForm):
    class Meta:
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "Password"
        self.fields["password2"].label = "Password again"
        plain_labels(self)

    def clean(self):
        cleaned = super().clean()
        self.check_passwords(self.instance)
        return cleaned


class SetPasswordForm(PasswordFields):
    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        self.check_passwords(self.user)
        return cleaned


@admin.register(User)
class NewsroomUserAdmin(DjangoUserAdmin):
    form = UserForm
    add_form = UserCreateForm
    add_fieldsets = (
        (None, {"fields": ("username", "email", "role")}),
        ("Password", {"fields": ("password1", "password2")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "role", "is_active")
    list_filter = ("is_active", "groups")
    filter_horizontal = ()
    actions = ("reset_second_factor", "revoke_trusted_devices")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        manages = self._manages(request.user, obj)
        signing_in = ("username", "password_status", "second_factor") if manages else ("username",)
        return (
            (None, {"fields": signing_in}),
            ("Name and email", {"fields": ("first_name", "last_name", "email")}),
            ("Newsroom", {"fields": ("role", "is_active")}),
            ("History", {"fields": ("last_signed_in", "account_created")}),
        )

    def get_readonly_fields(self, request, obj=None):
        dates = ("last_signed_in", "account_created")
        if obj is None:
            return dates
        if self._manages(request.user, obj):
            return ("password_status", "second_factor", *dates)
        # An editor sets roles; the rest of the account is the administrators' business.
        return ("username", "first_name", "last_name", "email", "is_active", *dates)

    @admin.display(description="Last signed in")
    def last_signed_in(self, obj):
        return obj.last_login or "Never"

    @admin.display(description="Account created")
    def account_created(self, obj):
        return obj.date_joined

    @admin.display(description="Authenticator")
    def second_factor(self, obj) -> str:
        if accounts.second_factor_device(obj) is None:
            return "Not set up yet: they set one up at their next sign-in."
        left = accounts.recovery_codes_left(obj)
        return f"Set up, with {left} unused recovery code{'s' if left != 1 else ''}."

    @admin.display(description="Password")
    def password_status(self, obj) -> str:
        url = reverse("admin:auth_user_password_change", args=[obj.pk])
        if obj.has_usable_password():
            state = "Set. Nobody can read it, administrators included."
        else:
            state = "Not set: they cannot sign in until they have one."
        return format_html('{} <a href="{}" class="button">Set a new password</a>', state, url)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Role")
    def role(self, obj) -> str:
        return accounts.role_label(obj).capitalize()

    # --- Who may do what: the policy, not Django's model permissions -------------

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return policy.can(request.user, "role.grant", role=min(Role))

    def has_change_permission(self, request, obj=None) -> bool:
        if not self.has_view_permission(request):
            return False
        return obj is None or accounts.can_act_on(request.user, obj)

    def has_add_permission(self, request) -> bool:
        return policy.can(request.user, "user.manage")

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request) and (
            obj is None or accounts.can_act_on(request.user, obj)
        )

    def has_manage_permission(self, request) -> bool:
        return self.has_add_permission(request)

    def _manages(self, acting_user, obj) -> bool:
        return policy.can(acting_user, "user.manage") and accounts.can_act_on(acting_user, obj)

    # --- Writes go through news.services.accounts ------------------------------

    def save_model(self, request, obj, form, change):
        role, superuser = accounts.parse_role(form.cleaned_data["role"])
        if not change:
            created = accounts.user_create(
                username=obj.username,
                email=obj.email,
                password=form.cleaned_data["password1"],
                role=role,
                superuser=superuser,
                acting_user=request.user,
            )
            obj.pk = created.pk  # the admin logs and redirects with this object
            return
        profile = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in accounts.PROFILE_FIELDS
        }
        if profile:
            accounts.user_update(user=obj, acting_user=request.user, changed=profile)
        if "role" in form.changed_data:
            accounts.user_set_role(
                user=obj, role=role, superuser=superuser, acting_user=request.user
            )

    def delete_model(self, request, obj):
        accounts.user_delete(user=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            accounts.user_delete(user=user, acting_user=request.user)

    def user_change_password(self, request, id, form_url=""):
        """Set a new password: administrators only (Django lets anyone who may change a user),
        in plain words, through ``accounts.user_set_password``."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404("No such user.")
        if not self._manages(request.user, user):
            raise PermissionDenied
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            accounts.user_set_password(
                user=user, password=form.cleaned_data["password1"], acting_user=request.user
            )
            if user.pk == request.user.pk:
                update_session_auth_hash(request, user)  # stay signed in here
            messages.success(request, f"New password set for {user.get_username()}.")
            return HttpResponseRedirect(reverse("admin:auth_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Set a new password for {user.get_username()}",
            "form": form,
            "opts": self.opts,
            "original": user,
        }
        return TemplateResponse(request, "admin/auth/user/set_password.html", context)

    @admin.action(
        description="End every trusted device (each browser asks for a code again)",
        permissions=["manage"],
    )
    def revoke_trusted_devices(self, request, queryset):
        ended = 0
        for user in queryset:
            try:
                ended += accounts.trusted_devices_revoke_all(user=user, acting_user=request.user)
            except PolicyDenied as exc:
                messages.error(request, f"{user.get_username()}: {exc}")
        messages.success(request, f"Ended {ended} trusted device(s).")

    @admin.action(
        description="Reset the authenticator (set up again at the next sign-in)",
        permissions=["manage"],
    )
    def reset_second_factor(self, request, queryset):
        done = 0
        for user in queryset:
            try:
                accounts.user_reset_second_factor(user=user, acting_user=request.user)
            except PolicyDenied as exc:
                messages.error(request, f"{user.get_username()}: {exc}")
            else:
                done += 1
        if done:
            messages.success(request, f"Reset the authenticator of {done} user(s).")
