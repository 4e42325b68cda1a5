"""Contexts: which keys this request, command or job may use, and where they bind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from longreach.crypto import envelope

if TYPE_CHECKING:
    from longreach.keys.keyring import Keyring

_current: ContextVar[Keyring | None] = ContextVar("longreach_keyring", default=None)


class KeyringLocked(PermissionError):
    """Sealed data was touched with no unlocked keys (no login, no token)."""


def current_keyring() -> Keyring:
    keyring = _current.get()
    if keyring is None:
        raise KeyringLocked("no unlocked keys in this context: log in or unlock with a token first")
    return keyring


def active_keyring() -> Keyring | None:
    return _current.get()


@contextmanager
def using_keyring(keyring: Keyring | None) -> Iterator[Keyring | None]:
    token = _current.set(keyring)
    try:
        yield keyring
    finally:
        _current.reset(token)


def activate_for_request(keyring: Keyring) -> None:
    """Unlock keys for the rest of this request (API token authentication).

    Only valid inside KeyringMiddleware, whose ``using_keyring`` resets the
    variable when the response leaves, so the keys never outlive the request.
    """
    _current.set(keyring)


def compartment_key_context(compartment_id: object, version: int) -> str:
    return f"compartment:{compartment_id}:v{version}"


def linkage_key_context(version: int) -> str:
    return f"linkage:v{version}"


def intake_key_binding(compartment_id: object) -> bytes:
    return envelope.binding("intake-private-key", str(compartment_id))
