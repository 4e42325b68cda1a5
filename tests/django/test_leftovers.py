"""A refused or failed request leaves nothing on disk; temp space has a ceiling; reconcile sweeps.

Issue 14, item 2: uploads refused by CSRF, size, validation or a crash in the view
used to leave their encrypted ``.part`` files behind for ever.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from longreach.intake import services as intake_services
from longreach.intake.models import Report
from tests.django.test_intake_flow import ANSWERS, _named

pytestmark = pytest.mark.django_db


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def multipart(fields: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "lrBoundary7"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    for name, content in files:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


BIG = b"\x07" * 300_000


@pytest.mark.parametrize("path", ["/report/form/", "/report/status/message/"])
def test_a_post_refused_for_csrf_leaves_no_file(routed: Any, intake_files: Path, path: str) -> None:
    body, kind = multipart({"step": "send", "go": "next"}, [("a.bin", BIG), ("b.bin", BIG)])
    r = Client(enforce_csrf_checks=True).generic("POST", path, body, content_type=kind)
    assert r.status_code == 403
    assert files_under(intake_files) == []


def test_a_vault_upload_refused_for_csrf_leaves_no_file(
    cast: Any, client_for: Any, incident: Any, vault_files: Path
) -> None:
    analyst = client_for("analyst")
    analyst.handler.enforce_csrf_checks = True
    body, kind = multipart({"note": "x"}, [("a.bin", BIG)])
    r = analyst.generic("POST", f"/evidence/add/incident/{incident.code}/", body, content_type=kind)
    assert r.status_code == 403
    assert files_under(vault_files.parent) == []


def test_a_crash_in_the_view_leaves_no_file(
    routed: Any, intake_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(**kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(intake_services, "report_submit", boom)
    client = Client(raise_request_exception=False)
    page = client.get("/report/form/")
    nonce = page.content.split(b'name="nonce" value="')[1][:32].decode()
    r = client.post(
        "/report/form/",
        {**ANSWERS, "nonce": nonce, "step": "send", "go": "next", "files": [_named("a.bin", BIG)]},
    )
    assert r.status_code == 500
    assert Report.objects.count() == 0
    assert files_under(intake_files) == []


def test_uploads_beyond_the_ceiling_are_refused_with_a_reason(
    routed: Any, intake_files: Path, settings: Any
) -> None:
    settings.INTAKE_TMP_CEILING_BYTES = 500_000
    tmp = intake_files / "tmp"
    tmp.mkdir(parents=True)
    (tmp / "inflight.part").write_bytes(b"\0" * 520_000)  # another visitor's upload, still arriving
    client = Client()
    page = client.get("/report/form/")
    nonce = page.content.split(b'name="nonce" value="')[1][:32].decode()
    r = client.post(
        "/report/form/",
        {**ANSWERS, "nonce": nonce, "step": "send", "go": "next", "files": [_named("big.bin", BIG)]},
    )
    assert r.status_code == 400
    assert b"too many files are arriving at once" in r.content
    assert Report.objects.count() == 0
    assert files_under(intake_files) == ["tmp/inflight.part"]


def test_a_ceiling_reached_mid_file_stops_that_file(routed: Any, intake_files: Path, settings: Any) -> None:
    settings.INTAKE_TMP_CEILING_BYTES = 1_500_000
    tmp = intake_files / "tmp"
    tmp.mkdir(parents=True)
    (tmp / "inflight.part").write_bytes(b"\0" * 1_000_000)
    client = Client()
    page = client.get("/report/form/")
    nonce = page.content.split(b'name="nonce" value="')[1][:32].decode()
    r = client.post(
        "/report/form/",
        {
            **ANSWERS,
            "nonce": nonce,
            "step": "send",
            "go": "next",
            "files": [_named("v.bin", b"\1" * 2_000_000)],
        },
    )
    assert r.status_code == 400 and b"too many files are arriving at once" in r.content
    assert files_under(intake_files) == ["tmp/inflight.part"]


def _aged(path: Path, minutes: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"ciphertext")
    then = time.time() - minutes * 60
    os.utime(path, (then, then))
    return path


def test_reconcile_removes_abandoned_temp_uploads_and_keeps_fresh_ones(
    cast: Any, intake_files: Path, vault_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_intake = _aged(intake_files / "tmp" / "a.part", 90)
    old_vault = _aged(vault_files.parent / "tmp" / "b.part", 61)
    fresh = _aged(vault_files.parent / "tmp" / "c.part", 5)
    call_command("reconcile")
    out = capsys.readouterr().out
    assert "removed-temp\tintake/a.part" in out and "removed-temp\tvault/b.part" in out
    assert not old_intake.exists() and not old_vault.exists() and fresh.exists()
    assert "files and rows agree" in out
    call_command("reconcile", "--temp-age", "1")
    assert not fresh.exists()
    with pytest.raises(CommandError, match="at least 1 minute"):
        call_command("reconcile", "--temp-age", "0")


def test_reconcile_lists_stray_files_in_either_store(
    cast: Any, intake_files: Path, vault_files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vault_files.mkdir(parents=True, exist_ok=True)
    (vault_files / "notes.txt").write_text("left here by hand")
    (intake_files / "files").mkdir(parents=True)
    (intake_files / "files" / "dump.sql").write_text("x")
    with pytest.raises(CommandError, match="2 problem"):
        call_command("reconcile")
    out = capsys.readouterr().out
    assert "stray-file\tvault/notes.txt" in out and "stray-file\tintake/dump.sql" in out
    assert (vault_files / "notes.txt").exists()  # listed, never deleted


def test_a_file_sent_to_a_view_that_takes_none_is_held_nowhere(
    routed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Django's default handlers would keep it in memory or spool it to /tmp in the clear."""
    from django.core.files import uploadedfile

    made: list[str] = []
    for cls in (uploadedfile.TemporaryUploadedFile, uploadedfile.InMemoryUploadedFile):
        real = cls.__init__

        def spy(self: Any, *args: Any, _real: Any = real, _name: str = cls.__name__, **kw: Any) -> None:
            made.append(_name)
            _real(self, *args, **kw)

        monkeypatch.setattr(cls, "__init__", spy)
    for size in (1_000, 3_000_000):
        body, kind = multipart({"language": "tr"}, [("big.bin", b"\x09" * size)])
        r = Client().generic("POST", "/report/language/", body, content_type=kind)
        assert r.status_code == 302
    assert made == []
