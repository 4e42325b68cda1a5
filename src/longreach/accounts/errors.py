"""The two refusals every service may raise; their messages are safe to show."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; the message is safe to show."""


class NotAllowed(ServiceError):
    """The acting user lacks the role, membership or independence the action needs."""
