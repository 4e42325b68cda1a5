"""Audit what django-axes sees: every failed login, including lockouts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from longreach.accounts.models import UserSession
from longreach.audit.models import Event
from longreach.audit.services import audit_record


@receiver(user_logged_out)
def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    if request is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    audit_record(Event.LOGOUT, actor=user)
