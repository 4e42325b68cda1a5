"""Small hooks for authentication libraries."""

from __future__ import annotations

from django.http import HttpRequest


def no_client_ip(request: HttpRequest) -> str:
    """django-axes asks for the client address; we keep none (see settings)."""
    return "0.0.0.0"  # noqa: S104 - a placeholder value, not a bind address
