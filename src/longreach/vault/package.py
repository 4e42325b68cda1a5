"""Self-verifying evidence packages: the format and the offline check. No Django.

A package is a zip with ``manifest.json`` and the items under ``items/``.
The manifest lists, for each item, its SHA-256 and size and its custody
events: each event is the exact ledger leaf (the audit entry's canonical
JSON) with its index and an RFC 9162 inclusion proof against the signed tree
head that the manifest carries. Nothing in the manifest is trusted on its
own word:

- the tree head must carry a valid Ed25519 signature by the organisation's
  published key (given by the person checking, never read from the package);
- every custody leaf must be included under that head;
- the first event of an item is its acquisition, whose ledger detail states
  the SHA-256 and size; the item's bytes must match them;
- each later event names the ledger index of the one before it (``prev``),
  so an event removed from the middle breaks the chain, and the chain must
  end with the export event of this very package, so the tail cannot be cut.

``verify`` reads the zip entry by entry with bounded memory and raises
PackageInvalid naming the first item (and event) that fails.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from longreach.ledger import heads, merkle

FORMAT = "longreach-evidence-package/1"
MANIFEST = "manifest.json"
ACQUIRED = "custody.acquired"
EXPORTED = "custody.exported"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_READ = 1024 * 1024


# What reading a damaged zip raises: a bad CRC (BadZipFile), a cut stream (EOFError, zlib.error), an
# unknown method (NotImplementedError), a bad header or offset (ValueError, OSError), a member that
# claims to be encrypted (RuntimeError). Each is a failed check, never a traceback.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError, RuntimeError)


class PackageInvalid(ValueError):
    """The package fails a check; the message names the first item and what failed."""


@dataclass(frozen=True)
class Verified:
    package: str
    items: int
    events: int
    tree_size: int


def _load_manifest(zf: zipfile.ZipFile) -> dict[str, Any]:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise PackageInvalid(f"{MANIFEST} is missing") from None
    if info.file_size > MAX_MANIFEST_BYTES:
        raise PackageInvalid(f"{MANIFEST} is larger than {MAX_MANIFEST_BYTES} bytes")
    try:
        raw = zf.read(info)
    except _DAMAGED as exc:
        raise PackageInvalid(f"{MANIFEST}: the zip is damaged ({exc})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackageInvalid(f"{MANIFEST} is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PackageInvalid(f"{MANIFEST}: format must be {FORMAT}")
    if not isinstance(data.get("items"), list) or not isinstance(data.get("package"), str):
        raise PackageInvalid(f"{MANIFEST}: needs a package id and a list of items")
    return data


def _hash_entry(zf: zipfile.ZipFile, name: str, where: str) -> tuple[str, int]:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise PackageInvalid(f"{where}: its file is missing from the package") from None
    digest, size = hashlib.sha256(), 0
    try:
        with zf.open(info) as fh:
            for block in iter(lambda: fh.read(_READ), b""):
                digest.update(block)
                size += len(block)
    except _DAMAGED as exc:
        # The zip's own CRC-32 often notices a changed byte before our hash does.
        raise PackageInvalid(
            f"{where}: its bytes differ from those recorded, or the zip is damaged ({exc})"
        ) from None
    return digest.hexdigest(), size


def _event(raw: Any, where: str, head: heads.TreeHead) -> tuple[dict[str, Any], int]:
    if not isinstance(raw, dict) or not isinstance(raw.get("leaf"), str):
        raise PackageInvalid(f"{where}: needs the ledger leaf as text")
    leaf_bytes = raw["leaf"].encode("utf-8")
    try:
        leaf = json.loads(leaf_bytes)
        index = int(raw["index"])
        proof = [bytes.fromhex(p) for p in raw["proof"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise PackageInvalid(f"{where}: malformed ({exc})") from None
    if not isinstance(leaf, dict) or leaf.get("index") != index:
        raise PackageInvalid(f"{where}: the leaf's own index differs from the proof's")
    try:
        merkle.verify_inclusion(merkle.leaf_hash(leaf_bytes), index, head.size, proof, head.root)
    except merkle.ProofError as exc:
        raise PackageInvalid(f"{where}: not in the signed ledger ({exc})") from None
    return leaf, index


def _check_item(zf: zipfile.ZipFile, item: Any, n: int, package: str, head: heads.TreeHead) -> int:
    if not isinstance(item, dict) or not isinstance(item.get("code"), str):
        raise PackageInvalid(f"item {n}: needs a code")
    code = item["code"]
    where = f"item {n} ({code})"
    events = item.get("custody")
    if not isinstance(events, list) or not events:
        raise PackageInvalid(f"{where}: has no custody events")
    previous: int | None = None
    acquired: dict[str, Any] = {}
    leaf: dict[str, Any] = {}
    for k, raw in enumerate(events):
        leaf, index = _event(raw, f"{where}, custody event {k}", head)
        if leaf.get("object_code") != code:
            raise PackageInvalid(f"{where}, custody event {k}: is about {leaf.get('object_code')!r}")
        raw_detail = leaf.get("detail")
        detail: dict[str, Any] = raw_detail if isinstance(raw_detail, dict) else {}
        if k == 0:
            if leaf.get("event") != ACQUIRED:
                raise PackageInvalid(f"{where}: the first custody event must be the acquisition")
            acquired = detail
        elif detail.get("prev") != previous:
            raise PackageInvalid(
                f"{where}, custody event {k}: follows ledger entry {detail.get('prev')}, "
                f"but the package gives {previous}: an event was removed or reordered"
            )
        previous = index
    if leaf.get("event") != EXPORTED or detail.get("package") != package:
        raise PackageInvalid(f"{where}: custody must end with the export of this package")
    sha, size = _hash_entry(zf, str(item.get("path", "")), where)
    if sha != acquired.get("sha256") or size != acquired.get("size"):
        raise PackageInvalid(
            f"{where}: its bytes differ from those recorded at acquisition "
            f"(SHA-256 {sha}, {size} bytes; recorded {acquired.get('sha256')}, {acquired.get('size')} bytes)"
        )
    if item.get("sha256") != sha:
        raise PackageInvalid(f"{where}: the manifest's SHA-256 differs from the item's bytes")
    return len(events)


def verify(source: str | Path | IO[bytes], public_key: bytes) -> Verified:
    """Check a package with nothing but the organisation's published signing key."""
    try:
        zf = zipfile.ZipFile(source)
    except _DAMAGED as exc:
        raise PackageInvalid(f"not a readable zip file: {exc}") from None
    try:
        with zf:
            return _verify_open(zf, public_key)
    except PackageInvalid:
        raise
    except _DAMAGED as exc:
        # Whatever a damaged zip raises where it was not expected is a failed check, not a crash.
        raise PackageInvalid(f"the zip is damaged ({exc})") from None


def _verify_open(zf: zipfile.ZipFile, public_key: bytes) -> Verified:
    manifest = _load_manifest(zf)
    try:
        head = heads.TreeHead.from_json(manifest.get("tree_head") or {})
        heads.verify(head, public_key)
    except merkle.ProofError as exc:
        raise PackageInvalid(f"tree head: {exc}") from None
    package = manifest["package"]
    events = sum(_check_item(zf, item, n, package, head) for n, item in enumerate(manifest["items"]))
    listed = {str(item.get("path")) for item in manifest["items"]}
    extra = sorted(
        n
        for n in zf.namelist()
        if n not in listed and n != MANIFEST and not n.endswith("/") and not n.startswith("docs/")
    )
    if extra:
        raise PackageInvalid(f"{extra[0]}: a file the manifest does not list")
    return Verified(package, len(manifest["items"]), events, head.size)


def manifest(
    *, package: str, created: str, tree_head: heads.TreeHead, items: Iterable[dict[str, Any]]
) -> dict[str, Any]:
    """The manifest a package is written with (the vault's export fills the items)."""
    return {
        "format": FORMAT,
        "package": package,
        "created": created,
        "tree_head": tree_head.to_json(),
        "items": list(items),
    }
