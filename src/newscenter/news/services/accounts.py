"""User accounts as the newsroom sees them: created, given a role, reset, removed.

Every write here goes through the policy (news.policy): nobody grants a role above their
own, nobody changes the role of someone who holds a higher role, and only a superuser may
touch a superuser or make one. A role is exactly one of the three groups plus ``is_staff``;
groups, permissions and the superuser flag are never edited directly (desk/users.py
offers no field for them). The admin and ``newscenter user`` call these services.
"""

from __future__ import annotations

import datetime as dt
import secrets
from base64 import b32encode
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newscenter.news import policy
from newscenter.news.audit import audit_record
from newscenter.news.models import TrustedDevice
from newscenter.news.policy import SYSTEM, Actor, PolicyDenied, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Fields an administrator may change through user_update; never groups, permissions,
# is_staff or is_superuser, which follow from the role alone.
PROFILE_FIELDS = frozenset({"username", "first_name", "last_name", "email", "is_active"})
SUPERUSER = "superuser"  # how the CLI and the admin name a superuser "role"
RECOVERY_CODES = 10  # one-time codes for a sign-in without the phone


def held_role(user: User) -> Role | None:
    """The role a user holds, active or not (policy.role_of ignores inactive users, but an
    inactive administrator is still out of an editor's reach)."""
    if user.is_superuser:
        return Role.ADMINISTRATOR
    names = {g.name for g in user.groups.all()}
    held = [r for r in Role if r.group_name in names]
    return max(held) if held else None


def role_label(user: User) -> str:
    """The words the CLI and the audit trail use: "superuser", "editor", ... or "none"."""
    if user.is_superuser:
        return SUPERUSER
    role = held_role(user)
    return role.name.lower() if role else "none"


def parse_role(name: str) -> tuple[Role | None, bool]:
    """``"editor"`` -> (Role.EDITOR, False); ``"none"`` -> (None, False); ``"superuser"`` ->
    (Role.ADMINISTRATOR, True). ValueError with the known names otherwise."""
    word = name.strip().lower()
    if word == "none":
        return None, False
    if word == SUPERUSER:
        return Role.ADMINISTRATOR, True
    try:
        return Role.parse(word), False
    except ValueError:
        known = ", ".join([*(r.name.lower() for r in Role), SUPERUSER, "none"])
        raise ValueError(f"unknown role {name!r} (known roles: {known})") from None


def check_role_change(
    acting_user: Actor, *, user: User, role: Role | None, superuser: bool = False
) -> None:
    """Raise PolicyDenied unless ``acting_user`` may give ``user`` this role (None: no role).

    Used by the service and by forms, so that a refusal shows before anything is saved.
    """
    if superuser and role != Role.ADMINISTRATOR:
        raise ValueError("a superuser holds the administrator role")
    if acting_user is SYSTEM:
        return  # the system: migrations, `newscenter user` without --user
    # Removing a role is granting the lowest one, as far as the right to do it goes.
    policy.require(acting_user, "role.grant", role=role or min(Role))
    if superuser and not acting_user.is_superuser:
        raise PolicyDenied("only a superuser may make a superuser")
    _require_reach(acting_user, user)


def can_act_on(acting_user: Actor, user: User) -> bool:
    """Whether ``acting_user`` may touch ``user`` at all: not a superuser unless they are
    one, and nobody holding a role above theirs."""
    try:
        _require_reach(acting_user, user)
    except PolicyDenied:
        return False
    return True


def user_set_role(
    *, user: User, role: Role | None, acting_user: Actor, superuser: bool = False
) -> User:
    """Put ``user`` in exactly ``role``'s group (or none), staff when they hold one."""
    check_role_change(acting_user, user=user, role=role, superuser=superuser)
    with transaction.atomic():
        before = role_label(user)
        user.groups.remove(*Group.objects.filter(name__in=[r.group_name for r in Role]))
        if role is not None:
            user.groups.add(Group.objects.get(name=role.group_name))
        user.is_staff = role is not None
        user.is_superuser = superuser
        user.save(update_fields=["is_staff", "is_superuser"])
        _audit(acting_user, "role", user, before=before, after=role_label(user))
    return user


