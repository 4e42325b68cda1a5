"""What both sides of the intake share: the errors they raise, the contexts that bind each
sealed value to its row, the intake keys, and the audit entry."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from longreach.accounts.errors import ServiceError
from longreach.accounts.models import Compartment
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.crypto import as_bytes
from longreach.crypto import keys as ck
from longreach.intake.models import Report


class IntakeClosed(ServiceError):
    """The reporting line cannot take reports (no pepper file, or no compartment receives them)."""


class Refused(ServiceError):
    """A rate limit or quota said no; nothing was stored."""


class AlreadyReceived(ServiceError):
    """The same form was sent twice; the first one was stored."""


# Contexts bind each sealed blob to its row: a blob copied to another row fails to open.
def _report_context(report_id: uuid.UUID) -> str:
    return f"intake-report:{report_id}"


def _message_context(message_id: uuid.UUID) -> str:
    return f"intake-message:{message_id}"


def _reply_context(message_id: uuid.UUID) -> str:
    return f"intake-reply:{message_id}"


def _file_context(file_id: uuid.UUID) -> str:
    return f"intake-file:{file_id}"


def _hash(value: str) -> bytes:
    return hashlib.blake2b(value.encode("utf-8"), digest_size=32, person=b"lr-intake-nonce").digest()


def _audit(
    event: Event, actor: Any, report: Report, kind: str = "report", code: str = "", **detail: Any
) -> None:
    audit_record(
        event,
        actor=actor,
        compartment=report.compartment,
        object_type=kind,
        object_code=code or report.code,
        detail=detail,
    )


def _intake_public(compartment: Compartment) -> bytes:
    return as_bytes(compartment.intake_public_key, "intake public key")


def _answers(report: Report, private: bytes) -> dict[str, Any]:
    opened: dict[str, Any] = json.loads(
        ck.open_sealed_to(private, bytes(report.sealed), _report_context(report.id))
    )
    return opened
