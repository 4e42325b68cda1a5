"""Random public codes for URLs, so nobody can walk /compartments/1...9000."""

import secrets


def new_code() -> str:
    return secrets.token_urlsafe(9)
