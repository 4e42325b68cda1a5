"""Writes of messages: reading an evidence item as a chat for a case, indicators, campaigns and alerts.

Reading a chat runs as a job (django-tasks), like viewing copies: the
request that asks for it hands the job the keys it needs, sealed to the
server process (``vault.jobkeys``): the item's file key, the compartment key
to seal the messages with and the linkage key for identifiers and text
signatures. The item is decrypted as it is read and its plaintext is never
written anywhere. A chat that cannot be read leaves nothing behind but the
reason (line and cause); the evidence item is not touched.

Campaigns need no keys at all: they are rebuilt from blind indexes and
keyed signatures after each import.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import json
import time
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from longreach.accounts import access
from longreach.accounts.errors import ServiceError
from longreach.accounts.models import Compartment, User
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.core.seen import mark_seen
from longreach.crypto import CryptoError, blind
from longreach.crypto import keys as ck
from longreach.crypto.normalise import NORMALISERS, NormaliseError
from longreach.keys.context import current_keyring, using_keyring
from longreach.keys.keyring import Keyring
from longreach.keys.models import OrgKeys
from longreach.messages import campaigns, identifiers, learning, links, reading, selectors, tagging
from longreach.messages.chat import Message as Parsed
from longreach.messages.chat import ParseError, ParseReport, Said
from longreach.messages.mail import Payload
from longreach.messages.models import (
    Alert,
    Campaign,
    CampaignMember,
    CampaignName,
    ChatImport,
    Indicator,
    Message,
    MessageAttachment,
    MessageIdentifier,
    TagJudgement,
    TagModel,
)
from longreach.registry.models import Case
from longreach.vault import jobkeys
from longreach.vault import services as vault
from longreach.vault.models import EvidenceItem
from longreach.vault.reader import PlainReader

BATCH = 500  # messages written per transaction


class ImportStopped(Exception):
    """A chat went past a limit of one import; ``said`` names the limit and what was read."""

    def __init__(self, said: Said) -> None:
        super().__init__(said.template)
        self.said = said


@dataclass
class _Budget:
    """The limits of one import, so that a small file that expands to millions of messages (a zip
    bomb, or a forged export) cannot fill the database or hold the worker."""

    stored_bytes: int
    started: float = field(default_factory=lambda: time.monotonic())
    messages: int = 0
    text_bytes: int = 0

    def spend(self, message: Parsed) -> None:
        self.messages += 1
        self.text_bytes += len(message.text.encode("utf-8", "replace"))
        if self.messages > settings.MESSAGES_MAX_PER_IMPORT:
            self._stop(_STOPPED["messages"], f"{settings.MESSAGES_MAX_PER_IMPORT:,}")
        if self.text_bytes > settings.MESSAGES_MAX_TEXT_BYTES:
            self._stop(_STOPPED["text"], f"{settings.MESSAGES_MAX_TEXT_BYTES // 1_000_000:,}")
        if self.text_bytes > RATIO_FROM_BYTES and self.text_bytes > settings.MESSAGES_MAX_EXPANSION * max(
            1, self.stored_bytes
        ):
            self._stop(_STOPPED["expansion"], f"{settings.MESSAGES_MAX_EXPANSION:,}")
        if self.messages % 1000 == 0 and time.monotonic() - self.started > settings.MESSAGES_MAX_SECONDS:
            self._stop(_STOPPED["time"], f"{settings.MESSAGES_MAX_SECONDS:,}")

    def _stop(self, template: str, limit: str) -> None:
        raise ImportStopped(
            Said(
                template,
                {
                    "limit": limit,
                    "messages": f"{self.messages:,}",
                    "mb": f"{self.text_bytes / 1_000_000:,.1f}",
                },
            )
        )


_STOPPED = {
    "messages": gettext_noop(
        "reading stopped at the limit of %(limit)s messages in one import, after %(messages)s messages "
        "and %(mb)s MB of text; nothing from it was kept and the evidence item is unchanged"
    ),
    "text": gettext_noop(
        "reading stopped at the limit of %(limit)s MB of text in one import, after %(messages)s messages "
        "and %(mb)s MB of text; nothing from it was kept and the evidence item is unchanged"
    ),
    "expansion": gettext_noop(
        "reading stopped: the text grew to %(limit)s times the size of the file it came from (a zip "
        "bomb?), after %(messages)s messages and %(mb)s MB of text; nothing from it was kept and the "
        "evidence item is unchanged"
    ),
    "time": gettext_noop(
        "reading stopped at the limit of %(limit)s seconds for one import, after %(messages)s messages "
        "and %(mb)s MB of text; nothing from it was kept and the evidence item is unchanged"
    ),
}


# Below this much text, any expansion is plausible: a short chat zips very well.
RATIO_FROM_BYTES = 16_000_000
MIN_TEMPLATE_CHARS = 20  # shorter texts ("ok", "call me") are alike everywhere and make no campaign
READ_BLOCK = 1024 * 1024


# Asking for a chat to be read ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReadOptions:
    format: str = "auto"  # auto, whatsapp, telegram, email
    date_order: str = ""  # WhatsApp: dmy, mdy, ymd; "" decides from the file
    lenient: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"format": self.format, "date_order": self.date_order, "lenient": self.lenient}


def chat_import_request(
    *, user: User, case: Case, item: EvidenceItem, options: ReadOptions, again: bool = False
) -> ChatImport:
    """Queue the reading of ``item`` as a chat of ``case``; one import per item and case.

    ``again`` replaces an earlier reading (with another date order, say): its
    messages go, the evidence items made from its attachments stay.
    """
    access.require(user, "evidence.write", case.compartment_id)
    access.require(user, "case.write", case.compartment_id)
    if item.compartment_id != case.compartment_id:
        raise ServiceError(_("a chat can only be read into a case of its own compartment"))
    if item.status == EvidenceItem.Status.DELETED:
        raise ServiceError(_("this item was deleted: its file key was destroyed"))
    if options.format not in ("auto", *reading.FORMATS):
        raise ServiceError(_("unknown chat format"))
    if options.date_order and options.date_order not in ("dmy", "mdy", "ymd"):
        raise ServiceError(_("unknown date order"))
    keyring = current_keyring()
    version, key = keyring.compartment_key(case.compartment_id)
    linkage_version = OrgKeys.get().linkage_key_version
    with transaction.atomic():
        previous = ChatImport.objects.select_for_update().filter(case=case, item=item).first()
        if previous is not None and previous.state != ChatImport.State.FAILED and not again:
            raise ServiceError(_("this item has already been read as a chat for this case"))
        if previous is not None:
            previous.delete()
        imp = ChatImport(
            compartment_id=case.compartment_id,
            case=case,
            item=item,
            created_by=user,
            created_at=timezone.now(),
        )
        imp.report = {"options": options.as_dict()}
        imp.save(force_insert=True)
        audit_record(
            Event.RECORD_CREATED,
            actor=user,
            compartment=case.compartment,
            object_type="chat_import",
            object_code=imp.code,
            detail={"case": case.code, "item": item.code, "again": again, **options.as_dict()},
        )
    handed = {
        "file": vault.file_key(item).hex(),
        "compartment": [str(case.compartment_id), version, key.hex()],
        "linkage": [linkage_version, keyring.linkage_key().hex()],
    }
    sealed = jobkeys.seal_for_job(json.dumps(handed).encode())
    from longreach.messages import tasks

    if jobkeys.can_queue():
        tasks.read_chat.enqueue(str(imp.pk), sealed)
    else:
        chat_import_run(import_id=str(imp.pk), sealed_keys=sealed)
    return imp


# Reading, in the job ------------------------------------------------------------------------------


def _job_keyring(handed: dict[str, Any]) -> Keyring:
    keyring = Keyring(None, b"")
    compartment, version, key = handed["compartment"]
    keyring.remember(compartment, int(version), bytes.fromhex(key))
    linkage_version, linkage = handed["linkage"]
    keyring.remember_linkage(int(linkage_version), bytes.fromhex(linkage))
    return keyring


def chat_import_run(*, import_id: str, sealed_keys: str) -> str:
    """The job: read the item, write its messages, then refresh campaigns and alert the case."""
    imp = (
        ChatImport.objects.select_related("item", "case", "compartment", "created_by")
        .filter(pk=import_id)
        .first()
    )
    if imp is None or imp.state != ChatImport.State.QUEUED:
        return "gone" if imp is None else imp.state
    try:
        handed = json.loads(jobkeys.open_in_job(sealed_keys))
    except CryptoError as exc:
        _failed(imp, Said(gettext_noop("the file could not be read: %(reason)s"), {"reason": str(exc)}))
        return imp.state
    with using_keyring(_job_keyring(handed)):
        try:
            _read(imp, bytes.fromhex(handed["file"]))
        except (ParseError, ImportStopped) as exc:
            _failed(imp, exc.said)
            return imp.state
        except (CryptoError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
            _failed(imp, Said(gettext_noop("the file could not be read: %(reason)s"), {"reason": str(exc)}))
            return imp.state
        refresh_campaigns()
        _alert(imp)
    return imp.state


def _failed(imp: ChatImport, reason: Said) -> None:
    with transaction.atomic():
        Message.objects.filter(chat_import=imp).delete()
        imp.state = ChatImport.State.FAILED
        imp.messages = imp.attachments = 0
        imp.report = {**(imp.report or {}), "error": reason.as_dict()}
        imp.finished_at = timezone.now()
        imp.save(update_fields=["state", "messages", "attachments", "report", "finished_at"])


@cache
def _rules(extra: tuple[Path, ...]) -> tagging.Rules:
    return tagging.load(extra)


def _heuristics() -> links.Heuristics:
    path = settings.MESSAGES_COMMUNITY_DOMAINS
    return links.Heuristics.shipped(links.read_domain_list(path) if path else ())


def loaded_indicators() -> links.Indicators:
    found = links.Indicators()
    for kind, value, label, source in Indicator.objects.values_list("kind", "value", "label", "source"):
        found.add(links.Indicator(kind, value, label, source))
    return found


@dataclass
class _Context:
    imp: ChatImport
    linkage: bytes
    index_key: bytes  # the compartment's, for grouping senders within it
    hasher: campaigns.Hasher
    rules: tagging.Rules
    indicators: links.Indicators
    heuristics: links.Heuristics
    export: reading.Export
    report: ParseReport
    position: int = 0
    attachments: int = 0
    notes: list[Said] = field(default_factory=list)


def _read(imp: ChatImport, file_key: bytes) -> None:
    item = imp.item
    options = (imp.report or {}).get("options", {})

    def open_file() -> IO[bytes]:
        chunks = lambda: vault.decrypted(item.storage_name, file_key)  # noqa: E731
        return io.BufferedReader(PlainReader(chunks, item.size), buffer_size=READ_BLOCK)

    export = reading.open_export(open_file)
    fmt = options.get("format", "auto")
    fmt = reading.detect(export.chat) if fmt == "auto" else fmt
    linkage = current_keyring().linkage_key()
    ctx = _Context(
        imp=imp,
        linkage=linkage,
        index_key=current_keyring().index_key(imp.compartment_id),
        hasher=campaigns.Hasher(ck.derive(linkage, "minhash")),
        rules=_rules(tuple(settings.MESSAGES_TAG_RULES)),
        indicators=loaded_indicators(),
        heuristics=_heuristics(),
        export=export,
        report=ParseReport(),
    )
    originals = reading.OriginalLines(export.chat) if fmt == "whatsapp" else None
    batch: list[tuple[Parsed, str, list[Payload]]] = []
    parsed = reading.messages(
        export,
        fmt,
        order=options.get("date_order") or None,
        lenient=bool(options.get("lenient")),
        report=ctx.report,
        with_payloads=True,
        name=str((item.sealed or {}).get("name") or ""),
    )
    budget = _Budget(stored_bytes=item.cipher_size)
    for message, payloads in parsed:
        budget.spend(message)
        if originals is not None:
            done = originals.add(message)
            if done is not None:
                batch.append((done[0], done[1], []))
        else:
            batch.append((message, "", payloads))
        if len(batch) >= BATCH:
            _write(ctx, batch)
            batch = []
            # Progress for the import's page, which reloads itself while the job runs.
            ChatImport.objects.filter(pk=imp.pk).update(messages=ctx.position)
    if originals is not None:
        last = originals.finish()
        if last is not None:
            batch.append((last[0], last[1], []))
    _write(ctx, batch)
    with transaction.atomic():
        imp.state = ChatImport.State.DONE
        imp.format = fmt
        imp.messages = ctx.position
        imp.skipped = ctx.report.bad_lines
        imp.attachments = ctx.attachments
        imp.finished_at = timezone.now()
        imp.report = {
            **(imp.report or {}),
            "notes": [n.as_dict() for n in ctx.report.notes + ctx.notes],
            "problems": [p.as_dict() for p in ctx.report.problems],
        }
        imp.save(
            update_fields=["state", "format", "messages", "skipped", "attachments", "finished_at", "report"]
        )
        vault.item_derived(
            item=item,
            actor="system",
            detail={"kind": "messages", "count": ctx.position, "case": imp.case.code, "import": imp.code},
        )


def _sent_at(timestamp: str) -> tuple[dt.datetime, bool]:
    """UTC and whether the zone was known; the parsers only yield ISO 8601."""
    when = dt.datetime.fromisoformat(timestamp)
    if when.tzinfo is None:
        return when.replace(tzinfo=dt.UTC), False
    return when.astimezone(dt.UTC), True


def _index(linkage: bytes, kind: str, value: str) -> str | None:
    """The organisation-wide blind index of an identifier, so the same one matches across compartments."""
    try:
        normal = value.lower().rstrip(".") if kind == "domain" else NORMALISERS[kind](value)
    except NormaliseError:
        return None
    return blind.blind_index(linkage, kind, normal)


def _sender_identifier(message: Parsed) -> tuple[str, str, str] | None:
    """(kind, value, country) of a sender that identifies someone: a phone number or an e-mail address."""
    if not message.sender or message.system:
        return None
    if message.platform == "email":
        _name, address = _address(message.sender)
        return ("email", address, "") if address else None
    number = identifiers.phone(message.sender)
    if number is not None:
        return "phone", number.e164, number.country
    return None


def _address(sender: str) -> tuple[str, str]:
    name, address = email.utils.parseaddr(sender)
    return name, address.lower() if "@" in address else ""


def _write(ctx: _Context, batch: list[tuple[Parsed, str, list[Payload]]]) -> None:
    if not batch:
        return
    imp = ctx.imp
    texts = [
        m.text if not m.system and len(m.text.strip()) >= MIN_TEMPLATE_CHARS else "" for m, _o, _p in batch
    ]
    signatures = ctx.hasher.signatures(texts)
    rows: list[Message] = []
    ids: list[MessageIdentifier] = []
    pending_files: list[tuple[Message, str, Payload | None]] = []
    for k, (parsed, original, payloads) in enumerate(batch):
        sent_at, zone_known = _sent_at(parsed.timestamp)
        tags = ctx.rules.tag(parsed.text) if not parsed.system else []
        found = identifiers.find(parsed.text)
        link_rows = [
            links.link_report(link, ctx.indicators, ctx.heuristics, parsed.text) for link in found.links
        ]
        flags = sorted(
            {f["code"] for row in link_rows for f in row.get("flags", [])}
            | ({"indicator"} if any(row.get("indicators") for row in link_rows) else set())
        )
        row = Message(
            compartment_id=imp.compartment_id,
            case_id=imp.case_id,
            chat_import=imp,
            position=ctx.position,
            sent_at=sent_at,
            zone_known=zone_known,
            platform=parsed.platform,
            system=parsed.system,
            line=parsed.line,
            tag_codes=_bars(t.code for t in tags),
            flag_codes=_bars(flags),
        )
        row.content = {
            "sender": parsed.sender or "",
            "text": parsed.text,
            "original": original,
            "attachments": parsed.attachments,
            "omitted": parsed.omitted,
            "chat": parsed.chat or "",
            "ref": parsed.ref,
            "forwarded_from": parsed.forwarded_from or "",
            "edited": parsed.edited or "",
            "headers": [list(h) for h in parsed.headers],
            "tags": [t.as_dict() for t in tags],
            "links": link_rows,
        }
        ctx.position += 1
        sender = _sender_identifier(parsed)
        if parsed.sender and not parsed.system:
            # One number written two ways is one sender; a contact name is grouped as written.
            as_written = sender[1] if sender is not None else parsed.sender.strip().casefold()
            row.sender_group = blind.blind_index(ctx.index_key, "sender", as_written)
        if sender is not None:
            key = _index(ctx.linkage, sender[0], sender[1])
            if key:
                row.sender_key = key
                ids.append(_identifier(row, sender[0], sender[1], key, sender=True, country=sender[2]))
        for phone in found.phones:
            _add(ctx, ids, row, "phone", phone.e164, country=phone.country)
        for address in found.emails:
            _add(ctx, ids, row, "email", address)
        for handle in found.handles:
            _add(ctx, ids, row, "handle", handle)
        for link in found.links:
            _add(ctx, ids, row, "url", link.url)
            _add(ctx, ids, row, "domain", link.domain)
        if texts[k]:
            row.signature = signatures[k].tobytes()
        rows.append(row)
        if parsed.platform == "email":
            pending_files.extend((row, p.name, p) for p in payloads)
        else:
            pending_files.extend((row, name, None) for name in parsed.attachments)
    with transaction.atomic():
        Message.objects.bulk_create(rows)
        MessageIdentifier.objects.bulk_create(ids)
    for row, name, payload in pending_files:
        _keep_attachment(ctx, row, name, payload)


def _bars(codes: Iterable[str]) -> str:
    joined = "|".join(codes)
    return f"|{joined}|" if joined else ""


def _identifier(
    row: Message, kind: str, value: str, key: str, *, sender: bool = False, country: str = ""
) -> MessageIdentifier:
    ident = MessageIdentifier(
        compartment_id=row.compartment_id, message=row, kind=kind, is_sender=sender, key=key, country=country
    )
    ident.value = value
    return ident


def _add(
    ctx: _Context, ids: list[MessageIdentifier], row: Message, kind: str, value: str, *, country: str = ""
) -> None:
    key = _index(ctx.linkage, kind, value)
    if key:
        ids.append(_identifier(row, kind, value, key, country=country))


def _keep_attachment(ctx: _Context, row: Message, name: str, payload: Payload | None) -> None:
    """A file that came with a message becomes an evidence item of the case, linked to the message."""
    imp = ctx.imp
    if payload is not None:
        chunks: Iterator[bytes] = iter([payload.data])
        size = len(payload.data)
    else:
        found = ctx.export.attachment(name)
        if found is None:
            return  # the export names a file it does not hold (a text export without media)
        if found.size > reading.MAX_ATTACHMENT_BYTES:
            ctx.notes.append(
                Said(
                    gettext_noop("%(name)s is larger than %(limit)s bytes and was not kept"),
                    {"name": name, "limit": f"{reading.MAX_ATTACHMENT_BYTES:,}"},
                )
            )
            return
        size = found.size
        chunks = _chunks_of(found.read)
    if size == 0:
        return
    incoming = vault.encrypt_chunks(chunks, name=name)
    acquired = vault.item_acquire(
        user=imp.created_by,
        compartment=imp.compartment,
        incoming=incoming,
        how=EvidenceItem.How.ATTACHMENT,
        origin=imp.item.code,
        target=imp.case,
    )
    MessageAttachment.objects.create(message=row, item=acquired.item)
    ctx.attachments += 1


def _chunks_of(open_member: Any) -> Iterator[bytes]:
    with open_member() as fh:
        while block := fh.read(READ_BLOCK):
            yield block


def forget_item(*, item: EvidenceItem, **_kwargs: Any) -> None:
    """An evidence item was deleted: the messages read from it are deleted too, and campaigns rebuilt.

    The evidence items made from its attachments stay: they are evidence of their own, with custody
    of their own, and are deleted under the two-person rule like any other.
    """
    imports = ChatImport.objects.filter(item=item)
    if not imports.exists():
        return
    for imp in imports:
        audit_record(
            Event.RECORD_UPDATED,
            actor="system",
            compartment=imp.compartment,
            object_type="chat_import",
            object_code=imp.code,
            detail={"removed": "messages", "count": imp.messages, "because": "evidence_deleted"},
        )
    imports.delete()  # with their messages, identifiers, alerts and campaign memberships
    transaction.on_commit(refresh_campaigns)


# Indicators --------------------------------------------------------------------------------------


def indicators_import(*, path: Path, actor: str, lenient: bool = False) -> links.LoadReport:
    """Load a STIX 2 bundle or a plain list of indicators; the same indicator twice is kept once."""
    report = links.LoadReport()
    found = links.load_file(path, report, lenient=lenient)
    now = timezone.now()
    with transaction.atomic():
        before = Indicator.objects.count()
        Indicator.objects.bulk_create(
            [
                Indicator(kind=i.kind, value=i.value, label=i.label, source=path.name, imported_at=now)
                for i in found
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        added = Indicator.objects.count() - before
        audit_record(
            Event.RECORDS_IMPORTED,
            actor=actor,
            object_type="indicators",
            object_code=path.name[:64],
            detail={"read": len(found), "added": added, "skipped": report.skipped},
        )
    report.loaded = added
    return report


# Campaigns ---------------------------------------------------------------------------------------


def refresh_campaigns() -> int:
    """Rebuild campaigns from every message: shared sender, near-duplicate text, shared link.

    A campaign is a group of messages joined by those ties that spans two or
    more cases. Needs no keys: only blind indexes and keyed signatures are read.
    """
    rows = list(
        Message.objects.order_by("sent_at", "position", "id").values_list(
            "id", "case_id", "compartment_id", "sent_at", "signature", "tag_codes"
        )
    )
    n = len(rows)
    if n == 0:
        Campaign.objects.all().delete()
        Alert.objects.filter(why=Alert.Why.CAMPAIGN).delete()
        return 0
    where = {row[0]: i for i, row in enumerate(rows)}
    left: list[int] = []
    right: list[int] = []
    tie_of: dict[int, set[str]] = defaultdict(set)

    def join(group: list[int], tie: str) -> None:
        if len(group) < 2:
            return
        for member in group[1:]:
            left.append(member)
            right.append(group[0])
        for member in group:
            tie_of[member].add(tie)

    with_text = [i for i, row in enumerate(rows) if row[4]]
    if with_text:
        signatures = np.frombuffer(b"".join(bytes(rows[i][4]) for i in with_text), dtype=np.uint32).reshape(
            len(with_text), campaigns.PERMUTATIONS
        )
        labels = campaigns.clusters(signatures)
        text_groups: dict[int, list[int]] = defaultdict(list)
        for k, label in enumerate(labels.tolist()):
            if label >= 0:
                text_groups[label].append(with_text[k])
        for group in text_groups.values():
            join(group, "text")
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for message_id, kind, key, is_sender in MessageIdentifier.objects.filter(
        kind__in=("phone", "email", "url")
    ).values_list("message_id", "kind", "key", "is_sender"):
        if kind == "url" or is_sender:
            by_key[("link" if kind == "url" else "sender", key)].append(where[message_id])
    for (tie, _key), group in by_key.items():
        join(sorted(set(group)), tie)
    labels = (
        campaigns._components(n, np.array(left, dtype=np.int64), np.array(right, dtype=np.int64))
        if left
        else np.arange(n)
    )
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels.tolist()):
        if i != label or tie_of.get(i):
            groups[label].append(i)
    now = timezone.now()
    keep: set[Any] = set()
    with transaction.atomic():
        for members in groups.values():
            if len({rows[i][1] for i in members}) < 2:
                continue  # one case's own repetitions are not a campaign
            anchor = rows[members[0]][0]
            keep.add(anchor)
            tags = sorted({c for i in members for c in rows[i][5].split("|") if c})
            ties = sorted({t for i in members for t in tie_of.get(i, ())})
            campaign, _created = Campaign.objects.update_or_create(
                anchor_id=anchor,
                defaults={
                    "first_seen": rows[members[0]][3],
                    "last_seen": max(rows[i][3] for i in members),
                    "size": len(members),
                    "cases": len({rows[i][1] for i in members}),
                    "compartments": len({rows[i][2] for i in members}),
                    "tag_codes": _bars(tags)[:400],
                    "ties": _bars(ties),
                    "updated_at": now,
                },
            )
            CampaignMember.objects.filter(campaign=campaign).delete()
            CampaignMember.objects.filter(message_id__in=[rows[i][0] for i in members]).delete()
            CampaignMember.objects.bulk_create(
                [CampaignMember(campaign=campaign, message_id=rows[i][0]) for i in members], batch_size=1000
            )
        Campaign.objects.exclude(anchor_id__in=keep).delete()
        # An alert about a campaign that is gone (its other cases' messages were deleted) no longer holds.
        Alert.objects.filter(why=Alert.Why.CAMPAIGN, campaign__isnull=True).delete()
    return len(keep)


# Alerts ------------------------------------------------------------------------------------------


def _alert(imp: ChatImport) -> None:
    """Tell the case's caseworkers when its new messages belong to a campaign or come from a known sender."""
    now = timezone.now()
    new: list[Alert] = []
    seen_campaigns: set[Any] = set()
    members = (
        CampaignMember.objects.filter(message__chat_import=imp)
        .select_related("campaign", "message")
        .order_by("message__sent_at", "message__position")
    )
    for member in members:
        campaign = member.campaign
        if campaign.pk in seen_campaigns:
            continue
        seen_campaigns.add(campaign.pk)
        others = (
            CampaignMember.objects.filter(campaign=campaign)
            .exclude(message__case_id=imp.case_id)
            .values("message__case_id")
            .distinct()
            .count()
        )
        if others:
            new.append(_new_alert(imp, member.message, Alert.Why.CAMPAIGN, others, now, campaign))
    seen_senders: set[str] = set()
    for message in (
        Message.objects.filter(chat_import=imp).exclude(sender_key="").order_by("sent_at", "position")
    ):
        if message.sender_key in seen_senders:
            continue
        seen_senders.add(message.sender_key)
        others = (
            Message.objects.filter(sender_key=message.sender_key)
            .exclude(case_id=imp.case_id)
            .values("case_id")
            .distinct()
            .count()
        )
        if others:
            new.append(_new_alert(imp, message, Alert.Why.SENDER, others, now))
    Alert.objects.bulk_create(new, ignore_conflicts=True)


