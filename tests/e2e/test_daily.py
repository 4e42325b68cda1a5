"""Daily work in the browser: a volunteer opens a case from a report and is told who has it; the lead
moves the case with its buttons; the one search box; every staff page fits a phone (390 px) without
sideways scrolling and the bar stays on one line at 1,280 px. Screenshots in English and Uyghur."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_intake import file_report, reporter
from tests.e2e.test_registry import login

pytestmark = pytest.mark.e2e


def test_a_volunteer_opens_a_case_the_lead_works_it(
    server: Any, browser: Any, artifacts: Path, tmp_path: Path
) -> None:
    upload = tmp_path / "note.txt"
    upload.write_text("synthetic", encoding="utf-8")
    page = reporter(browser, "en")
    marker = "daily work: the police visited my uncle"
    file_report(page, server, artifacts, "en", marker, upload)
    page.context.close()

    volunteer = login(browser, server, "volunteer")
    volunteer.goto(server.url + "/triage/")
    # The list says where from and to, in which language, and the first words.
    row = volunteer.locator("table.list tbody tr", has_text="daily work").first
    assert "China → United Kingdom" in row.inner_text() and "English" in row.inner_text()
    row.locator("a").first.click()
    volunteer.wait_for_url(re.compile(r".*/triage/R-[^/]+/$"))
    volunteer.click("form[action$='/urgency/'] button[type=submit]")
    volunteer.wait_for_load_state()
    volunteer.check("input[name=outcome][value=genuine]")
    volunteer.click("form[action$='/vet/'] button[type=submit]")
    volunteer.wait_for_load_state()
    volunteer.click("form[action$='/open-case/'] button[type=submit]")
    volunteer.wait_for_selector("ul.messages")
    said = volunteer.locator("ul.messages").inner_text()
    case_code = re.search(r"C-[0-9A-Z]{8}", said).group(0)  # type: ignore[union-attr]
    assert "given to lead" in said
    assert volunteer.locator(f"a[href='/cases/{case_code}/']").count() == 0  # no link to a 404
    volunteer.context.close()

    # The lead it was given to, in English; a colleague in Uyghur (another user: no wait for a new code).
    for who, lang in (("lead", "en"), ("analyst", "ug")):
        lead = login(browser, server, who, lang=lang)
        lead.goto(f"{server.url}/cases/{case_code}/")
        assert "From the report" in lead.locator("main").inner_text() or lang == "ug"
        if lang == "en":
            lead.click("div.moves button:has-text('Assessment')")
            lead.wait_for_selector("ul.messages")
            assert "Case state changed." in lead.locator("ul.messages").inner_text()
        lead.screenshot(path=str(artifacts / f"daily-case-{lang}.png"), full_page=True)
        lead.context.close()


PAGES = [
    "/",
    "/triage/",
    "/cases/",
    "/incidents/",
    "/search/?q=family",
    "/tasks/",
    "/insight/",
    "/campaigns/",
]


@pytest.mark.parametrize(("who", "lang"), [("lead", "en"), ("analyst", "ug")])
def test_staff_pages_fit_a_phone_and_the_bar_one_line(
    server: Any, browser: Any, artifacts: Path, who: str, lang: str
) -> None:
    wide = login(browser, server, who, lang=lang)
    tops = wide.locator("header.top nav > a, header.top nav > details").evaluate_all(
        "items => items.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops  # one line at 1,280 px
    wide.goto(server.url + "/cases/")
    case_url = wide.locator("table a[href^='/cases/C-']").first.get_attribute("href")
    shots = (
        ("home", "/"),
        ("triage", "/triage/"),
        ("case", case_url),
        ("incidents", "/incidents/"),
        ("search", "/search/?q=family"),
    )
    for name, path in shots:
        wide.goto(server.url + path)
        wide.screenshot(path=str(artifacts / f"daily-{name}-1280-{lang}.png"), full_page=False)
    phone = wide  # the same session on a phone's width
    phone.set_viewport_size({"width": 390, "height": 844})
    for path in [*PAGES, case_url]:
        phone.goto(server.url + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 391, (path, width)
        assert phone.locator("html").get_attribute("dir") == ("rtl" if lang == "ug" else "ltr")
    for name, path in shots:
        phone.goto(server.url + path)
        phone.screenshot(path=str(artifacts / f"daily-{name}-390-{lang}.png"), full_page=False)
    phone.context.close()


def test_a_comment_mentions_a_colleague_who_finds_it_in_their_inbox(
    server: Any, browser: Any, artifacts: Path
) -> None:
    analyst = login(browser, server, "analyst")
    analyst.goto(server.url + "/cases/")
    analyst.locator("table a[href^='/cases/C-']").first.click()
    analyst.wait_for_url(re.compile(r".*/cases/C-[^/]+/$"))
    case_url = analyst.url
    analyst.fill("#c-body", "@nobody-here please look")
    analyst.click("form.comment button[type=submit]")
    analyst.wait_for_selector("form.comment p.error")
    assert "@nobody-here" in analyst.locator("form.comment p.error").inner_text()
    assert analyst.locator("#c-body").input_value() == "@nobody-here please look"  # nothing typed is lost
    analyst.fill("#c-body", "@lead the uncle was summoned again; can you call the family?")
    analyst.click("form.comment button[type=submit]")
    analyst.wait_for_url(re.compile(r".*#comments$"))
    assert "the uncle was summoned again" in analyst.locator("ol.comments").inner_text()
    analyst.screenshot(path=str(artifacts / "daily-comment-en.png"), full_page=False)
    analyst.context.close()

    lead = login(browser, server, "lead", lang="ug")
    lead.click("header.top .inbox-link")
    lead.wait_for_url("**/inbox/")
    mention = lead.locator("#mentions a").first
    assert mention.get_attribute("href").startswith(case_url.removeprefix(server.url))  # type: ignore[union-attr]
    lead.screenshot(path=str(artifacts / "daily-inbox-mention-ug.png"), full_page=False)
    mention.click()
    lead.wait_for_url(re.compile(r".*/cases/C-[^/]+/#comments$"))
    assert lead.locator("html").get_attribute("dir") == "rtl"
    assert "the uncle was summoned again" in lead.locator("ol.comments").inner_text()
    assert lead.locator("ol.activity li").count() >= 1
    lead.screenshot(path=str(artifacts / "daily-comment-ug.png"), full_page=False)
    lead.goto(server.url + "/inbox/")
    assert lead.locator("#mentions").count() == 0  # seen by opening the case
    lead.context.close()
