"""Every change to users, sessions, tokens, compartments and memberships.

One function per action, one transaction each, each writing its audit entry
in the same transaction. Views, the API and the CLI all call these.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from longreach.accounts import access, approvals, selectors
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import ApiToken, Compartment, Membership, PendingAction, User, UserSession
from longreach.accounts.roles import LINKAGE_ROLES, Role, allowed
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.crypto import CryptoError, as_bytes, envelope
from longreach.crypto import keys as ck
from longreach.keys import services as key_services
from longreach.keys.context import compartment_key_context, current_keyring
from longreach.keys.keyring import Keyring

# The roles that work inside compartments (administrators and auditors never do).
MEMBER_ROLES = frozenset({Role.LEAD, Role.ANALYST, Role.VOLUNTEER})


def kdf_params() -> ck.KdfParams:
    return ck.KDF_TEST if settings.KDF_PROFILE == "test" else ck.KDF_INTERACTIVE


def _key_context(user: User) -> str:
    return f"user-private-key:{user.code}"


@dataclass(frozen=True)
class NewUser:
    user: User
    totp: TOTPDevice


@transaction.atomic
def user_create(
    *,
    username: str,
    role: Role | str,
    password: str,
    acting_user: User | str,
    linkage_key: bytes | None = None,
) -> NewUser:
    """A staff user with a key pair wrapped under the password and a TOTP device."""
    role = Role(role)
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(f"a user named {username!r} already exists")
    user = User(username=username, role=role)
    validate_password(password, user)
    pair = ck.new_keypair()
    user.public_key = pair.public
    user.set_password(password)
    user.wrapped_private_key = ck.wrap_with_password(pair.private, password, _key_context(user), kdf_params())
    user.save()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    if role in LINKAGE_ROLES:
        if linkage_key is None:
            keyring = current_keyring()
            linkage_key = keyring.linkage_key()
        key_services.linkage_grant(user=user, linkage_key=linkage_key)
    audit_record(
        Event.USER_CREATED,
        actor=acting_user,
        object_type="user",
        object_code=user.code,
        detail={"role": role.value},
    )
    audit_record(
        Event.FACTOR_ADDED,
        actor=acting_user,
        object_type="user",
        object_code=user.code,
        detail={"factor": "totp"},
    )
    return NewUser(user, device)


def user_unlock(*, user: User, password: str) -> bytes:
    """The user's private key, opened with the password (re-wrapped if KDF settings grew)."""
    private = ck.unwrap_with_password(
        as_bytes(user.wrapped_private_key, "wrapped private key"), password, _key_context(user)
    )
    if ck.wrap_params(as_bytes(user.wrapped_private_key, "wrapped private key")) != kdf_params():
        user.wrapped_private_key = ck.wrap_with_password(private, password, _key_context(user), kdf_params())
        user.save(update_fields=["wrapped_private_key"])
    return private


def session_register(*, user: User, session_key: str) -> None:
    UserSession.objects.get_or_create(session_key=session_key, defaults={"user": user})