def _new_alert(
    imp: ChatImport,
    message: Message,
    why: str,
    others: int,
    now: dt.datetime,
    campaign: Campaign | None = None,
) -> Alert:
    return Alert(
        compartment_id=imp.compartment_id,
        case_id=imp.case_id,
        message=message,
        campaign=campaign,
        why=why,
        other_cases=others,
        created_at=now,
    )


def alert_seen(*, user: User, alert: Alert) -> None:
    access.require(user, "case.read", alert.compartment_id)
    alert.seen_by.add(user)


# Analysts' judgements of tags, and the compartment's model learned from them -------------------------


def tag_judge(*, user: User, message: Message, tag: str, carries: bool) -> TagJudgement:
    """Record that ``message`` does (or does not) carry ``tag``, then retrain the compartment's model."""
    access.require(user, "case.write", message.compartment_id)
    if tag not in tagging.codebook_codes():
        raise ServiceError(_("“%(tag)s” is not a tactic or demand of the codebook") % {"tag": tag[:64]})
    with transaction.atomic():
        judgement = TagJudgement(compartment_id=message.compartment_id, message=message, by=user)
        judgement.at = timezone.now()
        judgement.said = {"tag": tag, "carries": carries}
        judgement.save(force_insert=True)
        audit_record(
            Event.RECORD_UPDATED,
            actor=user,
            compartment=message.compartment,
            object_type="message",
            object_code=message.code,
            detail={"tag_judgement": judgement.code},  # what was said is sealed in the judgement
        )
    tag_model_request(user=user, compartment_id=message.compartment_id)
    return judgement


