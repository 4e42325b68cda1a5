"""The staff side: reading reports, triage, replies, files, and opening a case from a report.

It opens reports with the intake private key, which the user's keyring unseals
with the compartment key."""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access
from longreach.accounts.errors import ServiceError
from longreach.accounts.models import User
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.core.uploads import check_cipher
from longreach.crypto import as_bytes
from longreach.crypto import keys as ck
from longreach.intake import filestore, placing, questions, urgency
from longreach.intake.models import Report, ReportFile, ReportMessage, Triage
from longreach.intake.services.sealing import (
    _answers,
    _audit,
    _file_context,
    _intake_public,
    _message_context,
    _reply_context,
)
from longreach.keys.context import current_keyring
from longreach.keys.services import open_intake_private
from longreach.registry import services as registry
from longreach.vault import services as vault
from longreach.vault.models import EvidenceItem


def _intake_private(report: Report) -> bytes:
    return open_intake_private(report.compartment, current_keyring())


@dataclass
class FileInfo:
    code: str
    name: str
    content_type: str
    size: int
    sha256: str
    received_at: dt.datetime
    message_id: uuid.UUID | None
    evidence: str = ""  # the vault item's code, once the file was moved there


@dataclass
class Conversation:
    author: str
    staff: User | None
    sent_at: dt.datetime
    text: str
    files: list[FileInfo]


@dataclass
class OpenReport:
    report: Report
    answers: dict[str, Any]
    suggestion: urgency.Suggestion
    files: list[FileInfo]
    conversation: list[Conversation]
    triage: Triage | None


def _file_meta(row: ReportFile, private: bytes) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads(ck.open_sealed_to(private, bytes(row.sealed), _file_context(row.id)))
    return meta


def _opened(user: User, reports: Iterable[Report]) -> Iterator[tuple[Report, dict[str, Any]]]:
    """Each report with its answers, the compartment's intake key opened once per compartment."""
    keys: dict[uuid.UUID, bytes] = {}
    for report in reports:
        if report.compartment_id not in keys:
            access.require(user, "triage.view", report.compartment)
            keys[report.compartment_id] = _intake_private(report)
        yield report, _answers(report, keys[report.compartment_id])


@dataclass(frozen=True)
class Glance:
    """What the triage list shows of a report: where from and to, in which language, its first words."""

    origin_state: str
    host_country: str
    language: str
    summary: str


GLANCE_CHARS = 140


def report_glances(*, user: User, reports: list[Report]) -> dict[uuid.UUID, Glance]:
    """Open each report of a triage list just enough to show it; one audit entry for the list."""
    glances: dict[uuid.UUID, Glance] = {}
    for report, answers in _opened(user, reports):
        words = " ".join(str(answers.get(k, "")) for k in ("story", "wording", "knew")).split()
        text = " ".join(words)
        glances[report.id] = Glance(
            answers.get("origin_state", ""),
            answers.get("host_country", ""),
            answers.get("language", ""),
            text if len(text) <= GLANCE_CHARS else text[: GLANCE_CHARS - 1] + "…",
        )
    if glances:
        audit_record(Event.INTAKE_LIST_READ, actor=user, detail={"reports": len(glances)})
    return glances


SEARCH_WINDOW = 2000


def reports_text_search(*, user: User, query: str, limit: int = 100) -> list[Report]:
    """Reports in the user's triage compartments whose story, exact words or "what they knew" contain
    ``query``; opens the newest ``SEARCH_WINDOW`` of them in this request only."""
    needle = query.casefold().strip()
    if not needle or len(needle) > 200:
        return []
    hits = []
    window = access.scoped(Report, user, "triage.view").select_related("compartment").order_by("-received_at")
    for report, answers in _opened(user, window[:SEARCH_WINDOW]):
        if any(needle in str(answers.get(k, "")).casefold() for k in ("story", "wording", "knew")):
            hits.append(report)
            if len(hits) >= limit:
                break
    return hits


