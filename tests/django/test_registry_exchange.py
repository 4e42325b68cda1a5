"""Import and export: round trips, all-or-nothing, hostile files."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from longreach.accounts import services as account_services
from longreach.accounts.errors import NotAllowed
from longreach.keys.context import using_keyring
from longreach.registry import services
from longreach.registry.models import Incident, Person
from tests.conftest import PASSWORD
from tests.django.registry_data import incident_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(cast: Any) -> Any:
    with using_keyring(cast.keyring("analyst")):
        comp = cast.compartments["demo-a"]
        case = services.case_create(
            user=cast.analyst,
            compartment=comp,
            data={"origin_state": "CN", "host_country": "TR", "summary": "Family in Kashgar"},
        )
        incident = services.incident_create(
            user=cast.analyst, compartment=comp, data=incident_input(case=case.code)
        )
        services.incident_create(
            user=cast.analyst,
            compartment=comp,
            data=incident_input(
                title="=cmd|' /C calc'!A0", acts=[{"tactics": ["SMEAR"], "channels": ["X_TWITTER"]}]
            ),
        )
        act = incident.acts.first()
        services.source_create(
            user=cast.analyst,
            compartment=comp,
            data={
                "source_type": "VICTIM_TESTIMONY",
                "reliability": "B",
                "title": "Interview",
                "citations": [
                    {
                        "incident": incident.code,
                        "act": act.code,
                        "credibility": "2",
                        "statement": "He called twice.",
                    }
                ],
            },
        )
    return cast


def run(monkeypatch: Any, *args: str, password: str = PASSWORD) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    err = io.StringIO()
    try:
        call_command(*args, "--password-stdin", stdout=out, stderr=err)
    except CommandError as exc:
        raise CommandError(f"{exc}\n{err.getvalue()}") from exc
    return out.getvalue()


def export(
    monkeypatch: Any, tmp_path: Path, slug: str, user: str, fmt: str = "json", kind: str = "incidents"
) -> Path:
    """Export as ``user``; content exports go through a request that the administrator approves."""
    from longreach.accounts.models import PendingAction, User

    path = tmp_path / f"{slug}-{fmt}-{kind}.{'json' if fmt == 'json' else 'csv'}"
    args = ["export", "--compartment", slug, "--user", user, "--format", fmt, "--kind", kind]
    if fmt not in ("flat", "fh-incidents", "fh-tables"):
        out = run(monkeypatch, *args, "--request")
        code = out.split("request ", 1)[1].split(" ", 1)[0]
        action = PendingAction.objects.get(code=code)
        account_services.pending_approve(action=action, acting_user=User.objects.get(username="admin"))
        args += [f"--approval={code}"]
    run(monkeypatch, *args, "--out", str(path))
    return path


def fresh_compartment(cast: Any) -> Any:
    return account_services.compartment_create(
        slug="empty", name="Empty", lead=cast.analyst, acting_user="test"
    )


def normalised(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle without the export time and with codes replaced by their order of appearance."""
    text = json.dumps({k: v for k, v in bundle.items() if k != "exported_at"}, sort_keys=True)
    import re

    names: dict[str, str] = {}
    return json.loads(
        re.sub(
            r"(?<![0-9A-Z])[PIOCASKT]-[0-9A-Z]{8}(?![0-9A-Z])",
            lambda m: names.setdefault(m.group(0), f"#{len(names)}"),
            text,
        )
    )


