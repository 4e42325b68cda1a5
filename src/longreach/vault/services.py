"""Writes of the evidence vault: acquire, view, download, link, export, delete. One transaction each.

Every action on an item is a custody event in the audit ledger
(``custody.*``, object_code = the item's code). The first is the
acquisition, whose detail states the SHA-256 and size of the original; each
later one carries ``prev``, the ledger index of the item's event before it,
so a package can prove that no event was dropped from an item's history.

Order on acquisition (SECURITY.md, "No data lost"): the file is encrypted
into a temp file as it arrives, made durable in the vault storage, and only
then do the row and its acquisition event commit. A failure between the two
leaves a stored file no row names, which ``longreach reconcile`` reports.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access, approvals
from longreach.accounts.errors import ServiceError
from longreach.accounts.models import Compartment, PendingAction, User
from longreach.accounts.services import PENDING_LIFETIME, pending_request, pending_spend
from longreach.audit.models import AuditEntry, Event
from longreach.audit.services import audit_record
from longreach.core.uploads import (
    EncryptedUpload,
    Sample,
    StoredFileProblem,
    check_cipher,
    crash_point,
    sanitise_name,
    stored_altered,
)
from longreach.crypto import CryptoError, stream
from longreach.vault import derivatives, inspect, jobkeys, storage
from longreach.vault.models import EvidenceItem, EvidenceLink, ViewingCopy

# Sent inside the deletion's transaction, after the file key is destroyed: apps that derived content from
# the item (messages read from a chat export) delete it too.
evidence_deleted = Signal()

EXPORT_VALID_FOR = dt.timedelta(hours=24)
MAX_EXPORT_ITEMS = 10_000
NOTE_CHARS = 2000


@dataclass
class Incoming:
    """One file encrypted into a temp file; its plaintext was never written to disk."""

    name: str
    declared_type: str
    key: bytes
    tmp_path: Path
    written: stream.Written
    head: bytes
    tail: bytes
    body: bytes | None  # the whole plaintext when a reader wants it and it fits, else None

    @classmethod
    def from_upload(cls, up: EncryptedUpload) -> Incoming:
        return cls(
            up.name or "file",
            up.content_type or "",
            up.key,
            up.tmp_path,
            up.written,
            up.head,
            up.tail,
            up.body,
        )

    def discard(self) -> None:
        self.tmp_path.unlink(missing_ok=True)


def wants_plain(head: bytes) -> bool:
    """Whether a file starting with ``head`` is read whole: for its capture metadata or a viewing copy."""
    sniffed = inspect.sniff(head)
    return inspect.has_reader(sniffed) or derivatives.applies(sniffed)


def encrypt_chunks(chunks: Iterable[bytes], *, name: str, declared_type: str = "") -> Incoming:
    """Encrypt plaintext pieces into a vault temp file, keeping only what inspection needs."""
    key = stream.new_key()
    path, fh = storage.new_tmp()
    sample = Sample(settings.VAULT_INSPECT_BYTES, wants_plain)
    try:
        with fh:
            enc = stream.Encryptor(fh, key)
            for piece in chunks:
                enc.update(piece)
                sample.add(piece)
            written = enc.finish(sync=True)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    head, tail, body = sample.finish()
    return Incoming(sanitise_name(name), declared_type, key, path, written, head, tail, body)


def encrypt_path(path: Path, *, declared_type: str = "") -> Incoming:
    with open(path, "rb") as fh:
        return encrypt_chunks(
            iter(lambda: fh.read(stream.CHUNK), b""), name=path.name, declared_type=declared_type
        )


# Custody -----------------------------------------------------------------------------------------


def _custody(
    event: Event, item: EvidenceItem, actor: Any, detail: dict[str, Any] | None = None
) -> AuditEntry:
    """Append a custody event after the item's last one; the caller holds the item's row lock."""
    entry = audit_record(
        event,
        actor=actor,
        compartment=item.compartment,
        object_type="evidence",
        object_code=item.code,
        detail={**(detail or {}), "prev": item.last_event},
    )
    item.last_event = entry.index
    item.save(update_fields=["last_event"])
    return entry


def _locked(item: EvidenceItem) -> EvidenceItem:
    # Only the item's row: locking its compartment too would queue every custody event in it.
    return EvidenceItem.objects.select_for_update(of=("self",)).select_related("compartment").get(pk=item.pk)


# Acquisition -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Acquired:
    item: EvidenceItem
    duplicate: bool  # the same bytes were already kept in this compartment


def item_acquire(
    *,
    user: User,
    compartment: Compartment,
    incoming: Incoming,
    how: str,
    origin: str = "",
    target: Any = None,
    note: str = "",
) -> Acquired:
    """Keep one file as evidence; the same bytes twice give the existing item (linked to ``target``)."""
    # Files from a report come in when a case is opened from it, by whoever may open that case.
    access.require(
        user, "triage.open_case" if how == EvidenceItem.How.INTAKE else "evidence.write", compartment.pk
    )
    if target is not None and target.compartment_id != compartment.pk:
        incoming.discard()
        raise ServiceError(_("evidence can only be linked to records of its own compartment"))
    written = incoming.written
    if written.size == 0:
        incoming.discard()
        raise ServiceError(_("%(name)s is empty (0 bytes); nothing was kept") % {"name": incoming.name})
    sniffed = inspect.sniff(incoming.head)
    flags = inspect.type_flags(
        name=incoming.name,
        declared=incoming.declared_type,
        sniffed=sniffed,
        head=incoming.head,
        tail=incoming.tail,
        body=incoming.body,
    )
    metadata = inspect.capture_metadata(sniffed, incoming.body)
    stored = storage.store(incoming.tmp_path)
    crash_point("vault_stored")
    try:
        with transaction.atomic():
            item = EvidenceItem(
                compartment=compartment,
                sha256=written.sha256,
                size=written.size,
                cipher_sha256=written.cipher_sha256,
                cipher_size=written.cipher_size,
                storage_name=stored,
                declared_type=inspect.normal_type(incoming.declared_type)[:100],
                sniffed_type=sniffed[:100],
                flags=flags,
                how=how,
                acquired_at=timezone.now(),
                acquired_by=user,
                origin=origin,
                last_event=0,
                copy_state=_wanted_copy(sniffed, written.size),
            )
            item.sealed = {"name": incoming.name, "metadata": metadata}
            item.file_key = incoming.key.hex()
            entry = audit_record(
                Event.CUSTODY_ACQUIRED,
                actor=user,
                compartment=compartment,
                object_type="evidence",
                object_code=item.code,
                detail={
                    "sha256": written.sha256,
                    "size": written.size,
                    "cipher_sha256": written.cipher_sha256,
                    "how": how,
                    "from": origin,
                },
            )
            item.last_event = entry.index
            item.save(force_insert=True)
            if target is not None:
                _link(item, target, note, user)
    except IntegrityError:
        # The same bytes are already kept here: the database's constraint decides, so two
        # uploads of one file at once still give one item. Rare, so not looked up first.
        storage.remove(stored)
        existing = (
            EvidenceItem.objects.filter(compartment=compartment, sha256=written.sha256)
            .exclude(status=EvidenceItem.Status.DELETED)
            .first()
        )
        if existing is None:
            raise
        if target is not None and not _linked(existing, target):
            link_add(user=user, item=existing, target=target, note=note, check=how != EvidenceItem.How.INTAKE)
        return Acquired(existing, True)
    except BaseException:
        storage.remove(stored)
        raise
    viewing_copy_request(item=item)
    return Acquired(item, False)


# Reading -----------------------------------------------------------------------------------------


def file_key(item: EvidenceItem) -> bytes:
    """The item's file key, for a job reading it outside this request (sealed in transit)."""
    if item.status == EvidenceItem.Status.DELETED or not item.file_key:
        raise ServiceError(_("this item was deleted: its file key was destroyed"))
    return bytes.fromhex(item.file_key)


