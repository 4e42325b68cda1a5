"""The registry API: same checks as the UI, scoped the same way, and a schemathesis run."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation

from longreach.audit.models import AuditEntry
from tests.django.registry_data import incident_input

pytestmark = pytest.mark.django_db


def post(path: str, data: Any, auth: dict[str, str], method: str = "post") -> Any:
    return getattr(Client(), method)(path, json.dumps(data), content_type="application/json", **auth)


def test_create_read_update_and_filter(cast: Any, api: Any) -> None:
    auth = api("analyst")
    comp = cast.compartments["demo-a"].code
    r = post(f"/api/v1/compartments/{comp}/incidents", incident_input(), auth)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["physical"] is True and len(body["acts"]) == 2 and body["version"] == 1
    target = body["acts"][0]["targets"][0]["person"]
    # People come out as pseudonyms: the name is not in the incident or the person.
    assert "Aynur" not in r.content.decode()
    person = Client().get(f"/api/v1/people/{target}", **auth).json()
    assert person["identity_fields"] == ["name", "phone"] and "name" not in person
    listed = Client().get("/api/v1/incidents?tactic=FAMILY_THREAT&origin_state=CN", **auth).json()
    assert [i["code"] for i in listed["results"]] == [body["code"]]
    found = Client().get("/api/v1/lookup", {"kind": "phone", "value": "+90 532 111 2233"}, **auth).json()
    assert found == {"people": [target], "incidents": [body["code"]]}
    update = {
        **{k: v for k, v in body.items() if k not in ("code", "compartment", "physical")},
        "title": "New",
    }
    r = post(f"/api/v1/incidents/{body['code']}", update, auth, "put")
    assert r.status_code == 200 and r.json()["version"] == 2
    r = post(f"/api/v1/incidents/{body['code']}", update, auth, "put")
    assert r.status_code == 409


def test_invalid_input_names_the_fields(cast: Any, api: Any) -> None:
    auth = api("analyst")
    comp = cast.compartments["demo-a"].code
    bad = incident_input(origin_state="ZZ", acts=[{"tactics": ["NOPE"]}])
    r = post(f"/api/v1/compartments/{comp}/incidents", bad, auth)
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"origin_state", "acts[0].tactics"}
    r = Client().get("/api/v1/incidents?tactik=SMEAR", **auth)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tactik"
    r = post(f"/api/v1/compartments/{comp}/incidents", {"acts": "x"}, auth)
    assert r.status_code == 422 and {"origin_state", "acts"} <= {e["field"] for e in r.json()["errors"]}
    r = post(f"/api/v1/compartments/{comp}/incidents", incident_input(narrative="x" * 100_001), auth)
    assert r.status_code == 422


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/cases?state=%00x", "state"),
        ("/api/v1/cases?origin_state=CHN", "origin_state"),
        ("/api/v1/cases?community=" + "A" * 65, "community"),
        ("/api/v1/incidents?tactic=%00", "tactic"),
        ("/api/v1/incidents?compartment=a%20b", "compartment"),
        ("/api/v1/incidents?case=%F2%AC%B7%9E", "case"),
    ],
)
def test_filters_that_are_not_codes_are_named_not_queried(cast: Any, api: Any, path: str, field: str) -> None:
    # A NUL byte reached PostgreSQL and gave a 500 before filters were checked (found by the fuzz test).
    r = Client().get(path, **api("analyst"))
    assert r.status_code == 422 and field in {e["field"] for e in r.json()["errors"]}


def test_other_compartment_and_other_roles_get_nothing(cast: Any, api: Any) -> None:
    r = post(
        f"/api/v1/compartments/{cast.compartments['demo-a'].code}/incidents", incident_input(), api("analyst")
    )
    code = r.json()["code"]
    other = api("analyst2")
    assert Client().get(f"/api/v1/incidents/{code}", **other).status_code == 404
    assert Client().get("/api/v1/incidents", **other).json()["count"] == 0
    r = post(f"/api/v1/compartments/{cast.compartments['demo-a'].code}/incidents", incident_input(), other)
    assert r.status_code == 404
    assert AuditEntry.objects.filter(event="authz.denied", object_code=code).exists()
    researcher = api("researcher")
    assert Client().get(f"/api/v1/incidents/{code}", **researcher).status_code == 404


def test_reveal_through_the_api_is_audited(cast: Any, api: Any) -> None:
    auth = api("analyst")
    r = post(f"/api/v1/compartments/{cast.compartments['demo-a'].code}/people", {"name": "Gulbahar T."}, auth)
    code = r.json()["code"]
    r = post(f"/api/v1/people/{code}/reveal", {"field": "name", "reason": "x"}, auth)
    assert r.status_code == 422
    r = post(f"/api/v1/people/{code}/reveal", {"field": "name", "reason": "Letter to the police"}, auth)
    assert r.json() == {"field": "name", "value": "Gulbahar T."}
    assert AuditEntry.objects.filter(event="identity.revealed", object_code=code).count() == 1


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture
def bearer(cast: Any, api: Any) -> Any:
    comp = cast.compartments["demo-a"].code
    post(f"/api/v1/compartments/{comp}/incidents", incident_input(), api("analyst"))
    header = {"Authorization": api("analyst")["HTTP_AUTHORIZATION"]}
    # The WSGI handler closes database connections when a request ends; inside a
    # test's transaction on PostgreSQL that would end the test. Django's test
    # client disconnects the same handler for the same reason (and reconnects it
    # after each of its own requests, so this comes after the post above).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield header
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_fuzz_finds_no_server_error_or_schema_violation(case: Any, bearer: dict[str, str]) -> None:
    # Schema-valid input may still be refused with 422: the schema cannot say which codes,
    # dates and references exist, so "positive data acceptance" does not apply here.
    # A case made negative in its headers is the one without credentials (the only header the
    # schema asks for): sent as generated, it must be refused, so our token is not added to it.
    without_credentials = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
    case.call_and_validate(
        headers=None if without_credentials else bearer, excluded_checks=[positive_data_acceptance]
    )


def test_organisations_through_the_api(cast: Any, api: Any) -> None:
    auth = api("analyst")
    r = post(
        f"/api/v1/compartments/{cast.compartments['demo-a'].code}/organisations",
        {"name": "A consulate", "perpetrator_type": "EMBASSY_CONSULAR", "country": "cn"},
        auth,
    )
    assert r.status_code == 201 and r.json()["country"] == "CN"
    code = r.json()["code"]
    assert Client().get(f"/api/v1/organisations/{code}", **auth).json()["name"] == "A consulate"
    assert Client().get(f"/api/v1/organisations/{code}", **api("analyst2")).status_code == 404
    r = post(
        f"/api/v1/compartments/{cast.compartments['demo-a'].code}/organisations",
        {"name": "", "perpetrator_type": "NOPE"},
        auth,
    )
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {"name", "perpetrator_type"}


def test_screening_names_through_the_api(cast: Any, api: Any) -> None:
    data = incident_input()
    data["acts"][0]["perpetrators"] = [
        {"new_person": {"name": "陈全国"}, "perpetrator_type": "ORIGIN_POLICE"}
    ]
    auth = api("analyst")
    post(f"/api/v1/compartments/{cast.compartments['demo-a'].code}/incidents", data, auth)
    r = post(
        "/api/v1/screenings", {"names": [{"id": "v1", "name": "Chen Quanguo"}, {"name": "Jane Doe"}]}, auth
    )
    assert r.status_code == 200
    first, second = r.json()["results"]
    assert first["id"] == "v1" and first["hits"][0]["kind"] == "person" and first["hits"][0]["why"]["pairs"]
    assert second["hits"] == [] and second["elsewhere"] == 0
    assert post("/api/v1/screenings", {"names": []}, auth).status_code == 422
    assert post("/api/v1/screenings", {"names": [{"name": "x" * 301}]}, auth).status_code == 422
    assert post("/api/v1/screenings", {"names": [{"name": "a\x00b"}]}, auth).status_code == 422
    assert post("/api/v1/screenings", {"names": [{"name": "A"}] * 1001}, auth).status_code == 422
    assert post("/api/v1/screenings", {"names": [{"name": "A"}], "threshold": 2}, auth).status_code == 422
    assert post("/api/v1/screenings", {"names": [{"name": "A"}]}, {}).status_code == 401
