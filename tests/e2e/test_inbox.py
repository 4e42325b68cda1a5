"""The inbox in the browser, in English and Uyghur: the bar's count matches the page, and marking
alerts and surges seen takes them off. Screenshots at 1,280 and 390 pixels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_intake import file_report, reporter
from tests.e2e.test_registry import login

pytestmark = pytest.mark.e2e


def _counts(page: Any) -> tuple[int, int]:
    badge = page.locator("header.top .inbox-link .count")
    in_bar = int(badge.inner_text()) if badge.count() else 0
    on_page = sum(int(t) for t in page.locator("section.inbox h2 .count").all_inner_texts())
    return in_bar, on_page


@pytest.mark.parametrize(("who", "lang"), [("lead", "en"), ("volunteer", "ug")])
def test_the_inbox_counts_what_waits_and_forgets_what_was_seen(
    server: Any, browser: Any, artifacts: Path, tmp_path: Path, who: str, lang: str
) -> None:
    if who == "volunteer":  # a report arrives: it waits in the inbox of those who triage
        upload = tmp_path / "note.txt"
        upload.write_text("synthetic", encoding="utf-8")
        reporting = reporter(browser, "en")
        file_report(reporting, server, artifacts, "en", "inbox: they called my sister", upload)
        reporting.context.close()
    page = login(browser, server, who, lang=lang)
    page.click("header.top .inbox-link")
    page.wait_for_url("**/inbox/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ug" else "ltr")
    in_bar, on_page = _counts(page)
    assert in_bar == on_page > 0, (in_bar, on_page)
    page.screenshot(path=str(artifacts / f"inbox-1280-{lang}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.screenshot(path=str(artifacts / f"inbox-390-{lang}.png"), full_page=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    if page.locator("form#seen").count():
        seen = page.locator(
            "form#seen input[type=hidden][name=alert], form#seen input[type=hidden][name=surge]"
        )
        listed = seen.count()
        page.click("form#seen button[type=submit]")
        page.wait_for_selector("ul.messages")
        after_bar, after_page = _counts(page)
        assert after_bar == after_page == on_page - listed
    page.context.close()