def check_stored(item: EvidenceItem) -> None:
    """The stored ciphertext is there, whole and unchanged (no key needed); StoredFileProblem says
    what is wrong."""
    check_cipher(lambda: storage.open_stored(item.storage_name), item.cipher_sha256, item.cipher_size)


def plaintext(item: EvidenceItem) -> Iterator[bytes]:
    """The original bytes, decrypted as they are read; a wrong key or altered chunk raises CryptoError.

    The key is opened now, while the caller's keys are unlocked: a streaming
    response reads the chunks after the request's key context has ended.
    """
    return decrypted(item.storage_name, file_key(item))


def decrypted(storage_name: str, key: bytes) -> Iterator[bytes]:
    """The plaintext of a stored file, chunk by chunk, with a key handed over by ``file_key``."""
    with storage.open_stored(storage_name) as fh:
        yield from stream.decrypt(fh, key)


def item_viewed(*, user: User, item: EvidenceItem) -> None:
    with transaction.atomic():
        _custody(Event.CUSTODY_VIEWED, _locked(item), user)


def item_derived(*, item: EvidenceItem, actor: Any, detail: dict[str, Any]) -> None:
    """Another app made records from the item (messages from a chat): a custody event says what."""
    with transaction.atomic():
        _custody(Event.CUSTODY_DERIVED, _locked(item), actor, detail)


