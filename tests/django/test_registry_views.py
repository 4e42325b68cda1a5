"""Registry pages: forms that name fields, filters, reveal, history, export; scoping."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from longreach.audit.models import AuditEntry
from longreach.keys.context import using_keyring
from longreach.registry import services
from longreach.registry.models import Incident
from tests.django.registry_data import incident_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(cast: Any) -> Incident:
    with using_keyring(cast.keyring("analyst")):
        return services.incident_create(
            user=cast.analyst, compartment=cast.compartments["demo-a"], data=incident_input()
        )


FORM = {
    "title": "Threat by voice message",
    "date": "2025-02",
    "origin_state": "CN",
    "host_country": "DE",
    "narrative": "A voice message about the client's brother.",
    "acts-0-tactics": ["FAMILY_THREAT", "SILENCE"],
    "acts-0-channels": ["VOICE_MESSAGE"],
    "acts-0-origin_confidence": "PROBABLE",
    "acts-0-targets-0-new_person-name": "Dilnur Test",
    "acts-0-targets-0-new_person-phone": "+49 151 23456789",
    "acts-0-relatives-0-new_person-name": "Brother of Dilnur",
    "acts-0-relatives-0-relationship": "SIBLING",
    "acts-0-relatives-0-outcomes": ["DETAINED"],
    "acts-0-perpetrators-0-new_organisation-name": "A police station",
    "acts-0-perpetrators-0-perpetrator_type": "ORIGIN_POLICE",
    "acts-0-perpetrators-0-confidence": "POSSIBLE",
    "acts-1-tactics": ["PHISHING"],
    "acts-1-host_confidence": "CONFIRMED",
    "save": "1",
}


def test_record_an_incident_through_the_form(cast: Any, client_for: Any) -> None:
    c = client_for("analyst")
    url = f"/compartments/{cast.compartments['demo-a'].code}/incidents/new/"
    assert c.get(url).status_code == 200
    r = c.post(url, FORM)
    assert r.status_code == 302, r.content.decode()[:2000]
    incident = Incident.objects.get()
    assert incident.acts.count() == 2
    page = c.get(r["Location"]).content.decode()
    assert "Threat by voice message" in page and "SIBLING" not in page  # labels, not codes
    assert "Dilnur" not in page  # targets appear as codes


def test_form_errors_name_the_field_and_keep_the_input(cast: Any, client_for: Any) -> None:
    c = client_for("analyst")
    url = f"/compartments/{cast.compartments['demo-a'].code}/incidents/new/"
    bad = {**FORM, "date": "2025-13", "acts-0-targets-0-new_person-phone": "12", "acts-1-tactics": []}
    bad.pop("acts-1-host_confidence")
    r = c.post(url, bad)
    assert r.status_code == 400
    page = r.content.decode()
    assert "not a real date" in page and "not a phone number" in page
    assert 'value="Dilnur Test"' in page  # nothing typed is lost
    assert Incident.objects.count() == 0


def test_add_buttons_grow_the_form_without_saving(cast: Any, client_for: Any) -> None:
    c = client_for("analyst")
    url = f"/compartments/{cast.compartments['demo-a'].code}/incidents/new/"
    r = c.post(url, {**FORM, "add": "act"})
    assert r.status_code == 200 and 'name="acts-2-tactics"' in r.content.decode()
    r = c.post(url, {**FORM, "add": "acts-0-relatives"})
    assert 'name="acts-0-relatives-1-relationship"' in r.content.decode()
    assert Incident.objects.count() == 0


def test_list_filters_and_lookup_find_it(recorded: Incident, client_for: Any) -> None:
    c = client_for("analyst")
    assert recorded.code in c.get("/incidents/?tactic=FAMILY_THREAT&origin_state=CN").content.decode()
    assert recorded.code not in c.get("/incidents/?tactic=SMEAR").content.decode()
    page = c.get("/incidents/?date_from=nonsense").content.decode()
    assert "YYYY-MM-DD" in page
    page = c.get("/search/", {"q": "+90 532 111 2233"}).content.decode()
    assert recorded.code in page


def test_other_compartment_cannot_reach_it(recorded: Incident, client_for: Any) -> None:
    c = client_for("analyst2")
    for url in (f"/incidents/{recorded.code}/", f"/incidents/{recorded.code}/edit/"):
        assert c.get(url).status_code == 404
    assert recorded.code not in c.get("/incidents/").content.decode()
    researcher = client_for("researcher")
    assert researcher.get(f"/incidents/{recorded.code}/").status_code == 404
    assert AuditEntry.objects.filter(event="authz.denied", object_code=recorded.code).exists()


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Form field names for a record: the inverse of ``forms.unflatten``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}-{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            out.update(flatten(value, name))
        elif isinstance(value, list) and value and isinstance(value[0], Mapping):
            for i, item in enumerate(value):
                out.update(flatten(item, f"{name}-{i}"))
        else:
            out[name] = value
    return out


def test_edit_keeps_history_leads_can_compare(recorded: Incident, client_for: Any, cast: Any) -> None:
    c = client_for("analyst")
    page = c.get(f"/incidents/{recorded.code}/edit/").content.decode()
    assert 'name="acts-0-code"' in page
    from longreach.registry import serialise

    with using_keyring(cast.keyring("analyst")):
        data = flatten(serialise.incident_dict(recorded))
    data = {k: v for k, v in data.items() if v not in ("", [], None)}
    data.update(title="Edited title", version="1", save="1")
    r = c.post(f"/incidents/{recorded.code}/edit/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    assert c.get(f"/history/incident/{recorded.code}/").status_code == 404  # analysts do not see history
    lead = client_for("lead")
    page = lead.get(f"/history/incident/{recorded.code}/").content.decode()
    assert "Edited title" in page and "title" in page
    r = c.post(f"/incidents/{recorded.code}/edit/", data)
    assert r.status_code == 400 and "changed by someone else" in r.content.decode()


def test_reveal_asks_for_a_reason(recorded: Incident, client_for: Any) -> None:
    c = client_for("analyst")
    person = recorded.acts.first().targets.first()
    page = c.get(f"/people/{person.code}/").content.decode()
    assert "Aynur" not in page
    r = c.post(f"/people/{person.code}/", {"field": "name", "reason": ""})
    assert r.status_code == 400 and "Aynur" not in r.content.decode()
    r = c.post(f"/people/{person.code}/", {"field": "name", "reason": "Writing the police report"})
    assert "Aynur Test" in r.content.decode()


def test_export_downloads_the_filtered_csv(recorded: Incident, client_for: Any) -> None:
    c = client_for("analyst")
    r = c.get("/incidents/export/?origin_state=CN")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    assert recorded.code in r.content.decode() and r["X-Longreach-Rows"] == "2"


def test_case_pages_and_enquiry_rule(cast: Any, client_for: Any) -> None:
    c = client_for("analyst")
    r = c.post(
        f"/compartments/{cast.compartments['demo-a'].code}/cases/new/",
        {
            "state": "NEW",
            "urgency": "P1",
            "origin_state": "CN",
            "host_country": "TR",
            "client-new_person-name": "Client",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    case_url = r["Location"]
    code = case_url.rstrip("/").rsplit("/", 1)[1]
    c.post(
        f"/cases/{code}/do/task/",
        {"task_type": "ORIGIN_STATE_ENQUIRY", "title": "Ask", "due_on": "2020-01-01"},
    )
    page = c.get(case_url).content.decode()
    assert "overdue" in page
    from longreach.registry.models import Task

    task = Task.objects.get()
    r = c.post(f"/cases/{code}/do/task_sent/", {"task": task.code}, follow=True)
    assert "consent" in r.content.decode() and Task.objects.get().sent_at is None
    assert task.code and c.get("/tasks/").status_code == 200
    assert c.get("/cases/?state=NEW").status_code == 200
    c.post(f"/cases/{code}/do/assign/", {"assigned": [cast.lead.code, cast.analyst2.code]})
    from longreach.registry.models import Case

    # Only members of the compartment can be assigned; analyst2 is not one.
    assert list(Case.objects.get(code=code).assigned.values_list("username", flat=True)) == ["lead"]
    assert code in client_for("lead").get("/cases/?mine=1").content.decode()


def test_the_case_list_opens_on_open_cases_and_shows_closed_ones_on_request(
    cast: Any, client_for: Any, api: Any
) -> None:
    from django.test import Client

    from longreach.keys.context import using_keyring
    from longreach.registry import services

    with using_keyring(cast.keyring("analyst")):
        closed = services.case_create(
            user=cast.analyst,
            compartment=cast.compartments["demo-a"],
            data={"origin_state": "CN", "urgency": "P0", "state": "CLOSED", "closure": "RESOLVED"},
        )
        open_ = services.case_create(
            user=cast.analyst,
            compartment=cast.compartments["demo-a"],
            data={"origin_state": "CN", "urgency": "P0"},
        )
    c = client_for("analyst")
    first = c.get("/cases/").content.decode()
    assert open_.code in first and closed.code not in first
    assert 'name="open" value="1" checked' in first
    everything = c.get("/cases/?shown=1").content.decode()  # "Open only" unticked, then Filter
    assert open_.code in everything and closed.code in everything
    assert closed.code not in c.get("/cases/?shown=1&open=1").content.decode()
    assert closed.code in c.get("/cases/?shown=1&state=CLOSED").content.decode()
    # The API keeps its meaning: no filter, every case.
    listed = Client().get("/api/v1/cases", **api("analyst")).json()
    assert closed.code in {row["code"] for row in listed["results"]}


def test_add_a_source_with_admiralty_grades(recorded: Incident, client_for: Any) -> None:
    c = client_for("analyst")
    act = recorded.acts.first()
    r = c.post(
        f"/incidents/{recorded.code}/", {"source_type": "WITNESS", "reliability": "Z", "act": act.code}
    )
    assert r.status_code == 200 and "must be one of" in r.content.decode()
    r = c.post(
        f"/incidents/{recorded.code}/",
        {
            "source_type": "WITNESS",
            "reliability": "B",
            "credibility": "2",
            "act": act.code,
            "statement": "Saw it.",
        },
    )
    assert r.status_code == 302
    page = c.get(f"/incidents/{recorded.code}/").content.decode()
    assert "B2" in page and "Saw it." in page
    assert client_for("lead").post(
        f"/incidents/{recorded.code}/", {"source_type": "WITNESS"}
    ).status_code in (200, 302)


def test_the_incident_list_shows_each_tactic_once_however_many_acts_share_it(
    cast: Any, client_for: Any
) -> None:
    from longreach.keys.context import using_keyring
    from longreach.registry import services
    from longreach.vocab.selectors import catalogue
    from tests.django.registry_data import incident_input

    data = incident_input()
    data["acts"] = [{"tactics": ["FAMILY_THREAT"]}, {"tactics": ["FAMILY_THREAT", "SILENCE"]}]
    with using_keyring(cast.keyring("analyst")):
        incident = services.incident_create(
            user=cast.analyst, compartment=cast.compartments["demo-a"], data=data
        )
    page = client_for("analyst").get("/incidents/").content.decode()
    row = page[page.index(incident.code) :].split("</tr>", 1)[0]
    label = catalogue().labels["tactic"]["FAMILY_THREAT"]
    assert row.count(f'<span class="tag">{label}</span>') == 1
    assert row.count('<span class="tag">') == 2


def test_the_pickers_are_grouped_checkboxes_that_keep_what_was_ticked(cast: Any, client_for: Any) -> None:
    from longreach.vocab.selectors import catalogue

    c = client_for("analyst")
    url = f"/compartments/{cast.compartments['demo-a'].code}/incidents/new/"
    page = c.get(url).content.decode()
    assert "<select" not in page.split('id="f-acts-0-tactics"')[1].split("</fieldset></div>")[0]
    assert '<input type="checkbox" name="acts-0-tactics" value="FAMILY_THREAT">' in page
    # Tactics come in their families, each with its label as the group's legend.
    tactics = page.split('id="f-acts-0-tactics"')[1].split('id="f-acts-0-demands"')[0]
    families = catalogue().labels["tactic_family"]
    assert tactics.count('class="picker-group"') == 4  # direct attacks, co-opting, mobility, at a distance
    assert f"<legend>{families['DIRECT_ATTACK']}</legend>" in tactics
    assert "0 chosen" in tactics
    # An invalid form comes back with the ticks in place and the count of them.
    bad = {**FORM, "date": "2025-13"}
    page = c.post(url, bad).content.decode()
    chosen = FORM["acts-0-tactics"] if isinstance(FORM["acts-0-tactics"], list) else [FORM["acts-0-tactics"]]
    for code in chosen:
        assert f'name="acts-0-tactics" value="{code}" checked>' in page
    assert f"{len(chosen)} chosen" in page.split('id="f-acts-0-tactics"')[1].split("</legend>")[0]


def test_a_picker_escapes_what_it_shows() -> None:
    from longreach.registry.templatetags.registry import picker

    html = picker('a"><script>', [('X"1', "<b>bold</b>")], ['X"1'], "<i>legend</i>", {'X"1': "<g>"}, {})
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html and "<g>" not in html
    assert "checked" in html and "1 chosen" in html
