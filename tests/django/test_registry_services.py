"""Writing and reading the registry through services and selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.http import Http404

from longreach.accounts.errors import NotAllowed
from longreach.audit.models import AuditEntry
from longreach.keys.context import using_keyring
from longreach.registry import filters, selectors, serialise, services
from longreach.registry.fields import RecordInvalid
from longreach.registry.models import Incident, Person, Version
from tests.django.registry_data import incident_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_analyst(cast: Any) -> Any:
    with using_keyring(cast.keyring("analyst")):
        yield cast


def create(cast: Any, **overrides: Any) -> Incident:
    return services.incident_create(
        user=cast.analyst, compartment=cast.compartments["demo-a"], data=incident_input(**overrides)
    )


def test_incident_with_two_acts_four_places_and_a_relative(as_analyst: Any) -> None:
    incident = create(as_analyst)
    incident = selectors.incident_for_user(user=as_analyst.analyst, code=incident.code)
    first, second = incident.acts.all()
    assert sorted(t.code for t in first.tactics.all()) == ["FAMILY_THREAT", "INFO_OTHERS"]
    # Places default from the incident; the harm lands where the target lives.
    assert (first.origin_state, first.host_country, first.harm_country, first.executing_state) == (
        "CN",
        "TR",
        "TR",
        "",
    )
    assert (second.harm_country, second.executing_state, second.executing_confidence) == (
        "AE",
        "AE",
        "CONFIRMED",
    )
    relative = first.relatives.get()
    assert relative.relationship == "MOTHER" and relative.person.name == "Mother of Aynur"
    assert [o.code for o in relative.outcomes.all()] == ["DETAINED"]
    perp = first.perpetrators.get()
    assert perp.organisation.name == "A county public security bureau" and perp.confidence == "PROBABLE"
    assert str(incident.date) == "2024-03" and str(incident.until) == "2024-09"
    assert incident.date_last.isoformat() == "2024-09-30"
    assert Version.objects.filter(object_id=incident.pk).count() == 1
    assert AuditEntry.objects.filter(event="record.created", object_code=incident.code).exists()


def test_physical_flag_follows_direct_attack_tactics(as_analyst: Any) -> None:
    physical = create(as_analyst)
    not_physical = create(as_analyst, acts=[{"tactics": ["SMEAR"]}])
    page = selectors.incident_page(selectors.incidents_for_user(user=as_analyst.analyst))
    rows = {i.code: i.physical for i in page}
    assert rows[physical.code] is True and rows[not_physical.code] is False
    only = selectors.incidents_for_user(
        user=as_analyst.analyst, filters=filters.IncidentFilters(physical=True)
    )
    assert list(only.values_list("code", flat=True)) == [physical.code]


def test_every_problem_is_named_with_its_path(as_analyst: Any) -> None:
    bad = incident_input(
        origin_state="XX",
        date="2024-02-30",
        acts=[{"tactics": ["NOT_A_TACTIC"], "targets": [{"person": "P-NOPE"}]}, "nonsense"],
        colour="red",
    )
    with pytest.raises(RecordInvalid) as err:
        services.incident_create(
            user=as_analyst.analyst, compartment=as_analyst.compartments["demo-a"], data=bad
        )
    paths = err.value.by_path()
    assert "origin_state" in paths and "date" in paths and "colour" in paths
    assert "NOT_A_TACTIC" in paths["acts[0].tactics"]
    assert "acts[1]" in paths
    assert Incident.objects.count() == 0


def test_unknown_person_reference_writes_nothing(as_analyst: Any) -> None:
    data = incident_input(acts=[{"tactics": ["SMEAR"], "targets": [{"person": "P-00000000"}]}])
    with pytest.raises(RecordInvalid) as err:
        services.incident_create(
            user=as_analyst.analyst, compartment=as_analyst.compartments["demo-a"], data=data
        )
    assert "acts[0].targets[0].person" in err.value.by_path()
    assert Incident.objects.count() == 0 and Person.objects.count() == 0


def test_update_keeps_a_sealed_version_and_refuses_stale_edits(as_analyst: Any) -> None:
    incident = create(as_analyst)
    data = serialise.incident_dict(selectors.incident_for_user(user=as_analyst.analyst, code=incident.code))
    data["title"] = "Changed title"
    updated = services.incident_update(
        user=as_analyst.analyst, incident=incident, data=data, expected_version=1
    )
    assert updated.version == 2
    newest = Version.objects.filter(object_id=incident.pk).first()
    assert newest.number == 2 and newest.fields == ["title"]
    assert newest.snapshot["title"] == "Changed title"
    # The snapshot is ciphertext in the database.
    with connection.cursor() as cur:
        cur.execute("SELECT snapshot FROM registry_version")
        blobs = b"".join(bytes(row[0]) for row in cur.fetchall())
    assert b"Changed title" not in blobs and b"Aynur" not in blobs
    with pytest.raises(services.StaleEdit):
        services.incident_update(user=as_analyst.analyst, incident=updated, data=data, expected_version=1)
    # Acts kept their codes through the edit.
    assert [a["code"] for a in data["acts"]] == list(updated.acts.values_list("code", flat=True))


def test_other_compartment_gets_404_and_is_audited(cast: Any) -> None:
    with using_keyring(cast.keyring("analyst")):
        incident = create(cast)
    with pytest.raises(Http404):
        selectors.incident_for_user(user=cast.analyst2, code=incident.code)
    assert AuditEntry.objects.filter(event="authz.denied", object_code=incident.code).exists()
    assert not selectors.incidents_for_user(user=cast.analyst2).exists()
    assert not selectors.incidents_for_user(user=cast.researcher).exists()
    with using_keyring(cast.keyring("analyst2")), pytest.raises(NotAllowed):
        services.incident_create(
            user=cast.analyst2, compartment=cast.compartments["demo-a"], data=incident_input()
        )


def test_filters_and_phone_lookup(as_analyst: Any) -> None:
    incident = create(as_analyst)
    create(
        as_analyst,
        origin_state="RU",
        host_country="DE",
        title="Smear",
        narrative="",
        acts=[{"tactics": ["SMEAR"]}],
    )
    user = as_analyst.analyst

    def codes(**kw: Any) -> set[str]:
        return set(
            selectors.incidents_for_user(user=user, filters=filters.IncidentFilters(**kw)).values_list(
                "code", flat=True
            )
        )

    assert codes(origin_state="CN") == {incident.code}
    assert codes(tactic="FAMILY_THREAT") == {incident.code}
    assert codes(tactic_family="DIRECT_ATTACK") == {incident.code}
    assert codes(channel="WHATSAPP", demand="PROVIDE_INFO_ON_OTHERS", confidence="PROBABLE") == {
        incident.code
    }
    assert codes(physical=False) != codes(physical=True)
    assert incident.code in codes(date_from=dt.date(2024, 9, 15), date_to=dt.date(2024, 12, 1))
    assert incident.code not in codes(date_from=dt.date(2024, 10, 1))
    # The number written another way finds the same person.
    people = selectors.people_by_identifier(user=user, kind="phone", value="+90 (532) 111-22-33")
    assert [p.name for p in people] == ["Aynur Test"]
    found = selectors.incidents_involving(user=user, people=people)
    assert list(found.values_list("code", flat=True)) == [incident.code]
    assert [i.code for i in selectors.incidents_text_search(user=user, query="urumqi")] == [incident.code]


def test_case_workflow_and_origin_state_enquiry(as_analyst: Any) -> None:
    user, comp = as_analyst.analyst, as_analyst.compartments["demo-a"]
    case = services.case_create(
        user=user, compartment=comp, data={"origin_state": "CN", "host_country": "TR"}
    )
    data = serialise.case_dict(case)
    with pytest.raises(RecordInvalid) as err:
        services.case_update(user=user, case=case, data={**data, "state": "MONITORING"})
    # In words, not codes: the states' labels, and where it can go instead.
    assert (
        "cannot move from New to Monitoring; next can be: Closed, Triaged, Vetting"
        in err.value.by_path()["state"]
    )
    with pytest.raises(RecordInvalid):
        services.case_update(user=user, case=case, data={**data, "state": "CLOSED"})
    case = services.case_update(user=user, case=case, data={**data, "state": "CLOSED", "closure": "RESOLVED"})
    assert case.closed_on is not None
    task = services.task_add(
        user=user,
        case=case,
        data={"task_type": "ORIGIN_STATE_ENQUIRY", "title": "Ask about mother", "due_on": "2026-01-01"},
    )
    with pytest.raises(RecordInvalid) as err:
        services.task_mark_sent(user=user, task=task)
    assert set(err.value.by_path()) == {"consent", "risk_note"}
    consent = services.consent_record(user=user, case=case, data={"purpose": "SUPPORT"})
    task.consent, task.risk_note = consent, "Risk of a coerced video; client agrees."
    task.save()
    assert services.task_mark_sent(user=user, task=task).sent_at is not None
    assert list(selectors.tasks_overdue(user=user)) == [task]


def test_reveal_needs_a_reason_and_is_audited(as_analyst: Any) -> None:
    person = services.person_create(
        user=as_analyst.analyst, compartment=as_analyst.compartments["demo-a"], data={"name": "Secret Name"}
    )
    with pytest.raises(RecordInvalid):
        services.identity_reveal(user=as_analyst.analyst, record=person, field_name="name", reason="")
    shown = services.identity_reveal(
        user=as_analyst.analyst, record=person, field_name="name", reason="Referral letter"
    )
    assert shown == "Secret Name"
    assert AuditEntry.objects.filter(event="identity.revealed", object_code=person.code).exists()


def test_first_version_from_memory_equals_what_the_database_holds(as_analyst: Any) -> None:
    # Incidents are written in bulk and their first version serialised from memory;
    # it must be exactly what reading the rows back gives.
    from longreach.registry.models import Incident as IncidentModel

    incident = create(as_analyst)
    snapshot = Version.objects.get(object_id=incident.pk).snapshot
    assert snapshot == serialise.incident_dict(IncidentModel.objects.get(pk=incident.pk))


def test_a_case_moves_by_its_buttons_and_says_in_words_where_it_cannot(
    as_analyst: Any, client_for: Any
) -> None:
    from longreach.audit.models import AuditEntry

    user, comp = as_analyst.analyst, as_analyst.compartments["demo-a"]
    case = services.case_create(user=user, compartment=comp, data={"origin_state": "CN"})
    services.consent_record(user=user, case=case, data={"purpose": "SUPPORT"})
    services.consent_record(user=user, case=case, data={"purpose": "STATISTICS"})
    for kind in ("DIGITAL_SECURITY", "LEGAL_IMMIGRATION", "PSYCHOSOCIAL"):
        services.referral_save(user=user, case=case, data={"referral_type": kind})
    c = client_for("analyst")
    page = c.get(f"/cases/{case.code}/").content.decode()
    # One line for the consents and one for the planned referrals, not one per box ticked.
    assert page.count('class="t-consents"') == 1 and page.count('class="t-planned_referrals"') == 1
    assert "3 referrals planned" in page and "2 consents given" in page
    # The allowed next states as buttons with words; closing asks for a closure code.
    assert 'name="state" value="VETTING"' in page and 'name="state" value="MONITORING"' not in page
    assert "Close the case" in page
    r = c.post(f"/cases/{case.code}/do/move/", {"state": "VETTING"}, follow=True)
    case.refresh_from_db()
    assert case.state == "VETTING" and "Case state changed." in r.content.decode()
    r = c.post(f"/cases/{case.code}/do/move/", {"state": "MONITORING"}, follow=True)
    case.refresh_from_db()
    assert case.state == "VETTING"
    assert "cannot move from Vetting to Monitoring; next can be: Closed, Triaged" in r.content.decode()
    r = c.post(f"/cases/{case.code}/do/move/", {"state": "CLOSED"}, follow=True)
    assert "a closed case needs a closure code" in r.content.decode()
    c.post(f"/cases/{case.code}/do/move/", {"state": "CLOSED", "closure": "RESOLVED"})
    case.refresh_from_db()
    assert case.state == "CLOSED" and case.closure == "RESOLVED" and case.closed_on is not None
    assert AuditEntry.objects.filter(event="record.updated", object_code=case.code).count() == 2
    for hostile in ("\x00", "x" * 10_000, "<script>"):
        r = c.post(f"/cases/{case.code}/do/move/", {"state": hostile}, follow=True)
        assert r.status_code == 200
    # A volunteer cannot move cases (they cannot even read them).
    assert (
        client_for("volunteer").post(f"/cases/{case.code}/do/move/", {"state": "REOPENED"}).status_code == 404
    )
    case.refresh_from_db()
    assert case.state == "CLOSED"
