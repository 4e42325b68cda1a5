"""An analyst adds evidence to an incident, reads its custody, and exports a package a stranger can check."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.test_registry import go, login

pytestmark = pytest.mark.e2e


def photo() -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "BrowserTestCam"
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "JPEG", exif=exif)
    return out.getvalue()


FILES = [
    {"name": "threat-screenshot.jpg", "mimeType": "image/jpeg", "buffer": photo()},
    {"name": "voice-note.ogg", "mimeType": "audio/ogg", "buffer": b"OggS\x00\x02" + bytes(range(256)) * 40},
    {
        "name": "chat-export.txt",
        "mimeType": "text/plain",
        "buffer": b"[02/07/2019, 21:14:00] Officer: Think of your family.\n" * 30,
    },
]


def verify(server: Any, package: Path) -> subprocess.CompletedProcess[str]:
    heads = package.with_name("heads.json")
    server.cli("ledger", "export-heads", str(heads))
    return subprocess.run(
        [server.exe, "verify-package", str(package), "--heads", str(heads)],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in server.env.items() if k != "LONGREACH_VAR_DIR"},
    )


def test_upload_custody_package_and_offline_check(
    server: Any, browser: Any, artifacts: Path, tmp_path: Path
) -> None:
    analyst = login(browser, server, "analyst")
    page = analyst
    go(page, "Incidents")
    page.locator("table.list a[href^='/incidents/I-']").first.click()
    page.wait_for_url(re.compile(r".*/incidents/I-[0-9A-Z]{8}/$"))
    incident_url = page.url
    page.set_input_files("#ev-files", FILES)
    page.fill("#ev-note", "Messages and a voice note from the officer")
    page.click("text=Add to the vault")
    page.wait_for_url(incident_url)
    assert "Kept as evidence" in page.locator("ul.messages").inner_text()
    section = page.locator("#evidence + form table").inner_text()
    for f in FILES:
        assert f["name"] in section
    page.screenshot(path=str(artifacts / "vault-incident-en.png"), full_page=True)

    page.click("text=threat-screenshot.jpg >> xpath=ancestor::tr >> a[href^='/evidence/E-']")
    page.wait_for_url(re.compile(r".*/evidence/E-[0-9A-Z]{8}/$"))
    history = page.locator("table.custody").inner_text()
    assert "Evidence acquired" in history and "Evidence linked" in history and "Evidence viewed" in history
    assert "BrowserTestCam" in page.locator("main").inner_text()  # capture metadata, read on arrival
    # The server's job worker makes the viewing copy: a re-encoded image without the metadata.
    for _ in range(30):
        # The copy and its custody event are written together, but the ledger may show the entry a
        # moment later: wait for both.
        if page.locator("img.viewing-copy").count() and "Viewing copy made from evidence" in (
            page.locator("table.custody").inner_text()
        ):
            break
        page.wait_for_timeout(500)
        page.reload()
    assert page.locator("img.viewing-copy").evaluate("img => img.complete && img.naturalWidth") == 40
    assert "Viewing copy made from evidence" in page.locator("table.custody").inner_text()
    page.screenshot(path=str(artifacts / "vault-item-en.png"), full_page=True)
    page.select_option("#lr-language", "ug")
    page.click("form.language button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path=str(artifacts / "vault-item-ug.png"), full_page=True)
    page.select_option("#lr-language", "en")
    page.click("form.language button")
    page.wait_for_load_state()

    page.goto(incident_url)
    for box in page.locator("#evidence + form input[name=items]").all():
        box.check()
    page.click("text=Request a package of the chosen items")
    page.wait_for_url("**/evidence/packages/")
    request_code = page.locator("main table tbody tr td bdi").first.inner_text()

    lead = login(browser, server, "lead")
    go(lead, "Approvals")
    row = lead.locator("tr", has_text=request_code)
    assert "analyst" in row.inner_text()
    row.locator("text=Approve").click()
    assert "Approved" in lead.locator("ul.messages").inner_text()
    lead.context.close()

    page.goto(server.url + "/evidence/packages/")
    with page.expect_download() as info:
        page.click("text=Download the package")
    package = tmp_path / info.value.suggested_filename
    info.value.save_as(package)
    with zipfile.ZipFile(package) as zf:
        assert {"manifest.json", "docs/manifest.html"} <= set(zf.namelist())
        assert sum(1 for n in zf.namelist() if n.startswith("items/")) == 3

    ok = verify(server, package)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "3 items" in ok.stdout

    blob = bytearray(package.read_bytes())
    at = blob.index(b"Think of your family") + 3
    blob[at] ^= 0x20
    altered = tmp_path / "altered.zip"
    altered.write_bytes(bytes(blob))
    bad = verify(server, altered)
    assert bad.returncode == 1
    assert re.search(r"item \d \(E-[0-9A-Z]{8}\)", bad.stdout + bad.stderr), bad.stdout + bad.stderr

    page.goto(incident_url)
    page.locator("#evidence + form a[href^='/evidence/E-']").first.click()
    assert "Evidence exported in a package" in page.locator("table.custody").inner_text()
    page.context.close()
