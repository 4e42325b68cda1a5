"""``longreach intake`` and ``longreach reconcile``: routes, pepper, and files against rows."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from longreach.intake import filestore
from longreach.intake.models import ReportFile, Route
from tests.django.test_intake_flow import ANSWERS, walk

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_routes(cast: Any) -> None:
    assert "go to demo-a" in run("intake", "route", "demo-a")
    assert "go to demo-b" in run("intake", "route", "demo-b", "--origin", "ir")
    assert Route.objects.get(origin_state="IR").compartment.slug == "demo-b"
    assert run("intake", "routes").splitlines() == ["*\tdemo-a", "IR\tdemo-b"]
    with pytest.raises(CommandError, match="no compartment 'nope'"):
        run("intake", "route", "nope")
    with pytest.raises(CommandError, match="--origin 'XX' is not an ISO 3166-1"):
        run("intake", "route", "demo-a", "--origin", "XX")


def test_reports_follow_their_route(routed: Any) -> None:
    run("intake", "route", "demo-b", "--origin", "IR")
    walk(Client(), {**ANSWERS, "origin_state": "IR"})
    walk(Client(), ANSWERS)
    from longreach.intake.models import Report

    assert sorted(Report.objects.values_list("compartment__slug", flat=True)) == ["demo-a", "demo-b"]


def test_init_keeps_an_existing_pepper(settings: Any) -> None:
    before = Path(settings.INTAKE_PEPPER_FILE).read_text()
    assert "already exists" in run("intake", "init")
    assert Path(settings.INTAKE_PEPPER_FILE).read_text() == before


def test_no_route_means_closed_and_nothing_kept(cast: Any, intake_files: Path) -> None:
    page = Client().get("/report/form/")
    assert page.status_code == 200
    with pytest.raises(AssertionError):
        walk(Client(), ANSWERS, [("a.txt", b"abc")])
    assert not list(intake_files.rglob("*.lrf"))


def test_reconcile_finds_orphans_missing_and_altered_files_and_deletes_nothing(routed: Any) -> None:
    walk(Client(), ANSWERS, [("one.txt", b"first file"), ("two.txt", b"second file")])
    assert "files and rows agree" in run("reconcile")
    one, two = ReportFile.objects.order_by("stored_name")
    d = filestore.files_dir()
    (d / ("0" * 32 + ".lrf")).write_bytes(b"stray")
    blob = bytearray((d / one.stored_name).read_bytes())
    blob[-3] ^= 1
    (d / one.stored_name).write_bytes(bytes(blob))
    moved = (d / two.stored_name).read_bytes()
    (d / two.stored_name).unlink()
    out = StringIO()
    with pytest.raises(CommandError, match="3 problem"):
        call_command("reconcile", stdout=out)
    kinds = sorted(line.split("\t")[0] for line in out.getvalue().splitlines())
    assert kinds == ["checksum-mismatch", "missing-file", "orphan-file"]
    assert (d / ("0" * 32 + ".lrf")).exists()  # listed, never deleted
    (d / two.stored_name).write_bytes(moved)


def test_check_table(settings: Any, tmp_path: Path) -> None:
    assert "every entry sourced" in run("intake", "check-table")
    bad = tmp_path / "w.json"
    bad.write_text('{"format": "longreach-where-to-report/1", "countries": {"FR": {"emergency": "112"}}}')
    settings.WHERE_TO_REPORT_FILE = str(bad)
    with pytest.raises(CommandError, match="countries.FR.sources"):
        run("intake", "check-table")


def test_old_rate_limit_windows_are_pruned(cast: Any) -> None:
    from longreach.intake import throttle
    from longreach.intake.models import Counter

    Counter.objects.create(key="reports:all", window=1_000, count=5)
    assert throttle.hit_all([throttle.Limit("reports:all", 60, 10)]) is None
    assert throttle.prune() == 1
    assert list(Counter.objects.values_list("count", flat=True)) == [1]
