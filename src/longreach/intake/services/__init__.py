"""Writes of the public intake and of triage; one transaction each.

``public``: the reporter's half (``report_submit``, ``status_check``,
``reporter_message``) runs without any staff key: it seals to the
compartment's intake public key and can never open what it wrote.
``triage``: the staff half opens reports with the intake private key, which
the user's keyring unseals with the compartment key. ``sealing``: what both
share. Callers use this package's names.
"""

from __future__ import annotations

from longreach.intake.services.public import (
    STATUS_WINDOW,
    Reply,
    StatusBusy,
    StatusPage,
    Submitted,
    report_submit,
    reporter_message,
    route_for,
    route_set,
    status_check,
    status_page,
    status_pause,
)
from longreach.intake.services.sealing import (
    AlreadyReceived,
    IntakeClosed,
    Refused,
)
from longreach.intake.services.triage import (
    Conversation,
    FileDownload,
    FileInfo,
    OpenReport,
    case_open,
    file_read,
    files_to_vault,
    reply_send,
    report_glances,
    report_read,
    reports_text_search,
    triage_confirm,
    triage_vet,
)

__all__ = [
    "AlreadyReceived",
    "Conversation",
    "FileDownload",
    "FileInfo",
    "IntakeClosed",
    "OpenReport",
    "Refused",
    "Reply",
    "STATUS_WINDOW",
    "StatusBusy",
    "StatusPage",
    "Submitted",
    "case_open",
    "file_read",
    "files_to_vault",
    "reply_send",
    "report_glances",
    "report_read",
    "reports_text_search",
    "report_submit",
    "reporter_message",
    "route_for",
    "route_set",
    "status_check",
    "status_page",
    "status_pause",
    "triage_confirm",
    "triage_vet",
]
