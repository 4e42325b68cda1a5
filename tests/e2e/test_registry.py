"""Recording, finding and exporting an incident in a real browser; another compartment sees nothing."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

PHONE = "+90 532 987 6543"


def login(browser: Any, server: Any, username: str, lang: str = "en") -> Any:
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale=lang, extra_http_headers={"Accept-Language": lang}
    )
    page = ctx.new_page()
    page.goto(server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", server.password(username))
    page.click("main button[type=submit]")
    page.wait_for_url("**/login/code/")
    page.fill("#id_code", server.code(username))
    page.click("main button[type=submit]")
    page.wait_for_url(server.url + "/")
    return page


def tick(page: Any, picker: str, codes: list[str]) -> None:
    """Tick options of a picker (the incident form's grouped checkboxes) by their codes."""
    for code in codes:
        page.check(f"#f-{picker} input[value='{code}']")


def go(page: Any, label: str) -> None:
    """Follow a link of the top bar, opening *More* when the link is under it."""
    link = page.locator("header.top nav").get_by_role("link", name=label, exact=True)
    if not link.is_visible():
        page.locator("header.top details.more > summary").click()
    link.click()
    page.wait_for_load_state()


def credential(server: Any, username: str, key: str) -> str:
    section = None
    for line in (server.var / "demo-credentials.txt").read_text().splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif section == username and line.startswith(f"{key} = "):
            return line.split(" = ", 1)[1]
    raise KeyError(key)


@pytest.fixture(scope="module")
def analyst(server: Any, browser: Any) -> Any:
    # One login for the module: a TOTP code is accepted once per 30-second step.
    page = login(browser, server, "analyst")
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def recorded(server: Any, analyst: Any, artifacts: Any) -> dict[str, str]:
    page = analyst
    go(page, "Incidents")
    page.screenshot(path=str(artifacts / "incident-list-en.png"), full_page=False)
    page.click("text=Record an incident in Demo A (synthetic)")
    page.fill("#f-title", "Browser test: calls about the association")
    page.fill("#f-date", "2025-10-14")
    page.select_option("#f-origin_state", "CN")
    page.select_option("#f-host_country", "TR")
    page.fill("#f-narrative", "Calls and a voice message; the caller knew the client's address.")
    tick(page, "acts-0-tactics", ["FAMILY_THREAT", "INFO_OTHERS"])
    tick(page, "acts-0-channels", ["WHATSAPP"])
    page.select_option("#f-acts-0-origin_confidence", "PROBABLE")
    page.fill("#f-acts-0-targets-0-new_person-name", "Browser Test Person")
    page.fill("#f-acts-0-targets-0-new_person-phone", PHONE)
    page.fill("#f-acts-0-relatives-0-new_person-name", "Mother of the test person")
    page.select_option("#f-acts-0-relatives-0-relationship", "MOTHER")
    tick(page, "acts-0-relatives-0-outcomes", ["DETAINED"])
    page.click("text=Add another act")
    tick(page, "acts-1-tactics", ["DETENTION_HOST"])
    page.select_option("#f-acts-1-harm_country", "AE")
    page.select_option("#f-acts-1-executing_state", "AE")
    page.select_option("#f-acts-1-executing_confidence", "CONFIRMED")
    page.screenshot(path=str(artifacts / "incident-form-en.png"), full_page=True)
    page.click("main p.buttons button[name=save]")
    page.wait_for_url(re.compile(r".*/incidents/I-[0-9A-Z]{8}/$"))
    code = page.url.rstrip("/").rsplit("/", 1)[1]
    text = page.locator("main").inner_text()
    assert "Act 2" in text and "Mother" in text and "United Arab Emirates" in text
    assert "Browser Test Person" not in text  # targets are shown as codes
    return {"code": code}


def test_analyst_records_finds_and_exports(
    server: Any, analyst: Any, artifacts: Any, recorded: dict[str, str]
) -> None:
    code = recorded["code"]
    page = analyst
    page.goto(server.url + "/incidents/")
    page.select_option("#f-tactic", "FAMILY_THREAT")
    page.select_option("#f-origin_state", "CN")
    page.select_option("#f-host_country", "TR")
    page.fill("#f-date_from", "2025-10-01")
    page.fill("#f-date_to", "2025-10-31")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*tactic=FAMILY_THREAT.*"))
    assert code in page.locator("table.list").inner_text()
    page.screenshot(path=str(artifacts / "incident-list-filtered-en.png"), full_page=False)

    go(page, "Search")
    page.fill("#s-q", "+905329876543")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/search/?q=*")
    assert code in page.locator("main").inner_text()

    page.goto(
        server.url
        + "/incidents/?tactic=FAMILY_THREAT&origin_state=CN&date_from=2025-10-14&date_to=2025-10-14"
    )
    with page.expect_download() as info:
        page.click("text=Export these as CSV")
    exported = info.value.path().read_text(encoding="utf-8")
    assert code in exported and "FAMILY_THREAT" in exported


def api_get(server: Any, path: str, token: str) -> Any:
    # Our own http:// URL, so the scheme warning does not apply.
    request = urllib.request.Request(server.url + path, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    return urllib.request.urlopen(request, timeout=10)  # noqa: S310


def test_analyst2_cannot_reach_it_by_url_or_api(server: Any, browser: Any, recorded: dict[str, str]) -> None:
    code = recorded["code"]
    page = login(browser, server, "analyst2")
    response = page.goto(server.url + f"/incidents/{code}/")
    assert response.status == 404
    page.goto(server.url + "/incidents/?origin_state=CN")
    assert code not in page.content()
    page.context.close()
    with pytest.raises(urllib.error.HTTPError) as err:
        api_get(server, f"/api/v1/incidents/{code}", credential(server, "analyst2", "api_token"))
    assert err.value.code == 404
    own = api_get(server, f"/api/v1/incidents/{code}", credential(server, "analyst", "api_token"))
    assert json.load(own)["code"] == code


def test_uyghur_pages_render_right_to_left(
    server: Any, analyst: Any, artifacts: Any, recorded: dict[str, str]
) -> None:
    page = analyst
    page.goto(server.url + "/incidents/")
    page.select_option("#lr-language", "ug")
    page.click("form.language button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "ۋەقەلەر" in page.locator("h1").inner_text()
    page.screenshot(path=str(artifacts / "incident-list-ug.png"), full_page=False)
    page.goto(server.url + f"/incidents/{recorded['code']}/edit/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # Right-to-left: the first label of the form starts at the right.
    label = page.locator("label[for=f-title]").bounding_box()
    form = page.locator("form.record").bounding_box()
    assert label["x"] + label["width"] > form["x"] + form["width"] / 2
    page.screenshot(path=str(artifacts / "incident-form-ug.png"), full_page=True)