def test_json_export_imports_into_an_empty_compartment_exactly(
    filled: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    first = export(monkeypatch, tmp_path, "demo-a", "analyst")
    fresh_compartment(filled)
    out = run(monkeypatch, "import", str(first), "--compartment", "empty", "--user", "analyst")
    assert "imported" in out and "2 incidents" in out
    second = export(monkeypatch, tmp_path, "empty", "analyst")
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    assert normalised(a) == normalised(b)
    assert a["incidents"][0]["acts"][0]["relatives"][0]["relationship"] == "MOTHER"


def test_csv_exports_round_trip_and_neutralise_formulas(
    filled: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    kinds = ["people", "organisations", "cases", "incidents", "sources"]
    first = {k: export(monkeypatch, tmp_path, "demo-a", "analyst", "csv", k) for k in kinds}
    assert "'=cmd|" in first["incidents"].read_text()
    fresh_compartment(filled)
    # Files in any order: the import writes people before the incidents that name them.
    files = [str(first[k]) for k in reversed(kinds)]
    run(monkeypatch, "import", *files, "--compartment", "empty", "--user", "analyst")
    again = {k: export(monkeypatch, tmp_path, "empty", "analyst", "csv", k) for k in kinds}
    assert normalised({k: p.read_text() for k, p in first.items()}) == normalised(
        {k: p.read_text() for k, p in again.items()}
    )
    assert Incident.objects.filter(compartment__slug="empty").count() == 2


def test_flat_csv_is_one_coded_row_per_incident(filled: Any, monkeypatch: Any, tmp_path: Path) -> None:
    text = export(monkeypatch, tmp_path, "demo-a", "analyst", "flat").read_text()
    rows = text.strip().splitlines()
    assert len(rows) == 3 and rows[0].startswith("incident,case,date")
    assert "Aynur" not in text and "Urumqi" not in text and "cmd" not in text
    assert "DIRECT_ATTACK" in text and ",true," in text


def test_freedom_house_export_is_one_row_per_physical_incident_and_its_tables(
    filled: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    import csv as csv_module

    from longreach.registry import exchange

    flat = list(csv_module.DictReader(export(monkeypatch, tmp_path, "demo-a", "analyst", "flat").open()))
    physical = {r["incident"] for r in flat if r["physical"] == "true"}
    rows = list(
        csv_module.DictReader(export(monkeypatch, tmp_path, "demo-a", "analyst", "fh-incidents").open())
    )
    assert physical and {r["incident"] for r in rows} == physical  # only physical incidents, each once
    assert list(rows[0]) == exchange.FH_COLUMNS
    for row in rows:
        assert row["tactic"] in exchange.FH_ORDER and row["year"].isdigit()
        assert row["tactic"] == row["tactics"].split("; ")[0]  # the most serious of its tactics
    text = export(monkeypatch, tmp_path, "demo-a", "analyst", "fh-incidents").read_text()
    assert "Aynur" not in text and "Urumqi" not in text
    tables = list(
        csv_module.DictReader(export(monkeypatch, tmp_path, "demo-a", "analyst", "fh-tables").open())
    )
    total = next(r for r in tables if r["table"] == "total")
    assert int(total["incidents"]) == len(rows)
    for name in ("origin", "host", "year", "tactic", "origin-host"):
        assert sum(int(r["incidents"]) for r in tables if r["table"] == name) == len(rows), name


def test_the_freedom_house_mapping_covers_every_direct_attack_tactic() -> None:
    from longreach.registry import exchange
    from longreach.vocab.models import Term

    direct = set(
        Term.objects.filter(vocabulary__code="tactic", family="DIRECT_ATTACK").values_list("code", flat=True)
    )
    assert direct and direct <= set(exchange.FH_TACTICS)
    assert set(exchange.FH_TACTICS.values()) == set(exchange.FH_ORDER)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ({"ABDUCTION"}, ["disappearance"]),  # seized abroad, not known to be returned
        ({"ABDUCTION", "RENDITION"}, ["rendition"]),  # seized and returned: one rendition
        ({"DETENTION_HOST", "EXTRADITION"}, ["unlawful deportation", "detention"]),
        ({"ASSAULT", "ASSASSINATION", "FAMILY_THREAT"}, ["assassination", "assault"]),
        ({"FAMILY_THREAT", "INTERPOL_RED_NOTICE"}, []),  # not a physical incident
    ],
)
def test_codebook_tactics_become_freedom_house_tactics(codes: set[str], expected: list[str]) -> None:
    from longreach.registry import exchange

    assert exchange.fh_tactics(codes) == expected


def test_import_is_all_or_nothing_and_names_file_line_column(
    filled: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    incidents = (
        export(monkeypatch, tmp_path, "demo-a", "analyst", "csv", "incidents").read_text().splitlines()
    )
    people = export(monkeypatch, tmp_path, "demo-a", "analyst", "csv", "people")
    bad = tmp_path / "bad.csv"
    header = incidents[0].split(",")
    broken = incidents[2].split(",")
    broken[header.index("tactics")] = "NOT_A_TACTIC"
    bad.write_text("\n".join([incidents[0], incidents[1], ",".join(broken)]) + "\n", encoding="utf-8")
    fresh_compartment(filled)
    before = Person.objects.count()
    err = io.StringIO()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import",
            str(people),
            str(bad),
            "--compartment",
            "empty",
            "--user",
            "analyst",
            "--password-stdin",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert (
        f"{bad}, line 3, column tactics: NOT_A_TACTIC is not a code of the tactic vocabulary"
        in err.getvalue()
    )
    assert Person.objects.count() == before


def test_dry_run_writes_nothing(filled: Any, monkeypatch: Any, tmp_path: Path) -> None:
    bundle = export(monkeypatch, tmp_path, "demo-a", "analyst")
    fresh_compartment(filled)
    before = (Incident.objects.count(), Person.objects.count())
    out = run(monkeypatch, "import", str(bundle), "--compartment", "empty", "--user", "analyst", "--dry-run")
    assert out.startswith("would import")
    assert (Incident.objects.count(), Person.objects.count()) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"format": "other"}', "not a Longreach registry bundle"),
        (b'{"format": "longreach-registry/1", "incidents": {}}', "must be a list"),
        (b'{"format": "longreach-registry/1", "people": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested"),
        (b"{not json", "line 1, column 2: not valid JSON"),
    ],
)
def test_hostile_json_is_refused_clearly(
    filled: Any, monkeypatch: Any, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match=message):
        call_command(
            "import",
            str(path),
            "--compartment",
            "demo-a",
            "--user",
            "analyst",
            "--password-stdin",
            stdout=io.StringIO(),
        )


