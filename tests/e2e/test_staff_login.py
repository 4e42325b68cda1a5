"""What a person does: log in with password and code, see the home page, switch script direction."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_analyst_logs_in_with_password_and_code(server: Any, browser: Any, artifacts: Any) -> None:
    ctx = browser.new_context(viewport={"width": 1100, "height": 700})
    page = ctx.new_page()
    page.goto(server.url + "/")
    assert page.url.endswith("/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", server.password("analyst"))
    page.click("main button[type=submit]")
    page.wait_for_url("**/login/code/")
    page.fill("#id_code", server.code("analyst"))
    page.click("main button[type=submit]")
    page.wait_for_url(server.url + "/")
    assert page.locator("h1").inner_text() == "Welcome, analyst"
    assert "Demo A (synthetic)" in page.content()
    page.screenshot(path=str(artifacts / "home-analyst.png"), full_page=True)
    page.click("text=Demo A (synthetic)")
    page.wait_for_selector("text=volunteer")
    page.click("text=Log out")
    page.wait_for_url("**/login/")
    page.goto(server.url + "/compartments/")
    assert page.url.endswith("/login/")
    ctx.close()


def test_wrong_password_shows_the_uniform_message(server: Any, browser: Any) -> None:
    page = browser.new_page()
    page.goto(server.url + "/login/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", "not the password")
    page.click("main button[type=submit]")
    assert "Those details were not accepted" in page.locator("[role=alert]").inner_text()
    page.close()


@pytest.mark.parametrize(("lang", "heading"), [("ug", "كىرىش"), ("ar", "تسجيل الدخول"), ("fa", "ورود")])
def test_right_to_left_locales_render_rtl(
    server: Any, browser: Any, artifacts: Any, lang: str, heading: str
) -> None:
    ctx = browser.new_context(locale=lang, extra_http_headers={"Accept-Language": lang})
    page = ctx.new_page()
    page.goto(server.url + "/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == heading
    box = page.locator("main button[type=submit]").bounding_box()
    form = page.locator("main form").bounding_box()
    # In right-to-left layout the button starts at the right edge of the form.
    assert box["x"] + box["width"] > form["x"] + form["width"] - 5
    page.screenshot(path=str(artifacts / f"login-{lang}.png"))
    ctx.close()


def test_pages_run_no_inline_script_and_load_nothing_external(server: Any, browser: Any) -> None:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url + "/login/")
    assert all(u.startswith(server.url) for u in requests), requests
    page.close()


def test_the_language_menu_works_without_javascript(server: Any, browser: Any, artifacts: Any) -> None:
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(server.url + "/login/")
    page.select_option("#lr-language", "ug")
    page.click(".language button")
    page.wait_for_url("**/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "كىرىش"
    page.select_option("#lr-language", "zh-hans")
    page.click(".language button")
    assert page.locator("h1").inner_text() == "登录"
    ctx.close()


def test_the_server_log_holds_no_password_code_or_address(server: Any) -> None:
    log = (server.var / "server.log").read_text()
    assert "listening" in log
    for secret in (server.password("analyst"), server.password("lead"), "127.0.0.1 -", "Mozilla"):
        assert secret not in log
