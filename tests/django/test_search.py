"""One search box (/search/?q=): codes, identifiers through the blind indexes, and words in every kind
of record, grouped by kind, only ever what the user may read."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from longreach.keys.context import using_keyring
from longreach.registry import services as registry
from tests.django.registry_data import incident_input
from tests.django.test_intake_flow import ANSWERS, walk
from tests.django.test_messages import CHAT_A, case_in, keep, read

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(routed: Any) -> dict[str, Any]:
    cast = routed
    with using_keyring(cast.keyring("analyst")):
        case = registry.case_create(
            user=cast.analyst,
            compartment=cast.compartments["demo-a"],
            data={"origin_state": "CN", "summary": "Client fears for her brother in Ghulja."},
        )
        incident = registry.incident_create(
            user=cast.analyst, compartment=cast.compartments["demo-a"], data=incident_input()
        )
        source = registry.source_create(
            user=cast.analyst,
            compartment=cast.compartments["demo-a"],
            data={
                "source_type": "MEDIA_ARTICLE",
                "title": "Radio report on the Ghulja summons",
                "citations": [{"incident": incident.code}],
            },
        )
    chat_case = case_in(cast, "analyst", "demo-a")
    item = keep(cast, "analyst", chat_case, "kashgar-threats.txt", CHAT_A.encode())
    read(cast, "analyst", chat_case, item)
    with using_keyring(cast.keyring("analyst2")):
        other = registry.case_create(
            user=cast.analyst2,
            compartment=cast.compartments["demo-b"],
            data={"origin_state": "CN", "summary": "Another Ghulja family, in demo-b."},
        )
    walk(Client(), {**ANSWERS, "story": "They summoned my father in Ghulja."})
    return {"case": case, "incident": incident, "source": source, "item": item, "other": other}


def groups(page: str) -> set[str]:
    return {part.split('"', 1)[0] for part in page.split('id="g-')[1:]}


def test_words_are_found_in_every_kind_the_user_may_read(records: Any, client_for: Any) -> None:
    lead = client_for("lead")  # reads cases, evidence and the triage queue of demo-a
    page = lead.get("/search/", {"q": "ghulja"}).content.decode()
    assert {"case", "source", "report"} <= groups(page)
    assert records["case"].code in page and records["source"].code in page
    assert records["other"].code not in page  # demo-b is not theirs
    page = lead.get("/search/", {"q": "your passport"}).content.decode()
    assert "message" in groups(page)
    page = lead.get("/search/", {"q": "kashgar-threats"}).content.decode()
    assert records["item"].code in page and "evidence" in groups(page)
    page = lead.get("/search/", {"q": "Urumqi"}).content.decode()
    assert records["incident"].code in page


def test_a_code_opens_its_record_and_only_for_those_who_may_read_it(records: Any, client_for: Any) -> None:
    code = records["case"].code
    page = client_for("analyst").get("/search/", {"q": code.lower()}).content.decode()
    assert f'href="/cases/{code}/"' in page
    page = client_for("analyst2").get("/search/", {"q": code}).content.decode()
    assert f"/cases/{code}/" not in page and "Nothing you may read matches." in page


def test_identifiers_go_through_the_blind_indexes(records: Any, client_for: Any) -> None:
    page = client_for("analyst").get("/search/", {"q": "+90 (532) 111-22-33"}).content.decode()
    assert records["incident"].code in page and "person" in groups(page)
    assert (
        records["incident"].code
        not in client_for("analyst2").get("/search/", {"q": "+90 532 111 2233"}).content.decode()
    )


@pytest.mark.parametrize("q", ["\x00", "%", "' OR 1=1 --", "<script>alert(1)</script>", "ab", "x" * 200])
def test_hostile_and_odd_queries_answer_without_error(records: Any, client_for: Any, q: str) -> None:
    r = client_for("analyst").get("/search/", {"q": q})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.content.decode()


def test_an_oversized_query_is_refused_with_its_limit(records: Any, client_for: Any) -> None:
    r = client_for("analyst").get("/search/", {"q": "x" * 201})
    assert r.status_code == 400 and "at most 200 characters" in r.content.decode()


def test_who_may_search(records: Any, client_for: Any) -> None:
    assert client_for("volunteer").get("/search/", {"q": "ghulja"}).status_code in (403, 404)
    assert client_for("researcher").get("/search/", {"q": "ghulja"}).status_code in (403, 404)
