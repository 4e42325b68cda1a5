"""Creating, granting, revoking, rotating and recovering keys.

Every function runs in one transaction. Keys leave this module only sealed
to a recipient's public key; the one exception is the recovery private key,
returned once by ``org_keys_create`` for the person setting up to print.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from django.apps import apps
from django.db import models, transaction

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


class Compartment(Protocol):
    """What keys needs of a compartment (accounts owns the model)."""

    pk: Any
    intake_private_sealed: Any


class User(Protocol):
    """What keys needs of a person (accounts owns the model): who they are and their public key."""

    pk: Any
    public_key: Any


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
        user_id=user.pk,
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
    # accounts owns Compartment and User: keys identifies them by primary key only.
    lookup: dict[str, Any] = {
        "compartment_id": compartment.pk,
        "key_version": version,
        "user_id": user.pk if user is not None else None,
    }
    grant, _ = KeyGrant.objects.update_or_create(
        **lookup,
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
    deleted, _ = KeyGrant.objects.filter(compartment_id=compartment.pk, user_id=user.pk).delete()
    return deleted


def _models_with_sealed_fields() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if sealed_fields(m) and hasattr(m, "compartment_id")]


# Rotation is run by accounts (which knows the compartment and its members) in
# these steps, inside one transaction: ``new_compartment_key``, then
# ``compartment_rows_reseal`` in batches, then ``compartment_grants_retire``.
RESEAL_BATCH = 500


def new_compartment_key() -> bytes:
    return envelope.new_key()


def compartment_rows_reseal(*, compartment_id: Any, keyring: Keyring, batch: int = RESEAL_BATCH) -> int:
    """Re-encrypt every sealed value of a compartment under the keyring's current key.

    The keyring must already hold the new key as current (``remember``) and the
    old one in its cache; values name the version they were sealed with, so any
    row not yet done still opens. Rows go ``batch`` at a time in primary-key
    order, so memory holds one batch whatever the compartment's size.
    """
    rows = 0
    with using_keyring(keyring):
        for model in _models_with_sealed_fields():
            fields = sealed_fields(model)
            names = [f.attname for f in fields] + [
                f.attname for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)
            ]
            qs = model._default_manager.filter(compartment_id=compartment_id).order_by("pk")
            last = None
            while True:
                chunk = list((qs.filter(pk__gt=last) if last is not None else qs)[:batch])
                for obj in chunk:
                    for f in fields:
                        f.reseal(obj)
                    obj.save(update_fields=names)
                rows += len(chunk)
                if len(chunk) < batch:
                    break
                last = chunk[-1].pk
    return rows


def compartment_grants_retire(*, compartment_id: Any, below: int) -> int:
    """Delete the grants of versions before ``below``: nobody holds the old keys any more."""
    deleted, _ = KeyGrant.objects.filter(compartment_id=compartment_id, key_version__lt=below).delete()
    return deleted


@transaction.atomic
def recovery_restore(*, recovery_private_key: bytes, compartment: Compartment, user: User) -> None:
    """Seal the compartment's current key to ``user``, opened with the recovery key."""
    recovery = Keyring(None, recovery_private_key)
    version, key = recovery.compartment_key(compartment.pk)
    compartment_key_grant(compartment=compartment, version=version, key=key, user=user)
