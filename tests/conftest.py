"""Shared fixtures: a cast of staff whose roles are the point of each test.

``lead``, ``analyst`` and ``volunteer`` work in demo-a; ``analyst2`` alone in
demo-b; ``admin``, ``researcher`` and ``auditor`` belong to no compartment.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple 7"


@dataclass
class Cast:
    users: dict[str, Any] = field(default_factory=dict)
    privates: dict[str, bytes] = field(default_factory=dict)
    compartments: dict[str, Any] = field(default_factory=dict)
    recovery_private: bytes = b""
    linkage_key: bytes = b""

    def __getattr__(self, name: str) -> Any:
        try:
            return self.users[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def keyring(self, username: str) -> Any:
        from longreach.keys.keyring import Keyring

        return Keyring(self.users[username].pk, self.privates[username])


@pytest.fixture
def signing_key_file(settings: Any, tmp_path: Path) -> Path:
    settings.SIGNING_KEY_FILE = tmp_path / "ledger-signing.key"
    return settings.SIGNING_KEY_FILE


@pytest.fixture(autouse=True)
def _no_language_left_behind() -> Iterator[None]:
    """A test that activates a language (or a request that did) must not leave it to the next test."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def intake_files(settings: Any, tmp_path: Path) -> Path:
    """Every test gets its own pepper and file store, never the developer's var/."""
    from longreach.intake import pepper

    settings.INTAKE_DIR = tmp_path / "intake"
    settings.INTAKE_PEPPER_FILE = tmp_path / "intake-pepper.key"
    pepper.ensure(settings.INTAKE_PEPPER_FILE)
    return Path(settings.INTAKE_DIR)


@pytest.fixture(autouse=True)
def vault_files(settings: Any, tmp_path: Path) -> Path:
    """Every test gets its own vault storage."""
    settings.VAULT_DIR = tmp_path / "vault"
    settings.STORAGES = {
        **settings.STORAGES,
        "vault": {
            "BACKEND": "longreach.vault.storage.DurableFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "vault" / "files"), "file_permissions_mode": 0o600},
        },
    }
    return Path(settings.VAULT_DIR) / "files"


@pytest.fixture
def cast(db: Any, signing_key_file: Path) -> Cast:
    from longreach.accounts import services
    from longreach.audit.services import write_signing_key
    from longreach.keys import services as key_services
    from longreach.keys.context import using_keyring
    from longreach.site.demo import USERS

    org = key_services.org_keys_create(signing_public_key=write_signing_key(signing_key_file))
    c = Cast(recovery_private=org.recovery_private_key, linkage_key=org.linkage_key)
    for username, role in USERS:
        new = services.user_create(
            username=username, role=role, password=PASSWORD, acting_user="test", linkage_key=org.linkage_key
        )
        c.users[username] = new.user
        c.privates[username] = services.user_unlock(user=new.user, password=PASSWORD)
    c.compartments["demo-a"] = services.compartment_create(
        slug="demo-a", name="A", lead=c.lead, acting_user="test"
    )
    c.compartments["demo-b"] = services.compartment_create(
        slug="demo-b", name="B", lead=c.analyst2, acting_user="test"
    )
    for member in ("analyst", "volunteer"):
        with using_keyring(c.keyring("lead")):
            action = services.membership_request(
                compartment=c.compartments["demo-a"], user=c.users[member], acting_user=c.lead
            )
        services.pending_approve(action=action, acting_user=c.admin)
    return c


@pytest.fixture
def routed(cast: Cast) -> Cast:
    """The cast, with public reports going to demo-a."""
    from longreach.intake import services

    services.route_set(compartment=cast.compartments["demo-a"], acting_user="test")
    return cast


@pytest.fixture
def incident(cast: Cast) -> Any:
    """An incident in demo-a, recorded by the analyst."""
    from longreach.keys.context import using_keyring
    from longreach.registry import services
    from tests.django.registry_data import incident_input

    with using_keyring(cast.keyring("analyst")):
        return services.incident_create(
            user=cast.analyst, compartment=cast.compartments["demo-a"], data=incident_input()
        )


def totp_code(user: Any) -> str:
    device = TOTPDevice.objects.get(user=user)
    # A code is accepted once per time step; tests log in many times a step.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def login(client: Client, user: Any, password: str = PASSWORD) -> Client:
    r = client.post("/login/", {"username": user.username, "password": password})
    assert r.status_code == 302 and r["Location"] == "/login/code/", r.content[:400]
    r = client.post("/login/code/", {"code": totp_code(user)})
    assert r.status_code == 302 and r["Location"] == "/", r.content[:400]
    return client


@pytest.fixture
def client_for(cast: Cast) -> Iterator[Any]:
    def make(username: str) -> Client:
        return login(Client(), cast.users[username])

    yield make


@pytest.fixture
def api(cast: Cast) -> Any:
    """Headers that authenticate an API request as one of the cast, by a fresh token."""
    from longreach.accounts import services as account_services

    def make(username: str) -> Any:
        token = account_services.token_create(
            user=cast.users[username], private_key=cast.privates[username], name="t"
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return make
