"""Writing an evidence package: custody events, a signed head, then the zip, streamed.

``prepare`` spends the approved request, records one ``custody.exported``
event per item, signs a tree head that covers them and gathers every
item's custody leaves with inclusion proofs. ``chunks`` then yields the
package as it is written, item by item, so neither the web response nor
the command holds a whole package (or any decrypted file) in memory or
writes plaintext to a temp file. With an age recipient the zip is encrypted
to it on the way out.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import zipfile
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts.models import PendingAction, User
from longreach.audit.models import TreeHead
from longreach.audit.services import DbNodeStore, as_head, ledger_sign_head
from longreach.core.codes import new_ref
from longreach.core.uploads import sanitise_name
from longreach.keys.models import OrgKeys
from longreach.vault import package, selectors, services
from longreach.vault.models import EvidenceItem

PRELOAD_ABOVE = 50  # items; beyond this, reading all ledger nodes at once beats a query per node


@dataclass
class Prepared:
    package_id: str
    created: str
    head: TreeHead
    items: list[EvidenceItem]
    manifest: dict[str, Any]
    recipient: str
    readers: list[Iterator[bytes]]  # each item's plaintext, keys opened while the user's keys were unlocked
    docs: dict[str, str]  # rendered now, in the user's language


def _item_path(item: EvidenceItem, name: str) -> str:
    return f"items/{item.code}/{sanitise_name(name or item.code)}"


def prepare(*, user: User, action: PendingAction) -> Prepared:
    """Spend ``action`` (an approved vault export) and record the export in every item's custody."""
    assert action.compartment is not None  # vault exports are always made for one compartment
    services.export_spend(user=user, compartment=action.compartment, code=action.code)
    package_id = new_ref("X")
    items = services.export_record(user=user, action=action, package_id=package_id)
    head = ledger_sign_head()
    store = DbNodeStore().preload() if len(items) > PRELOAD_ABOVE else DbNodeStore()
    entries = []
    for item in items:
        sealed = item.sealed
        name = sealed.get("name") or item.code
        proven = selectors.custody_with_proofs(item, head, store)
        entries.append(
            {
                "code": item.code,
                "path": _item_path(item, name),
                "name": name,
                "sha256": item.sha256,
                "size": item.size,
                "type": item.sniffed_type,
                "declared_type": item.declared_type,
                "flags": item.flags,
                "acquired": {
                    "at": item.acquired_at.isoformat(timespec="seconds"),
                    "how": item.how,
                    "by": item.acquired_by.code if item.acquired_by else "",
                    "from": item.origin,
                },
                "metadata": sealed.get("metadata") or {},
                "links": [
                    {"kind": link.target_kind, "code": link.target.code, "note": link.note}
                    for link in item.links.all()
                ],
                "custody": [
                    {"leaf": p.leaf, "index": p.entry.index, "proof": [h.hex() for h in p.proof or []]}
                    for p in proven
                ],
            }
        )
    created = timezone.now().isoformat(timespec="seconds")
    manifest = package.manifest(package=package_id, created=created, tree_head=as_head(head), items=entries)
    prepared = Prepared(
        package_id,
        created,
        head,
        items,
        manifest,
        action.params.get("recipient", ""),
        [services.plaintext(item) for item in items],
        {},
    )
    prepared.docs = {
        "docs/manifest.html": _human_manifest(prepared),
        "docs/README.txt": _readme(prepared),
        # The recipient's guide travels with the package: it names no server to trust.
        "docs/verifying-evidence.md": GUIDE.read_text(encoding="utf-8"),
    }
    return prepared


class _Sink:
    """A write-only stream whose bytes are collected and handed on by the generator."""

    def __init__(self) -> None:
        self.parts: deque[bytes] = deque()

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> Iterator[bytes]:
        while self.parts:
            yield self.parts.popleft()


def _zip_chunks(prepared: Prepared) -> Iterator[bytes]:
    sink = _Sink()
    # The sink cannot seek, so zipfile writes each entry's sizes after its data.
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:  # type: ignore[call-overload]
        for reader, entry in zip(prepared.readers, prepared.manifest["items"], strict=True):
            with zf.open(entry["path"], "w", force_zip64=True) as out:
                for piece in reader:
                    out.write(piece)
                    yield from sink.drain()
        zf.writestr(package.MANIFEST, json.dumps(prepared.manifest, ensure_ascii=False, indent=1))
        for name, text in prepared.docs.items():
            zf.writestr(name, text)
        yield from sink.drain()
    yield from sink.drain()


def _human_manifest(prepared: Prepared) -> str:
    return render_to_string(
        "vault/package_manifest.html",
        {
            "manifest": prepared.manifest,
            "head": prepared.head,
            "signing_key": OrgKeys.get().signing_public_key,
        },
    )


GUIDE = Path(__file__).parent / "guide" / "verifying-evidence.md"


def _readme(prepared: Prepared) -> str:
    key = bytes(OrgKeys.get().signing_public_key).hex()
    return "\n".join(
        [
            _("Evidence package %(id)s, made %(when)s.")
            % {"id": prepared.package_id, "when": prepared.created},
            "",
            _("manifest.json lists every item with its SHA-256, its acquisition record and its custody"),
            _("events, each with a proof that it is in the organisation's signed audit ledger."),
            _("docs/manifest.html is the same list for reading."),
            "",
            _("To check the package, take the organisation's signing key from a channel you trust"),
            _("(not from this package) and run:"),
            "    longreach verify-package PACKAGE.zip --key KEY",
            _("or follow docs/verifying-evidence.md to check it by hand with sha256sum and Python."),
            "",
            _("The key this package was signed with: %(key)s (key id %(id)s).")
            % {"key": key, "id": prepared.head.key_id},
            "",
        ]
    )


def chunks(prepared: Prepared) -> Iterator[bytes]:
    """The package's bytes; a zip, or the zip encrypted to the request's age recipient."""
    if not prepared.recipient:
        return _zip_chunks(prepared)
    return _age(_zip_chunks(prepared), prepared.recipient)


def _age(plain: Iterator[bytes], recipient: str) -> Iterator[bytes]:
    """Encrypt a stream with age as it is produced (pyrage reads a pipe in a thread)."""
    import pyrage
    from pyrage import x25519

    rcpt = x25519.Recipient.from_str(recipient)
    out: queue.SimpleQueue[bytes | BaseException | None] = queue.SimpleQueue()
    read_fd, write_fd = os.pipe()

    class _Out:
        def write(self, data: bytes) -> int:
            out.put(bytes(data))
            return len(data)

        def flush(self) -> None:
            pass

    def run() -> None:
        try:
            with os.fdopen(read_fd, "rb") as reader:
                pyrage.encrypt_io(reader, _Out(), [rcpt])
        except BaseException as exc:  # noqa: BLE001  handed to the generator, which raises it
            out.put(exc)
        finally:
            out.put(None)

    worker = threading.Thread(target=run, name="age-encrypt", daemon=True)
    worker.start()

    def drain(block: bool) -> Iterator[bytes]:
        while True:
            try:
                got = out.get(block=block)
            except queue.Empty:
                return
            if got is None:
                return
            if isinstance(got, BaseException):
                raise got
            yield got

    with os.fdopen(write_fd, "wb") as writer:
        for piece in plain:
            writer.write(piece)
            yield from drain(False)
    yield from drain(True)
    worker.join()