def _end_sessions(*, user: User, acting_user: User | str) -> None:
    """Log the user out everywhere: delete every server-side session they hold."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    audit_record(
        Event.SESSIONS_ENDED,
        actor=acting_user,
        object_type="user",
        object_code=user.code,
        detail={"sessions": len(keys)},
    )


def _revoke_tokens(*, user: User, acting_user: User | str) -> int:
    """Revoke every live API token of ``user``, each with its audit entry; the number revoked."""
    live = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True).values_list("prefix", flat=True))
    ApiToken.objects.filter(user=user, prefix__in=live).update(revoked_at=timezone.now())
    for prefix in live:
        audit_record(Event.TOKEN_REVOKED, actor=acting_user, object_type="api_token", object_code=prefix)
    return len(live)


@transaction.atomic
def user_revoke_tokens(*, user: User, acting_user: User | str) -> int:
    """Revoke every live API token of ``user`` (a lost laptop, a leaked script); the number revoked."""
    return _revoke_tokens(user=user, acting_user=acting_user)


@transaction.atomic
def user_change_password(*, user: User, old_password: str, new_password: str) -> int:
    """Re-wrap the private key under the new password, end every session and revoke every API
    token (a password is changed when it may be known to someone else; a token made with it
    would outlive the change). Returns the number of tokens revoked."""
    if not user.check_password(old_password):
        raise ServiceError("the current password is not correct")
    validate_password(new_password, user)
    private = ck.unwrap_with_password(
        as_bytes(user.wrapped_private_key, "wrapped private key"), old_password, _key_context(user)
    )
    user.wrapped_private_key = ck.wrap_with_password(private, new_password, _key_context(user), kdf_params())
    user.set_password(new_password)
    user.save(update_fields=["password", "wrapped_private_key"])
    audit_record(Event.PASSWORD_CHANGED, actor=user, object_type="user", object_code=user.code)
    _end_sessions(user=user, acting_user=user)
    return _revoke_tokens(user=user, acting_user=user)


def _refuse_self_lockout(user: User, acting_user: User | str, refusal: str) -> None:
    """An administrator cannot shut themselves out (``refusal`` says so), nor leave the organisation
    without one."""
    if isinstance(acting_user, User) and acting_user.pk == user.pk:
        raise ServiceError(refusal)
    if selectors.last_active_administrator(user=user):
        raise ServiceError(_("%(name)s is the last active administrator") % {"name": user.username})


@transaction.atomic
def user_deactivate(*, user: User, acting_user: User | str) -> None:
    if not user.is_active:
        raise ServiceError(_("%(name)s is already deactivated") % {"name": user.username})
    _refuse_self_lockout(
        user, acting_user, _("you cannot deactivate your own account; ask another administrator")
    )
    user.is_active = False
    user.save(update_fields=["is_active"])
    _revoke_tokens(user=user, acting_user=acting_user)
    audit_record(Event.USER_DEACTIVATED, actor=acting_user, object_type="user", object_code=user.code)
    _end_sessions(user=user, acting_user=acting_user)


@transaction.atomic
def user_reactivate(*, user: User, acting_user: User | str) -> None:
    """Let a deactivated user log in again: their memberships and keys were kept, their
    tokens stay revoked (a new token is made after logging in)."""
    if user.is_active:
        raise ServiceError(_("%(name)s is already active") % {"name": user.username})
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(Event.USER_REACTIVATED, actor=acting_user, object_type="user", object_code=user.code)


@transaction.atomic
def user_set_role(*, user: User, role: Role | str, acting_user: User | str) -> None:
    """Give ``user`` another role; the linkage key follows the role (granted from the acting
    administrator's keys, or removed), and every session ends so the new role applies at once."""
    from longreach.keys.models import KeyGrant

    role = Role(role)
    if role == user.role:
        raise ServiceError(_("%(name)s already has this role") % {"name": user.username})
    _refuse_self_lockout(
        user, acting_user, _("you cannot change the role of your own account; ask another administrator")
    )
    if role not in MEMBER_ROLES and user.memberships.exists():
        raise ServiceError(
            _("%(name)s belongs to compartments and a %(role)s cannot: end those memberships first")
            % {"name": user.username, "role": role.label}
        )
    old = Role(user.role)
    if role in LINKAGE_ROLES and old not in LINKAGE_ROLES:
        key_services.linkage_grant(user=user, linkage_key=current_keyring().linkage_key())
    elif role not in LINKAGE_ROLES:
        KeyGrant.objects.filter(user=user, compartment=None).delete()
    user.role = role
    user.save(update_fields=["role"])
    audit_record(
        Event.ROLE_CHANGED,
        actor=acting_user,
        object_type="user",
        object_code=user.code,
        detail={"from": old.value, "to": role.value},
    )
    _end_sessions(user=user, acting_user=acting_user)


@transaction.atomic
def user_set_notice_address(*, user: User, email: str) -> None:
    """Where content-free notices go (empty: none). The address is the one contact detail kept in
    the clear, because the server sends without anyone's keys; the threat model says so."""
    user.email = email.strip()
    user.save(update_fields=["email"])
    audit_record(
        Event.NOTICE_ADDRESS_SET,
        actor=user,
        object_type="user",
        object_code=user.code,
        detail={"set": bool(user.email)},
    )


@transaction.atomic
def user_notified(*, user: User) -> None:
    """Record that a notice went out (so the next waits its turn)."""
    user.notified_at = timezone.now()
    user.save(update_fields=["notified_at"])
    audit_record(Event.NOTICE_SENT, actor="system", object_type="user", object_code=user.code)


@transaction.atomic
def user_reset_factor(*, user: User, acting_user: User | str) -> TOTPDevice:
    """Replace a lost authenticator: new TOTP secret, every session ended."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    audit_record(
        Event.FACTOR_REMOVED,
        actor=acting_user,
        object_type="user",
        object_code=user.code,
        detail={"factor": "totp", "removed": removed},
    )
    audit_record(
        Event.FACTOR_ADDED,
        actor=acting_user,
        object_type="user",
        object_code=user.code,
        detail={"factor": "totp"},
    )
    _end_sessions(user=user, acting_user=acting_user)
    return device


@transaction.atomic
def user_reset_password(
    *, user: User, new_password: str, recovery_private_key: bytes, acting_user: User | str
) -> int:
    """A forgotten password: a new key pair, keys re-granted from the recovery key.

    The old private key is unrecoverable by design, so every grant is issued
    again from the recovery key; tokens that wrapped the old key are revoked.
    Returns the number of compartments re-granted.
    """
    from longreach.keys.models import KeyGrant

    validate_password(new_password, user)
    recovery = Keyring(None, recovery_private_key)
    try:
        keys = [
            (m.compartment, *recovery.compartment_key(m.compartment_id))
            for m in user.memberships.select_related("compartment")
        ]
        linkage = (
            recovery.linkage_key() if KeyGrant.objects.filter(user=user, compartment=None).exists() else None
        )
    except CryptoError as exc:
        raise ServiceError("this is not the organisation's recovery key") from exc
    KeyGrant.objects.filter(user=user).delete()
    pair = ck.new_keypair()
    user.public_key = pair.public
    user.wrapped_private_key = ck.wrap_with_password(
        pair.private, new_password, _key_context(user), kdf_params()
    )
    user.set_password(new_password)
    user.save(update_fields=["public_key", "wrapped_private_key", "password"])
    for compartment, version, key in keys:
        key_services.compartment_key_grant(compartment=compartment, version=version, key=key, user=user)
        audit_record(
            Event.KEY_RECOVERED,
            actor=acting_user,
            compartment=compartment,
            object_type="user",
            object_code=user.code,
        )
    if linkage is not None:
        key_services.linkage_grant(user=user, linkage_key=linkage)
    _revoke_tokens(user=user, acting_user=acting_user)
    audit_record(
        Event.PASSWORD_CHANGED,
        actor=acting_user,
        object_type="user",
        object_code=user.code,
        detail={"reset": True},
    )
    _end_sessions(user=user, acting_user=acting_user)
    return len(keys)


# --- API tokens -------------------------------------------------------------

TOKEN_PREFIX = "lr"  # noqa: S105 - a label, not a secret
_TOKEN_SHAPE = re.compile(r"^lr_([0-9a-f]{12})_([A-Za-z0-9_\-]{43})$")


def _token_hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("ascii")).digest()


@transaction.atomic
def token_create(*, user: User, private_key: bytes, name: str) -> str:
    """A new token, shown once: ``lr_<prefix>_<secret>``."""
    if not name or len(name) > 80:
        raise ServiceError("a token needs a name of 1 to 80 characters")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user,
        prefix=prefix,
        secret_hash=_token_hash(secret),
        wrapped_private_key=ck.wrap_with_key(private_key, ck.token_key(secret), f"api-token:{prefix}"),
        name=name,
    )
    audit_record(Event.TOKEN_CREATED, actor=user, object_type="api_token", object_code=prefix)
    return f"{TOKEN_PREFIX}_{prefix}_{secret}"


def token_authenticate(raw: str) -> tuple[User, Keyring] | None:
    """The user and their unlocked keys for a bearer token, or None (audited)."""
    match = _TOKEN_SHAPE.match(raw)
    if match is None:
        return None
    prefix, secret = match.group(1), match.group(2)
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None:
        # Same work as a hit, so timing does not say whether the prefix exists.
        hmac.compare_digest(_token_hash(secret), b"\x00" * 32)
        return None
    if (
        not hmac.compare_digest(bytes(token.secret_hash), _token_hash(secret))
        or token.revoked_at is not None
        or not token.user.is_active
    ):
        audit_record(
            Event.TOKEN_FAILURE,
            actor=token.user,
            object_type="api_token",
            object_code=prefix,
            outcome="denied",
        )
        return None
    private = ck.unwrap_with_key(
        bytes(token.wrapped_private_key), ck.token_key(secret), f"api-token:{prefix}"
    )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user, Keyring(token.user.pk, private)


@transaction.atomic
def token_revoke(*, token: ApiToken, acting_user: User) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(Event.TOKEN_REVOKED, actor=acting_user, object_type="api_token", object_code=token.prefix)


# --- Compartments and memberships ------------------------------------------


@transaction.atomic
def compartment_create(*, slug: str, name: str, lead: User, acting_user: User | str) -> Compartment:
    """A compartment with a fresh key sealed to its first lead and to the recovery key."""
    if isinstance(acting_user, User) and not allowed(acting_user, "compartment.create"):
        raise NotAllowed("only administrators create compartments")
    if lead.role not in (Role.LEAD, Role.ANALYST) or not lead.is_active:
        raise ServiceError("the first member of a compartment must be an active lead or analyst")
    if Compartment.objects.filter(slug=slug).exists():
        raise ServiceError(f"a compartment {slug!r} already exists")
    key = envelope.new_key()
    intake = ck.new_keypair()
    compartment = Compartment(slug=slug, name=name, key_version=1, intake_public_key=intake.public)
    compartment.intake_private_sealed = key_services.seal_intake_private(compartment, key, 1, intake.private)
    compartment.full_clean(exclude=["intake_public_key", "intake_private_sealed"])
    compartment.save()
    Membership.objects.create(user=lead, compartment=compartment)
    key_services.compartment_key_grant(compartment=compartment, version=1, key=key, user=lead)
    key_services.compartment_key_grant(compartment=compartment, version=1, key=key, user=None)
    audit_record(
        Event.COMPARTMENT_CREATED,
        actor=acting_user,
        compartment=compartment,
        object_type="compartment",
        object_code=compartment.code,
    )
    audit_record(
        Event.KEY_GRANTED,
        actor=acting_user,
        compartment=compartment,
        object_type="user",
        object_code=lead.code,
    )
    return compartment


PENDING_LIFETIME = timedelta(days=7)


@transaction.atomic
def pending_request(
    *,
    kind: str,
    compartment: Compartment,
    requested_by: User,
    params: dict[str, Any],
    event: Event,
    detail: dict[str, Any],
    target_user: User | None = None,
    sealed_payload: bytes | None = None,
) -> PendingAction:
    """Store a request for a second person to approve, and audit that it was asked for."""
    action = PendingAction.objects.create(
        kind=kind,
        compartment=compartment,
        target_user=target_user,
        params=params,
        sealed_payload=sealed_payload,
        requested_by=requested_by,
        expires_at=timezone.now() + PENDING_LIFETIME,
    )
    audit_record(
        event,
        actor=requested_by,
        compartment=compartment,
        object_type="pending_action",
        object_code=action.code,
        detail=detail,
    )
    return action


def membership_request(*, compartment: Compartment, user: User, acting_user: User) -> PendingAction:
    """Ask for ``user`` to join; the key is sealed to them now, granted only on approval."""
    if not access.may(acting_user, "membership.request", compartment):
        raise NotAllowed("only a lead of this compartment can propose members")
    if user.role not in MEMBER_ROLES or not user.is_active:
        raise ServiceError("only active leads, analysts and intake volunteers can join a compartment")
    if access.is_member(user, compartment):
        raise ServiceError(f"{user.username} is already a member")
    if PendingAction.objects.filter(
        kind=approvals.MEMBERSHIP_ADD,
        compartment=compartment,
        target_user=user,
        status=PendingAction.Status.PENDING,
    ).exists():
        raise ServiceError(f"a request to add {user.username} is already waiting")
    version, key = current_keyring().compartment_key(compartment.pk)
    return pending_request(
        kind=approvals.MEMBERSHIP_ADD,
        compartment=compartment,
        target_user=user,
        params={"key_version": version},
        # Sealed exactly as a key grant, so approval can release it unchanged.
        sealed_payload=ck.seal_to(
            as_bytes(user.public_key, "public key"), key, compartment_key_context(compartment.pk, version)
        ),
        requested_by=acting_user,
        event=Event.MEMBERSHIP_REQUESTED,
        detail={"user": user.code},
    )


def _execute_membership_add(action: PendingAction, approver: User) -> None:
    compartment, user = action.compartment, action.target_user
    assert compartment is not None and user is not None
    if compartment.key_version != action.params["key_version"]:
        raise ServiceError("the compartment key was rotated after this request; ask again")
    Membership.objects.get_or_create(user=user, compartment=compartment)
    from longreach.keys.models import KeyGrant

    # The requester sealed the key for the new member; the approver only releases it.
    KeyGrant.objects.update_or_create(
        compartment=compartment,
        key_version=compartment.key_version,
        user=user,
        defaults={"sealed": as_bytes(action.sealed_payload, "pending key grant")},
    )
    audit_record(
        Event.KEY_GRANTED, actor=approver, compartment=compartment, object_type="user", object_code=user.code
    )


approvals.register(
    approvals.MEMBERSHIP_ADD,
    can_approve=lambda action, user: access.may(user, "membership.approve", action.compartment),
    execute=_execute_membership_add,
    approved_event=Event.MEMBERSHIP_APPROVED,
    rejected_event=Event.MEMBERSHIP_REJECTED,
)


def pending_spend(
    *,
    kind: str,
    code: str,
    user: User,
    compartment: Compartment,
    valid_for: timedelta,
    matches: Callable[[dict[str, Any]], bool],
    mismatch: str = "",
) -> PendingAction:
    """Use an approved request of ``user``'s once, within ``valid_for`` of its approval.

    ``matches`` says whether the request was approved for what is being done now;
    NotAllowed says why not otherwise.
    """
    with transaction.atomic():
        action = PendingAction.objects.select_for_update().filter(code=code, kind=kind).first()
        problem = None
        if action is None or action.requested_by_id != user.pk or action.compartment_id != compartment.pk:
            problem = _("no request %(code)s of yours for this compartment") % {"code": code[:20]}
        elif action.status != PendingAction.Status.APPROVED or action.decided_at is None:
            problem = _("request %(code)s has not been approved by a second person") % {"code": code}
        elif action.params.get("used"):
            problem = _("request %(code)s was already used; ask again") % {"code": code}
        elif action.decided_at + valid_for < timezone.now():
            problem = _("the approval of %(code)s is older than %(hours)d hours; ask again") % {
                "code": code,
                "hours": valid_for.total_seconds() // 3600,
            }
        elif not matches(action.params):
            problem = mismatch or _("request %(code)s was approved for something else") % {"code": code}
        if problem:
            raise NotAllowed(problem)
        assert action is not None
        action.params = {**action.params, "used": True}
        action.save(update_fields=["params"])
    return action


def pending_approve(*, action: PendingAction, acting_user: User) -> None:
    """Carry out ``action`` if ``acting_user`` is a different, authorised person.

    Refusals are audited outside the transaction so that the record survives.
    """
    action = PendingAction.objects.select_related("compartment", "target_user").get(pk=action.pk)
    spec = approvals.spec(action.kind)
    refusal = approvals.refusal(action, acting_user)
    if refusal is None and not spec.can_approve(action, acting_user):
        refusal = "you are not authorised to approve this"
    if refusal:
        audit_record(
            Event.APPROVAL_REFUSED,
            actor=acting_user,
            compartment=action.compartment,
            object_type="pending_action",
            object_code=action.code,
            outcome="denied",
        )
        raise NotAllowed(refusal)
    with transaction.atomic():
        locked = PendingAction.objects.select_for_update().get(pk=action.pk)
        if locked.status != PendingAction.Status.PENDING:
            raise ServiceError("this request was already decided")
        spec.execute(action, acting_user)
        _decide(locked, acting_user, PendingAction.Status.APPROVED, Event(spec.approved_event))


@transaction.atomic
def pending_reject(*, action: PendingAction, acting_user: User) -> None:
    action = PendingAction.objects.select_for_update().get(pk=action.pk)
    if action.status != PendingAction.Status.PENDING:
        raise ServiceError("this request was already decided")
    spec = approvals.spec(action.kind)
    if action.requested_by_id != acting_user.pk and not spec.can_approve(action, acting_user):
        raise NotAllowed("you are not authorised to decide this")
    if spec.on_reject is not None:
        spec.on_reject(action, acting_user)
    _decide(action, acting_user, PendingAction.Status.REJECTED, Event(spec.rejected_event))


def _decide(action: PendingAction, acting_user: User, status: str, event: Event) -> None:
    """Record the decision on a pending action and audit who asked and who decided."""
    action.status = status
    action.decided_by = acting_user
    action.decided_at = timezone.now()
    action.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        event,
        actor=acting_user,
        compartment=action.compartment,
        object_type="pending_action",
        object_code=action.code,
        detail={
            "user": action.target_user.code if action.target_user else "",
            "requested_by": action.requested_by.code,
        },
    )


@transaction.atomic
def membership_revoke(*, compartment: Compartment, user: User, acting_user: User | str) -> None:
    """End a membership and delete the member's sealed keys; rotate next to lock out copies."""
    if isinstance(acting_user, User):
        access.require(acting_user, "membership.revoke", compartment)
    deleted, _ = Membership.objects.filter(user=user, compartment=compartment).delete()
    if not deleted:
        raise ServiceError(f"{user.username} is not a member")
    grants = key_services.compartment_grants_revoke(compartment=compartment, user=user)
    audit_record(
        Event.MEMBERSHIP_REVOKED,
        actor=acting_user,
        compartment=compartment,
        object_type="user",
        object_code=user.code,
        detail={"grants_removed": grants},
    )


@transaction.atomic
def compartment_rotate_key(*, compartment: Compartment, acting_user: User | str, keyring: Keyring) -> int:
    """Issue a new key, re-encrypt every sealed value of the compartment, drop old grants.

    Returns the number of rows re-encrypted. Members and the recovery key get
    the new key; anyone revoked earlier holds only keys that no longer open
    anything. One transaction: a failure part-way leaves the old key in force.
    """
    locked = Compartment.objects.select_for_update().get(pk=compartment.pk)
    old_version = locked.key_version
    intake_private = key_services.open_intake_private(locked, keyring)
    keyring.compartment_key(locked.pk, old_version)  # kept open for rows not yet re-encrypted
    new_version, new_key = old_version + 1, key_services.new_compartment_key()
    locked.key_version = new_version
    locked.intake_private_sealed = key_services.seal_intake_private(
        locked, new_key, new_version, intake_private
    )
    locked.save(update_fields=["key_version", "intake_private_sealed"])
    keyring.remember(locked.pk, new_version, new_key)
    for member in User.objects.filter(memberships__compartment=locked):
        key_services.compartment_key_grant(compartment=locked, version=new_version, key=new_key, user=member)
    key_services.compartment_key_grant(compartment=locked, version=new_version, key=new_key, user=None)
    rows = key_services.compartment_rows_reseal(compartment_id=locked.pk, keyring=keyring)
    key_services.compartment_grants_retire(compartment_id=locked.pk, below=new_version)
    compartment.refresh_from_db(fields=["key_version"])
    audit_record(
        Event.KEY_ROTATED,
        actor=acting_user,
        compartment=compartment,
        object_type="compartment",
        object_code=compartment.code,
        detail={"version": compartment.key_version, "rows": rows},
    )
    return rows


@transaction.atomic
def recovery_restore_access(*, recovery_private_key: bytes, compartment: Compartment, user: User) -> None:
    """Restore a user's access with the organisation recovery key (also makes them a member)."""
    if user.role not in MEMBER_ROLES:
        raise ServiceError("access can be restored only to leads, analysts and intake volunteers")
    try:
        key_services.recovery_restore(
            recovery_private_key=recovery_private_key, compartment=compartment, user=user
        )
    except CryptoError as exc:
        raise ServiceError("this is not the organisation's recovery key") from exc
    Membership.objects.get_or_create(user=user, compartment=compartment)
    audit_record(
        Event.KEY_RECOVERED,
        actor="recovery-key",
        compartment=compartment,
        object_type="user",
        object_code=user.code,
    )
