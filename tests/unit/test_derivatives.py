"""Viewing copies: re-encoded images without metadata, text, waveforms; refusals with reasons. No Django."""

from __future__ import annotations

import io
import json
import wave

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from longreach.vault import derivatives
from tests.unit.test_inspect import pdf, pixel_flood_png


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x0112] = 6  # rotated: the copy must come out upright
    exif[0x8825] = {1: "N", 2: (39.0, 28.0, 12.0), 3: "E", 4: (75.0, 59.0, 24.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (250, 0, 0)).save(out, "JPEG", exif=exif, comment=b"hidden note")
    return out.getvalue() + b"PK\x03\x04trailing archive"


def test_an_image_copy_keeps_the_pixels_and_nothing_else() -> None:
    copy = derivatives.make("image/jpeg", jpeg_with_gps())
    assert copy.kind == "image" and copy.media_type == "image/png"
    for secret in (b"SecretCam", b"hidden note", b"PK\x03\x04", b"Exif"):
        assert secret not in copy.data
    with Image.open(io.BytesIO(copy.data)) as img:
        assert img.size == (20, 40)  # turned upright by the orientation tag
        assert not img.getexif() and "comment" not in img.info


def test_large_images_are_shrunk_and_floods_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (5000, 100)).save(out, "PNG")
    with Image.open(io.BytesIO(derivatives.make("image/png", out.getvalue()).data)) as img:
        assert max(img.size) == derivatives.MAX_SIDE
    with pytest.raises(derivatives.NoCopy, match="pixel-flood"):
        derivatives.make("image/png", pixel_flood_png())


def test_pdf_text_and_plain_text() -> None:
    copy = derivatives.make("application/pdf", pdf(True))
    assert copy.kind == "text" and copy.data.startswith(b"--- page 1 ---")
    with pytest.raises(derivatives.NoCopy, match="unreadable"):
        derivatives.make("application/pdf", b"%PDF-1.7 no end")
    text = derivatives.make("text/plain", "Think of your family\x00 \udcff".encode("utf-8", "surrogatepass"))
    assert text.data.decode().startswith("Think of your family") and b"\x00" not in text.data


def test_a_waveform_of_peaks() -> None:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes((b"\x00\x40" + b"\x00\xc0") * 8000)  # +16384 / -16384: half scale
    copy = derivatives.make("audio/wav", out.getvalue())
    peaks = json.loads(copy.data)["peaks"]
    assert 0 < len(peaks) <= derivatives.WAVE_POINTS and all(p == pytest.approx(0.5) for p in peaks)


def compressed(fmt: str, subtype: str, seconds: float = 1.0) -> bytes:
    import numpy as np
    import soundfile

    rate = 48000
    t = np.arange(int(rate * seconds), dtype="float32") / rate
    out = io.BytesIO()
    soundfile.write(out, 0.5 * np.sin(2 * np.pi * 440 * t), rate, format=fmt, subtype=subtype)
    return out.getvalue()


@pytest.mark.parametrize(
    ("sniffed", "fmt", "subtype"),
    [
        ("audio/ogg", "OGG", "OPUS"),  # a WhatsApp voice note
        ("audio/ogg", "OGG", "VORBIS"),
        ("audio/mpeg", "MP3", "MPEG_LAYER_III"),
        ("audio/flac", "FLAC", "PCM_16"),
    ],
)
def test_voice_notes_get_a_waveform(sniffed: str, fmt: str, subtype: str) -> None:
    copy = derivatives.make(sniffed, compressed(fmt, subtype))
    peaks = json.loads(copy.data)["peaks"]
    assert copy.kind == "waveform" and 0 < len(peaks) <= derivatives.WAVE_POINTS
    # A half-scale tone: the peaks sit near 0.5 (lossy codecs wobble a little).
    middle = sorted(peaks)[len(peaks) // 2]
    assert 0.4 < middle < 0.6


def test_a_damaged_voice_note_gets_a_reason() -> None:
    note = compressed("OGG", "OPUS")
    for broken in (note[:200], note[:40] + b"\x00" * 400, b"OggS" + b"\xff" * 300):
        with pytest.raises(derivatives.NoCopy):
            derivatives.make("audio/ogg", broken)


def test_types_without_a_copy_say_so() -> None:
    for sniffed in ("image/svg+xml", "text/html", "application/zip", "video/mp4", "audio/aac"):
        assert not derivatives.applies(sniffed)
        with pytest.raises(derivatives.NoCopy, match="no-copy-for-type"):
            derivatives.make(sniffed, b"<svg><script>alert(1)</script></svg>")


PREFIXES = [
    b"",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0",
    b"%PDF-1.4\n",
    b"RIFF\x00\x00\x00\x00WAVEfmt ",
    b"GIF89a",
    b"OggS\x00\x02",
    b"ID3\x04\x00",
    b"fLaC",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(PREFIXES),
    st.binary(max_size=2048),
    st.sampled_from(
        [
            "image/png",
            "image/jpeg",
            "image/gif",
            "application/pdf",
            "audio/wav",
            "text/plain",
            *derivatives.COMPRESSED_AUDIO,
        ]
    ),
)
def test_arbitrary_bytes_give_a_copy_or_a_reason(prefix: bytes, data: bytes, sniffed: str) -> None:
    """Damaged and hostile files end in NoCopy with a reason, never in another exception."""
    try:
        copy = derivatives.make(sniffed, prefix + data)
    except derivatives.NoCopy as exc:
        assert str(exc) in {"unreadable", "pixel-flood", "encrypted", "unsupported-audio", "too-long"}
        return
    assert copy.data or copy.kind == "text"  # an empty text file has empty text
