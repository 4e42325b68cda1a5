"""The demo organisation: synthetic staff, two compartments, credentials in var/.

Only for ``LONGREACH_MODE=demo``; everything goes through the same services
as real use (including the two-person rule for adding members).
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction

from longreach.accounts import services
from longreach.accounts.models import Compartment, User
from longreach.accounts.roles import Role
from longreach.audit.services import ledger_sign_head, write_signing_key
from longreach.insight import services as insight_services
from longreach.insight.demo import demo_publications
from longreach.intake import pepper as intake_pepper
from longreach.intake import services as intake_services
from longreach.keys import services as key_services
from longreach.keys.context import using_keyring
from longreach.keys.keyring import Keyring
from longreach.legal.demo import demo_legal
from longreach.messages.demo import demo_chats
from longreach.registry.demo import demo_fill, demo_wave
from longreach.screening.demo import demo_screening

USERS = [
    ("admin", Role.ADMIN),
    ("lead", Role.LEAD),
    ("analyst", Role.ANALYST),
    ("analyst2", Role.ANALYST),
    ("volunteer", Role.VOLUNTEER),
    ("researcher", Role.RESEARCHER),
    ("auditor", Role.AUDITOR),
]


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(12)


def signing_key_ensure() -> bytes:
    from nacl.signing import SigningKey

    from longreach.audit.services import load_signing_key

    path = Path(settings.SIGNING_KEY_FILE)
    if path.exists():
        return bytes(SigningKey(load_signing_key(path)).verify_key)
    return write_signing_key(path)


@transaction.atomic
def demo_create() -> Path:
    if settings.MODE != "demo":
        raise RuntimeError("the demo organisation exists only in demo mode (LONGREACH_MODE=demo)")
    org = key_services.org_keys_create(signing_public_key=signing_key_ensure())
    creds: dict[str, dict[str, str]] = {}
    privates: dict[str, bytes] = {}
    for username, role in USERS:
        password = _password()
        new = services.user_create(
            username=username,
            role=role,
            password=password,
            acting_user="demo-setup",
            linkage_key=org.linkage_key,
        )
        privates[username] = services.user_unlock(user=new.user, password=password)
        creds[username] = {
            "role": role.value,
            "password": password,
            "totp_secret": base64.b32encode(bytes.fromhex(new.totp.key)).decode("ascii"),
        }
    users = {u.username: u for u in User.objects.all()}
    demo_a = services.compartment_create(
        slug="demo-a", name="Demo A (synthetic)", lead=users["lead"], acting_user="demo-setup"
    )
    services.compartment_create(
        slug="demo-b", name="Demo B (synthetic)", lead=users["analyst2"], acting_user="demo-setup"
    )
    for member in ("analyst", "volunteer"):
        with using_keyring(Keyring(users["lead"].pk, privates["lead"])):
            action = services.membership_request(
                compartment=demo_a, user=users[member], acting_user=users["lead"]
            )
        services.pending_approve(action=action, acting_user=users["admin"])
    intake_pepper.ensure()
    intake_services.route_set(compartment=demo_a, acting_user="demo-setup")
    demo_b = Compartment.objects.get(slug="demo-b")
    in_a = settings.DEMO_INCIDENTS * 2 // 3
    for username, compartment, count, prefix in (
        ("analyst", demo_a, in_a, "A"),
        ("analyst2", demo_b, settings.DEMO_INCIDENTS - in_a, "B"),
    ):
        with using_keyring(Keyring(users[username].pk, privates[username])):
            demo_fill(
                user=users[username],
                compartment=compartment,
                incidents=count,
                seed=ord(prefix),
                prefix=prefix,
            )
            demo_chats(user=users[username], compartment=compartment, prefix=prefix)
            if prefix == "A":
                demo_screening(user=users[username], compartment=compartment)
                demo_legal(user=users[username], compartment=compartment)
                demo_wave(user=users[username], compartment=compartment)
    insight_services.watch()  # the lead of demo A is told of the wave on their home page
    if settings.PUBLIC_STATISTICS:
        demo_publications(user=users["admin"])
    for username, _role in USERS:
        creds[username]["api_token"] = services.token_create(
            user=users[username], private_key=privates[username], name="demo"
        )
    transaction.on_commit(ledger_sign_head)
    return _write_credentials(creds, org.recovery_private_key)


def _write_credentials(creds: dict[str, dict[str, str]], recovery: bytes) -> Path:
    path = settings.VAR_DIR / "demo-credentials.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "Longreach DEMO credentials: synthetic organisation, never use for real data.",
        "Second factor: run  .venv/bin/longreach totp USERNAME  to print the current six-digit code,",
        "or add the TOTP secret below to any authenticator app.",
        "",
    ]
    for username, data in creds.items():
        lines += [f"[{username}]"] + [f"{k} = {v}" for k, v in data.items()] + [""]
    lines += ["[organisation]", f"recovery_private_key = {recovery.hex()}", ""]
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write("\n".join(lines))
    return path


def demo_password(username: str) -> str | None:
    path = settings.VAR_DIR / "demo-credentials.txt"
    if not path.exists():
        return None
    section = None
    for line in path.read_text().splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif section == username and line.startswith("password = "):
            return line.split(" = ", 1)[1]
    return None
