"""What a file is and what it says about its capture. No Django; never changes the bytes.

``sniff`` names the type from the content (libmagic), not from the name or
the browser's claim; ``type_flags`` compares the three and looks for a second
format hidden in the same bytes (a polyglot) or active content that a viewer
would run. ``capture_metadata`` reads what the file carries about where and
how it was made (EXIF and GPS in photos, the document info of a PDF, the
headers and Received chain of an e-mail, the listing of a zip) into plain
data that the vault then seals. Every reader is bounded: pixel floods, zip
bombs and deeply nested archives are described, never expanded.
"""

from __future__ import annotations

import email
import email.policy
import io
import logging
import mimetypes
import re
import stat
import wave
import zipfile
from collections.abc import Callable
from typing import Any

import magic
from PIL import ExifTags, Image
from pypdf import PdfReader

# pypdf reports every oddity of a hostile file as a warning; the caller gets the verdict instead.
logging.getLogger("pypdf").setLevel(logging.ERROR)

HEAD_BYTES = 64 * 1024
MAX_VALUE_CHARS = 500
MAX_TAGS = 200
MAX_ZIP_ENTRIES = 1000
ZIP_RATIO_LIMIT = 100  # uncompressed / compressed above this is a likely bomb
ZIP_TOTAL_LIMIT = 10 * 1024**3
ZIP_DEPTH_LIMIT = 3  # nested directories are fine; archives inside archives this deep are not
# Pillow's own default: images within it never trigger its decompression-bomb warning.
MAX_PIXELS = Image.MAX_IMAGE_PIXELS or 89_478_485

GENERIC = {"", "application/octet-stream", "binary/octet-stream", "application/x-download"}
ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/x-m4a": "audio/mp4",
    "audio/m4a": "audio/mp4",
    "application/x-zip-compressed": "application/zip",
    "application/x-pdf": "application/pdf",
    "text/xml": "application/xml",
}
# Types a browser or viewer would execute or render with scripts.
ACTIVE = {
    "text/html",
    "image/svg+xml",
    "application/xhtml+xml",
    "application/javascript",
    "text/javascript",
    "application/x-dosexec",
    "application/x-executable",
    "application/x-sharedlib",
    "application/x-mach-binary",
    "application/vnd.android.package-archive",
    "text/x-shellscript",
}
# Lower-case, because the search runs over lower-cased bytes.
_SIGNATURES = {
    "zip": b"pk\x03\x04",
    "pdf": b"%pdf-",
    "html": b"<html",
    "script": b"<script",
    "svg": b"<svg",
}
_MARKUP = {"html", "script", "svg"}
_PDF_SCRIPT = re.compile(rb"/J(?:avaScript|S)")  # one pass: two ``in`` searches took four times as long


def normal_type(mime: str) -> str:
    mime = (mime or "").split(";")[0].strip().lower()
    return ALIASES.get(mime, mime)


SNIFF_BYTES = 16 * 1024  # libmagic's text checks scan all they are given; 16 KB decides every type we flag


def sniff(head: bytes) -> str:
    if not head:
        return "application/x-empty"
    return normal_type(magic.from_buffer(head[:SNIFF_BYTES], mime=True))


def type_flags(
    *, name: str, declared: str, sniffed: str, head: bytes, tail: bytes, body: bytes | None
) -> list[str]:
    """Short codes for what deserves a caseworker's caution (shown on the item's page)."""
    flags: list[str] = []
    declared = normal_type(declared)
    by_name = normal_type(mimetypes.guess_type(name)[0] or "")
    for claim, code in ((declared, "declared"), (by_name, "extension")):
        if claim in GENERIC or not claim or sniffed in ("application/x-empty",):
            continue
        same_family = claim.split("/")[0] == sniffed.split("/")[0] and not (
            {claim, sniffed} & ACTIVE and claim != sniffed
        )
        if claim != sniffed and not same_family:
            flags.append(f"mismatch:{code}")
    if sniffed in ACTIVE:
        flags.append("active-content")
    # A second format is found at either end: zip readers start from the end of a file.
    regions = (head[:HEAD_BYTES] + b"\n" + tail[-HEAD_BYTES:]).lower()
    own = _own_signature(sniffed)
    for kind, sig in _SIGNATURES.items():
        if kind == own or (kind in _MARKUP and sniffed.startswith(("text/", "message/"))):
            continue
        if sig in regions:
            flags.append(f"contains:{kind}")
    if sniffed == "application/pdf" and body is not None and _PDF_SCRIPT.search(body):
        flags.append("pdf-javascript")
    return sorted(set(flags))


def _own_signature(sniffed: str) -> str:
    if sniffed == "application/zip" or sniffed.startswith("application/vnd.openxmlformats"):
        return "zip"
    if sniffed == "application/pdf":
        return "pdf"
    if sniffed == "text/html":
        return "html"
    if sniffed == "image/svg+xml":
        return "svg"
    return ""


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).replace("\x00", "")
    return text[:MAX_VALUE_CHARS]


# EXIF tags that only point at other parts of the file.
_POINTERS = {ExifTags.Base.ExifOffset, ExifTags.Base.GPSInfo, 0xA005}  # 0xA005: interoperability IFD


def _gps_degrees(values: Any, ref: Any) -> float | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    deg = d + m / 60 + s / 3600
    return round(-deg if str(ref).upper() in ("S", "W") else deg, 6)


class PixelFlood(ValueError):
    """An image whose header claims more pixels than may be decoded."""


