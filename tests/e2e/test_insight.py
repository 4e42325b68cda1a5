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


@pytest.mark.parametrize("lang", ["en", "ug"])
def test_a_researcher_filters_the_dataset_saves_the_view_and_downloads_it(
    server: Any, browser: Any, artifacts: Path, lang: str
) -> None:
    page = login(browser, server, "researcher", lang=lang)
    page.goto(server.url + "/insight/dataset/")
    assert page.locator("table.dataset tbody tr").count() > 10
    assert "A-" not in page.locator("table.dataset").inner_text()  # no record codes
    page.select_option("#d-origin", "CN")
    page.fill("#d-from", "2018")
    page.click("main form.filters button[type=submit]")
    page.wait_for_url("**/insight/dataset/?*origin_state=CN*")
    origins = page.locator("table.dataset tbody tr td:nth-child(4)").all_inner_texts()
    assert origins and set(origins) == {"CN"}
    # The table scrolls inside its box; the page itself does not grow sideways.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1
    page.fill("#q-name", f"China since 2018 ({lang})")
    page.click("section.saved button[type=submit]:not(.secondary)")
    page.wait_for_load_state()
    assert page.locator(f"section.saved a:has-text('China since 2018 ({lang})')").count() == 1
    page.screenshot(path=str(artifacts / f"insight-dataset-{lang}.png"), full_page=False)
    with page.expect_download() as download:
        page.click("a[href*='download.parquet']")
    assert download.value.suggested_filename.endswith(".parquet")
    page.goto(server.url + "/insight/statistics/?group_by=origin_state&group_by=year")
    assert page.locator("main table tbody tr").count() > 5
    page.screenshot(path=str(artifacts / f"insight-statistics-{lang}.png"), full_page=False)
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_public_statistics_page_needs_no_login_no_script_and_no_cookie(
    server: Any, browser: Any, artifacts: Path, lang: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/public/statistics/?lang={lang}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator("section.publication").count() == 2  # the demo's two tables
    assert page.locator("section.publication svg").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert context.cookies() == []
    page.screenshot(path=str(artifacts / f"public-statistics-{lang}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("lang", ["en", "ug"])
def test_a_lead_is_told_of_the_demos_wave_and_follows_it_to_the_incidents(
    server: Any, browser: Any, artifacts: Path, lang: str
) -> None:
    page = login(browser, server, "lead", lang=lang)
    table = page.locator("table.surges")
    assert table.count() == 1
    page.screenshot(path=str(artifacts / f"home-surges-{lang}.png"), full_page=True)
    table.locator("a").first.click()
    page.wait_for_url("**/incidents/?origin_state=CN*")
    assert page.locator("main table tbody tr").count() >= 9  # the wave the demo recorded
    page.context.close()


# Ratings made up for the test, in the shape of Freedom House's workbook: not its figures.
RATINGS = [
    ("China", "NF", 7, 6, -2, 11),
    ("Russia", "NF", 7, 6, 3, 10),
    ("Iran", "NF", 6, 6, 4, 7),
    ("Egypt", "NF", 6, 6, 6, 12),
    ("Rwanda", "NF", 6, 6, 8, 13),
    ("Tajikistan", "NF", 7, 6, 2, 6),
    ("Türkiye", "NF", 5, 5, 16, 17),
    ("Kazakhstan", "NF", 6, 5, 5, 18),
    ("Germany", "F", 1, 1, 39, 55),
    ("Netherlands", "F", 1, 1, 40, 57),
    ("United Kingdom", "F", 1, 1, 39, 54),
    ("Thailand", "NF", 6, 5, 6, 23),
    ("United Arab Emirates", "NF", 7, 6, 5, 13),
    ("United States", "F", 2, 2, 33, 50),
]


@pytest.mark.parametrize("lang", ["en", "ug"])
def test_the_dyad_watch_ranks_pairs_with_imported_ratings(
    server: Any, browser: Any, artifacts: Path, tmp_path: Path, lang: str
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Freedom in the World 2025 Raw Data"])
    sheet.append(
        ["Country/Territory", "Region", "C/T", "Edition", "Status", "PR rating", "CL rating", "PR", "CL"]
    )
    for edition, fall in ((2022, 2), (2025, 0)):
        for name, status, pr_rating, cl_rating, pr, cl in RATINGS:
            sheet.append([name, "", "c", edition, status, pr_rating, cl_rating, pr, cl + fall])
    path = tmp_path / "All_data_FIW_2022-2025.xlsx"
    book.save(path)
    assert "ratings" in server.cli("indicators", "import-fiw", str(path))
    page = login(browser, server, "researcher", lang=lang)
    page.goto(server.url + "/insight/dyads/")
    rows = page.locator("main table.list tbody tr")
    assert rows.count() >= 5
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ug" else "ltr")
    page.screenshot(path=str(artifacts / f"insight-dyads-{lang}.png"), full_page=False)
    page.context.close()
