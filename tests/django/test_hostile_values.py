"""Hostile values in every list filter and every API string field: an answer naming the field, never a 500.

Issue 14, item 5. Runs on SQLite and, in CI's second leg, on PostgreSQL (which refuses
NUL bytes in text and gave 500s for them). Each string leaf of a valid payload is
replaced by each hostile value in turn.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from longreach.registry import filters
from tests.django.registry_data import incident_input
from tests.django.test_registry_api import post

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "a\x00b",
    "\u202eexe.txt",
    " ",
    "@",
    "+",
    "<script>alert(1)</script>",
    "'; DROP TABLE registry_case; --",
    "%00",
    "١٢٣",
    "\U0001f600" * 3,
    "x" * 5000,
    "ZZ",
]
# JSON can also spell what a URL cannot: half of a surrogate pair.
HOSTILE_JSON = [*HOSTILE, "\ud800", "a\udfffb"]
# In a URL, a lone surrogate can only arrive as bytes that are not UTF-8.
HOSTILE_URL = [quote(v, safe="") for v in HOSTILE] + ["%ED%A0%80", "%F2%AC%B7%9E", "%FF"]

INCIDENT_FILTERS = list(filters.IncidentFilters.model_fields)
CASE_FILTERS = list(filters.CaseListFilters.model_fields)


@pytest.mark.parametrize(("page", "names"), [("/incidents/", INCIDENT_FILTERS), ("/cases/", CASE_FILTERS)])
def test_every_list_filter_answers_hostile_values_without_a_server_error(
    cast: Any, client_for: Any, page: str, names: list[str]
) -> None:
    analyst = client_for("analyst")
    analyst.raise_request_exception = False
    seen = 0
    for name in names:
        for value in HOSTILE_URL:
            r = analyst.get(f"{page}?{name}={value}")
            assert r.status_code in (200, 400), (name, value, r.status_code)
            if r.status_code == 400:
                assert name.encode() in r.content  # the field is named
            seen += 1
    assert seen == len(names) * len(HOSTILE_URL)


@pytest.mark.parametrize(
    ("path", "names"), [("/api/v1/incidents", INCIDENT_FILTERS), ("/api/v1/cases", CASE_FILTERS)]
)
def test_every_api_filter_answers_hostile_values_with_a_named_422(
    cast: Any, api: Any, path: str, names: list[str]
) -> None:
    auth = api("analyst")
    for name in names:
        for value in HOSTILE_URL:
            r = Client(raise_request_exception=False).get(f"{path}?{name}={value}", **auth)
            assert r.status_code in (200, 422), (name, value, r.status_code)
            if r.status_code == 422:
                assert name in {e["field"] for e in r.json()["errors"]}, (name, value)


def test_the_page_and_the_api_refuse_the_same_filters(cast: Any, api: Any, client_for: Any) -> None:
    auth = api("analyst")
    analyst = client_for("analyst")
    queries = (
        "date_from=garbage",
        "origin_state=ZZ",
        "state=%00",
        "tactic=a%20b",
        "physical=maybe",
        # Well-formed codes that are not in their list: refused, not an empty list that looks like "none".
        "state=NOPE",
        "urgency=P9",
        "tactic=NOT_A_TACTIC",
        "status=NOPE",
    )
    for query in queries:
        target = "cases" if query.startswith(("state", "urgency")) else "incidents"
        page = analyst.get(f"/{target}/?{query}")
        answer = Client().get(f"/api/v1/{target}?{query}", **auth)
        field = query.split("=")[0]
        assert page.status_code == 400 and answer.status_code == 422, query
        message = next(e["message"] for e in answer.json()["errors"] if e["field"] == field)
        assert message.encode() in page.content.replace(b"&#x27;", b"'"), query


def _string_leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _string_leaves(v, (*path, k))
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from _string_leaves(v, (*path, n))


def _replaced(data: Any, path: tuple[Any, ...], new: str) -> Any:
    copy = json.loads(json.dumps(data))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new
    return copy


def _payloads(comp: str) -> list[tuple[str, dict[str, Any]]]:
    person = {
        "name": "A. Test",
        "aliases": ["Ay"],
        "phone": "+90 532 000 0000",
        "email": "a@example.org",
        "handle": "@a_test",
        "location": "Istanbul",
        "notes": "n",
        "residence_country": "TR",
        "community": "UYGHUR",
        "immigration_status": "ASYLUM_SEEKER",
        "profiles": ["ACTIVIST"],
    }
    return [
        (f"/api/v1/compartments/{comp}/people", person),
        (
            f"/api/v1/compartments/{comp}/organisations",
            {"name": "Bureau", "perpetrator_type": "ORIGIN_POLICE", "country": "CN"},
        ),
        (
            f"/api/v1/compartments/{comp}/cases",
            {
                "state": "NEW",
                "urgency": "P2",
                "origin_state": "CN",
                "host_country": "TR",
                "community": "UYGHUR",
                "summary": "s",
            },
        ),
        (
            f"/api/v1/compartments/{comp}/sources",
            {
                "source_type": "VICTIM_TESTIMONY",
                "reliability": "B",
                "title": "t",
                "reference": "r",
                "notes": "n",
                "date": "2024-01",
            },
        ),
        (f"/api/v1/compartments/{comp}/incidents", incident_input()),
    ]


def test_every_api_string_field_answers_hostile_values_without_a_server_error(cast: Any, api: Any) -> None:
    auth = api("analyst")
    comp = cast.compartments["demo-a"].code
    tried = 0
    for path, payload in _payloads(comp):
        ok = Client().post(path, json.dumps(payload), content_type="application/json", **auth)
        assert ok.status_code == 201, (path, ok.content[:300])
        for leaf in _string_leaves(payload):
            for value in HOSTILE_JSON:
                body = json.dumps(_replaced(payload, leaf, value))  # ensure_ascii: "\ud800" stays spelt out
                r = Client(raise_request_exception=False).post(
                    path, body, content_type="application/json", **auth
                )
                assert r.status_code in (201, 422), (path, leaf, value[:20], r.status_code, r.content[:300])
                if r.status_code == 422:
                    fields = {e["field"] for e in r.json()["errors"]}
                    assert fields, (path, leaf)
                tried += 1
    assert tried > 300


@pytest.mark.parametrize("handle", ["a b", "a@b", "+90", "<b>", "\u202eevil", "a" * 200])
def test_a_bad_handle_is_a_422_naming_it_through_create_and_update(cast: Any, api: Any, handle: str) -> None:
    auth = api("analyst")
    comp = cast.compartments["demo-a"].code
    r = post(f"/api/v1/compartments/{comp}/people", {"name": "X", "handle": handle}, auth)
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"handle"}
    made = post(f"/api/v1/compartments/{comp}/people", {"name": "X", "handle": "@fine_one"}, auth).json()
    r = post(f"/api/v1/people/{made['code']}", {"name": "X", "handle": handle, "version": 1}, auth, "put")
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"handle"}


def test_a_lone_surrogate_anywhere_in_a_body_is_a_422_naming_it(cast: Any, api: Any) -> None:
    auth = api("analyst")
    comp = cast.compartments["demo-a"].code
    body = json.dumps(incident_input(title="ok \ud800"))
    r = Client().post(f"/api/v1/compartments/{comp}/incidents", body, content_type="application/json", **auth)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "title"
    assert "surrogate" in r.json()["errors"][0]["message"]


@pytest.mark.parametrize("handle", ["a b", "x@y", "<b>", "\u202eevil"])
def test_the_case_form_names_a_bad_client_handle(cast: Any, client_for: Any, handle: str) -> None:
    c = client_for("analyst")
    c.raise_request_exception = False
    r = c.post(
        f"/compartments/{cast.compartments['demo-a'].code}/cases/new/",
        {
            "state": "NEW",
            "urgency": "P1",
            "origin_state": "CN",
            "client-new_person-name": "Client",
            "client-new_person-handle": handle,
        },
    )
    assert r.status_code in (200, 400)
    assert "is not an account handle" in r.content.decode()