def open_image(body: bytes | bytearray, limit: int = MAX_PIXELS) -> Image.Image:
    """Open an image by its header only, refusing a pixel flood before any pixel is decoded.

    Pillow's own global limit is left alone (it is shared by every thread);
    its hard stop still applies above twice that limit.
    """
    try:
        img = Image.open(io.BytesIO(body))
    except Image.DecompressionBombError:
        raise PixelFlood("pixel-flood") from None
    if img.width * img.height > limit:
        img.close()
        raise PixelFlood("pixel-flood")
    return img


def image_metadata(body: bytes | bytearray) -> dict[str, Any]:
    try:
        img = open_image(body)
    except PixelFlood:
        return {"warning": "pixel-flood"}
    with img:
        out: dict[str, Any] = {"format": img.format or "", "width": img.width, "height": img.height}
        exif = img.getexif()
        tags: dict[str, str] = {}
        for tag, value in list(exif.items())[:MAX_TAGS]:
            if tag not in _POINTERS:
                tags[ExifTags.TAGS.get(tag, str(tag))] = _text(value)
        for tag, value in list(exif.get_ifd(ExifTags.IFD.Exif).items())[:MAX_TAGS]:
            tags[ExifTags.TAGS.get(tag, str(tag))] = _text(value)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        if gps:
            lat = _gps_degrees(gps.get(2), gps.get(1))
            lon = _gps_degrees(gps.get(4), gps.get(3))
            if lat is not None and lon is not None:
                out["gps"] = {"latitude": lat, "longitude": lon}
        if tags:
            out["exif"] = tags
        return out


def pdf_metadata(body: bytes | bytearray) -> dict[str, Any]:
    # pypdf hunts backwards line by line for a missing end marker: seconds per
    # megabyte of garbage. A PDF without one is described, not searched.
    if b"%%EOF" not in body[-2048:]:
        return {"unreadable": "no-eof-marker"}
    reader = PdfReader(io.BytesIO(body), strict=False)
    out: dict[str, Any] = {"pages": len(reader.pages), "encrypted": reader.is_encrypted}
    info: Any = reader.metadata or {}
    fields: dict[str, str] = {str(k).lstrip("/"): _text(v) for k, v in list(info.items())[:MAX_TAGS]}
    if fields:
        out["info"] = fields
    found: Any = reader.trailer.get("/Root")
    root: Any = found.get_object() if found is not None else {}
    names = root.get("/Names")
    if "/OpenAction" in root or (names is not None and "/JavaScript" in names.get_object()):
        out["actions"] = True
    return out


def email_metadata(body: bytes | bytearray) -> dict[str, Any]:
    msg = email.message_from_bytes(body[: 8 * 1024 * 1024], policy=email.policy.compat32)
    headers = {}
    for key in ("From", "To", "Cc", "Reply-To", "Date", "Subject", "Message-ID", "Return-Path"):
        if msg.get(key) is not None:
            headers[key] = _text(msg.get(key))
    received = [_text(v) for v in (msg.get_all("Received") or [])[:MAX_TAGS]]
    attachments = [
        _text(part.get_filename()) for part in msg.walk() if part.get_filename() and not part.is_multipart()
    ][:MAX_TAGS]
    out: dict[str, Any] = {"headers": headers}
    if received:
        out["received"] = received
    if attachments:
        out["attachments"] = attachments
    return out


def zip_listing(body: bytes | bytearray) -> dict[str, Any]:
    """The entries of a zip and the reasons not to extract it; nothing is decompressed."""
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        infos = zf.infolist()
    entries: list[dict[str, Any]] = []
    flags: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        total += info.file_size
        entry_flags = []
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name[:3]:
            entry_flags.append("unsafe-path")
        if stat.S_ISLNK(info.external_attr >> 16):
            entry_flags.append("symlink")
        if info.compress_size and info.file_size / info.compress_size > ZIP_RATIO_LIMIT:
            entry_flags.append("high-ratio")
        if name.lower().endswith((".zip", ".jar", ".apk")) and name.count("/") >= ZIP_DEPTH_LIMIT - 1:
            entry_flags.append("nested-archive")
        flags.update(entry_flags)
        if len(entries) < MAX_ZIP_ENTRIES:
            entries.append(
                {
                    "name": _text(name),
                    "size": info.file_size,
                    "packed": info.compress_size,
                    "flags": entry_flags,
                }
            )
    if total > ZIP_TOTAL_LIMIT:
        flags.add("too-large-uncompressed")
    if len(infos) > MAX_ZIP_ENTRIES:
        flags.add("too-many-entries")
    return {"entries": entries, "count": len(infos), "uncompressed": total, "flags": sorted(flags)}


def wav_metadata(body: bytes | bytearray) -> dict[str, Any]:
    with wave.open(io.BytesIO(body)) as w:
        frames, rate = w.getnframes(), w.getframerate()
        return {
            "channels": w.getnchannels(),
            "rate": rate,
            "seconds": round(frames / rate, 3) if rate else 0,
        }


_READERS = {
    "image/": image_metadata,
    "application/pdf": pdf_metadata,
    "message/rfc822": email_metadata,
    "application/zip": zip_listing,
    "audio/wav": wav_metadata,
}


def _reader(sniffed: str) -> Callable[[bytes], dict[str, Any]] | None:
    if sniffed == "image/svg+xml":
        return None
    return next((reader for prefix, reader in _READERS.items() if sniffed.startswith(prefix)), None)


def has_reader(sniffed: str) -> bool:
    return _reader(sniffed) is not None


def capture_metadata(sniffed: str, body: bytes | None) -> dict[str, Any]:
    """What the file says about itself; ``{"skipped": reason}`` when it is not read."""
    reader = _reader(sniffed)
    if reader is None:
        return {}
    if body is None:
        return {"skipped": "too-large"}
    try:
        return reader(body)
    except Exception as exc:  # noqa: BLE001  hostile files raise anything; the file is still kept
        return {"unreadable": type(exc).__name__}
