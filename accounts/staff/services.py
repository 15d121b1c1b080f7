"""Staff security: second factor, lockouts, administrator roles, sessions."""

from __future__ import annotations

import base64
import secrets
from binascii import unhexlify

import segno
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit.context import client_address
from core.audit.models import AuditAction, AuditResult
from core.audit.services import audit_record

from . import throttle
from .models import StaffRole, StaffRoleAssignment, StaffSession
from .roles import MANAGE_SECURITY, ROLE_GROUPS

RECOVERY_CODES = 10
ENROLMENT_NAME = "enrolment"


# Second factor -------------------------------------------------------------


def mfa_is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _pending_totp(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=ENROLMENT_NAME, confirmed=False
        )
    return device


def mfa_enrolment_start(*, user) -> dict:
    """The secret of a new (unconfirmed) TOTP device and its QR code (SVG)."""
    if mfa_is_enrolled(user):
        raise ValidationError(_("A second factor is already set up."))
    device = _pending_totp(user)
    secret = base64.b32encode(unhexlify(device.key)).decode()
    qr = segno.make(device.config_url, error="m")
    return {
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_svg": qr.svg_inline(scale=4),
    }


@transaction.atomic
def mfa_enrolment_confirm(*, request, user, code: str) -> list[str]:
    """Confirm the pending TOTP device with a code from the app; returns the new
    recovery codes (shown once). Refused: no pending device, wrong code."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .first()
    )
    if device is None or not device.verify_token(_digits(code)):
        audit_record(
            action=AuditAction.MFA_FAILED,
            actor=user,
            request=request,
            result=AuditResult.FAILURE,
            detail={"during": "enrolment"},
        )
        raise ValidationError(_("The code is wrong or has expired; try the next one."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    otp_login(request, device)
    audit_record(action=AuditAction.MFA_ENROLLED, actor=user, request=request)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [
        "-".join(secrets.token_hex(3) for _half in range(2))
        for _number in range(RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


def _digits(code: str) -> str:
    return "".join((code or "").split())


def mfa_verify(*, request, user, code: str) -> bool:
    """Check a code (TOTP, or a recovery code, used once) for the signed-in
    ``user`` and mark the session verified. django-otp refuses a TOTP code
    already used (replay), one outside the time window (expired), and any code
    while the device waits out its back-off after failures (brute force)."""
    code = _digits(code)
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    for device in devices:
        if not device.verify_is_allowed()[0]:
            continue
        is_recovery = isinstance(device, StaticDevice)
        if is_recovery != ("-" in code):
            continue
        if device.verify_token(code):
            otp_login(request, device)
            audit_record(
                action=AuditAction.MFA_RECOVERY_USED
                if is_recovery
                else AuditAction.MFA_VERIFIED,
                actor=user,
                request=request,
            )
            return True
    audit_record(
        action=AuditAction.MFA_FAILED,
        actor=user,
        request=request,
        result=AuditResult.FAILURE,
    )
    return False


def mfa_session_verified(request) -> bool:
    """Whether this session passed the second factor (django-otp's middleware
    checks the device it names still exists and belongs to the user), or, in
    the test settings only, was signed in by a trusted test backend."""
    user = request.user
    if getattr(user, "is_verified", None) and user.is_verified():
        return True
    trusted = getattr(settings, "STAFF_MFA_TRUSTED_BACKENDS", ())
    return bool(trusted) and request.session.get("_auth_user_backend") in trusted


def mfa_reset(*, actor, user, request=None) -> None:
    """A security administrator removes ``user``'s second factor: they enrol
    again at their next sign-in; their sessions end now."""
    if not actor.has_perm(MANAGE_SECURITY) or actor.pk == user.pk:
        audit_record(
            action=AuditAction.MFA_RESET,
            actor=actor,
            request=request,
            obj=user,
            result=AuditResult.REFUSED,
        )
        raise PermissionDenied
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        staff_sessions_end(user=user)
        audit_record(
            action=AuditAction.MFA_RESET, actor=actor, request=request, obj=user
        )


def demo_otp_code(*, username: str) -> str:
    """The current TOTP code of a demo account (demo_otp; demo settings only)."""
    if not getattr(settings, "STAFF_DEMO_OTP", False):
        raise PermissionDenied(_("demo_otp works only with the demo settings."))
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
    if device is None:
        raise ValidationError(_("%(name)s has no second factor.") % {"name": username})
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def mfa_enrol_for_demo(*, user) -> TOTPDevice:
    """Enrol ``user`` with a confirmed TOTP device unless they have one (seed_demo:
    the demo's codes come from ``demo_otp``)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    return device


# Sign-in throttling ---------------------------------------------------------


def signin_check(*, request, username: str) -> None:
    """Refuse a sign-in while the account name or the address is locked (the
    same answer whether the account exists or not)."""
    if throttle.is_locked(username, client_address(request)):
        audit_record(
            action=AuditAction.SIGN_IN_FAILED,
            actor_name=username,
            request=request,
            result=AuditResult.REFUSED,
            detail={"reason": "locked"},
        )
        raise ValidationError(
            _(
                "Too many failed sign-ins: this account or address is locked for "
                "%(minutes)d minutes."
            )
            % {"minutes": settings.STAFF_LOCKOUT_SECONDS // 60},
            code="locked",
        )


def signin_failed(*, request, username: str) -> None:
    if throttle.count_failure(username, client_address(request)):
        audit_record(
            action=AuditAction.LOCKED_OUT,
            actor_name=username,
            request=request,
            result=AuditResult.REFUSED,
        )


def signin_succeeded(*, username: str) -> None:
    throttle.clear_account(username)


def signin_superuser_check(*, request, user) -> None:
    """The superuser is for emergencies from the command line: the admin's
    sign-in refuses it unless STAFF_SUPERUSER_ADMIN_SIGNIN is on (the demo)."""
    if user is None or not user.is_superuser:
        return
    if settings.STAFF_SUPERUSER_ADMIN_SIGNIN:
        return
    audit_record(
        action=AuditAction.SIGN_IN,
        actor=user,
        request=request,
        result=AuditResult.REFUSED,
        detail={"superuser": True},
    )
    raise ValidationError(
        _(
            "The superuser is kept for emergencies on the command line and cannot "
            "sign in here; use an administrator account."
        ),
        code="superuser",
    )


def lockout_clear(*, actor, username: str = "", address: str = "", request=None):
    """A security administrator lifts a lock on an account name or an address."""
    if not actor.has_perm(MANAGE_SECURITY):
        raise PermissionDenied
    if username:
        throttle.clear_account(username)
    if address:
        throttle.clear_address(address)
    audit_record(
        action=AuditAction.UNLOCKED,
        actor=actor,
        request=request,
        detail={"account": username, "address": address},
    )


# Administrator roles (三员分立) ---------------------------------------------


def role_group(role: str) -> Group:
    """The group whose permissions make ``role`` (created on first use)."""
    name, permissions = ROLE_GROUPS[role]
    with translation.override(settings.LANGUAGE_CODE):
        group, created = Group.objects.get_or_create(name=str(name))
    if created:
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
    return group


def role_groups() -> dict[str, Group]:
    return {role: role_group(role) for role in ROLE_GROUPS}


def can_grant_roles(actor) -> bool:
    """System administrators grant roles (and superusers, from the command line)."""
    return bool(
        actor is not None
        and actor.is_active
        and (actor.is_superuser or _role_of(actor) == StaffRole.SYSTEM_ADMIN)
    )


def _role_of(user) -> str | None:
    return (
        StaffRoleAssignment.objects.filter(user=user)
        .values_list("role", flat=True)
        .first()
    )


def staff_role_grant(*, actor, user, role: str, request=None) -> StaffRoleAssignment:
    """Give ``user`` one administrator role. Refused: an unknown role, an
    account that already holds another role (one account never holds two),
    an actor who is not a system administrator, a superuser account (kept for
    emergencies) and granting oneself."""
    if role not in StaffRole.values:
        raise ValidationError({"role": [_("Unknown role.")]})
    if not can_grant_roles(actor) or actor.pk == user.pk:
        audit_record(
            action=AuditAction.ROLE_GRANTED,
            actor=actor,
            request=request,
            obj=user,
            result=AuditResult.REFUSED,
            detail={"role": role},
        )
        raise PermissionDenied(_("Only a system administrator grants these roles."))
    with transaction.atomic():
        return _grant(actor=actor, user=user, role=role, request=request)


def _grant(*, actor, user, role: str, request) -> StaffRoleAssignment:
    if user.is_superuser:
        raise ValidationError(
            {"user": [_("The superuser is for emergencies and holds no role.")]}
        )
    held = _role_of(user)
    if held and held != role:
        raise ValidationError(
            {
                "role": [
                    _(
                        "%(user)s is already a %(role)s: one account holds one of "
                        "the three administrator roles at most."
                    )
                    % {"user": user, "role": StaffRole(held).label}
                ]
            }
        )
    try:
        with transaction.atomic():
            assignment, _created = StaffRoleAssignment.objects.get_or_create(
                user=user, defaults={"role": role, "granted_by": actor}
            )
    except IntegrityError:  # granted meanwhile by someone else
        raise ValidationError(
            {"role": [_("The account was just given a role.")]}
        ) from None
    if assignment.role != role:
        raise ValidationError(
            {"role": [_("The account was just given a role.")]}
        ) from None
    user.groups.add(role_group(role))
    audit_record(
        action=AuditAction.ROLE_GRANTED,
        actor=actor,
        request=request,
        obj=user,
        detail={"role": role},
    )
    return assignment


@transaction.atomic
def staff_role_revoke(*, actor, user, request=None) -> None:
    if not can_grant_roles(actor):
        raise PermissionDenied
    role = _role_of(user)
    if role is None:
        return
    StaffRoleAssignment.objects.filter(user=user).delete()
    user.groups.remove(role_group(role))
    audit_record(
        action=AuditAction.ROLE_REVOKED,
        actor=actor,
        request=request,
        obj=user,
        detail={"role": role},
    )


# Sessions -------------------------------------------------------------------


def _session_store(session_key: str) -> SessionBase:
    engine = import_string(settings.SESSION_ENGINE + ".SessionStore")
    return engine(session_key)


def staff_session_started(*, request, user) -> None:
    if not request.session.session_key:
        request.session.save()
    now = timezone.now()
    request.session["staff_started_at"] = now.timestamp()
    request.session["staff_seen_at"] = now.timestamp()
    StaffSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "address": client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:255],
            "created_at": now,
            "last_seen_at": now,
        },
    )


def staff_session_seen(*, request) -> None:
    key = request.session.session_key
    if key:
        StaffSession.objects.filter(session_key=key).update(last_seen_at=timezone.now())


def staff_session_end(*, user, session_key: str, request=None) -> bool:
    """End one of ``user``'s own sessions (or any, for ``staff_sessions_end``)."""
    deleted, _rows = StaffSession.objects.filter(
        user=user, session_key=session_key
    ).delete()
    if not deleted:
        return False
    _session_store(session_key).delete()
    audit_record(
        action=AuditAction.SESSION_ENDED,
        actor=user if request is None else None,
        request=request,
        obj=user,
    )
    return True


def staff_sessions_end(*, user) -> int:
    keys = list(
        StaffSession.objects.filter(user=user).values_list("session_key", flat=True)
    )
    for key in keys:
        _session_store(key).delete()
    StaffSession.objects.filter(user=user).delete()
    return len(keys)


def staff_session_forget(*, session_key: str | None) -> None:
    if session_key:
        StaffSession.objects.filter(session_key=session_key).delete()
