"""The dashboard in a real browser, in English and in Uyghur (right to left), as staff and as a
researcher; screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_registry import login

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("who", "lang"), [("analyst", "en"), ("analyst", "ug"), ("researcher", "en")])
def test_the_dashboard_draws_its_charts(
    server: Any, browser: Any, artifacts: Path, who: str, lang: str
) -> None:
    page = login(browser, server, who, lang=lang)
    page.goto(server.url + "/insight/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ug" else "ltr")
    assert page.locator("section.chart svg").count() >= 8
    assert page.locator("#map-hosts svg path").count() > 150  # the shipped world map
    page.screenshot(path=str(artifacts / f"insight-{who}-{lang}.png"), full_page=True)
    main = page.locator("main").inner_text()
    if who == "researcher":
        assert "/incidents/?" not in page.content()
    else:
        page.locator("#origins svg a").first.click()
        page.wait_for_url("**/incidents/?origin_state=*")
    assert main
    page.context.close()