def report_read(*, user: User, report: Report) -> OpenReport:
    """Decrypt a report, its files' names and its messages, in this request only."""
    access.require(user, "triage.view", report.compartment)
    private = _intake_private(report)
    answers = _answers(report, private)
    files = []
    for row in report.files.select_related("evidence"):
        meta = _file_meta(row, private)
        files.append(
            FileInfo(
                row.code,
                meta["name"],
                meta["type"],
                row.size,
                meta["sha256"],
                row.received_at,
                row.message_id,
                row.evidence.code if row.evidence is not None else "",
            )
        )
    conversation = []
    for m in report.messages.select_related("staff"):
        text = ck.open_sealed_to(private, bytes(m.sealed), _message_context(m.id)).decode("utf-8")
        conversation.append(
            Conversation(m.author, m.staff, m.sent_at, text, [f for f in files if f.message_id == m.id])
        )
    triage = Triage.objects.filter(report=report).first()
    if report.status == Report.Status.RECEIVED:
        Report.objects.filter(pk=report.pk).update(status=Report.Status.IN_REVIEW)
        report.status = Report.Status.IN_REVIEW
    _audit(Event.INTAKE_READ, user, report)
    return OpenReport(report, answers, questions.suggestion(answers), files, conversation, triage)


def _triage_row(report: Report) -> Triage:
    row = Triage.objects.select_for_update().filter(report=report).first()
    if row is None:
        row = Triage(id=uuid.uuid4(), report=report, compartment=report.compartment)
        row.notes = ""
    return row


