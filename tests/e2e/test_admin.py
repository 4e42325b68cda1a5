"""Administration in the browser, in English and Uyghur (right to left): an administrator adds a
caseworker, who logs in with what the page showed once; gives them a new compartment; deactivates
and reactivates them; resets their second factor. Screenshots at 1,280 and 390 pixels."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP

from tests.e2e.test_registry import go, login

pytestmark = pytest.mark.e2e


def _code(secret: str) -> str:
    return f"{TOTP(base64.b32decode(secret)).token():06d}"


def _shown_once(page: Any) -> tuple[str, str]:
    secrets = page.locator("code.secret").all_inner_texts()
    assert page.locator(".qr svg").count() == 1
    return (secrets[0], secrets[1]) if len(secrets) == 2 else ("", secrets[0])


def _log_in(browser: Any, server: Any, username: str, password: str, secret: str, lang: str) -> Any:
    ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale=lang, extra_http_headers={"Accept-Language": lang}
    )
    page = ctx.new_page()
    page.goto(server.url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/login/code/")
    page.fill("#id_code", _code(secret))
    page.click("main button[type=submit]")
    page.wait_for_url(server.url + "/")
    return page


@pytest.mark.parametrize("lang", ["en", "ug"])
def test_an_administrator_manages_a_caseworker(server: Any, browser: Any, artifacts: Path, lang: str) -> None:
    name = f"worker-{lang}"
    admin = login(browser, server, "admin", lang=lang)
    assert admin.locator("html").get_attribute("dir") == ("rtl" if lang == "ug" else "ltr")
    go(admin, "Users" if lang == "en" else admin.locator("header.top nav a[href='/users/']").inner_text())
    admin.screenshot(path=str(artifacts / f"admin-users-1280-{lang}.png"), full_page=True)

    # A bad name first: the form says why and keeps the choice of role.
    admin.fill("#id_username", "<bad name>")
    admin.select_option("#id_role", "analyst")
    admin.click("main form[method=post] button[type=submit]")
    admin.wait_for_load_state()
    assert admin.locator(".errorlist").count() == 1
    assert admin.locator("#id_role").input_value() == "analyst"

    admin.fill("#id_username", name)
    admin.click("main form[method=post] button[type=submit]")
    admin.wait_for_selector(".qr svg")
    password, secret = _shown_once(admin)
    admin.screenshot(path=str(artifacts / f"admin-shown-once-{lang}.png"), full_page=True)

    worker = _log_in(browser, server, name, password, secret, lang)
    assert worker.locator("header.top").inner_text().count(name) == 1

    # A compartment of their own, created in the browser.
    admin.goto(server.url + "/compartments/new/")
    admin.fill("#id_name", f"Test {lang}")
    admin.fill("#id_slug", f"test-{lang}")
    admin.select_option("#id_lead", name)
    admin.click("main form[method=post] button[type=submit]")
    admin.wait_for_url(re.compile(r".*/compartments/(?!new/)[^/]+/$"))
    assert name in admin.locator("main table").inner_text()
    worker.goto(server.url + "/compartments/")
    assert f"Test {lang}" in worker.locator("main").inner_text()

    # Deactivate (after the tick), and the worker's next page is the login page.
    admin.goto(server.url + "/users/")
    admin.locator("a", has_text=name).click()
    admin.wait_for_url(re.compile(r".*/users/[^/]+/$"))
    user_url = admin.url
    admin.click("form[action$='/do/deactivate/'] button")
    admin.wait_for_load_state()
    assert admin.locator("ul.messages .error, ul.messages li").count() >= 1
    admin.check("#de-confirm")
    admin.click("form[action$='/do/deactivate/'] button")
    admin.wait_for_selector("form[action$='/do/reactivate/']")
    worker.goto(server.url + "/cases/")
    assert worker.url.endswith("/login/")
    admin.click("form[action$='/do/reactivate/'] button")
    admin.wait_for_selector("form[action$='/do/deactivate/']")

    # A lost phone: a new secret, shown once; the old one no longer works, the new one does.
    admin.check("#rf-confirm")
    admin.click("form[action$='/do/reset-factor/'] button")
    admin.wait_for_selector(".qr svg")
    _, new_secret = _shown_once(admin)
    assert new_secret != secret
    _log_in(browser, server, name, password, new_secret, lang).context.close()

    admin.goto(user_url)
    admin.screenshot(path=str(artifacts / f"admin-user-1280-{lang}.png"), full_page=True)
    admin.set_viewport_size({"width": 390, "height": 844})
    for path in ("/users/", user_url.removeprefix(server.url), "/compartments/new/"):
        admin.goto(server.url + path)
        assert admin.evaluate("document.documentElement.scrollWidth") <= 391, path
    admin.goto(user_url)
    admin.screenshot(path=str(artifacts / f"admin-user-390-{lang}.png"), full_page=True)
    worker.context.close()
    admin.context.close()
