"""An analyst keeps a WhatsApp export as evidence of a case, reads it as messages in the server's job,
filters the timeline, opens a message with its original line and evidence, and sees it right to left in
Uyghur."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_registry import go, login

pytestmark = pytest.mark.e2e

CHAT = (
    "02/07/2019, 21:14 - +86 138 0013 8000: Think of your family. Your parents are getting old.\n"
    "02/07/2019, 21:15 - +86 138 0013 8000: Send us a photo of your passport.\n"
    "and your address in Istanbul\n"
    "02/07/2019, 21:20 - Dilnur: ئائىلەڭنى ئويلا دېگىنىڭىز نېمە؟\n"
    "03/07/2019, 09:00 - +86 138 0013 8000: IMG-20190703-WA0001.jpg (file attached)\n"
    "03/07/2019, 09:01 - +86 138 0013 8000: Log in here hxxps://accounts-google[.]com-security[.]info/login\n"
)


def export_zip() -> bytes:
    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(photo, "JPEG")  # a synthetic photo
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("WhatsApp Chat with +86 138 0013 8000.txt", CHAT)
        zf.writestr("IMG-20190703-WA0001.jpg", photo.getvalue())
    return out.getvalue()


def test_read_a_whatsapp_export_filter_it_and_open_a_message(
    server: Any, browser: Any, artifacts: Path
) -> None:
    page = login(browser, server, "analyst")
    go(page, "Cases")
    page.wait_for_url("**/cases/")
    # A case whose messages are not yet read (the demo reads synthetic chats into a few).
    hrefs = page.locator("a[href^='/cases/C-']").evaluate_all("links => links.map(a => a.href)")
    case_url = ""
    for href in hrefs[:20]:
        page.goto(href + "messages/")
        if "No messages yet" in page.content():
            case_url = href
            break
    assert case_url
    page.goto(case_url)
    page.set_input_files(
        "#ev-files", [{"name": "WhatsApp Chat.zip", "mimeType": "application/zip", "buffer": export_zip()}]
    )
    page.click("text=Add to the vault")
    page.wait_for_url(case_url)
    page.click("text=Open the messages")
    page.wait_for_url(case_url + "messages/")
    chosen = page.locator("#ci-item option", has_text="WhatsApp Chat.zip").get_attribute("value")
    page.select_option("#ci-item", chosen)
    page.click("text=Read the messages")
    # The server's own job worker reads the chat; its page follows it and reloads itself (no
    # script, no reload by hand) until the chat is read.
    page.wait_for_url(re.compile(r".*/imports/[A-Za-z0-9_-]+/$"))
    page.screenshot(path=str(artifacts / "messages-import-progress-en.png"), full_page=False)
    page.wait_for_selector("div.progress p.ok", timeout=60_000)
    page.click("text=See the messages")
    page.wait_for_url(case_url + "messages/")
    assert page.locator("li p.said").count() == 5
    # The photo shows in its message as its viewing copy, made by a second job after the reading.
    for _ in range(60):
        if page.locator("figure.media img").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    shown = page.locator("figure.media img")
    shown.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth === 64", arg=shown.element_handle())
    assert "/copy/image/" in (shown.get_attribute("src") or "")
    body = page.locator("main").inner_text()
    assert "Looks like a trusted domain" in body and "1 attachment" in body
    page.screenshot(path=str(artifacts / "messages-timeline-en.png"), full_page=True)
    page.select_option("#f-tag", "INFO_SELF")
    page.click(".filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("li p.said").count() == 1
    page.click("li >> text=Open")
    page.wait_for_url(re.compile(r".*/messages/[A-Za-z0-9_-]+/$"))
    original = page.locator("pre.original").inner_text()
    assert original.endswith("and your address in Istanbul")
    assert page.locator("mark").all_inner_texts()[:2] == ["Send", "your passport"]
    page.screenshot(path=str(artifacts / "messages-message-en.png"), full_page=True)
    # The analyst says the tag is wrong, and adds one the rules missed.
    page.locator(".tag-review form.verdict button[value=not]").first.click()
    page.wait_for_load_state()
    assert "Judged wrong by analyst" in page.locator("#tags ~ .tag-review").first.inner_text()
    page.select_option("#add-tag", "RECRUITMENT")
    page.click("form.add-tag button[type=submit]")
    page.wait_for_load_state()
    assert "added by analyst" in page.locator("main").inner_text()
    message_url = page.url.split("#")[0]
    page.screenshot(path=str(artifacts / "messages-judged-en.png"), full_page=True)

    page.goto(case_url + "messages/")
    page.select_option("#lr-language", "ug")
    page.click("form.language button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "ئۇچۇرلار" in page.locator("h1").inner_text()
    # Right to left: the filter form's first field starts at the right; the Uyghur message reads RTL.
    tag = page.locator("label[for=f-tag]").bounding_box()
    form = page.locator("form.filters").bounding_box()
    assert tag["x"] + tag["width"] > form["x"] + form["width"] / 2
    uyghur = page.locator("p.said", has_text="ئائىلەڭنى").first
    assert uyghur.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.screenshot(path=str(artifacts / "messages-timeline-ug.png"), full_page=True)
    page.goto(message_url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    verdict = page.locator(".tag-review form.verdict").first.bounding_box()
    main = page.locator("main").bounding_box()
    assert verdict["x"] + verdict["width"] > main["x"] + main["width"] / 2  # the buttons start at the right
    page.screenshot(path=str(artifacts / "messages-judged-ug.png"), full_page=True)
    page.context.close()


def test_the_demo_campaign_spans_both_compartments_and_hides_the_other(
    server: Any, browser: Any, artifacts: Path
) -> None:
    page = login(browser, server, "analyst")
    go(page, "Campaigns")
    page.locator("main table a[href^='/campaigns/']").first.click()
    page.wait_for_url(re.compile(r".*/campaigns/[A-Za-z0-9_-]+/$"))
    body = page.locator("main").inner_text()
    assert "compartment you cannot read" in body and "Demo B" not in body
    assert page.locator("figure.graph svg circle").count() >= 2
    page.screenshot(path=str(artifacts / "messages-campaign-en.png"), full_page=True)
    page.context.close()


@pytest.mark.parametrize(("who", "lang"), [("analyst", "en"), ("analyst2", "ug")])
def test_an_analyst_names_a_campaign_for_their_compartment(
    server: Any, browser: Any, artifacts: Path, who: str, lang: str
) -> None:
    page = login(browser, server, who, lang=lang)
    page.goto(server.url + "/campaigns/")
    page.locator("main table a[href^='/campaigns/']").first.click()
    page.wait_for_url("**/campaigns/*/")
    page.locator("details.naming > summary").click()
    name = f"Kaysar letters ({lang})"
    page.locator("details.naming input[name=name]").first.fill(name)
    page.locator("details.naming button[type=submit]").first.click()
    page.wait_for_selector("ul.messages")
    assert name in page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ug" else "ltr")
    page.screenshot(path=str(artifacts / f"campaign-named-{lang}.png"), full_page=False)
    page.goto(server.url + "/campaigns/")
    assert name in page.locator("main table").inner_text()
    page.context.close()
