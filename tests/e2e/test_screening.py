"""Screening and duplicate warnings in a real browser: a list imported, a batch screened, a hit
reviewed and exported; a person recorded twice in two scripts is flagged on the second incident."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.test_registry import go, login, tick

pytestmark = pytest.mark.e2e

LIST = (
    "id,name,aliases,birth_date,nationality\n"
    "UN-2,Ramzan Kadyrov,Рамзан Кадыров,1976-10-05,RU\n"
    "UN-3,Chen Quanguo,,1955,CN\n"
).encode()


@pytest.fixture(scope="module")
def analyst(server: Any, browser: Any) -> Any:
    page = login(browser, server, "analyst")
    yield page
    page.context.close()


def test_a_list_is_imported_a_batch_screened_a_hit_reviewed_and_exported(
    server: Any, analyst: Any, artifacts: Any
) -> None:
    page = analyst
    go(page, "Screening")
    page.click("text=Import a list")
    page.fill("#w-title", "Browser test list")
    page.set_input_files("#w-file", files=[{"name": "list.csv", "mimeType": "text/csv", "buffer": LIST}])
    page.fill("#w-date", "2026-11-30")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/screening/lists/[^/]+/$"))
    assert "Imported: 3 names of 2 people" in page.locator("main").inner_text()

    go(page, "Screening")
    page.fill("#s-names", "Кадыров Рамзан\n陈全国\nJane Doe")
    page.locator("label", has_text="Browser test list").locator("input").check()
    page.click("#new button[type=submit]")
    page.wait_for_url(re.compile(r".*/screening/[^/]+/$"))
    main = page.locator("main").inner_text()
    assert "3 names screened" in main and "Ramzan Kadyrov" in main and "Chen Quanguo" in main
    assert "Jane Doe" not in main  # no hit: not shown unless asked for every name
    page.screenshot(path=str(artifacts / "screening-results-en.png"), full_page=True)

    first = page.locator("section.screened").first
    first.locator("input[name=reason]").first.fill("same date of birth on the passport")
    first.locator("button[value=match]").first.click()
    page.wait_for_url(re.compile(r".*#row-1$"))
    assert "Review saved for row 1." in page.locator("main").inner_text()
    assert "chosen" in (
        page.locator("section.screened").first.locator("button[value=match]").first.get_attribute("class")
        or ""
    )

    with page.expect_download() as info:
        page.click("text=Export as CSV")
    exported = info.value.path().read_text(encoding="utf-8-sig")
    assert "same date of birth on the passport" in exported and ",match," in exported

    # The same page in Uyghur reads right to left.
    page.select_option("#lr-language", "ug")
    page.click("form.language button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path=str(artifacts / "screening-results-ug.png"), full_page=True)
    page.select_option("#lr-language", "en")
    page.click("form.language button[type=submit]")
    page.wait_for_load_state()


def test_a_person_recorded_again_in_another_script_is_flagged(server: Any, analyst: Any) -> None:
    page = analyst
    codes = []
    for name in ("Ilham Tohti", "ئىلھام توختى"):
        go(page, "Incidents")
        page.click("text=Record an incident in Demo A (synthetic)")
        page.fill("#f-title", "Browser test: a name in two scripts")
        page.fill("#f-date", "2025-11-02")
        page.select_option("#f-origin_state", "CN")
        page.select_option("#f-host_country", "TR")
        tick(page, "acts-0-tactics", ["FAMILY_THREAT"])
        page.fill("#f-acts-0-targets-0-new_person-name", name)
        page.click("main p.buttons button[name=save]")
        page.wait_for_url(re.compile(r".*/incidents/I-[0-9A-Z]{8}/$"))
        codes.append(page.url)
    notice = page.locator(".notice.likely-same")
    assert notice.count() == 1
    text = notice.inner_text()
    assert "may already be in the records" in text and "Ilham" not in text  # by code only
    notice.locator("a").nth(1).click()
    assert "/people/P-" in page.url
