"""Viewing copies made from an original: safe to show in a browser, never a replacement. No Django.

- photos and images: decoded once (with a pixel cap), turned upright, shrunk
  to at most 2048 pixels a side and written as a fresh PNG; nothing of the
  original file (EXIF, GPS, comments, trailing bytes, a hidden second format)
  survives the re-encoding;
- PDFs: their text, page by page, bounded;
- plain text (chat exports): decoded as UTF-8, bounded;
- audio (WAV read here; Ogg/Opus voice notes, MP3 and FLAC decoded by
  libsndfile, which soundfile bundles): a waveform of peak levels, drawn by
  the staff page.

Every copy is bytes plus a media type; the vault encrypts and hashes it like
any other file. A file these rules cannot read safely gets no copy and a
short reason instead.
"""

from __future__ import annotations

import array
import io
import json
import struct
import sys
import wave
from dataclasses import dataclass

from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from longreach.vault import inspect

MAX_SIDE = 2048
MAX_PIXELS = 50_000_000
MAX_PAGES = 500
MAX_TEXT_CHARS = 2_000_000
WAVE_POINTS = 600


@dataclass(frozen=True)
class Copy:
    kind: str  # image | text | waveform
    media_type: str
    data: bytes


class NoCopy(ValueError):
    """This file gets no viewing copy; the message is a short reason code."""


def image_copy(body: bytes | bytearray) -> Copy:
    try:
        img = inspect.open_image(body, MAX_PIXELS)
    except inspect.PixelFlood:
        raise NoCopy("pixel-flood") from None
    with img:
        upright = ImageOps.exif_transpose(img)
        upright.thumbnail((MAX_SIDE, MAX_SIDE))
        has_alpha = upright.mode in ("RGBA", "LA") or "transparency" in upright.info
        clean = upright.convert("RGBA" if has_alpha else "RGB")
        out = io.BytesIO()
        # A new image from pixels only: no info, EXIF or ICC profile is passed on.
        Image.frombytes(clean.mode, clean.size, clean.tobytes()).save(out, "PNG", optimize=False)
        return Copy("image", "image/png", out.getvalue())


def pdf_text(body: bytes | bytearray) -> Copy:
    if b"%%EOF" not in body[-2048:]:
        raise NoCopy("unreadable")
    reader = PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted:
        raise NoCopy("encrypted")
    parts: list[str] = []
    total = 0
    for number, page in enumerate(reader.pages[:MAX_PAGES], 1):
        text = page.extract_text() or ""
        parts.append(f"--- page {number} ---\n{text}\n")
        total += len(text)
        if total > MAX_TEXT_CHARS:
            break
    return Copy("text", "text/plain; charset=utf-8", "".join(parts)[:MAX_TEXT_CHARS].encode("utf-8"))


def plain_text(body: bytes | bytearray) -> Copy:
    text = bytes(body[: MAX_TEXT_CHARS * 4]).decode("utf-8", "replace")[:MAX_TEXT_CHARS]
    return Copy("text", "text/plain; charset=utf-8", text.replace("\x00", "").encode("utf-8"))


def wav_waveform(body: bytes | bytearray) -> Copy:
    with wave.open(io.BytesIO(body)) as w:
        width, channels, frames = w.getsampwidth(), w.getnchannels(), w.getnframes()
        raw = w.readframes(frames)
    codes = {1: "b", 2: "h", 4: "i"}
    if width not in codes or not frames:
        raise NoCopy("unsupported-audio")
    samples = array.array(codes[width])
    samples.frombytes(raw[: len(raw) - len(raw) % width])
    if width > 1 and sys.byteorder == "big":
        samples.byteswap()  # WAV is little-endian
    full = float(2 ** (8 * width - 1))
    if width == 1:  # 8-bit WAV is unsigned
        samples = array.array("h", (s + 128 if s < 0 else s - 128 for s in samples))
    step = max(1, len(samples) // (WAVE_POINTS * channels) * channels)
    peaks = [
        round(max((abs(s) for s in samples[i : i + step]), default=0) / full, 4)
        for i in range(0, len(samples), step)
    ][:WAVE_POINTS]
    return Copy("waveform", "application/json", json.dumps({"peaks": peaks}).encode())


# Voice notes as phones send them: WhatsApp's Opus in Ogg, Telegram's Ogg, MP3 and FLAC.
COMPRESSED_AUDIO = ("audio/ogg", "audio/mpeg", "audio/flac")
MAX_AUDIO_SECONDS = 3 * 3600  # longer than any voice note: decoding stops rather than run for ever


# libsndfile's MP3 decoder returns silence for parts of a file read in small pieces; reads of this
# many frames (about five seconds, a few megabytes) decode correctly.
AUDIO_READ_FRAMES = 1 << 18


def compressed_waveform(body: bytes | bytearray) -> Copy:
    """Peaks of a compressed recording, decoded piece by piece by libsndfile (bundled with
    soundfile) so a long one never sits decoded in memory."""
    import numpy as np
    import soundfile

    with soundfile.SoundFile(io.BytesIO(bytes(body))) as sound:
        frames = sound.frames
        if frames <= 0 or sound.samplerate <= 0:
            raise NoCopy("unsupported-audio")
        if frames > MAX_AUDIO_SECONDS * sound.samplerate:
            raise NoCopy("too-long")
        step = max(1, -(-frames // WAVE_POINTS))
        peaks = np.zeros(-(-frames // step), dtype="float32")
        at = 0
        while at < frames:
            piece = sound.read(min(AUDIO_READ_FRAMES, frames - at), dtype="float32", always_2d=True)
            if not len(piece):
                break
            np.maximum.at(peaks, np.arange(at, at + len(piece)) // step, np.abs(piece).max(axis=1))
            at += len(piece)
    if not at:
        raise NoCopy("unsupported-audio")
    shown = [round(min(1.0, float(p)), 4) for p in peaks[: -(-at // step)]]
    return Copy("waveform", "application/json", json.dumps({"peaks": shown}).encode())


def applies(sniffed: str) -> bool:
    return (sniffed.startswith("image/") and sniffed != "image/svg+xml") or sniffed in (
        "application/pdf",
        "text/plain",
        "text/csv",
        "audio/wav",
        *COMPRESSED_AUDIO,
    )


# What the parsers raise on damaged or hostile input (Pillow: OSError and friends;
# pypdf: PyPdfError; wave: wave.Error, EOFError); any of them means "unreadable".
_UNREADABLE = (
    OSError,
    ValueError,
    EOFError,
    wave.Error,
    PyPdfError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    RuntimeError,  # soundfile's LibsndfileError: a damaged or hostile recording
)


def make(sniffed: str, body: bytes | bytearray) -> Copy:
    """The viewing copy for a file of this (sniffed) type; NoCopy says why there is none."""
    if sniffed.startswith("image/") and sniffed != "image/svg+xml":
        reader = image_copy
    elif sniffed == "application/pdf":
        reader = pdf_text
    elif sniffed in ("text/plain", "text/csv"):
        reader = plain_text
    elif sniffed == "audio/wav":
        reader = wav_waveform
    elif sniffed in COMPRESSED_AUDIO:
        reader = compressed_waveform
    else:
        raise NoCopy("no-copy-for-type")
    try:
        return reader(body)
    except NoCopy:
        raise
    except _UNREADABLE:
        raise NoCopy("unreadable") from None
