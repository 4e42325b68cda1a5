"""Random public codes for URLs, so nobody can walk /compartments/1...9000."""

import re
import secrets

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def new_code() -> str:
    return secrets.token_urlsafe(9)


def is_code(value: str) -> bool:
    """Whether ``value`` could be a code; anything else is not looked up at all.

    Hostile input (NUL bytes, which PostgreSQL refuses, or megabytes of text)
    then answers "not found" like any unknown code.
    """
    return bool(_CODE.match(value))


# Crockford's base32 without I, L, O, U: read aloud and typed back without confusion.
_REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ref(prefix: str) -> str:
    """A code people can read out: ``C-7KQ2ZD4M`` (40 random bits)."""
    return prefix + "-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))
