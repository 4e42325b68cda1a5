"""The researcher's workspace: the de-identified dataset (page, CSV, Parquet), the statistics table, the
codebook and saved queries; nothing identifying reaches the page or the files, every download is
audited, every bad parameter is named."""

from __future__ import annotations

import csv
import io
from typing import Any

import pyarrow.parquet as pq
import pytest

from longreach.audit.models import AuditEntry
from longreach.insight.models import SavedQuery
from longreach.registry.models import Incident
from tests.django.test_insight import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def incidents(cast: Any) -> Any:
    record(cast, "analyst", "demo-a", "CN", "TR", 6)
    record(cast, "analyst", "demo-a", "IR", "DE", 7, date="2025-01")
    record(cast, "analyst", "demo-a", "RU", "DE", 2, date="2025-06")
    record(cast, "analyst2", "demo-b", "EG", "FR", 3)
    return cast


def identifying(cast: Any) -> list[str]:
    """What must never reach a researcher: record codes and anything a person typed."""
    codes = [i.code for i in Incident.objects.all()]
    return [*codes, "Aynur", "Urumqi", "WhatsApp calls", "county public security", "+90 532"]


def test_the_dataset_page_shows_coded_rows_only_k_anonymous(client_for: Any, incidents: Any) -> None:
    r = client_for("researcher").get("/insight/dataset/")
    page = r.content.decode()
    assert r.status_code == 200
    for secret in identifying(incidents):
        assert secret not in page
    assert "13 rows match the filters." in page  # CN-TR 6 and IR-DE 7 released as they are
    assert "5 incidents are left out of the dataset as too rare to show." in page  # RU 2, EG 3
    assert ">DETENTION_HOST; FAMILY_THREAT; INFO_OTHERS<" in page and ">CN<" in page and ">RU<" not in page
    filtered = (
        client_for("researcher").get("/insight/dataset/?origin_state=IR&year_from=2025").content.decode()
    )
    assert "7 rows match the filters." in filtered


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("origin_state=ZZ", "origin_state"),
        ("year_from=20x4", "year_from"),
        ("year_from=2025&year_to=2024", "year_to"),
        ("tactic_family=%3Cscript%3E", "tactic_family"),
        ("date_from=2024-01-01", "date_from"),
        ("origin_state=CN&origin_state=IR", "origin_state"),
        ("page=0", "page"),
        ("page=" + "9" * 400, "page"),
        ("year_from=٢٠٢٤", "year_from"),
    ],
)
def test_bad_dataset_filters_are_named(client_for: Any, incidents: Any, query: str, field: str) -> None:
    c = client_for("researcher")
    r = c.get(f"/insight/dataset/?{query}")
    assert r.status_code == 400 and field in r.content.decode()
    d = c.get(f"/insight/dataset/download.csv?{query}")
    if field != "page":
        assert d.status_code == 400 and field in d.content.decode()


def test_downloads_are_csv_and_parquet_audited_and_hold_nothing_identifying(
    client_for: Any, incidents: Any
) -> None:
    c = client_for("researcher")
    text = c.get("/insight/dataset/download.csv?origin_state=CN").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 6 and {r["host_country"] for r in rows} == {"TR"}
    assert rows[0]["physical"] in ("true", "false") and rows[0]["row"] == "1"
    body = c.get("/insight/dataset/download.parquet").content
    table = pq.read_table(io.BytesIO(body))
    assert table.num_rows == 13 and table.schema.metadata[b"longreach.k"] == b"5"
    blob = text + repr(table.to_pylist())
    for secret in identifying(incidents):
        assert secret not in blob
    entries = AuditEntry.objects.filter(event="statistics.downloaded", object_type="dataset")
    assert {e.detail["format"] for e in entries} == {"csv", "parquet"}
    assert entries.get(object_code="csv").detail["rows"] == 6
    assert c.get("/insight/dataset/download.xlsx").status_code == 404


def test_staff_get_the_dataset_of_their_compartments(client_for: Any, incidents: Any) -> None:
    page = client_for("analyst2").get("/insight/dataset/").content.decode()
    assert "0 rows match the filters." in page and "3 incidents are left out" in page


def test_the_statistics_page_counts_withholds_and_downloads(client_for: Any, cast: Any) -> None:
    # As the statistics API's own test: enough incidents that only RU's two and their complement go.
    record(cast, "analyst", "demo-a", "CN", "TR", 30, date="2024-02")
    record(cast, "analyst", "demo-a", "IR", "DE", 20, date="2025-01")
    record(cast, "analyst", "demo-a", "RU", "DE", 2, date="2025-06")
    c = client_for("researcher")
    empty = c.get("/insight/statistics/")
    assert empty.status_code == 200 and "Count incidents by" in empty.content.decode()
    page = c.get("/insight/statistics/?group_by=origin_state&group_by=host_country").content.decode()
    text = c.get("/insight/statistics/download.csv?group_by=origin_state,host_country").content.decode()
    rows = {(r["origin_state"], r["host_country"]): r for r in csv.DictReader(io.StringIO(text))}
    assert rows[("RU", "DE")]["count"] == "" and rows[("RU", "DE")]["suppressed"] == "true"
    assert all(int(r["count"]) >= 5 for r in rows.values() if r["suppressed"] == "false")
    # The page shows the same table as the file.
    assert page.count("fewer than 5, or withheld with one") == sum(
        r["suppressed"] == "true" for r in rows.values()
    )
    by_origin = c.get("/insight/statistics/download.csv?group_by=origin_state").content.decode()
    assert "CN,30,false" in by_origin
    assert AuditEntry.objects.filter(object_type="statistics", detail__format="csv").exists()
    bad = c.get("/insight/statistics/?group_by=name&k=1")
    assert bad.status_code == 400 and "group_by" in bad.content.decode() and "k:" in bad.content.decode()
    assert c.get("/insight/statistics/download.csv?group_by=year&year=2024").status_code == 400