def user_create(
    *,
    username: str,
    email: str = "",
    password: str | None,
    role: Role | None,
    acting_user: Actor,
    superuser: bool = False,
    **fields: Any,
) -> User:
    """A new account. ``password=None`` leaves it without one: the person sets it through
    "forgot your password?". Staff are asked to set up their second factor at first login."""
    policy.require(acting_user, "user.manage")
    model = get_user_model()
    user = model(username=username, email=model.objects.normalize_email(email), **fields)
    check_role_change(acting_user, user=user, role=role, superuser=superuser)
    if password is None:
        user.set_unusable_password()
    else:
        password_validation.validate_password(password, user)
        user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        _audit(acting_user, "user.create", user)
        user_set_role(user=user, role=role, acting_user=acting_user, superuser=superuser)
    return user


def user_update(*, user: User, acting_user: Actor, changed: dict[str, Any]) -> User:
    """Change profile fields (PROFILE_FIELDS only); administrators only."""
    unknown = set(changed) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"not a profile field: {', '.join(sorted(unknown))}")
    _require_manage(acting_user, user)
    for name, value in changed.items():
        setattr(user, name, value)
    user.full_clean()
    with transaction.atomic():
        user.save(update_fields=[*changed] or None)
        _audit(acting_user, "user.update", user, fields=sorted(changed))
    return user


def user_set_password(*, user: User, password: str, acting_user: Actor) -> User:
    """A new password set by an administrator: checked by the password validators, which
    raise ValidationError with the reasons. The person's sessions and trusted devices
    (accounts/trust.py) end with the old password."""
    _require_manage(acting_user, user)
    password_validation.validate_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save(update_fields=["password"])
        TrustedDevice.objects.filter(user=user).delete()  # no longer trusted: not listed
        _audit(acting_user, "user.set_password", user)
    return user


def user_delete(*, user: User, acting_user: Actor) -> None:
    _require_manage(acting_user, user)
    with transaction.atomic():
        _audit(acting_user, "user.delete", user)
        user.delete()


def user_reset_second_factor(*, user: User, acting_user: Actor) -> int:
    """Forget the user's authenticator (a lost phone): the next login enrols a new one.

    Returns how many devices were removed."""
    _require_manage(acting_user, user)
    with transaction.atomic():
        removed: int = TOTPDevice.objects.filter(user=user).delete()[0]
        # Recovery codes belong to the authenticator they stand in for: new ones come with
        # the next enrolment.
        StaticDevice.objects.filter(user=user).delete()
        TrustedDevice.objects.filter(user=user).delete()
        _audit(acting_user, "user.reset_second_factor", user, devices=removed)
    return removed


def second_factor_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, or None: they enrol one at their next login."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_enrolling(user: User, *, pk: int | None) -> TOTPDevice | None:
    """The unconfirmed authenticator ``pk`` of ``user`` being enrolled, if it still exists."""
    return TOTPDevice.objects.filter(user=user, pk=pk, confirmed=False).first()


def second_factor_secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in: base32, no padding."""
    return b32encode(device.bin_key).decode().rstrip("=")


def second_factor_begin(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for enrolment; any earlier unconfirmed one goes, so
    a secret shown on an abandoned enrolment page never becomes valid."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def second_factor_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment with a first code from the app; False when the code is wrong."""
    if not device.verify_token(code):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _audit(device.user, "user.enrol_second_factor", device.user)
    return True


def recovery_codes_make(*, user: User, acting_user: Actor) -> list[str]:
    """Ten new one-time recovery codes for ``user``, replacing any earlier ones, returned
    once as ``abcd-efgh`` (only their owner or an administrator over them may ask). Making
    new codes also ends every device the person trusted (accounts/trust.py)."""
    if acting_user is not user:
        _require_manage(acting_user, user)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        TrustedDevice.objects.filter(user=user).delete()
        _audit(acting_user, "user.recovery_codes", user)
    return [f"{code[:4]}-{code[4:]}" for code in codes]