def test_wrong_password_and_non_member_are_refused(filled: Any, monkeypatch: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not unlock"):
        run(monkeypatch, "export", "--compartment", "demo-a", "--user", "analyst", password="wrong")
    with pytest.raises(CommandError, match="cannot read"):
        run(monkeypatch, "export", "--compartment", "demo-a", "--user", "analyst2")


def test_deidentified_counts_suppress_small_cells(filled: Any, monkeypatch: Any, tmp_path: Path) -> None:
    out = tmp_path / "stats.csv"
    run(monkeypatch, "stats", "--user", "researcher", "--out", str(out))
    rows = out.read_text().splitlines()
    families = "DIRECT_ATTACK,CO_OPTING,MOBILITY,THREAT_AT_DISTANCE"
    assert rows[0] == f"year,origin_state,host_country,incidents,physical,{families}"
    # Two incidents in all: every non-zero count is below 10 and hidden, the totals too.
    assert rows[1].startswith("all,CN,TR,suppressed,suppressed")
    assert rows[-1].startswith("all,ALL,ALL,suppressed")
    assert "I-" not in out.read_text() and "Aynur" not in out.read_text()
    run(monkeypatch, "stats", "--user", "researcher", "--threshold", "1", "--out", str(out))
    assert out.read_text().splitlines()[1].startswith("all,CN,TR,2,1,1,0,0,2")
    with pytest.raises(CommandError, match="cannot see statistics"):
        run(monkeypatch, "stats", "--user", "auditor")


def test_bulk_export_needs_a_second_person_once(filled: Any, monkeypatch: Any, tmp_path: Path) -> None:
    from longreach.accounts.models import PendingAction
    from longreach.audit.models import AuditEntry

    base = ["export", "--compartment", "demo-a", "--user", "analyst", "--format", "json"]
    with pytest.raises(CommandError, match="--request"):
        run(monkeypatch, *base)
    code = run(monkeypatch, *base, "--request").split("request ", 1)[1].split(" ", 1)[0]
    with pytest.raises(CommandError, match="has not been approved"):
        run(monkeypatch, *base, f"--approval={code}")
    action = PendingAction.objects.get(code=code)
    with pytest.raises(NotAllowed):
        account_services.pending_approve(action=action, acting_user=filled.analyst)  # not oneself
    with pytest.raises(NotAllowed):
        account_services.pending_approve(action=action, acting_user=filled.analyst2)  # not a member
    account_services.pending_approve(action=action, acting_user=filled.lead)
    with pytest.raises(CommandError, match="another format"):
        run(
            monkeypatch,
            "export",
            "--compartment",
            "demo-a",
            "--user",
            "analyst",
            "--format",
            "csv",
            f"--approval={code}",
        )
    with pytest.raises(CommandError, match="of yours"):
        run(
            monkeypatch,
            "export",
            "--compartment",
            "demo-a",
            "--user",
            "lead",
            "--format",
            "json",
            f"--approval={code}",
        )
    out = tmp_path / "a.json"
    run(monkeypatch, *base, f"--approval={code}", "--out", str(out))
    assert json.loads(out.read_text())["incidents"]
    with pytest.raises(CommandError, match="already used"):
        run(monkeypatch, *base, f"--approval={code}")
    assert AuditEntry.objects.filter(event="export.approved", object_code=code).exists()
    # The coded research CSV holds no names or text and needs no approval.
    run(
        monkeypatch,
        "export",
        "--compartment",
        "demo-a",
        "--user",
        "analyst",
        "--format",
        "flat",
        "--out",
        str(tmp_path / "f.csv"),
    )


def test_the_lead_sees_and_approves_an_export_request_on_the_page(filled: Any, client_for: Any) -> None:
    from longreach.accounts.models import PendingAction
    from longreach.registry import services as registry_services

    action = registry_services.bulk_export_request(
        user=filled.analyst, compartment=filled.compartments["demo-a"], fmt="json", kind="json"
    )
    lead = client_for("lead")
    assert "Export all records of demo-a (json)" in lead.get("/approvals/").content.decode()
    assert action.code not in client_for("analyst2").get("/approvals/").content.decode()
    lead.post(f"/approvals/{action.code}/approve/")
    assert PendingAction.objects.get(pk=action.pk).status == "approved"


def test_an_approval_code_that_starts_with_a_dash_works(
    filled: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    from longreach.accounts.models import PendingAction
    from longreach.registry import services as registry_services

    action = registry_services.bulk_export_request(
        user=filled.analyst, compartment=filled.compartments["demo-a"], fmt="json", kind="json"
    )
    PendingAction.objects.filter(pk=action.pk).update(code="-dash" + action.code[:6])
    action.refresh_from_db()
    account_services.pending_approve(action=action, acting_user=filled.lead)
    out = tmp_path / "a.json"
    run(monkeypatch, "export", "--compartment", "demo-a", "--user", "analyst", "--format", "json",
        f"--approval={action.code}", "--out", str(out))  # fmt: skip
    assert out.exists()


def test_people_and_organisations_export_as_followthemoney_entities(
    filled: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    from longreach.names.lists import read_ftm

    path = export(monkeypatch, tmp_path, "demo-a", "analyst", fmt="ftm")
    entities = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    schemata = {e["schema"] for e in entities}
    assert schemata <= {"Person", "Organization"} and "Person" in schemata
    for entity in entities:
        assert entity["id"].startswith("longreach-") and entity["properties"]["name"]
        assert all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in entity["properties"].values()
        )
    # What OpenSanctions tools read, Longreach's own list reader reads back too.
    with path.open("rb") as fh:
        read = read_ftm(fh, str(path))
    assert len({e.ref for e in read.entries}) == sum(1 for e in entities if e["schema"] == "Person")
    try:
        from followthemoney import model
    except ImportError:
        return
    for entity in entities:
        model.get_proxy(entity)  # the FtM model itself accepts every entity (when installed)