@dataclass(frozen=True)
class Download:
    name: str
    size: int
    chunks: Iterator[bytes]


def checked_plaintext(item: EvidenceItem) -> Iterator[bytes]:
    """The plaintext, only once the whole stored file has matched its recorded size and SHA-256
    and its first chunk has opened with the item's key; CryptoError says why not.

    Checking chunk by chunk while sending would start a 200 OK and stream plaintext up to an
    altered chunk: nobody must receive part of a file that was changed.
    """
    check_stored(item)
    chunks = plaintext(item)
    try:
        first = next(chunks)
    except CryptoError as exc:
        # The file is as stored, but its key does not open it (a key swapped between rows).
        raise CryptoError(str(stored_altered())) from exc
    return itertools.chain([first], chunks)


def item_download(*, user: User, item: EvidenceItem) -> Download:
    """The plaintext to send; a stored file that fails its check is a custody event of its own,
    and nothing is sent."""
    access.require(user, "evidence.read", item.compartment_id)
    file_key(item)
    try:
        chunks = checked_plaintext(item)
    except StoredFileProblem as exc:
        with transaction.atomic():
            _custody(
                Event.CUSTODY_CHECK_FAILED,
                _locked(item),
                user,
                {"action": "download", "problem": exc.problem},
            )
        raise
    with transaction.atomic():
        _custody(Event.CUSTODY_DOWNLOADED, _locked(item), user)
    return Download(item.sealed.get("name") or item.code, item.size, chunks)


# Viewing copies ----------------------------------------------------------------------------------

COPY_KINDS = ("image", "text", "waveform")
SHOWN_TEXT_CHARS = 200_000


def _copy_state(item: EvidenceItem, state: str) -> None:
    item.copy_state = state
    EvidenceItem.objects.filter(pk=item.pk).update(copy_state=state)


def _wanted_copy(sniffed_type: str, size: int) -> str:
    """``pending`` when a viewing copy can be made, else the reason there will be none."""
    if not derivatives.applies(sniffed_type):
        return "none:no-copy-for-type"
    if size > settings.VAULT_INSPECT_BYTES:
        return "none:too-large"
    return "pending"


def viewing_copy_request(*, item: EvidenceItem) -> None:
    """Queue the job that makes the item's viewing copy, handing it the file key sealed for this process."""
    state = _wanted_copy(item.sniffed_type, item.size)
    if state != item.copy_state:
        _copy_state(item, state)
    if state != "pending":
        return
    from longreach.vault import tasks

    sealed = jobkeys.seal_for_job(file_key(item))
    if jobkeys.can_queue():
        tasks.make_viewing_copy.enqueue(str(item.pk), sealed)
    else:
        viewing_copy_run(item_id=str(item.pk), sealed_key=sealed)