def tag_model_request(*, user: User, compartment_id: Any) -> TagModel:
    """Queue the retraining of the compartment's model, handing the job the compartment key only."""
    access.require(user, "case.write", compartment_id)
    version, key = current_keyring().compartment_key(compartment_id)
    now = timezone.now()
    model, _created = TagModel.objects.update_or_create(
        compartment_id=compartment_id, defaults={"requested_at": now, "state": TagModel.State.QUEUED}
    )
    sealed = jobkeys.seal_for_job(
        json.dumps({"compartment": [str(compartment_id), version, key.hex()]}).encode()
    )
    from longreach.messages import tasks

    if jobkeys.can_queue():
        tasks.train_tags.enqueue(str(compartment_id), now.isoformat(), sealed)
    else:
        tag_model_run(compartment_id=str(compartment_id), requested_at=now.isoformat(), sealed_keys=sealed)
    return model


def tag_model_run(*, compartment_id: str, requested_at: str, sealed_keys: str) -> str:
    """The job: learn from every judgement of the compartment; an older request gives way to a newer."""
    model = TagModel.objects.filter(compartment_id=compartment_id).first()
    if model is None:
        return "gone"
    if model.requested_at.isoformat() != requested_at:
        return "superseded"  # a later judgement queued its own job, which will see this one's too
    try:
        handed = json.loads(jobkeys.open_in_job(sealed_keys))
    except CryptoError as exc:
        TagModel.objects.filter(compartment_id=compartment_id).update(
            state=TagModel.State.FAILED, error=str(exc)[:300]
        )
        return TagModel.State.FAILED
    keyring = Keyring(None, b"")
    compartment, version, key = handed["compartment"]
    keyring.remember(compartment, int(version), bytes.fromhex(key))
    with using_keyring(keyring):
        verdicts: dict[Any, dict[str, bool]] = defaultdict(dict)
        judged: dict[Any, Message] = {}
        count = 0
        for judgement in (
            TagJudgement.objects.filter(compartment_id=compartment_id)
            .select_related("message")
            .order_by("at")
        ):
            verdicts[judgement.message_id][judgement.tag] = judgement.carries  # the latest counts
            judged[judgement.message_id] = judgement.message
            count += 1
        codes = {tag for said in verdicts.values() for tag in said}
        examples = [
            learning.Example(m.text, learning.labels(m.tag_list, verdicts[pk], codes))
            for pk, m in judged.items()
            if m.text.strip()
        ]
        trained = learning.train(examples)
        with transaction.atomic():
            fresh = TagModel.objects.select_for_update().get(compartment_id=compartment_id)
            fresh.scores = {code: learning.score_dict(score) for code, score in trained.scores.items()}
            fresh.weights = trained.as_dict()
            fresh.judgements, fresh.messages = count, len(examples)
            fresh.trained_at = timezone.now()
            fresh.error = ""
            if fresh.requested_at == model.requested_at:
                fresh.state = TagModel.State.READY
            fresh.save()
    return TagModel.State.READY