def recovery_codes_left(user: User) -> int:
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_code_use(*, user: User, code: str) -> StaticDevice | None:
    """The device of ``user``'s recovery code ``code`` (spaces, dashes and case ignored), which
    is then used up; None if it is not one of theirs. One DELETE decides, so two sign-ins
    racing with the same code cannot both win."""
    token = "".join(code.split()).replace("-", "").lower()
    device = recovery_device(user)
    if device is None or not token:
        return None
    with transaction.atomic():
        used = StaticToken.objects.filter(device=device, token=token).delete()[0]
        if not used:
            return None
        device.set_last_used_timestamp(commit=True)
        _audit(user, "user.recovery_code_used", user, left=recovery_codes_left(user))
    return device


# --- Trusted devices (accounts/trust.py keeps the cookie) --------------------------------


def trusted_device_add(*, user: User, label: str, days: int) -> TrustedDevice:
    """A browser ``user`` just trusted at the code step, for ``days``; their expired ones go."""
    now = timezone.now()
    with transaction.atomic():
        TrustedDevice.objects.filter(user=user, expires__lte=now).delete()
        device = TrustedDevice.objects.create(
            user=user,
            key=secrets.token_urlsafe(32),
            label=label[:200] or "A browser",
            created=now,
            last_used=now,
            expires=now + dt.timedelta(days=days),
        )
        _audit(user, "user.trust_device", user, device=device.label)
    return device


def trusted_device_use(*, user: User, key: str) -> TrustedDevice | None:
    """The unexpired trusted device ``key`` of ``user``, marked used now; None if it was
    revoked, has expired or is not theirs."""
    now = timezone.now()
    found = TrustedDevice.objects.filter(user=user, key=key, expires__gt=now).first()
    if found is not None:
        TrustedDevice.objects.filter(pk=found.pk).update(last_used=now)
    return found


def trusted_devices(user: User) -> list[TrustedDevice]:
    return list(TrustedDevice.objects.filter(user=user, expires__gt=timezone.now()))


def trusted_device_revoke(*, device: TrustedDevice, acting_user: Actor) -> None:
    """End one trusted device: its browser is asked for the code at the next sign-in."""
    _require_self_or_manage(acting_user, device.user)
    with transaction.atomic():
        _audit(acting_user, "user.revoke_trusted_device", device.user, device=device.label)
        device.delete()


def trusted_devices_revoke_all(*, user: User, acting_user: Actor) -> int:
    """End every device ``user`` trusted; returns how many there were."""
    _require_self_or_manage(acting_user, user)
    with transaction.atomic():
        ended: int = TrustedDevice.objects.filter(user=user).delete()[0]
        _audit(acting_user, "user.revoke_trusted_devices", user, devices=ended)
    return ended


def _require_self_or_manage(acting_user: Actor, user: User) -> None:
    if acting_user is SYSTEM or getattr(acting_user, "pk", None) != user.pk:
        _require_manage(acting_user, user)


def _require_manage(acting_user: Actor, user: User) -> None:
    if acting_user is SYSTEM:
        return
    policy.require(acting_user, "user.manage")
    _require_reach(acting_user, user)


def _require_reach(acting_user: Actor, user: User) -> None:
    if acting_user is SYSTEM or not user.pk:
        return
    if user.is_superuser and not acting_user.is_superuser:
        raise PolicyDenied("only a superuser may change a superuser")
    theirs, ours = held_role(user), policy.role_of(acting_user)
    if theirs is not None and (ours is None or theirs > ours):
        raise PolicyDenied(
            f"user {user.get_username()!r} holds the {theirs.name.lower()} role, above yours"
        )


def _audit(acting_user: Actor, action: str, user: User, **detail: Any) -> None:
    audit_record(actor=acting_user, action=action, target=user, **detail)