@transaction.atomic
def triage_confirm(*, user: User, report: Report, level: str, modifiers: Iterable[str] = ()) -> Triage:
    """A person sets the urgency; the suggestion is advice only."""
    access.require(user, "triage.decide", report.compartment)
    mods = sorted(set(modifiers))
    if level not in urgency.LEVELS:
        raise ServiceError(_("urgency must be one of %(levels)s") % {"levels": ", ".join(urgency.LEVELS)})
    unknown = set(mods) - urgency.MODIFIERS
    if unknown:
        raise ServiceError(_("not an urgency modifier: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    row = _triage_row(report)
    row.urgency, row.modifiers, row.urgency_by = level, mods, user
    row.save()
    _audit(Event.INTAKE_TRIAGED, user, report, urgency=level, suggested=report.suggested_urgency)
    return row


@transaction.atomic
def triage_vet(*, user: User, report: Report, outcome: str, notes: str = "") -> Triage:
    access.require(user, "triage.decide", report.compartment)
    if outcome not in Triage.Vetting.values or outcome == Triage.Vetting.PENDING:
        raise ServiceError(_("choose a vetting outcome"))
    if len(notes) > settings.INTAKE_TEXT_CHARS:
        raise ServiceError(_("notes are longer than %(n)d characters") % {"n": settings.INTAKE_TEXT_CHARS})
    row = _triage_row(report)
    row.vetting, row.vetted_by = outcome, user
    row.notes = notes
    row.save()
    if outcome in (Triage.Vetting.PROBE, Triage.Vetting.SPAM):
        Report.objects.filter(pk=report.pk).update(status=Report.Status.CLOSED)
    _audit(Event.INTAKE_VETTED, user, report, outcome=outcome)
    return row


@transaction.atomic
def reply_send(*, user: User, report: Report, text: str) -> ReportMessage:
    """A reply the reporter reads with the receipt; the compartment can read it too."""
    access.require(user, "triage.decide", report.compartment)
    text = text.strip()
    if not text:
        raise ServiceError(_("the reply is empty"))
    if len(text) > settings.INTAKE_TEXT_CHARS:
        raise ServiceError(_("the reply is longer than %(n)d characters") % {"n": settings.INTAKE_TEXT_CHARS})
    now = timezone.now()
    message = ReportMessage(
        id=uuid.uuid4(), report=report, author=ReportMessage.Author.STAFF, staff=user, sent_at=now
    )
    message.sealed = ck.seal_to(
        _intake_public(report.compartment),
        text.encode("utf-8"),
        _message_context(message.id),
    )
    message.sealed_for_reporter = ck.seal_to(
        as_bytes(report.reporter_public_key, "reporter key"), text.encode("utf-8"), _reply_context(message.id)
    )
    message.save(force_insert=True)
    Report.objects.filter(pk=report.pk).update(last_activity=now)
    _audit(Event.INTAKE_REPLIED, user, report)
    return message


@dataclass
class FileDownload:
    name: str
    size: int
    chunks: Iterator[bytes]


def file_read(*, user: User, row: ReportFile) -> FileDownload:
    """The decrypted bytes of a report file, after checking the stored ciphertext is intact."""
    report = row.report
    access.require(user, "triage.view", report.compartment)
    if row.evidence_id is not None:
        raise ServiceError(_("this file was moved into the evidence vault with the case"))
    meta = _file_meta(row, _intake_private(report))
    check_cipher(lambda: open(filestore.files_dir() / row.stored_name, "rb"), row.cipher_sha256)
    _audit(Event.INTAKE_FILE_READ, user, report, kind="report-file", code=row.code)
    return FileDownload(
        meta["name"], row.size, filestore.read_plain(row.stored_name, bytes.fromhex(meta["key"]))
    )


@transaction.atomic
def case_open(*, user: User, report: Report) -> registry.OpenedCase:
    """Case, client and incident from a vetted report: nothing is typed again."""
    access.require(user, "triage.open_case", report.compartment)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.case_id is not None:
        raise ServiceError(_("a case was already opened from this report"))
    triage = Triage.objects.filter(report=report).first()
    if triage is None or triage.vetting != Triage.Vetting.GENUINE:
        raise ServiceError(_("vet the report as genuine before opening a case"))
    if not triage.urgency:
        raise ServiceError(_("confirm the urgency before opening a case"))
    private = _intake_private(report)
    answers = _answers(report, private)
    placed = placing.place(
        answers, received=report.received_at.date(), report_code=report.code, urgency=triage.urgency
    )
    opened = registry.case_open_from_intake(
        user=user,
        compartment=report.compartment,
        case=placed.case,
        client=placed.client,
        incident=placed.incident,
        source=placed.source,
        consents=answers.get("consents") or [],
        referrals=answers.get("help") or [],
    )
    report.case = opened.case
    report.status = Report.Status.CASE_OPENED
    report.save(update_fields=["case", "status"])
    moved = files_to_vault(user=user, report=report, target=opened.incident or opened.case, private=private)
    _audit(Event.INTAKE_CASE_OPENED, user, report, case=opened.case.code, files=len(moved))
    return opened


def _remove_intake_copy(stored_name: str) -> None:
    (filestore.files_dir() / stored_name).unlink(missing_ok=True)


def files_to_vault(*, user: User, report: Report, target: Any, private: bytes | None = None) -> list[str]:
    """Move the report's files into the evidence vault, linked to ``target``; returns the item codes.

    Each file is re-encrypted under a new key and checked against the SHA-256
    the reporter's upload recorded; the intake copy is removed after commit,
    so that deleting the evidence later leaves no readable copy behind.
    """
    access.require(user, "triage.open_case", report.compartment)
    private = private if private is not None else _intake_private(report)
    codes = []
    for row in report.files.filter(evidence__isnull=True).order_by("received_at"):
        meta = _file_meta(row, private)
        if filestore.cipher_sha256(row.stored_name) != row.cipher_sha256:
            raise ServiceError(
                _("file %(code)s was altered in storage; run longreach reconcile") % {"code": row.code}
            )
        incoming = vault.encrypt_chunks(
            filestore.read_plain(row.stored_name, bytes.fromhex(meta["key"])),
            name=meta["name"],
            declared_type=meta.get("type", ""),
        )
        if incoming.written.sha256 != meta["sha256"]:
            incoming.discard()
            raise ServiceError(_("file %(code)s does not match its recorded hash") % {"code": row.code})
        acquired = vault.item_acquire(
            user=user,
            compartment=report.compartment,
            incoming=incoming,
            how=EvidenceItem.How.INTAKE,
            origin=row.code,
            target=target,
            note=_("Sent by the reporter with report %(code)s") % {"code": report.code},
        )
        row.evidence = acquired.item
        row.save(update_fields=["evidence"])
        transaction.on_commit(functools.partial(_remove_intake_copy, row.stored_name))
        codes.append(acquired.item.code)
    return codes
