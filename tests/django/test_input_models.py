"""One input definition per record: the models in registry/validation.py.

The API's request bodies are these models, services check with them, and the
CSV columns are their fields; these tests fail when any of them drifts.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from longreach.registry import exchange, services, validation
from longreach.registry.fields import RecordInvalid
from longreach.vocab import services as vocab_services
from longreach.vocab.models import Term
from tests.django.registry_data import incident_input

pytestmark = pytest.mark.django_db

ROUTES = {
    "people": validation.PersonInput,
    "organisations": validation.OrganisationInput,
    "cases": validation.CaseInput,
    "incidents": validation.IncidentInput,
    "sources": validation.SourceInput,
}


def post(path: str, data: Any, auth: dict[str, str], method: str = "post") -> Any:
    return getattr(Client(), method)(path, json.dumps(data), content_type="application/json", **auth)


def test_the_api_documents_the_input_models_as_its_request_bodies(cast: Any, api: Any) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for kind, model in ROUTES.items():
        body = spec["paths"][f"/api/v1/compartments/{{code}}/{kind}"]["post"]["requestBody"]
        ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(schemas[ref]["properties"]) == set(model.model_fields), kind
        assert schemas[ref].get("additionalProperties") is False, kind


def test_csv_columns_are_the_model_fields() -> None:
    for kind, model in ROUTES.items():
        if kind == "incidents":
            continue
        assert set(exchange.CSV_KINDS[kind]) == set(model.model_fields), kind
    incident = {"code" if c == "incident" else c for c in exchange.INCIDENT_COLUMNS}
    assert incident == set(validation.IncidentInput.model_fields) - {"acts"}
    act = {exchange.ACT_RENAMED.get(c, c) for c in exchange.ACT_COLUMNS}
    assert act == set(validation.ActInput.model_fields)


def _problems(exc: RecordInvalid) -> set[tuple[str, str]]:
    return {(e.path, e.message) for e in exc.errors}


@pytest.mark.parametrize(
    "bad",
    [
        incident_input(origin_state="ZZ", acts=[{"tactics": ["NOPE"], "executing_confidence": "PROBABLE"}]),
        incident_input(colour="red", date="2024-02-30", acts=[{"tactics": ["SMEAR"]}, "nonsense"]),
        incident_input(
            acts=[{"tactics": ["SMEAR"], "targets": [{"person": "P-1", "new_person": {"name": "A"}}]}]
        ),
        incident_input(acts=[{"tactics": ["SMEAR"], "targets": [{"new_person": {"phone": "12"}}]}]),
        incident_input(acts="x", date=""),
    ],
)
def test_the_api_door_and_the_service_name_the_same_problems(
    cast: Any, api: Any, bad: dict[str, Any]
) -> None:
    comp = cast.compartments["demo-a"]
    r = post(f"/api/v1/compartments/{comp.code}/incidents", bad, api("analyst"))
    assert r.status_code == 422
    from_api = {(e["field"], e["message"]) for e in r.json()["errors"]}
    with pytest.raises(RecordInvalid) as err:
        services.incident_create(user=cast.users["analyst"], compartment=comp, data=bad)
    assert from_api == _problems(err.value)


def test_paths_reach_into_nested_records() -> None:
    with pytest.raises(RecordInvalid) as err:
        validation.clean(
            validation.IncidentInput,
            incident_input(
                acts=[
                    {
                        "tactics": ["SMEAR"],
                        "targets": [
                            {"person": "P-1", "new_person": {"name": "A"}},
                            {"new_person": {"phone": "x"}},
                        ],
                        "perpetrators": [{"new_organisation": {"name": "---"}}],
                    }
                ]
            ),
        )
    paths = err.value.by_path()
    assert "not both" in paths["acts[0].targets[0].person"]
    assert "phone number" in paths["acts[0].targets[1].new_person.phone"]
    assert "no letters" in paths["acts[0].perpetrators[0].new_organisation.name"]
    with pytest.raises(RecordInvalid) as err:
        validation.clean(
            validation.SourceInput, {"source_type": "NGO_REPORT", "citations": [{"locator": "x" * 81}]}
        )
    assert set(err.value.by_path()) == {"citations[0].incident", "citations[0].locator"}


def test_a_retired_code_stays_on_its_record_but_is_not_chosen_anew(cast: Any, api: Any) -> None:
    auth = api("analyst")
    comp = cast.compartments["demo-a"].code
    made = post(f"/api/v1/compartments/{comp}/incidents", incident_input(), auth).json()
    other = post(
        f"/api/v1/compartments/{comp}/incidents", incident_input(acts=[{"tactics": ["SMEAR"]}]), auth
    ).json()
    vocab_services.term_retire(
        term=Term.objects.get(vocabulary__code="channel", code="WHATSAPP"), acting_user=cast.admin
    )
    keep = {k: v for k, v in made.items() if k not in ("code", "compartment", "physical")}
    assert (
        post(f"/api/v1/incidents/{made['code']}", {**keep, "title": "Edited"}, auth, "put").status_code == 200
    )
    r = post(f"/api/v1/compartments/{comp}/incidents", incident_input(), auth)
    assert r.status_code == 422 and "retired" in r.json()["errors"][0]["message"]
    adding = {k: v for k, v in other.items() if k not in ("code", "compartment", "physical")}
    adding["acts"][0]["channels"] = ["WHATSAPP"]
    r = post(f"/api/v1/incidents/{other['code']}", adding, auth, "put")
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"field": "acts[0].channels", "message": "WHATSAPP is a retired term of channel"}
    ]


COUNTRIES = st.sampled_from(["CN", "TR", "KZ", "RU", "DE", "IR", "", "cn", " tr "])
WORDS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@st.composite
def incidents(draw: Any) -> dict[str, Any]:
    act = {
        "tactics": draw(
            st.lists(st.sampled_from(["SMEAR", "FAMILY_THREAT", "smear", "INFO_OTHERS"]), min_size=1)
        ),
        "channels": draw(st.sampled_from([[], "whatsapp; SMS", ["PHONE_CALL"]])),
        "origin_state": draw(COUNTRIES),
        "host_country": draw(COUNTRIES),
        "executing_state": draw(COUNTRIES),
        "date": draw(st.sampled_from(["", "2023", "~2023-05", "2023-05-02"])),
        "description": draw(WORDS),
        "targets": draw(st.sampled_from([[], [{"new_person": {"name": "Ayşe", "is_minor": "on"}}]])),
    }
    return {
        "title": draw(WORDS),
        "origin_state": draw(COUNTRIES.filter(bool)),
        "host_country": draw(COUNTRIES.filter(bool)),
        "date": draw(st.sampled_from(["2022", "2022-11", "~2022-11-30"])),
        "acts": [act],
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=incidents())
def test_a_cleaned_record_cleans_to_itself(cast: Any, data: dict[str, Any]) -> None:
    # The API cleans at the door and hands the dump to the service, which cleans again. Every
    # generated incident is valid, so a refusal here is a failure, not a skipped example.
    once = validation.clean(validation.IncidentInput, data)
    assert validation.clean(validation.IncidentInput, validation.dumped(once)) == once


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    model=st.sampled_from([*ROUTES.values(), validation.ConsentInput, validation.TaskInput]),
    extra=st.dictionaries(
        st.sampled_from(["name", "acts", "targets", "date", "client", "citations", "tactics", "due_on", "x"]),
        JSONISH,
        max_size=5,
    ),
)
def test_any_json_is_a_record_or_named_problems(cast: Any, model: Any, extra: dict[str, Any]) -> None:
    try:
        validation.clean(model, extra)
    except RecordInvalid as exc:
        assert exc.errors and all(e.path and e.message for e in exc.errors)
