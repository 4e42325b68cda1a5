"""The incident form's pickers in the browser: grouped checkboxes with a filter box (English and
Uyghur), and the same form with JavaScript off, where every option shows and an incident is saved."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_registry import login

pytestmark = pytest.mark.e2e


def _fold(text: str) -> str:
    """As the picker's script compares: accents dropped, case ignored."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def _new_incident(page: Any, server: Any) -> None:
    page.goto(server.url + "/compartments/")
    page.locator("main table a").first.click()
    page.wait_for_url("**/compartments/*/")
    page.goto(page.url + "incidents/new/")
    page.wait_for_selector("fieldset.picker")


@pytest.mark.parametrize(("who", "lang"), [("analyst", "en"), ("analyst2", "ug")])
def test_the_filter_box_narrows_a_picker_and_the_count_follows(
    server: Any, browser: Any, artifacts: Path, who: str, lang: str
) -> None:
    page = login(browser, server, who, lang=lang)
    _new_incident(page, server)
    tactics = page.locator("#f-acts-0-tactics")
    labels = tactics.locator("label")
    total = labels.count()
    first = labels.first.inner_text().strip()
    word = max(first.split(), key=len)  # a word of one label, in the page's language
    tactics.locator(".picker-filter").fill(word)
    visible = [t for t in labels.all() if t.is_visible()]
    assert 0 < len(visible) < total
    for shown in visible:  # each one says the word, or its group's heading does
        heading = shown.locator("xpath=../legend")
        around = heading.inner_text() if heading.count() else ""
        assert _fold(word) in _fold(shown.inner_text()) or _fold(word) in _fold(around)
    visible[0].locator("input").check()
    assert tactics.locator(".chosen").inner_text().startswith("1")
    tactics.locator(".picker-filter").fill("zzzzzz-nothing")
    assert tactics.locator("label:visible").count() == 1  # the ticked one stays in sight
    tactics.locator(".picker-filter").fill("")
    assert tactics.locator("label:visible").count() == total
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ug" else "ltr")
    page.screenshot(path=str(artifacts / f"picker-1280-{lang}.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    tactics.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"picker-390-{lang}.png"), full_page=False)
    page.context.close()


def test_without_javascript_every_option_shows_and_the_form_saves(server: Any, browser: Any) -> None:
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(server.url + "/login/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", server.password("lead"))
    page.click("main button[type=submit]")
    page.wait_for_url("**/login/code/")
    page.fill("#id_code", server.code("lead"))
    page.click("main button[type=submit]")
    page.wait_for_url(server.url + "/")
    _new_incident(page, server)
    tactics = page.locator("#f-acts-0-tactics")
    assert not tactics.locator(".picker-filter").is_visible()
    assert tactics.locator("label:visible").count() == tactics.locator("label").count() > 30
    page.fill("#f-title", "Picker without scripts")
    page.fill("#f-date", "2026-11")
    page.select_option("#f-origin_state", "CN")
    page.select_option("#f-host_country", "TR")
    page.check("input[name=acts-0-tactics][value=FAMILY_THREAT]")
    page.check("input[name=acts-0-tactics][value=SILENCE]")
    page.check("input[name=acts-0-channels][value=WECHAT]")
    page.locator("form.record button[name=save]").last.click()
    page.wait_for_url("**/incidents/*/")
    text = page.locator("main").inner_text()
    assert "WeChat" in text and "Picker without scripts" in text
    ctx.close()
