"""Creating, granting, revoking, rotating and recovering keys.

Every function runs in one transaction. Keys leave this module only sealed
to a recipient's public key; the one exception is the recovery private key,
returned once by ``org_keys_create`` for the person setting up to print.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import transaction

from longreach.crypto import as_bytes, envelope
from longreach.crypto import keys as ck
from longreach.keys.context import (
    compartment_key_context,
    intake_key_binding,
    linkage_key_context,
    using_keyring,
)
from longreach.keys.fields import BlindIndexField, sealed_fields
from longreach.keys.keyring import Keyring
from longreach.keys.models import KeyGrant, OrgKeys

if TYPE_CHECKING:
    from longreach.accounts.models import Compartment, User


@dataclass(frozen=True)
class OrgSecrets:
    recovery_private_key: bytes
    linkage_key: bytes


def org_keys_create(*, signing_public_key: bytes) -> OrgSecrets:
    """The recovery key pair and the linkage key; the caller shows the private half once."""
    recovery = ck.new_keypair()
    linkage = envelope.new_key()
    with transaction.atomic():
        OrgKeys.objects.create(
            pk=1, recovery_public_key=recovery.public, signing_public_key=signing_public_key
        )
        KeyGrant.objects.create(
            compartment=None,
            key_version=1,
            user=None,
            sealed=ck.seal_to(recovery.public, linkage, linkage_key_context(1)),
        )
    return OrgSecrets(recovery.private, linkage)


def linkage_grant(*, user: User, linkage_key: bytes) -> None:
    version = OrgKeys.get().linkage_key_version
    KeyGrant.objects.update_or_create(
        compartment=None,
        key_version=version,
        user=user,
        defaults={
            "sealed": ck.seal_to(
                as_bytes(user.public_key, "public key"), linkage_key, linkage_key_context(version)
            )
        },
    )


def compartment_key_grant(
    *, compartment: Compartment, version: int, key: bytes, user: User | None
) -> KeyGrant:
    """Seal a compartment key to a user, or to the recovery key when ``user`` is None."""
    public = (
        as_bytes(user.public_key, "public key")
        if user is not None
        else as_bytes(OrgKeys.get().recovery_public_key, "recovery key")
    )
    grant, _ = KeyGrant.objects.update_or_create(
        compartment=compartment,
        key_version=version,
        user=user,
        defaults={"sealed": ck.seal_to(public, key, compartment_key_context(compartment.pk, version))},
    )
    return grant


def seal_intake_private(compartment: Compartment, key: bytes, version: int, intake_private: bytes) -> bytes:
    return envelope.seal(key, intake_private, intake_key_binding(compartment.pk), version)


def open_intake_private(compartment: Compartment, keyring: Keyring) -> bytes:
    return envelope.open_sealed(
        lambda v: keyring.compartment_key(compartment.pk, v)[1],
        bytes(compartment.intake_private_sealed),
        intake_key_binding(compartment.pk),
    )


def compartment_grants_revoke(*, compartment: Compartment, user: User) -> int:
    deleted, _ = KeyGrant.objects.filter(compartment=compartment, user=user).delete()
    return deleted


def _models_with_sealed_fields() -> list[type]:
    return [m for m in apps.get_models() if sealed_fields(m) and hasattr(m, "compartment_id")]


@transaction.atomic
def compartment_key_rotate(*, compartment: Compartment, keyring: Keyring) -> int:
    """Issue a new key, re-encrypt every sealed value of the compartment, drop old grants.

    Returns the number of rows re-encrypted. Members and the recovery key get
    the new key; anyone revoked earlier holds only keys that no longer open anything.
    """
    from longreach.accounts.models import Compartment as CompartmentModel
    from longreach.accounts.models import Membership

    compartment = CompartmentModel.objects.select_for_update().get(pk=compartment.pk)
    old_version = compartment.key_version
    intake_private = open_intake_private(compartment, keyring)
    new_version = old_version + 1
    new_key = envelope.new_key()
    rows = 0
    with using_keyring(keyring):
        # Open everything with the old key before the version moves on.
        pending = []
        for model in _models_with_sealed_fields():
            fields = sealed_fields(model)
            for obj in model._default_manager.filter(compartment_id=compartment.pk):  # type: ignore[attr-defined]
                for f in fields:
                    f.reseal(obj)
                pending.append((obj, fields))
        compartment.key_version = new_version
        compartment.intake_private_sealed = seal_intake_private(
            compartment, new_key, new_version, intake_private
        )
        compartment.save(update_fields=["key_version", "intake_private_sealed"])
        keyring.remember(compartment.pk, new_version, new_key)
        for member in Membership.objects.filter(compartment=compartment).select_related("user"):
            compartment_key_grant(compartment=compartment, version=new_version, key=new_key, user=member.user)
        compartment_key_grant(compartment=compartment, version=new_version, key=new_key, user=None)
        for obj, fields in pending:
            names = [f.attname for f in fields] + [
                f.attname for f in obj._meta.concrete_fields if isinstance(f, BlindIndexField)
            ]
            obj.save(update_fields=names)
            rows += 1
    KeyGrant.objects.filter(compartment=compartment, key_version__lt=new_version).delete()
    return rows


@transaction.atomic
def recovery_restore(*, recovery_private_key: bytes, compartment: Compartment, user: User) -> None:
    """Seal the compartment's current key to ``user``, opened with the recovery key."""
    recovery = Keyring(None, recovery_private_key)
    version, key = recovery.compartment_key(compartment.pk)
    compartment_key_grant(compartment=compartment, version=version, key=key, user=user)
