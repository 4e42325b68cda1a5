"""From a legal matter to a PDF to file, in a real browser: a red notice recorded on a case with its
evidence, a memo previewed and downloaded, and the same memo laid out in the seven languages' scripts,
each page turned into an image by poppler's pdftoppm (kept in test-artifacts/ to look at)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.e2e.test_registry import login

pytestmark = pytest.mark.e2e

CHARGES = "组织、领导、参加恐怖组织罪 — Организация террористического сообщества"


def test_a_matter_becomes_a_memo_to_file_in_every_script(server: Any, browser: Any, artifacts: Path) -> None:
    page = login(browser, server, "analyst")
    page.goto(server.url + "/cases/")
    page.locator("main a[href^='/cases/C-']").first.click()
    page.wait_for_url(re.compile(r".*/cases/C-[^/]+/$"))
    page.click("text=Record a legal matter")
    page.select_option("#l-kind", "RED_NOTICE")
    page.select_option("#l-requesting_state", "CN")
    page.select_option("#l-host_country", "TR")
    page.fill("#l-charges", CHARGES)
    page.select_option("#l-charge_category", "TERRORISM")
    page.fill("#l-interpol_ref", "2026/99999")
    exhibits = page.locator("input[name=evidence]")
    for k in range(min(exhibits.count(), 3)):
        exhibits.nth(k).check()
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/legal/L-[^/]+/$"))
    assert "recorded" in page.locator("main").inner_text()

    page.click("text=Documents: CCF request, memo, case summary")
    page.check("input[name=document][value=memo]")
    page.click("button[name=format][value=html]")
    preview = page.locator("article.document-preview")
    preview.wait_for()
    assert "Article 3 of INTERPOL's Constitution" in preview.inner_text()
    assert "组织、领导" in preview.inner_text()
    page.screenshot(path=str(artifacts / "legal-memo-preview-en.png"), full_page=True)

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "make pdf-tools installs poppler's pdftoppm"
    for language in ("en", "ug", "ar", "fa", "ru", "zh-hans", "tr"):
        page.check("input[name=document][value=memo]")
        page.select_option("#d-language", language)
        with page.expect_download() as caught:
            page.click("button[name=format][value=pdf]")
        download = caught.value
        assert download.suggested_filename.startswith("memo-L-") and download.suggested_filename.endswith(
            ".pdf"
        )
        target = artifacts / f"legal-memo-{language}.pdf"
        download.save_as(str(target))
        reader = PdfReader(io.BytesIO(target.read_bytes()))
        text = "".join(p.extract_text() or "" for p in reader.pages)
        assert "组织" in text and "2026/99999" in text, language
        subprocess.run(  # noqa: S603  a fixed tool on a file this test wrote
            [pdftoppm, "-r", "60", "-png", "-f", "1", "-l", "1", str(target), str(target.with_suffix(""))],
            check=True,
            timeout=60,
        )
        assert list(artifacts.glob(f"legal-memo-{language}*.png")), language
    page.context.close()