def test_the_codebook_lists_columns_and_vocabularies_in_the_reader_language(
    client_for: Any, incidents: Any
) -> None:
    c = client_for("researcher")
    page = c.get("/insight/codebook/").content.decode()
    assert "relatives_minor" in page and 'id="v-tactic"' in page and "FAMILY_THREAT" in page
    c.cookies["lr_language"] = "ar"
    assert 'dir="rtl"' in c.get("/insight/codebook/").content.decode()


def test_queries_are_saved_listed_replaced_and_deleted_by_their_owner_only(
    client_for: Any, incidents: Any
) -> None:
    c = client_for("researcher")
    r = c.post(
        "/insight/queries/",
        {"page": "dataset", "name": "  Iran   in Germany ", "query": "year_from=2025&origin_state=IR"},
    )
    assert r.status_code == 302 and r["Location"] == "/insight/dataset/?origin_state=IR&year_from=2025"
    saved = SavedQuery.objects.get()
    assert saved.name == "Iran in Germany" and saved.query == "origin_state=IR&year_from=2025"
    assert "Iran in Germany" in c.get("/insight/dataset/").content.decode()
    c.post("/insight/queries/", {"page": "dataset", "name": "Iran in Germany", "query": "origin_state=CN"})
    assert SavedQuery.objects.get().query == "origin_state=CN"
    other = client_for("analyst")
    assert other.post(f"/insight/queries/{saved.code}/delete/", {"page": "dataset"}).status_code == 404
    assert "Iran in Germany" not in other.get("/insight/dataset/").content.decode()
    assert c.post(f"/insight/queries/{saved.code}/delete/", {"page": "dataset"}).status_code == 302
    assert not SavedQuery.objects.exists()
    c.post("/insight/queries/", {"page": "statistics", "name": "by year", "query": "group_by=year"})
    assert SavedQuery.objects.get().query == "group_by=year&k=5"


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"page": "dataset", "name": "", "query": "origin_state=CN"}, "give the query a name"),
        ({"page": "dataset", "name": "x" * 81, "query": ""}, "at most 80"),
        ({"page": "dataset", "name": "a\x00b", "query": ""}, "at most 80"),
        ({"page": "dataset", "name": "bad", "query": "origin_state=ZZ"}, "origin_state"),
        ({"page": "dataset", "name": "bad", "query": "a=1&" * 600}, "too long"),
        ({"page": "dataset", "name": "bad", "query": "%%%"}, "query string"),
        ({"page": "statistics", "name": "bad", "query": "group_by=year&k=1"}, "k:"),
        ({"page": "dashboard", "name": "bad", "query": "date_from=garbage"}, "date_from"),
    ],
)
def test_bad_saved_queries_are_refused_with_the_reason(
    client_for: Any, incidents: Any, data: dict[str, str], why: str
) -> None:
    c = client_for("researcher")
    r = c.post("/insight/queries/", data, follow=True)
    assert why in r.content.decode()
    assert not SavedQuery.objects.exists()


def test_a_query_for_a_strange_page_is_refused_and_other_roles_find_nothing(
    client_for: Any, incidents: Any
) -> None:
    r = client_for("researcher").post("/insight/queries/", {"page": "admin", "name": "x"}, follow=True)
    assert "names no page of the workspace" in r.content.decode() and not SavedQuery.objects.exists()
    assert client_for("volunteer").get("/insight/dataset/").status_code == 404
    assert (
        client_for("auditor").post("/insight/queries/", {"page": "dataset", "name": "x"}).status_code == 404
    )
    assert client_for("researcher").get("/insight/queries/").status_code == 405


def test_the_hundred_and_first_query_is_refused(client_for: Any, incidents: Any) -> None:
    from django.utils import timezone

    user = incidents.users["researcher"]
    SavedQuery.objects.bulk_create(
        SavedQuery(
            user=user, page="dataset", name=f"q{n}", query="", created_at=timezone.now(), code=f"Q-T{n:04d}"
        )
        for n in range(100)
    )
    r = client_for("researcher").post(
        "/insight/queries/", {"page": "dataset", "name": "one more"}, follow=True
    )
    assert "the most kept" in r.content.decode() and SavedQuery.objects.count() == 100
