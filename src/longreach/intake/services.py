"""Writes of the public intake and of triage; one transaction each.

The reporter's half (``report_submit``, ``status_check``, ``reporter_message``)
runs without any staff key: it seals to the compartment's intake public key
and can never open what it wrote. The staff half opens reports with the
intake private key, which the user's keyring unseals with the compartment key.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access
from longreach.accounts.errors import ServiceError
from longreach.accounts.models import Compartment, User
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.core.uploads import EncryptedUpload, check_cipher, crash_point
from longreach.crypto import as_bytes
from longreach.crypto import keys as ck
from longreach.intake import filestore, pepper, questions, receipts, throttle, urgency
from longreach.intake.models import Report, ReportFile, ReportMessage, Route, Triage
from longreach.keys.context import current_keyring
from longreach.keys.services import open_intake_private
from longreach.registry import services as registry
from longreach.registry.dates import PartialDate
from longreach.vault import services as vault
from longreach.vault.models import EvidenceItem

STATUS_WINDOW = 600  # seconds over which failed receipts are counted
_NOT_A_RECEIPT = "0" * receipts.DIGITS  # checked when the input is not a receipt, so timing matches


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


def route_for(origin_state: str) -> Compartment:
    route = Route.objects.filter(origin_state=origin_state).select_related("compartment").first()
    route = route or Route.objects.filter(origin_state="").select_related("compartment").first()
    if route is None:
        raise IntakeClosed(_("This reporting line is not open yet."))
    return route.compartment


@transaction.atomic
def route_set(*, compartment: Compartment, origin_state: str = "", acting_user: Any) -> Route:
    """Send reports about ``origin_state`` (blank: all others) to ``compartment``."""
    route, _created = Route.objects.update_or_create(
        origin_state=origin_state, defaults={"compartment": compartment}
    )
    audit_record(
        Event.RECORD_UPDATED,
        actor=acting_user,
        compartment=compartment,
        object_type="intake-route",
        object_code=origin_state or "default",
    )
    return route


def _file_rows(report: Report, uploads: list[EncryptedUpload], message: ReportMessage | None) -> None:
    intake_public = _intake_public(report.compartment)
    now = timezone.now()
    rows = []
    for up in uploads:
        row = ReportFile(
            id=uuid.uuid4(),
            report=report,
            message=message,
            stored_name=up.stored_name,
            size=up.written.size,
            cipher_size=up.written.cipher_size,
            cipher_sha256=up.written.cipher_sha256,
            received_at=now,
        )
        meta = {"name": up.name, "type": up.content_type, "sha256": up.written.sha256, "key": up.key.hex()}
        row.sealed = ck.seal_to(intake_public, json.dumps(meta).encode("utf-8"), _file_context(row.id))
        rows.append(row)
    ReportFile.objects.bulk_create(rows)


def _limits(
    session_key: str, kind: str, per_session: int, uploads: list[EncryptedUpload]
) -> list[throttle.Limit]:
    return [
        throttle.Limit(throttle.session_key(kind, session_key), 3600, per_session),
        throttle.Limit(
            throttle.session_key("bytes", session_key),
            3600,
            settings.INTAKE_SESSION_BYTES,
            sum(up.written.size for up in uploads),
        ),
    ]


@dataclass(frozen=True)
class Submitted:
    report: Report
    receipt: str  # shown once, then forgotten


def report_submit(
    *, answers: dict[str, Any], nonce: str, uploads: list[EncryptedUpload], session_key: str
) -> Submitted:
    """Store a report and its files; the receipt exists only in the return value.

    On any failure the caller gets an exception, the files are removed and no
    receipt was ever made visible.
    """
    try:
        try:
            secret = pepper.load()
        except pepper.PepperMissing as exc:
            raise IntakeClosed(_("This reporting line is not open yet.")) from exc
        compartment = route_for(answers.get("origin_state", ""))
        nonce_hash = _hash(nonce)
        if Report.objects.filter(nonce_hash=nonce_hash).exists():
            raise AlreadyReceived(_("This report was already received."))
        refused = throttle.hit_all(
            [
                throttle.Limit("reports:all", 60, settings.INTAKE_REPORTS_PER_MINUTE),
                *_limits(session_key, "reports", settings.INTAKE_REPORTS_PER_SESSION, uploads),
            ]
        )
        if refused is not None:
            raise Refused(
                [
                    _("Many reports are arriving right now. Please wait a minute and send again."),
                    _("This visit has sent several reports already. Please wait an hour and try again."),
                    _("This visit has sent as many files as it may for now; try again in an hour."),
                ][refused]
            )
        receipt = receipts.new()
        params = pepper.receipt_params()
        opened = receipts.open_receipt(receipt, secret, params)
        lookup, reporter = opened.lookup_hash, opened.reporter
        level = questions.suggestion(answers).level
        filestore.make_durable(uploads)
        now = timezone.now()
        try:
            with transaction.atomic():
                report = Report(
                    id=uuid.uuid4(),
                    compartment=compartment,
                    received_at=now,
                    last_activity=now,
                    receipt_hash=lookup,
                    nonce_hash=nonce_hash,
                    reporter_public_key=reporter.public,
                    suggested_urgency=level,
                )
                report.sealed = ck.seal_to(
                    _intake_public(compartment),
                    json.dumps(answers, ensure_ascii=False).encode("utf-8"),
                    _report_context(report.id),
                )
                report.save(force_insert=True)
                _file_rows(report, uploads, None)
                _audit(Event.INTAKE_RECEIVED, "public", report, files=len(uploads), urgency=level)
                crash_point("rows_written")
        except IntegrityError as exc:
            if Report.objects.filter(nonce_hash=nonce_hash).exists():
                raise AlreadyReceived(_("This report was already received.")) from exc
            raise
        crash_point("committed")
        return Submitted(report, receipt)
    except BaseException:
        filestore.discard(uploads)
        raise


@dataclass
class Reply:
    sent_at: dt.datetime
    text: str


@dataclass
class StatusPage:
    report: Report
    replies: list[Reply]
    sent: list[tuple[dt.datetime, int]]  # the reporter's own messages: when, how many files


class StatusBusy(ServiceError):
    """This visit, or this very receipt, failed too often lately: refused before any check."""


def status_pause() -> float:
    """Extra seconds a wrong receipt's answer waits, growing with recent failures from everyone.

    Only wrong answers wait: a reporter with the right receipt is let in at the usual pace
    however many wrong ones strangers spray, and a sprayer who waits for answers slows down.
    """
    failures = throttle.count("status:fail", seconds=STATUS_WINDOW)
    return min(settings.INTAKE_STATUS_MAX_PAUSE_MS / 1000, 2.0 * failures / settings.INTAKE_STATUS_FAILURES)


def _receipt_key(secret: bytes, typed: str) -> str:
    # Keyed with the pepper: the counter table must not hold a searchable hash of a near-miss.
    digest = hashlib.blake2b(
        typed.encode("utf-8", "replace"), key=ck.derive(secret, "status-throttle"), digest_size=16
    ).hexdigest()
    return f"status:receipt:{digest}"


def status_check(typed: str, *, session: str) -> tuple[Report, bytes] | None:
    """The report and the reporter's private key for a receipt, or None.

    Wrong, unknown, expired and malformed receipts cost the same work (one
    Argon2id derivation and one query) and give the same None. A visit
    (``session``) that failed ``INTAKE_STATUS_SESSION_FAILURES`` times, or a
    receipt typed wrong ``INTAKE_STATUS_RECEIPT_FAILURES`` times from anywhere,
    is refused for the rest of the window before any Argon2id work: the cost
    falls on whoever repeats failures, never on the holder of a right receipt.
    """
    secret = pepper.load()
    receipt = receipts.normalise(typed)
    by_session = throttle.session_key("status:session", session)
    by_receipt = _receipt_key(secret, receipt or typed[: receipts.MAX_INPUT])
    if (
        throttle.count(by_session, seconds=STATUS_WINDOW) >= settings.INTAKE_STATUS_SESSION_FAILURES
        or throttle.count(by_receipt, seconds=STATUS_WINDOW) >= settings.INTAKE_STATUS_RECEIPT_FAILURES
    ):
        raise StatusBusy(
            _("Too many wrong receipts were typed here recently. Please try again in ten minutes.")
        )
    params = pepper.receipt_params()
    candidate = receipt or _NOT_A_RECEIPT
    opened = receipts.open_receipt(candidate, secret, params)
    private = opened.reporter.private
    report = Report.objects.filter(receipt_hash=opened.lookup_hash).select_related("compartment").first()
    if report is not None and (
        receipt is None
        or report.last_activity < timezone.now() - dt.timedelta(days=settings.INTAKE_RECEIPT_DAYS)
    ):
        report = None
    if report is None:
        for key in ("status:fail", by_session, by_receipt):
            throttle.add(key, seconds=STATUS_WINDOW)
        return None
    return report, private


def status_page(report: Report, private_key: bytes) -> StatusPage:
    replies, sent = [], []
    unread = []
    for m in report.messages.prefetch_related("files"):
        if m.author == ReportMessage.Author.STAFF and m.sealed_for_reporter is not None:
            text = ck.open_sealed_to(private_key, bytes(m.sealed_for_reporter), _reply_context(m.id))
            replies.append(Reply(m.sent_at, text.decode("utf-8")))
            if not m.read_by_reporter:
                unread.append(m.pk)
        elif m.author == ReportMessage.Author.REPORTER:
            sent.append((m.sent_at, len(m.files.all())))
    if unread:
        ReportMessage.objects.filter(pk__in=unread).update(read_by_reporter=True)
    return StatusPage(report, replies, sent)


def reporter_message(
    *, report: Report, text: str, uploads: list[EncryptedUpload], session_key: str
) -> ReportMessage:
    """A message (and files) from the reporter, sealed so only the compartment reads it."""
    try:
        if not text.strip() and not uploads:
            raise Refused(_("Write a message or choose a file."))
        if len(text) > settings.INTAKE_TEXT_CHARS:
            raise Refused(
                _("The message is longer than %(n)d characters.") % {"n": settings.INTAKE_TEXT_CHARS}
            )
        refused = throttle.hit_all(
            _limits(session_key, "messages", settings.INTAKE_MESSAGES_PER_SESSION, uploads)
        )
        if refused is not None:
            raise Refused(
                [
                    _("This visit has sent many messages. Please wait an hour and try again."),
                    _("This visit has sent as many files as it may for now; try again in an hour."),
                ][refused]
            )
        filestore.make_durable(uploads)
        now = timezone.now()
        with transaction.atomic():
            message = ReportMessage(
                id=uuid.uuid4(), report=report, author=ReportMessage.Author.REPORTER, sent_at=now
            )
            message.sealed = ck.seal_to(
                _intake_public(report.compartment),
                text.encode("utf-8"),
                _message_context(message.id),
            )
            message.save(force_insert=True)
            _file_rows(report, uploads, message)
            Report.objects.filter(pk=report.pk).update(last_activity=now)
            _audit(Event.INTAKE_MESSAGE, "public", report, files=len(uploads))
        return message
    except BaseException:
        filestore.discard(uploads)
        raise


# Staff side ------------------------------------------------------------------------------


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


def _incident_from(answers: dict[str, Any], received: dt.date) -> dict[str, Any] | None:
    tactics = answers.get("tactics") or []
    if not tactics:
        return None
    year, month, day = answers.get("year"), answers.get("month"), answers.get("day")
    if year:
        date = str(
            PartialDate.parse(
                f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
            )
        )
    else:
        date = received.strftime("%Y-%m")
    narrative = "\n\n".join(
        part
        for part in (answers.get("story", ""), answers.get("wording", ""), answers.get("knew", ""))
        if part
    )
    return {
        "origin_state": answers["origin_state"],
        "host_country": answers["host_country"],
        "date": date,
        "title": _("Reported through the intake"),
        "narrative": narrative,
        "acts": [
            {
                "tactics": tactics,
                "demands": answers.get("demands") or [],
                "channels": answers.get("channels") or [],
                "relatives": [
                    {
                        "new_person": {"name": ""},
                        "relationship": r["relationship"],
                        "outcomes": r.get("outcomes", []),
                    }
                    for r in answers.get("relatives", [])
                ],
            }
        ],
    }


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
    contact = answers.get("contact_channel", "")
    client = {
        "name": answers.get("name", ""),
        "residence_country": answers["host_country"],
        "community": answers.get("community", ""),
        "immigration_status": answers.get("immigration_status", ""),
        "is_minor": False,
        "notes": "\n".join(
            x
            for x in (
                _("Safe contact: %(c)s") % {"c": contact} if contact else "",
                _("Times: %(t)s") % {"t": answers["contact_times"]} if answers.get("contact_times") else "",
            )
            if x
        ),
    }
    opened = registry.case_open_from_intake(
        user=user,
        compartment=report.compartment,
        case={
            "state": "TRIAGED",
            "urgency": triage.urgency,
            "origin_state": answers["origin_state"],
            "host_country": answers["host_country"],
            "community": answers.get("community", ""),
            "summary": answers.get("story", ""),
        },
        client=client,
        incident=_incident_from(answers, report.received_at.date()),
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
