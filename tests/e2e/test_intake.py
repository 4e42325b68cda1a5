"""A reporter files a report with JavaScript disabled, in English and in Uyghur, comes back with the
receipt, reads a caseworker's reply and adds a message; screenshots of every step in en, zh, ug."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_registry import login

pytestmark = pytest.mark.e2e

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def reporter(browser: Any, lang: str) -> Any:
    ctx = browser.new_context(
        viewport={"width": 412, "height": 915},  # a phone
        java_script_enabled=False,
        locale=lang,
        extra_http_headers={"Accept-Language": lang},
    )
    return ctx.new_page()


def shot(page: Any, artifacts: Path, name: str, lang: str) -> None:
    page.screenshot(path=str(artifacts / f"intake-{name}-{lang}.png"), full_page=True)


def next_step(page: Any) -> None:
    page.click("button[name=go][value=next]")


def file_report(page: Any, server: Any, artifacts: Path, lang: str, marker: str, upload: Path) -> str:
    page.goto(server.url + "/report/")
    page.click(f"button[name=language][value={lang}]")
    shot(page, artifacts, "1-start", lang)
    page.click("a.button")
    page.select_option("#id_host_country", "GB")
    page.check("input[name=danger][value=no]")
    page.check("input[name=safe_now][value=yes]")
    page.fill("#id_contact_channel", "Signal")
    shot(page, artifacts, "2-safety", lang)
    next_step(page)
    page.select_option("#id_origin_state", "CN")
    page.select_option("#id_community", "UYGHUR")
    page.select_option("#id_immigration_status", "REFUGEE")
    shot(page, artifacts, "3-you", lang)
    next_step(page)
    page.check("input[name=tactics][value=FAMILY_THREAT]")
    page.check("input[name=tactics][value=INFO_OTHERS]")
    page.check("input[name=demands][value=PROVIDE_INFO_ON_OTHERS]")
    page.fill("#id_year", "2026")
    page.check("input[name=channels][value=WECHAT]")
    shot(page, artifacts, "4-what", lang)
    next_step(page)
    page.select_option("#id_rel0_relationship", "MOTHER")
    page.check("input[name=rel0_outcomes][value=SUMMONED]")
    shot(page, artifacts, "5-family", lang)
    next_step(page)
    page.fill("#id_wording", "ئائىلەڭنى ئويلا. 想想你的家人。")
    page.fill("#id_story", marker)
    shot(page, artifacts, "6-words", lang)
    next_step(page)
    page.check("input[name=help][value=DIGITAL_SECURITY]")
    page.check("input[name=consents][value=SUPPORT]")
    shot(page, artifacts, "7-help", lang)
    next_step(page)
    page.set_input_files("#id_files", str(upload))
    assert marker in page.inner_text("dl.summary")
    shot(page, artifacts, "8-send", lang)
    next_step(page)
    # The click returns once the next page starts loading; under load its body may not be there yet.
    page.wait_for_selector("p.receipt span, main h1")
    groups = page.locator("p.receipt span").all_inner_texts()
    assert groups, page.locator("main").inner_text()[:500]
    assert len(groups) == 5 and all(re.fullmatch(r"\d{4}", g) for g in groups)
    assert "receipt" not in page.url
    shot(page, artifacts, "9-receipt", lang)
    page.check("#id_written")
    page.fill("#id_last_group", groups[-1])
    page.click("form button.primary")
    page.wait_for_selector("h1")  # the click starts the navigation; under load the page may not be there yet
    assert page.locator("h1").count() == 1
    shot(page, artifacts, "10-thanks", lang)
    return "".join(groups)


@pytest.fixture(scope="module")
def volunteer(server: Any, browser: Any) -> Any:
    page = login(browser, server, "volunteer")
    yield page
    page.context.close()


def open_report_with(volunteer: Any, server: Any, marker: str) -> None:
    volunteer.goto(server.url + "/triage/")
    codes = volunteer.locator("table.list a").all_inner_texts()
    for code in codes:
        volunteer.goto(f"{server.url}/triage/{code}/")
        if marker in volunteer.content():
            return
    raise AssertionError(f"no report with {marker}")


@pytest.mark.parametrize("lang", ["en", "ug"])
def test_report_receipt_reply_and_message_without_javascript(
    browser: Any, server: Any, volunteer: Any, artifacts: Path, tmp_path: Path, lang: str
) -> None:
    marker = f"browser test {lang}: they called my mother"
    upload = tmp_path / "screenshot.png"
    upload.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 4096)
    page = reporter(browser, lang)
    receipt = file_report(page, server, artifacts, lang, marker, upload)
    if lang == "ug":
        assert page.locator("html").get_attribute("dir") == "rtl"
    csp = page.context.request.get(server.url + "/report/").headers["content-security-policy"]
    assert "script-src 'none'" in csp
    page.context.close()

    open_report_with(volunteer, server, marker)
    assert "screenshot.png" in volunteer.content()
    volunteer.fill("#id_text", f"Reply for {lang}: are you safe tonight?")
    volunteer.click("form[action$='/reply/'] button")
    volunteer.wait_for_selector("ul.messages")

    back = reporter(browser, lang)
    back.goto(server.url + "/report/status/")
    typed = receipt.translate(ARABIC_INDIC) if lang == "ug" else " ".join(re.findall(".{4}", receipt))
    back.fill("#id_receipt", typed)
    shot(back, artifacts, "11-check", lang)
    back.click("form button.primary")
    assert f"Reply for {lang}: are you safe tonight?" in back.inner_text("main")
    back.fill("#id_message", "Yes. ھەئە، بىخەتەرمەن.")
    back.set_input_files("#id_files", str(upload))
    back.click("form[action$='/message/'] button.primary")
    back.wait_for_selector("p.ok")
    assert back.locator("p.ok").count() == 1
    shot(back, artifacts, "12-status", lang)
    back.context.close()

    volunteer.reload()
    assert "ھەئە، بىخەتەرمەن" in volunteer.content()


def test_every_step_in_chinese(browser: Any, server: Any, artifacts: Path, tmp_path: Path) -> None:
    upload = tmp_path / "chat.txt"
    upload.write_text("synthetic chat export", encoding="utf-8")
    page = reporter(browser, "zh-hans")
    receipt = file_report(page, server, artifacts, "zh-hans", "浏览器测试", upload)
    assert len(receipt) == 20
    page.goto(server.url + "/report/status/")
    shot(page, artifacts, "11-check", "zh-hans")
    page.context.close()


def test_immediate_danger_page(browser: Any, server: Any, artifacts: Path) -> None:
    page = reporter(browser, "ug")
    page.goto(server.url + "/report/")
    page.click("button[name=language][value=ug]")
    page.click("a.button")
    page.select_option("#id_host_country", "GB")
    page.check("input[name=danger][value=yes]")
    next_step(page)
    assert "999" in page.inner_text("dl.lines")
    shot(page, artifacts, "0-danger", "ug")
    page.context.close()