def alerts_seen_all(*, user: User, codes: list[str]) -> int:
    """Mark the user's unseen alerts among ``codes`` seen (those listed on their inbox)."""
    return mark_seen(list(selectors.alerts_for_user(user).filter(code__in=codes)), user)


CAMPAIGN_NAME_CHARS = 120


def campaign_name_set(*, user: User, campaign: Campaign, compartment: Compartment, name: str) -> None:
    """Give (or, with an empty name, take back) a compartment's own name for a campaign."""
    access.require(user, "case.write", compartment)
    if not CampaignMember.objects.filter(campaign=campaign, message__compartment=compartment).exists():
        raise ServiceError(_("this campaign has no messages in %(name)s") % {"name": compartment.name})
    name = " ".join(name.split())
    if len(name) > CAMPAIGN_NAME_CHARS:
        raise ServiceError(_("a name has at most %(n)d characters") % {"n": CAMPAIGN_NAME_CHARS})
    with transaction.atomic():
        row = CampaignName.objects.filter(compartment=compartment, campaign_code=campaign.code).first()
        if not name:
            if row is not None:
                row.delete()
        else:
            row = row or CampaignName(id=uuid.uuid4(), compartment=compartment, campaign_code=campaign.code)
            row.name, row.named_by, row.named_at = name, user, timezone.now()
            row.save()
        audit_record(
            Event.RECORD_UPDATED,
            actor=user,
            compartment=compartment,
            object_type="campaign",
            object_code=campaign.code,
            detail={"named": bool(name)},  # the name itself is sealed in the compartment
        )
