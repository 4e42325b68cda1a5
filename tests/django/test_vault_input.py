"""The vault against hostile files and bad input; its command, reconcile, and files from the intake."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError
from django.test import Client

from longreach.accounts import services as accounts
from longreach.intake.models import Report, ReportFile
from longreach.keys.context import using_keyring
from longreach.keys.models import OrgKeys
from longreach.vault import package
from longreach.vault.models import EvidenceItem
from tests.conftest import PASSWORD
from tests.django.test_commands import run
from tests.django.test_intake_flow import ANSWERS, _named, receipt_from, walk
from tests.django.test_vault import SCREENSHOT, custody, upload
from tests.unit.test_inspect import HTML, SVG, hostile_zip, pdf, pixel_flood_png, png

pytestmark = pytest.mark.django_db


def vault_cli(*args: str) -> str:
    """``longreach vault ARGS`` as the analyst, password on standard input."""
    return run("vault", *args, "--user", "analyst", "--password-stdin", stdin=PASSWORD + "\n")


def flags_of(name: str) -> list[str]:
    item = next(i for i in EvidenceItem.objects.all() if i.sealed["name"] == name)
    return list(item.flags)


def test_hostile_files_are_kept_as_they_are_flagged_and_only_ever_downloaded(
    cast: Any, client_for: Any, incident: Any, vault_files: Path
) -> None:
    analyst = client_for("analyst")
    polyglot = png() + pdf(True)
    files = [
        ("holiday.png", SVG, "image/png"),
        ("statement.pdf", HTML, "application/pdf"),
        ("order.pdf", pdf(True), "application/pdf"),
        ("photo.png", polyglot, "image/png"),
        ("flood.png", pixel_flood_png(), "image/png"),
        ("archive.zip", hostile_zip(), "application/zip"),
    ]
    r = upload(analyst, incident, files)
    assert r.status_code == 302
    assert EvidenceItem.objects.count() == 6
    with using_keyring(cast.keyring("analyst")):
        assert {"mismatch:declared", "mismatch:extension", "active-content"} <= set(flags_of("holiday.png"))
        assert "active-content" in flags_of("statement.pdf")
        assert "pdf-javascript" in flags_of("order.pdf")
        assert "contains:pdf" in flags_of("photo.png")
        flood = next(i for i in EvidenceItem.objects.all() if i.sealed["name"] == "flood.png")
        assert flood.sealed["metadata"]["warning"] == "pixel-flood"
        assert flood.copy_state == "none:pixel-flood" and not flood.copies.exists()
        archive = next(i for i in EvidenceItem.objects.all() if i.sealed["name"] == "archive.zip")
        assert {"unsafe-path", "symlink", "high-ratio"} <= set(archive.sealed["metadata"]["flags"])
    # Nothing was unpacked: the vault holds the six encrypted files and their viewing copies.
    from longreach.vault.models import ViewingCopy

    copies = {c.item.sniffed_type: c.kind for c in ViewingCopy.objects.select_related("item")}
    assert copies == {"image/png": "image", "application/pdf": "text"}  # the polyglot and the PDF
    assert len(list(vault_files.iterdir())) == 6 + len(copies)
    states = dict(EvidenceItem.objects.values_list("sniffed_type", "copy_state"))
    assert states["image/svg+xml"] == states["text/html"] == "none:no-copy-for-type"
    polyglot_item = ViewingCopy.objects.get(kind="image").item
    shown = analyst.get(f"/evidence/{polyglot_item.code}/copy/image/")
    assert shown["Content-Type"] == "image/png" and b"%PDF" not in shown.content  # re-encoding drops it
    for item in EvidenceItem.objects.all():
        page = analyst.get(f"/evidence/{item.code}/")
        assert page.status_code == 200 and b"<script>alert" not in page.content
        got = analyst.get(f"/evidence/{item.code}/download/")
        assert (
            got["Content-Type"] == "application/octet-stream" and got["X-Content-Type-Options"] == "nosniff"
        )
        assert got["Content-Disposition"].startswith("attachment")
        b"".join(got.streaming_content)
    holiday = next(i for i in EvidenceItem.objects.all() if i.sniffed_type == "image/svg+xml")
    assert "can run scripts" in analyst.get(f"/evidence/{holiday.code}/").content.decode()
    # Issue 14, item 13: the zip's entries and the custody details are tables, not Python reprs.
    zipped = next(i for i in EvidenceItem.objects.all() if i.sniffed_type == "application/zip")
    page = analyst.get(f"/evidence/{zipped.code}/").content.decode()
    assert "[{" not in page and "{'" not in page and "&#x27;name&#x27;" not in page
    assert "<th><bdi>name</bdi></th>" in page and "unsafe-path" in page
    assert "After ledger entry" in page and "prev=" not in page


def test_empty_oversized_and_too_many_files_are_refused_and_nothing_half_kept(
    cast: Any, client_for: Any, incident: Any, settings: Any, vault_files: Path
) -> None:
    analyst = client_for("analyst")
    page = analyst.post(
        f"/evidence/add/incident/{incident.code}/",
        {"files": [SimpleUploadedFile("empty.txt", b"")]},
        follow=True,
    )
    assert "empty.txt: is empty (0 bytes)" in page.content.decode()
    settings.VAULT_MAX_FILE_BYTES = 1000
    settings.VAULT_MAX_FILES = 2
    files = [
        SimpleUploadedFile("f0.bin", b"\0" * 500),
        SimpleUploadedFile("huge.bin", b"x" * 1100),
        SimpleUploadedFile("f1.bin", b"\1" * 300),
        SimpleUploadedFile("f2.bin", b"\2" * 50),
    ]
    page = analyst.post(f"/evidence/add/incident/{incident.code}/", {"files": files}, follow=True)
    text = page.content.decode()
    assert "huge.bin: is larger than 0.001 MB" in text and "f2.bin: only 2 files can be sent at once" in text
    assert "Kept as evidence" in text and EvidenceItem.objects.count() == 2
    assert not list((vault_files.parent / "tmp").iterdir())
    # Far past every limit the server stops reading, and keeps nothing of that request.
    flood = [SimpleUploadedFile("g0.bin", b"\3" * 500), SimpleUploadedFile("flood.bin", b"y" * 20_000)]
    page = analyst.post(f"/evidence/add/incident/{incident.code}/", {"files": flood}, follow=True)
    assert "nothing from it was kept" in page.content.decode()
    assert EvidenceItem.objects.count() == 2
    assert not list((vault_files.parent / "tmp").iterdir())
    hostile_names = ["../../../etc/passwd", "\u202etxt.exe", "n" * 900 + ".jpg", "a\x00b.txt"]
    analyst.post(
        f"/evidence/add/incident/{incident.code}/",
        {"files": [SimpleUploadedFile(n, n.encode()[:200] + b"!") for n in hostile_names]},
    )
    with using_keyring(cast.keyring("analyst")):
        names = sorted(i.sealed["name"] for i in EvidenceItem.objects.all())
    assert "passwd" in names and "txt.exe" in names and all(len(n) <= 200 for n in names)
    assert not any("/" in n or "\u202e" in n or "\x00" in n for n in names)


def test_uploads_to_records_one_cannot_write_are_refused(cast: Any, client_for: Any, incident: Any) -> None:
    for who in ("analyst2", "volunteer", "researcher"):
        r = client_for(who).post(
            f"/evidence/add/incident/{incident.code}/", {"files": [SimpleUploadedFile("a.txt", b"abc")]}
        )
        assert r.status_code == 404
    assert client_for("analyst").post("/evidence/add/planet/X-1/", {}).status_code == 404
    assert (
        client_for("analyst")
        .post("/evidence/add/incident/I-NOPE0000/", {"files": [SimpleUploadedFile("a.txt", b"a")]})
        .status_code
        == 404
    )
    assert EvidenceItem.objects.count() == 0


def test_a_cut_off_upload_keeps_nothing(cast: Any, client_for: Any, incident: Any, vault_files: Path) -> None:
    analyst = client_for("analyst")
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + b"\x01" * 200_000  # no closing boundary: the connection dropped
    r = analyst.generic(
        "POST",
        f"/evidence/add/incident/{incident.code}/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert r.status_code in (302, 400)
    assert EvidenceItem.objects.count() == 0
    assert not list((vault_files.parent / "tmp").iterdir())
    assert not vault_files.exists() or not list(vault_files.iterdir())


def test_the_vault_command_adds_exports_and_shows(cast: Any, incident: Any, tmp_path: Path) -> None:
    one = tmp_path / "call-log.txt"
    one.write_bytes(b"2024-03-02 21:14 +86 138 0000 0000 (12 min)\n")
    two = tmp_path / "shot.jpg"
    two.write_bytes(SCREENSHOT)
    out = vault_cli("add", str(one), str(two), "--incident", incident.code)
    assert out.count("kept as E-") == 2 and hashlib.sha256(SCREENSHOT).hexdigest() in out
    again = vault_cli("add", str(two), "--incident", incident.code)
    assert "already kept as" in again
    codes = [line.split("kept as ")[1].split("\t")[0] for line in out.splitlines()]
    assert EvidenceItem.objects.get(code=codes[0]).how == "import"
    req = vault_cli("export", "--incident", incident.code, "--request")
    code = req.split("package request ")[1].split(" ")[0]
    target = tmp_path / "pkg.zip"
    args = ["export", f"--approval={code}", "--out", str(target)]
    with pytest.raises(CommandError, match="not been approved"):
        vault_cli(*args)
    from longreach.accounts.models import PendingAction

    accounts.pending_approve(action=PendingAction.objects.get(code=code), acting_user=cast.lead)
    done = vault_cli(*args)
    assert "2 items" in done and target.exists() and not Path(str(target) + ".part").exists()
    key = bytes(OrgKeys.get().signing_public_key)
    assert package.verify(target, key).items == 2
    # The offline checker as a third party runs it: no settings, no database.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGREACH_", "DJANGO_"))}
    exe = str(Path(sys.executable).parent / "longreach")
    ok = subprocess.run(
        [exe, "verify-package", str(target), "--key", key.hex()], capture_output=True, text=True, env=env
    )
    assert ok.returncode == 0, ok.stderr
    blob = bytearray(target.read_bytes())
    at = blob.index(SCREENSHOT) + 10
    blob[at] ^= 0x01
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(blob))
    failed = subprocess.run(
        [exe, "verify-package", str(bad), "--key", key.hex()], capture_output=True, text=True, env=env
    )
    shot_code = EvidenceItem.objects.get(sha256=hashlib.sha256(SCREENSHOT).hexdigest()).code
    assert failed.returncode == 1 and shot_code in failed.stderr + failed.stdout
    with pytest.raises(CommandError, match="exists"):
        vault_cli(*args)
    shown = vault_cli("show", codes[1])
    assert "custody.acquired" in shown and "custody.exported" in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "/nonexistent/file", "--compartment", "demo-a"], "not a regular file"),
        (["add", "/etc", "--compartment", "demo-a"], "not a regular file"),
        (["add", "/etc/hostname"], "give --case, --incident or --compartment"),
        (["add", "/etc/hostname", "--case", "C-NOTREAL0"], "no case 'C-NOTREAL0'"),
        (["export", "--request"], "name the items"),
        (["export", "--request", "--items", "E-NOTREAL0"], "no item E-NOTREAL0"),
        (["export", "--request", "--items", "E-\x00,E-1"], "no item "),
        (["export"], "run with --request first"),
        (["export", "--approval=zzz", "--out", "never-written.zip"], "no package request"),
        (["show", "E-\x00"], "no item"),
    ],
)
def test_the_vault_command_says_what_is_wrong(cast: Any, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        vault_cli(*args)


def test_the_vault_command_refuses_a_symlink(cast: Any, tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(CommandError, match="symbolic links are not followed"):
        vault_cli("add", str(tmp_path / "link"), "--compartment", "demo-a")


def test_reconcile_lists_vault_problems_and_deletes_nothing(
    cast: Any, client_for: Any, incident: Any, vault_files: Path
) -> None:
    upload(
        client_for("analyst"),
        incident,
        [("a.txt", b"first", "text/plain"), ("b.txt", b"second", "text/plain")],
    )
    assert "files and rows agree" in run("reconcile")
    a, b = EvidenceItem.objects.order_by("storage_name")
    (vault_files / ("f" * 32 + ".lrf")).write_bytes(b"stray")
    blob = bytearray((vault_files / a.storage_name).read_bytes())
    blob[-2] ^= 1
    (vault_files / a.storage_name).write_bytes(bytes(blob))
    (vault_files / b.storage_name).unlink()
    out = io.StringIO()
    from django.core.management import call_command

    with pytest.raises(CommandError, match="3 problem"):
        call_command("reconcile", stdout=out)
    lines = sorted(out.getvalue().splitlines())
    assert [line.split("\t")[0] for line in lines] == ["checksum-mismatch", "missing-file", "orphan-file"]
    assert all("\tvault/" in line for line in lines)
    assert (vault_files / ("f" * 32 + ".lrf")).exists()


def test_a_hash_changed_in_the_database_is_found_by_reconcile(
    cast: Any, client_for: Any, incident: Any, vault_files: Path
) -> None:
    """Issue 14, item 8: a file and its recorded hash changed together passed every check."""
    upload(client_for("analyst"), incident, [("a.txt", b"first", "text/plain")])
    item = EvidenceItem.objects.get()
    path = vault_files / item.storage_name
    path.write_bytes(path.read_bytes()[:-1] + b"\0")
    forged = stream_sha256(path)
    EvidenceItem.objects.filter(pk=item.pk).update(cipher_sha256=forged, sha256="0" * 64)
    out = io.StringIO()
    from django.core.management import call_command

    with pytest.raises(CommandError, match="2 problem"):
        call_command("reconcile", stdout=out)
    lines = out.getvalue().splitlines()
    assert all(line.startswith("ledger-mismatch\tvault/" + item.code) for line in lines)
    assert {"sha256", "cipher_sha256"} == {line.split("recorded ")[1].split(" ")[0] for line in lines}


def stream_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_files_from_a_report_move_into_the_vault_when_the_case_opens(
    routed: Any, client_for: Any, intake_files: Path, django_capture_on_commit_callbacks: Any
) -> None:
    receipt = receipt_from(
        walk(Client(), ANSWERS, [("threat.png", png()), ("voice.ogg", b"OggS" + b"\1" * 3000)])
    )
    report = Report.objects.get()
    volunteer = client_for("volunteer")
    volunteer.post(f"/triage/{report.code}/urgency/", {"level": "P1"})
    volunteer.post(f"/triage/{report.code}/vet/", {"outcome": "genuine"})
    with django_capture_on_commit_callbacks(execute=True):
        volunteer.post(f"/triage/{report.code}/open-case/")
    report.refresh_from_db()
    items = list(EvidenceItem.objects.order_by("size"))
    assert [i.how for i in items] == ["intake", "intake"]
    assert sorted(i.origin for i in items) == sorted(ReportFile.objects.values_list("code", flat=True))
    assert items[0].sha256 == hashlib.sha256(png()).hexdigest()
    incident = report.case.incidents.get()
    assert all(i.links.get().incident == incident for i in items)
    assert not list((intake_files / "files").iterdir())  # the intake copies are gone
    page = volunteer.get(f"/triage/{report.code}/").content.decode()
    assert "in the vault as" in page
    assert "files and rows agree" in run("reconcile")
    first = custody(items[0])[0]
    assert (
        first.event == "custody.acquired"
        and first.detail["how"] == "intake"
        and first.actor == routed.volunteer.code
    )
    moved = ReportFile.objects.first()
    refused = volunteer.get(f"/triage/files/{moved.code}/", follow=True)
    assert "moved into the evidence vault with the case" in refused.content.decode()
    # A file the reporter sends later waits in the intake until someone moves it.
    back = Client()
    assert back.post("/report/status/", {"receipt": receipt}).status_code == 302
    back.post(
        "/report/status/message/", {"message": "One more", "files": [_named("later.txt", b"sent later")]}
    )
    page = volunteer.get(f"/triage/{report.code}/").content.decode()
    assert "Move the new files into the case" in page
    with django_capture_on_commit_callbacks(execute=True):
        volunteer.post(f"/triage/{report.code}/to-vault/")
    later = EvidenceItem.objects.get(sha256=hashlib.sha256(b"sent later").hexdigest())
    assert later.how == "intake" and later.links.get().case == report.case
    assert "Move the new files" not in volunteer.get(f"/triage/{report.code}/").content.decode()
    assert "files and rows agree" in run("reconcile")


def test_a_2_gb_file_streams_through_with_bounded_memory(
    cast: Any, tmp_path: Path, settings: Any, vault_files: Path
) -> None:
    """Acquired, checked and read back in 64 KB pieces: peak allocation stays near the inspect limit."""
    import tracemalloc

    from longreach.vault import services

    settings.VAULT_INSPECT_BYTES = 8 * 1024 * 1024
    size = 2 * 1024**3
    big = tmp_path / "scan.png"
    with open(big, "wb") as fh:  # a PNG's first bytes, then sparse: reads as zeros without using the disk
        fh.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x10\x00\x00\x00\x10\x00\x08\x02\x00\x00\x00")
        fh.truncate(size)
    tracemalloc.start()
    try:
        with using_keyring(cast.keyring("analyst")):
            incoming = services.encrypt_path(big)
            acquired = services.item_acquire(
                user=cast.analyst, compartment=cast.compartments["demo-a"], incoming=incoming, how="import"
            )
            services.check_stored(acquired.item)
            digest = hashlib.sha256()
            for piece in services.plaintext(acquired.item):
                digest.update(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    item = acquired.item
    assert item.size == size and digest.hexdigest() == item.sha256
    with using_keyring(cast.keyring("analyst")):
        assert item.sealed["metadata"] == {"skipped": "too-large"}
    assert peak < 64 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB for a {size / 1e9:.1f} GB file"
    (vault_files / item.storage_name).unlink()  # 2 GB of ciphertext is not kept between tests


def test_copies_are_queued_for_the_server_worker_and_made_at_once_by_a_command(
    cast: Any, incident: Any, tmp_path: Path, settings: Any, monkeypatch: Any
) -> None:
    """With the database queue, only a process running the worker may hand it a job it can open."""
    from django_tasks_db.models import DBTaskResult

    from longreach.vault import jobkeys

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    shot = tmp_path / "a.jpg"
    shot.write_bytes(SCREENSHOT)
    vault_cli("add", str(shot), "--incident", incident.code)
    item = EvidenceItem.objects.get()
    assert item.copy_state == "made" and item.copies.get().kind == "image"
    assert not DBTaskResult.objects.exists()  # nothing waits for a worker that could not open it

    monkeypatch.setattr(jobkeys, "_worker_here", True)  # as in `longreach serve`
    note = tmp_path / "b.txt"
    note.write_bytes(b"a chat export")
    vault_cli("add", str(note), "--incident", incident.code)
    queued = EvidenceItem.objects.exclude(pk=item.pk).get()
    assert queued.copy_state == "pending" and DBTaskResult.objects.count() == 1
    job = DBTaskResult.objects.get()
    with using_keyring(cast.keyring("analyst")):
        key_hex = queued.file_key
    assert key_hex not in json.dumps(job.args_kwargs)  # the queue holds the key sealed, never in clear
    from longreach.vault import services

    assert (
        services.viewing_copy_run(item_id=job.args_kwargs["args"][0], sealed_key=job.args_kwargs["args"][1])
        == "made"
    )
