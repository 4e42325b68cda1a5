"""What the vault reads from a file on arrival: types, caution flags, capture metadata. No Django."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from longreach.vault import inspect

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!doctype html><html><body><script>fetch('/evidence/')</script></body></html>"


def png(width: int = 4, height: int = 4) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height)).save(out, "PNG")
    return out.getvalue()


def pixel_flood_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims ten billion pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def pdf(js: bool) -> bytes:
    action = b"/OpenAction 4 0 R " if js else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + action + b">>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
        b"<< /S /JavaScript /JS (app.alert('x')) >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (
        b"trailer\n<< /Size %d /Root 1 0 R /Info << /Author (Synthetic) >> >>\nstartxref\n%d\n%%%%EOF\n"
        % (
            len(objects) + 1,
            xref,
        )
    )
    return bytes(out)


def hostile_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../etc/cron.d/evil", b"* * * * * root sh")
        zf.writestr("/abs/path", b"x")
        link = zipfile.ZipInfo("link-to-root")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/")
        zf.writestr("bomb.bin", b"\0" * 5_000_000)
        zf.writestr("a/b/c/inner.zip", b"PK\x03\x04")
    return out.getvalue()


def test_types_come_from_the_content_not_the_name() -> None:
    assert inspect.sniff(png()) == "image/png"
    assert inspect.sniff(SVG) == "image/svg+xml"
    assert inspect.sniff(pdf(False)) == "application/pdf"
    assert inspect.sniff(b"") == "application/x-empty"


def test_a_script_in_disguise_is_flagged() -> None:
    flags = inspect.type_flags(
        name="photo.png", declared="image/png", sniffed="image/svg+xml", head=SVG, tail=SVG, body=SVG
    )
    assert "mismatch:declared" in flags and "mismatch:extension" in flags and "active-content" in flags
    html = inspect.type_flags(
        name="report.pdf", declared="application/pdf", sniffed="text/html", head=HTML, tail=HTML, body=HTML
    )
    assert {"mismatch:declared", "mismatch:extension", "active-content"} <= set(html)
    honest = inspect.type_flags(
        name="p.png", declared="image/png", sniffed="image/png", head=png(), tail=png(), body=png()
    )
    assert honest == []
    # A browser that knows nothing says octet-stream; that is not a lie.
    assert (
        inspect.type_flags(
            name="x", declared="application/octet-stream", sniffed="image/png", head=b"", tail=b"", body=None
        )
        == []
    )


def test_polyglots_are_flagged() -> None:
    gif_zip = b"GIF89a" + b"\0" * 100 + b"PK\x03\x04" + b"\0" * 50 + b"PK\x05\x06" + b"\0" * 18
    assert "contains:zip" in inspect.type_flags(
        name="a.gif", declared="", sniffed="image/gif", head=gif_zip, tail=gif_zip, body=gif_zip
    )
    jpeg_script = b"\xff\xd8\xff\xe0" + b"\0" * 20 + b"<script>alert(1)</script>"
    flags = inspect.type_flags(
        name="a.jpg", declared="", sniffed="image/jpeg", head=jpeg_script, tail=jpeg_script, body=jpeg_script
    )
    assert "contains:script" in flags
    png_pdf = png() + pdf(True)
    assert "contains:pdf" in inspect.type_flags(
        name="a.png", declared="", sniffed="image/png", head=png_pdf, tail=png_pdf, body=png_pdf
    )


def test_pdf_javascript_is_flagged_and_its_info_read() -> None:
    body = pdf(True)
    assert "pdf-javascript" in inspect.type_flags(
        name="a.pdf", declared="application/pdf", sniffed="application/pdf", head=body, tail=body, body=body
    )
    meta = inspect.capture_metadata("application/pdf", body)
    assert meta["pages"] == 1 and meta["actions"] is True and meta["info"]["Author"] == "Synthetic"
    assert "actions" not in inspect.capture_metadata("application/pdf", pdf(False))


def test_a_pixel_flood_is_described_never_decoded() -> None:
    meta = inspect.capture_metadata("image/png", pixel_flood_png())
    assert meta.get("warning") == "pixel-flood"
    assert inspect.capture_metadata("image/png", png(3, 2))["width"] == 3


def test_archives_are_listed_with_their_dangers_and_never_extracted() -> None:
    listing = inspect.capture_metadata("application/zip", hostile_zip())
    by_name = {e["name"]: e["flags"] for e in listing["entries"]}
    assert by_name["../../etc/cron.d/evil"] == ["unsafe-path"]
    assert by_name["/abs/path"] == ["unsafe-path"]
    assert by_name["link-to-root"] == ["symlink"]
    assert by_name["bomb.bin"] == ["high-ratio"]
    assert "nested-archive" in by_name["a/b/c/inner.zip"]
    assert listing["count"] == 5 and listing["uncompressed"] > 5_000_000
    assert {"unsafe-path", "symlink", "high-ratio", "nested-archive"} <= set(listing["flags"])


def test_a_zip_claiming_too_much_is_flagged_without_reading_its_data() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for n in range(1200):
            zf.writestr(f"f{n}.txt", b"")
    listing = inspect.capture_metadata("application/zip", out.getvalue())
    assert listing["count"] == 1200 and len(listing["entries"]) == inspect.MAX_ZIP_ENTRIES
    assert "too-many-entries" in listing["flags"]


def test_email_headers_and_the_received_chain_are_kept() -> None:
    eml = (
        b"Received: from relay.example.net by mx.example.org; Tue, 2 Jul 2019 21:14:00 +0000\r\n"
        b"Received: from [10.0.0.1] by relay.example.net; Tue, 2 Jul 2019 21:13:58 +0000\r\n"
        b"From: Officer <officer@example.cn>\r\nTo: someone@example.org\r\nSubject: Think of your family\r\n"
        b"Date: Tue, 2 Jul 2019 21:13:50 +0000\r\nMessage-ID: <1@example.cn>\r\n\r\nCall us back.\r\n"
    )
    meta = inspect.capture_metadata("message/rfc822", eml)
    assert meta["headers"]["Subject"] == "Think of your family"
    assert len(meta["received"]) == 2 and meta["received"][1].startswith("from [10.0.0.1]")


def test_files_too_large_to_inspect_are_skipped_not_read() -> None:
    assert inspect.capture_metadata("image/png", None) == {"skipped": "too-large"}
    assert inspect.capture_metadata("video/mp4", None) == {}  # nothing reads video: nothing was skipped


def test_broken_files_are_kept_and_described() -> None:
    assert "unreadable" in inspect.capture_metadata("application/pdf", b"%PDF-1.4 garbage")
    assert "unreadable" in inspect.capture_metadata("application/zip", b"PK\x03\x04 not really")


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=4096),
    st.sampled_from(
        sorted(
            {
                "image/png",
                "image/jpeg",
                "application/pdf",
                "application/zip",
                "message/rfc822",
                "audio/wav",
                "text/plain",
            }
        )
    ),
)
def test_arbitrary_bytes_never_break_inspection(data: bytes, claimed: str) -> None:
    sniffed = inspect.sniff(data)
    assert isinstance(
        inspect.type_flags(name="f", declared=claimed, sniffed=sniffed, head=data, tail=data, body=data), list
    )
    assert isinstance(inspect.capture_metadata(claimed, data), dict)