def viewing_copy_again(*, user: User, item: EvidenceItem) -> None:
    access.require(user, "evidence.write", item.compartment_id)
    if item.status == EvidenceItem.Status.DELETED:
        raise ServiceError(_("this item was deleted: its file key was destroyed"))
    if item.copies.exists():
        raise ServiceError(_("this item already has its viewing copy"))
    viewing_copy_request(item=item)


def viewing_copy_run(*, item_id: str, sealed_key: str) -> str:
    """The job: read the original with the handed-over key, make the copy, store it encrypted and hashed."""
    item = EvidenceItem.objects.select_related("compartment").filter(pk=item_id).first()
    if item is None or item.status == EvidenceItem.Status.DELETED:
        return "gone"
    try:
        key = jobkeys.open_in_job(sealed_key)
        body = b"".join(decrypted(item.storage_name, key))
        made = derivatives.make(item.sniffed_type, body)
    except CryptoError:
        _copy_state(item, "none:stale-job")
        return item.copy_state
    except derivatives.NoCopy as exc:
        _copy_state(item, f"none:{exc}")
        return item.copy_state
    except Exception:  # noqa: BLE001  a hostile file may break any parser; the original is untouched
        _copy_state(item, "none:unreadable")
        return item.copy_state
    path, fh = storage.new_tmp()
    try:
        with fh:
            enc = stream.Encryptor(fh, key)  # the original's key: destroying it destroys the copy too
            enc.update(made.data)
            written = enc.finish(sync=True)
        stored = storage.store(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    try:
        with transaction.atomic():
            locked = _locked(item)
            ViewingCopy.objects.create(
                item=locked,
                kind=made.kind,
                media_type=made.media_type,
                sha256=written.sha256,
                size=written.size,
                cipher_sha256=written.cipher_sha256,
                cipher_size=written.cipher_size,
                storage_name=stored,
                created_at=timezone.now(),
            )
            _custody(
                Event.CUSTODY_DERIVED,
                locked,
                "system",
                {"kind": made.kind, "sha256": written.sha256, "size": written.size},
            )
            _copy_state(locked, "made")
    except BaseException:
        storage.remove(stored)
        raise
    return "made"


def copy_plaintext(*, user: User, item: EvidenceItem, kind: str, record: bool = True) -> tuple[str, bytes]:
    """A viewing copy's media type and bytes (copies are small); viewing it is a custody event."""
    access.require(user, "evidence.read", item.compartment_id)
    copy = item.copies.filter(kind=kind).first()
    if copy is None:
        raise ServiceError(_("this item has no viewing copy of that kind"))
    key = file_key(item)
    data = b"".join(decrypted(copy.storage_name, key))
    if record:
        with transaction.atomic():
            _custody(Event.CUSTODY_VIEWED, _locked(item), user, {"copy": kind})
    return copy.media_type, data


@dataclass(frozen=True)
class Waveform:
    path: str  # SVG path data: one vertical stroke per peak
    width: int


def waveform(*, user: User, item: EvidenceItem, record: bool = True) -> Waveform:
    """A voice note's viewing copy drawn as a waveform; reading it is a custody event unless the
    caller records the view itself."""
    _type, data = copy_plaintext(user=user, item=item, kind="waveform", record=record)
    peaks = [float(p) for p in json.loads(data)["peaks"]]
    strokes = " ".join(f"{n},{50 - p * 48:.1f} {n},{50 + p * 48:.1f}" for n, p in enumerate(peaks))
    return Waveform(strokes, len(peaks))


# Links -------------------------------------------------------------------------------------------

TARGET_KINDS = ("case", "incident", "act", "source")


def target_kind(target: Any) -> str:
    name = type(target).__name__.lower()
    if name not in TARGET_KINDS:
        raise ServiceError(_("evidence can be linked to cases, incidents, acts and sources"))
    return name


def _linked(item: EvidenceItem, target: Any) -> bool:
    return EvidenceLink.objects.filter(item=item, **{target_kind(target): target}).exists()


def _link(item: EvidenceItem, target: Any, note: str, user: User) -> EvidenceLink:
    if len(note) > NOTE_CHARS:
        raise ServiceError(_("the note is longer than %(n)d characters") % {"n": NOTE_CHARS})
    kind = target_kind(target)
    link = EvidenceLink(
        item=item,
        compartment_id=item.compartment_id,
        created_by=user,
        created_at=timezone.now(),
        **{kind: target},
    )
    link.note = note
    link.save(force_insert=True)
    _custody(Event.CUSTODY_LINKED, item, user, {"to": f"{kind}:{target.code}"})
    return link


def link_add(
    *, user: User, item: EvidenceItem, target: Any, note: str = "", check: bool = True
) -> EvidenceLink:
    if check:
        access.require(user, "evidence.write", item.compartment_id)
    if target.compartment_id != item.compartment_id:
        raise ServiceError(_("evidence can only be linked to records of its own compartment"))
    with transaction.atomic():
        locked = _locked(item)
        if locked.status == EvidenceItem.Status.DELETED:
            raise ServiceError(_("this item was deleted: its file key was destroyed"))
        if _linked(locked, target):
            raise ServiceError(_("this item is already linked to %(code)s") % {"code": target.code})
        return _link(locked, target, note, user)


def link_remove(*, user: User, link: EvidenceLink) -> None:
    access.require(user, "evidence.write", link.compartment_id)
    with transaction.atomic():
        item = _locked(link.item)
        to = f"{link.target_kind}:{link.target.code}"
        link.delete()
        _custody(Event.CUSTODY_UNLINKED, item, user, {"to": to})


# Deletion under the two-person rule --------------------------------------------------------------


def deletion_request(*, user: User, item: EvidenceItem) -> PendingAction:
    access.require(user, "evidence.write", item.compartment_id)
    with transaction.atomic():
        item = _locked(item)
        if item.status == EvidenceItem.Status.DELETED:
            raise ServiceError(_("this item was deleted: its file key was destroyed"))
        if deletion_pending(item) is not None:
            raise ServiceError(_("deletion of this item is already waiting for a second person"))
        action = PendingAction.objects.create(
            kind=approvals.VAULT_DELETE,
            compartment=item.compartment,
            params={"item": item.code},
            requested_by=user,
            expires_at=timezone.now() + PENDING_LIFETIME,
        )
        _custody(Event.CUSTODY_DELETION_REQUESTED, item, user, {"request": action.code})
    return action


def deletion_pending(item: EvidenceItem) -> PendingAction | None:
    return PendingAction.objects.filter(
        kind=approvals.VAULT_DELETE,
        params__item=item.code,
        status=PendingAction.Status.PENDING,
        expires_at__gt=timezone.now(),
    ).first()


def _execute_delete(action: PendingAction, approver: User) -> None:
    """Crypto-shredding: the file key and the sealed name and metadata are destroyed; hashes stay."""
    item = _locked(EvidenceItem.objects.get(code=action.params["item"]))
    if item.status == EvidenceItem.Status.DELETED:
        return
    item.file_key = ""
    item.sealed = {"name": "", "metadata": {}}
    item.status = EvidenceItem.Status.DELETED
    item.deleted_at = timezone.now()
    item.save(update_fields=["file_key", "sealed", "status", "deleted_at"])
    _custody(
        Event.CUSTODY_DELETED,
        item,
        approver,
        {
            "sha256": item.sha256,
            "cipher_sha256": item.cipher_sha256,
            "size": item.size,
            "request": action.code,
        },
    )
    names = [item.storage_name, *item.copies.values_list("storage_name", flat=True)]
    item.copies.all().delete()
    # Whatever was read out of the file (chat messages) goes with it, in this transaction.
    evidence_deleted.send(sender=EvidenceItem, item=item)
    # The ciphertext is useless without its key; removing it too only frees the space.
    transaction.on_commit(functools.partial(_remove_all, names))


def _remove_all(names: list[str]) -> None:
    for name in names:
        storage.remove(name)


def _cancel_delete(action: PendingAction, decider: User) -> None:
    item = EvidenceItem.objects.filter(code=action.params.get("item", "")).first()
    if item is not None:
        _custody(Event.CUSTODY_DELETION_CANCELLED, _locked(item), decider, {"request": action.code})


def _lead_of(action: PendingAction, user: User) -> bool:
    return access.may(user, "evidence.approve", action.compartment)


approvals.register(
    approvals.VAULT_DELETE,
    can_approve=_lead_of,
    execute=_execute_delete,
    approved_event=Event.VAULT_DELETE_APPROVED,
    rejected_event=Event.VAULT_DELETE_REJECTED,
    on_reject=_cancel_delete,
)


# Export under the two-person rule ----------------------------------------------------------------


def parse_recipient(text: str) -> str:
    """An age X25519 recipient (``age1...``), checked; blank for an unencrypted package."""
    text = (text or "").strip()
    if not text:
        return ""
    from pyrage import x25519

    try:
        x25519.Recipient.from_str(text)
    except Exception as exc:  # noqa: BLE001  pyrage raises its own error types for every malformed key
        raise ServiceError(_("the recipient must be an age public key starting with age1")) from exc
    return text


def export_request(
    *, user: User, compartment: Compartment, items: list[EvidenceItem], recipient: str = ""
) -> PendingAction:
    access.require(user, "evidence.read", compartment.pk)
    if not items:
        raise ServiceError(_("choose at least one item to export"))
    if len(items) > MAX_EXPORT_ITEMS:
        raise ServiceError(_("a package holds at most %(n)d items") % {"n": MAX_EXPORT_ITEMS})
    for item in items:
        if item.compartment_id != compartment.pk:
            raise ServiceError(_("every item of a package must be in the same compartment"))
        if item.status == EvidenceItem.Status.DELETED:
            raise ServiceError(_("%(code)s was deleted and cannot be exported") % {"code": item.code})
    codes, to = sorted({i.code for i in items}), parse_recipient(recipient)
    return pending_request(
        kind=approvals.VAULT_EXPORT,
        compartment=compartment,
        params={"items": codes, "recipient": to},
        requested_by=user,
        event=Event.VAULT_EXPORT_REQUESTED,
        detail={"items": len(codes), "encrypted": bool(to)},
    )


def export_spend(*, user: User, compartment: Compartment, code: str) -> PendingAction:
    return pending_spend(
        kind=approvals.VAULT_EXPORT,
        code=code,
        user=user,
        compartment=compartment,
        valid_for=EXPORT_VALID_FOR,
        matches=lambda params: bool(params.get("items")),
    )


approvals.register(
    approvals.VAULT_EXPORT,
    can_approve=_lead_of,
    execute=lambda action, user: None,  # approval is the whole effect; the export spends it
    approved_event=Event.VAULT_EXPORT_APPROVED,
    rejected_event=Event.VAULT_EXPORT_REJECTED,
)


def export_record(*, user: User, action: PendingAction, package_id: str) -> list[EvidenceItem]:
    """Check every item's stored file, then write one ``custody.exported`` event per item."""
    codes = action.params["items"]
    items = list(EvidenceItem.objects.filter(code__in=codes, compartment=action.compartment).order_by("code"))
    missing = sorted(set(codes) - {i.code for i in items})
    if missing:
        raise ServiceError(_("%(code)s is not in this compartment's vault") % {"code": missing[0]})
    for item in items:
        file_key(item)
        try:
            check_stored(item)
        except CryptoError as exc:
            raise ServiceError(f"{item.code}: {exc}") from exc
    with transaction.atomic():
        locked = [_locked(i) for i in items]
        for item in locked:
            _custody(Event.CUSTODY_EXPORTED, item, user, {"package": package_id})
    return locked
