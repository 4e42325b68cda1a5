"""The dyad watch: Freedom in the World imported from its Excel file (all or nothing), origin -> host
pairs ranked with their reasons, and the backtest that says when the index can be trusted."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from longreach.audit.models import AuditEntry
from longreach.geo.models import FreedomRating
from tests.django.test_insight import record
from tests.unit.test_freedom import workbook

pytestmark = pytest.mark.django_db

ROWS = [
    ["China", "Asia", "c", 2022, "NF", 7, 6, -1, 14, 13],
    ["China", "Asia", "c", 2025, "NF", 7, 6, -2, 11, 9],
    ["Kazakhstan", "Eurasia", "c", 2025, "NF", 6, 5, 5, 18, 23],
    ["Türkiye", "Europe", "c", 2025, "NF", 5, 5, 16, 17, 33],
    ["Germany", "Europe", "c", 2025, "F", 1, 1, 39, 55, 94],
    ["Hong Kong", "Asia", "t", 2025, "PF", 5, 4, 9, 32, 41],
]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_ratings_import_all_or_nothing_with_a_dry_run(tmp_path: Path, cast: Any) -> None:
    path = workbook(tmp_path, ROWS)
    dry = run("indicators", "import-fiw", str(path), "--dry-run")
    assert "would import 5 ratings of 4 countries, editions 2022-2025" in dry and "1 territories" in dry
    assert not FreedomRating.objects.exists()
    assert "imported 5 ratings" in run("indicators", "import-fiw", str(path))
    assert FreedomRating.objects.get(country="CN", edition=2025).civil_liberties == 11
    again = run("indicators", "import-fiw", str(path))
    assert "5 replace ratings already held" in again and FreedomRating.objects.count() == 5
    bad = workbook(tmp_path, [*ROWS[:2], ["China", "Asia", "c", 2025, "NF", 7, 6, -2, 99, 9]])
    with pytest.raises(CommandError, match=r"row 5, column CL.*nothing was imported"):
        run("indicators", "import-fiw", str(bad))
    assert FreedomRating.objects.count() == 5
    assert AuditEntry.objects.filter(event="indicators.fiw_imported").count() == 2
    with pytest.raises(CommandError, match="no such file"):
        run("indicators", "import-fiw", str(tmp_path / "none.xlsx"))


def test_pairs_are_ranked_with_reasons_and_unknowns_said(tmp_path: Path, client_for: Any, cast: Any) -> None:
    record(cast, "analyst", "demo-a", "CN", "KZ", 6, date="2025-03")
    record(cast, "analyst", "demo-a", "CN", "DE", 6, date="2025-03")
    record(cast, "analyst", "demo-a", "RU", "DE", 2, date="2025-06")
    page = client_for("analyst").get("/insight/dyads/").content.decode()
    assert "A transparent index, not a validated forecast." in page and "import-fiw" in page
    run("indicators", "import-fiw", str(workbook(tmp_path, ROWS)))
    page = client_for("analyst").get("/insight/dyads/").content.decode()
    assert "editions 2022 to 2025 imported" in page
    first = page.index("Kazakhstan")
    assert first < page.index("Germany")  # not free, SCO and CSTO in common, same incidents
    assert "CL 14 -&gt; 11" in page and "Journal of Conflict Resolution" in page
    researcher = client_for("researcher").get("/insight/dyads/").content.decode()
    assert "&lt; 5" in researcher  # Russia -> Germany: two incidents, not shown to a researcher
    assert client_for("volunteer").get("/insight/dyads/").status_code == 404


def test_the_backtest_needs_history_and_then_compares_with_the_baseline(cast: Any) -> None:
    with pytest.raises(CommandError, match="not enough history to backtest"):
        run("insight", "backtest", "--user", "researcher", "--from", "2021", "--to", "2023")
    for year in range(2019, 2024):
        record(cast, "analyst", "demo-a", "CN", "KZ", 12, date=f"{year}-03")
        record(cast, "analyst", "demo-a", "IR", "DE", 10, date=f"{year}-05")
    out = run("insight", "backtest", "--user", "researcher", "--from", "2021", "--to", "2023", "--k", "1")
    assert "precision at 1: index 1.00, past incidents alone 1.00" in out
    assert out.count("\n") == 5
    with pytest.raises(CommandError, match="past years"):
        run("insight", "backtest", "--user", "researcher", "--from", "2030")
    with pytest.raises(CommandError, match="may see statistics"):
        run("insight", "backtest", "--user", "auditor")
    with pytest.raises(CommandError, match="--k"):
        run("insight", "backtest", "--user", "researcher", "--from", "2021", "--to", "2023", "--k", "0")
