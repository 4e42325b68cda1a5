"""A person at a terminal: unlock their keys for a command that acts as them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from longreach.accounts.models import User
from longreach.accounts.services import user_unlock
from longreach.core.secrets_input import read_secret
from longreach.keys.keyring import Keyring


def unlock_user(username: str, *, from_stdin: bool) -> tuple[Any, Any]:
    """(user, keyring) for a command acting as ``username``, after their password."""
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"no active user {username!r}")
    password = read_secret(f"Password for {username}: ", from_stdin=from_stdin)
    try:
        private = user_unlock(user=user, password=password)
    except Exception as exc:  # wrong password and damaged key look the same on purpose
        raise CommandError(f"the password for {username} does not unlock their keys") from exc
    return user, Keyring(user.pk, private)
