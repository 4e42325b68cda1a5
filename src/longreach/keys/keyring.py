"""A person's unlocked keys for the length of one request, command or job.

The keyring holds the user's X25519 private key and opens compartment keys
on demand from that user's grants. Asking for a compartment the user has no
grant for raises KeyAccessDenied: membership is enforced by cryptography as
well as by queries.
"""

from __future__ import annotations

import uuid

from longreach.crypto import keys as ck
from longreach.keys.context import compartment_key_context, linkage_key_context
from longreach.keys.models import KeyGrant, OrgKeys


class KeyAccessDenied(PermissionError):
    """No grant of the requested key for this keyring's holder."""


class Keyring:
    def __init__(self, user_id: int | None, private_key: bytes) -> None:
        self.user_id = user_id
        self._private = private_key
        self._keys: dict[tuple[str, int], bytes] = {}
        self._versions: dict[str, int] = {}

    def _grant(self, compartment_id: uuid.UUID | None, version: int) -> bytes:
        # None selects the linkage key (no compartment) or the recovery slot (no user).
        grant = (
            KeyGrant.objects.filter(key_version=version)
            .filter(**{"compartment_id": compartment_id, "user_id": self.user_id})
            .first()
        )
        if grant is None:
            raise KeyAccessDenied("no key grant for this compartment")
        return bytes(grant.sealed)

    def compartment_key(self, compartment_id: uuid.UUID, version: int | None = None) -> tuple[int, bytes]:
        """(version, key); the current version when ``version`` is None."""
        cid = str(compartment_id)
        if version is None:
            version = self.current_version(compartment_id)
        cached = self._keys.get((cid, version))
        if cached is None:
            sealed = self._grant(compartment_id, version)
            cached = ck.open_sealed_to(
                self._private, sealed, compartment_key_context(compartment_id, version)
            )
            self._keys[(cid, version)] = cached
        return version, cached

    def current_version(self, compartment_id: uuid.UUID) -> int:
        """The newest key version granted for the compartment.

        Rotation adds the new grants and retires the old ones in one
        transaction, so outside it the newest grant is the compartment's
        current version; inside it the rotating keyring has ``remember``ed it.
        """
        cid = str(compartment_id)
        if cid not in self._versions:
            newest = (
                KeyGrant.objects.filter(compartment_id=compartment_id)
                .order_by("-key_version")
                .values_list("key_version", flat=True)
                .first()
            )
            if newest is None:
                raise KeyAccessDenied("no key was ever issued for this compartment")
            self._versions[cid] = newest
        return self._versions[cid]

    def remember(self, compartment_id: uuid.UUID, version: int, key: bytes) -> None:
        """Make a key known without a grant lookup (after creating or rotating it)."""
        self._keys[(str(compartment_id), version)] = key
        self._versions[str(compartment_id)] = version

    def remember_linkage(self, version: int, key: bytes) -> None:
        """Make the linkage key known without a grant (a job handed it by the request that queued it)."""
        self._keys[("linkage", version)] = key

    def linkage_key(self) -> bytes:
        version = OrgKeys.get().linkage_key_version
        cached = self._keys.get(("linkage", version))
        if cached is None:
            cached = ck.open_sealed_to(
                self._private, self._grant(None, version), linkage_key_context(version)
            )
            self._keys[("linkage", version)] = cached
        return cached

    def index_key(self, compartment_id: uuid.UUID) -> bytes:
        _v, key = self.compartment_key(compartment_id)
        return ck.derive(key, "blind-index")
