"""The reporter's side: routing, submitting, the status page and messages from the reporter.

It runs without any staff key: it seals to the compartment's intake public key
and can never open what it wrote."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts.errors import ServiceError
from longreach.accounts.models import Compartment
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.core.uploads import EncryptedUpload, crash_point
from longreach.crypto import keys as ck
from longreach.intake import filestore, pepper, questions, receipts, throttle
from longreach.intake.models import Report, ReportFile, ReportMessage, Route
from longreach.intake.services.sealing import (
    AlreadyReceived,
    IntakeClosed,
    Refused,
    _audit,
    _file_context,
    _hash,
    _intake_public,
    _message_context,
    _reply_context,
    _report_context,
)

STATUS_WINDOW = 600  # seconds over which failed receipts are counted
_NOT_A_RECEIPT = "0" * receipts.DIGITS  # checked when the input is not a receipt, so timing matches


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
