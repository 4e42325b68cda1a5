"""Every route, pages and API, declared once: who gets it for a record in their compartment, and in another.

Each entry names the users of the cast who may use the route on a record of
demo-a (where lead, analyst and volunteer work) and on one of demo-b (where
only analyst2 works). Everyone else must get the same 404 as a missing page;
anonymous visitors are sent to log in (staff routes) or served (the reporting
line). API routes are declared the same way in ``API``: a token acts as its
user, no token gets 401. A route added without an entry fails
``test_every_route_has_an_entry`` or ``test_every_api_route_has_an_entry``.
The suite runs on SQLite and PostgreSQL.

POSTs are sent empty: a user who may act gets a form error or a redirect with
a message, never the 404 that a user who may not act gets.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from longreach.insight.models import Publication, SavedQuery
from longreach.intake import services as intake_services
from longreach.intake.models import Report, ReportFile
from longreach.messages.models import Alert, Campaign, ChatImport, Message
from longreach.registry.models import Person
from longreach.screening.models import LeadQuestion
from longreach.vocab.models import Term
from tests.django.test_intake_flow import ANSWERS, walk
from tests.django.test_messages import CHAT_A, CHAT_B, OFFICER, case_in, keep, read

pytestmark = pytest.mark.django_db

USERS = ("admin", "lead", "analyst", "analyst2", "volunteer", "researcher", "auditor")
A_READERS = frozenset({"lead", "analyst"})  # case.read / evidence.read in demo-a
A_TRIAGE = frozenset({"lead", "analyst", "volunteer"})
B_READERS = frozenset({"analyst2"})
READERS = A_READERS | B_READERS
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Route:
    """``own``/``other``: who succeeds on the demo-a / demo-b record (None: the route takes no record)."""

    path: Callable[[dict[str, Any], str], str]  # (world, "a" | "b") -> the address
    own: frozenset[str]
    other: frozenset[str] | None = None
    method: str = "GET"
    anonymous: int | str = "login"  # a status, or "login" for a redirect to the login page
    data: Callable[[dict[str, Any], str], dict[str, Any]] = lambda w, side: {}


def at(template: str) -> Callable[[dict[str, Any], str], str]:
    return lambda w, side: template.format(**{k: v[side] if isinstance(v, dict) else v for k, v in w.items()})


def public(status: int, method: str = "GET") -> Route:
    """The reporting line and the login pages: the same answer for everyone, logged in or not."""
    return Route(lambda w, side: "", frozenset(USERS), method=method, anonymous=status)


PAGES: dict[str, Route] = {
    "home": Route(at("/"), frozenset(USERS)),
    "login": public(200),
    "login_code": public(302),
    "logout": public(302, "POST"),
    "account": Route(at("/account/"), frozenset(USERS)),
    "notice_address": Route(at("/account/notices/"), frozenset(USERS), None, "POST"),
    "inbox": Route(at("/inbox/"), frozenset(USERS)),
    "inbox_seen": Route(at("/inbox/seen/"), frozenset(USERS), None, "POST"),
    "token_create": Route(at("/account/tokens/"), frozenset(USERS) - {"volunteer"}, method="POST"),
    "token_revoke": Route(at("/account/tokens/{token}/revoke/"), frozenset({"analyst"}), None, "POST"),
    "users": Route(at("/users/"), frozenset({"admin"})),
    "user": Route(at("/users/{member}/"), frozenset({"admin"})),
    "user_action": Route(at("/users/{member}/do/deactivate/"), frozenset({"admin"}), None, "POST"),
    "user_token_revoke": Route(
        at("/users/{token_holder}/tokens/{token}/revoke/"), frozenset({"admin"}), None, "POST"
    ),
    "compartment_new": Route(at("/compartments/new/"), frozenset({"admin"})),
    "compartments": Route(at("/compartments/"), frozenset({"admin", *A_TRIAGE, "analyst2"})),
    "compartment": Route(at("/compartments/{comp}/"), A_TRIAGE | {"admin"}, frozenset({"admin", "analyst2"})),
    "member_revoke": Route(
        at("/compartments/{comp}/members/{member}/revoke/"),
        frozenset({"admin", "lead"}),
        frozenset({"admin"}),
        "POST",
    ),
    "incident_new": Route(at("/compartments/{comp}/incidents/new/"), A_READERS, B_READERS),
    "case_new": Route(at("/compartments/{comp}/cases/new/"), A_READERS, B_READERS),
    "incident_action": Route(at("/incidents/{incident}/do/comment/"), A_READERS, B_READERS, "POST"),
    "case_comment": Route(at("/cases/{case}/comments/"), A_READERS, B_READERS, "POST"),
    "incidents": Route(at("/incidents/"), READERS),
    "incident_export": Route(at("/incidents/export/"), READERS),
    "incident_detail": Route(at("/incidents/{incident}/"), A_READERS, B_READERS),
    "incident_edit": Route(at("/incidents/{incident}/edit/"), A_READERS, B_READERS),
    "cases": Route(at("/cases/"), READERS),
    "case_detail": Route(at("/cases/{case}/"), A_READERS, B_READERS),
    "case_edit": Route(at("/cases/{case}/edit/"), A_READERS, B_READERS),
    "case_action": Route(at("/cases/{case}/do/referral/"), A_READERS, B_READERS, "POST"),
    "tasks": Route(at("/tasks/"), READERS),
    "person_detail": Route(at("/people/{person}/"), A_READERS, B_READERS),
    "person_same": Route(at("/people/{person}/same/"), A_READERS, B_READERS, "POST"),
    "search": Route(at("/search/?q=family"), READERS),
    "history": Route(at("/history/incident/{incident}/"), frozenset({"lead"}), NOBODY),
    "report_start": public(200),
    "report_language": public(302, "POST"),
    "report_form": public(200),
    "report_receipt_confirm": public(404, "POST"),  # no receipt waiting in this visit
    "report_status": public(200),
    "report_status_view": public(302),
    "report_status_message": public(302, "POST"),
    "report_leave": public(302, "POST"),
    "report_where": public(200),
    "triage": Route(at("/triage/"), A_TRIAGE | B_READERS),
    "triage_file": Route(at("/triage/files/{report_file}/"), A_TRIAGE, B_READERS),
    "triage_detail": Route(at("/triage/{report}/"), A_TRIAGE, B_READERS),
    "triage_action": Route(at("/triage/{report}/urgency/"), A_TRIAGE, B_READERS, "POST"),
    "evidence_exports": Route(at("/evidence/packages/"), READERS),
    "evidence_export_download": Route(
        at("/evidence/packages/{package}/download/"), frozenset({"analyst"}), B_READERS, "POST"
    ),
    "evidence_upload": Route(at("/evidence/add/incident/{incident}/"), A_READERS, B_READERS, "POST"),
    "evidence_export_request": Route(
        at("/evidence/package/incident/{incident}/"), A_READERS, B_READERS, "POST"
    ),
    "evidence_item": Route(at("/evidence/{item}/"), A_READERS, B_READERS),
    "evidence_download": Route(at("/evidence/{item}/download/"), A_READERS, B_READERS),
    "evidence_copy": Route(at("/evidence/{item}/copy/text/"), A_READERS, B_READERS),
    "evidence_action": Route(at("/evidence/{item}/do/copy/"), A_READERS, B_READERS, "POST"),
    "case_messages": Route(at("/cases/{case}/messages/"), A_READERS, B_READERS),
    "chat_import_new": Route(
        at("/cases/{case}/messages/read/"),
        A_READERS,
        B_READERS,
        "POST",
        data=lambda w, side: {"item": w["item"][side]},
    ),
    "message_detail": Route(at("/messages/{message}/"), A_READERS, B_READERS),
    "campaigns": Route(at("/campaigns/"), READERS),
    "insight": Route(at("/insight/"), READERS | {"admin", "researcher"}),
    "insight_chart": Route(at("/insight/hosts.csv"), READERS | {"admin", "researcher"}),
    "insight_dataset": Route(at("/insight/dataset/"), READERS | {"admin", "researcher"}),
    "insight_dataset_download": Route(
        at("/insight/dataset/download.parquet"), READERS | {"admin", "researcher"}
    ),
    "insight_statistics": Route(at("/insight/statistics/?group_by=year"), READERS | {"admin", "researcher"}),
    "insight_statistics_download": Route(
        at("/insight/statistics/download.csv?group_by=origin_state"), READERS | {"admin", "researcher"}
    ),
    "insight_publish": Route(at("/insight/publish/"), frozenset({"admin", "lead"})),
    "insight_publish_withdraw": Route(
        at("/insight/publish/{publication}/withdraw/"), frozenset({"admin", "lead"}), method="POST"
    ),
    # Off unless an organisation turns it on (tests/django/test_publication.py covers it on).
    "public_statistics": Route(at("/public/statistics/"), NOBODY, anonymous=404),
    "insight_dyads": Route(at("/insight/dyads/"), READERS | {"admin", "researcher"}),
    "insight_codebook": Route(at("/insight/codebook/"), READERS | {"admin", "researcher"}),
    "insight_query_save": Route(at("/insight/queries/"), READERS | {"admin", "researcher"}, method="POST"),
    "insight_query_delete": Route(
        at("/insight/queries/{saved_query}/delete/"), frozenset({"analyst"}), method="POST"
    ),
    # One campaign reaches both compartments: each reader sees their part of it.
    "chat_import": Route(at("/imports/{chat_import}/"), A_READERS, B_READERS),
    "campaign_name": Route(at("/campaigns/{campaign}/name/"), READERS, None, "POST"),
    "campaign_detail": Route(at("/campaigns/{campaign}/"), READERS),
    "alert_seen": Route(at("/alerts/{alert}/seen/"), A_READERS, B_READERS, "POST"),
    "message_tag_judge": Route(at("/messages/{message}/tags/"), A_READERS, B_READERS, "POST"),
    "legal_matter_new": Route(at("/cases/{case}/legal/new/"), A_READERS, B_READERS),
    "legal_calendar": Route(at("/legal/calendar.ics"), READERS),
    "legal_matter": Route(at("/legal/{matter}/"), A_READERS, B_READERS),
    "legal_matter_edit": Route(at("/legal/{matter}/edit/"), A_READERS, B_READERS),
    "legal_matter_review": Route(at("/legal/{matter}/review/"), A_READERS, B_READERS),
    "legal_documents": Route(at("/legal/{matter}/documents/"), A_READERS, B_READERS),
    "legal_referral": Route(at("/legal/{matter}/referral/"), A_READERS, B_READERS),
    "legal_proceeding_add": Route(at("/legal/{matter}/proceedings/"), A_READERS, B_READERS, "POST"),
    "legal_event_add": Route(at("/legal/proceedings/{proceeding}/events/"), A_READERS, B_READERS, "POST"),
    "legal_typed_deadline_add": Route(
        at("/legal/proceedings/{proceeding}/deadlines/"), A_READERS, B_READERS, "POST"
    ),
    "screenings": Route(at("/screening/"), READERS),
    "screening_new": Route(at("/screening/new/"), READERS, method="POST"),
    "screening_detail": Route(at("/screening/{screening}/"), A_READERS, B_READERS),
    "screening_review": Route(at("/screening/{screening}/review/"), A_READERS, B_READERS, "POST"),
    "screening_ask": Route(at("/screening/{screening}/ask/"), A_READERS, B_READERS, "POST"),
    "screening_export": Route(at("/screening/{screening}/export.csv"), A_READERS, B_READERS),
    "screening_question_answer": Route(
        at("/screening/questions/{question}/answer/"), frozenset({"lead"}), None, "POST"
    ),
    "watchlist_new": Route(at("/screening/lists/new/"), READERS),
    "watchlist_import": Route(at("/screening/lists/import/"), READERS, method="POST"),
    "watchlist_detail": Route(at("/screening/lists/{watchlist}/"), A_READERS, B_READERS),
    "watchlist_refresh": Route(at("/screening/lists/{watchlist}/refresh/"), A_READERS, B_READERS, "POST"),
    "watchlist_retire": Route(at("/screening/lists/{watchlist}/retire/"), A_READERS, B_READERS, "POST"),
    "approvals": Route(at("/approvals/"), frozenset({"admin", "lead"})),
    "approval_decide": Route(at("/approvals/{pending}/reject/"), frozenset({"admin", "lead"}), None, "POST"),
    "audit": Route(at("/audit/"), frozenset({"admin", "auditor"})),
}
PUBLIC_PATHS = {
    "login": "/login/",
    "login_code": "/login/code/",
    "logout": "/logout/",
    "report_start": "/report/",
    "report_language": "/report/language/",
    "report_form": "/report/form/",
    "report_receipt_confirm": "/report/receipt/",
    "report_status": "/report/status/",
    "report_status_view": "/report/status/view/",
    "report_status_message": "/report/status/message/",
    "report_leave": "/report/leave/",
    "report_where": "/report/where/",
    "public_statistics": "/public/statistics/",
}
# Mounted applications with their own checks: the API (tests/django/test_registry_api.py and the
# API section below) and Django's language switch, which reads nothing of anyone's.
MOUNTS = {"api/v1/", "i18n/"}


def _named_routes(patterns: list[Any], prefix: str = "") -> tuple[set[str], set[str]]:
    names, mounts = set(), set()
    for p in patterns:
        if isinstance(p, URLResolver):
            mounts.add(prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            names.add(p.name)
    return names, mounts


def test_every_route_has_an_entry() -> None:
    names, mounts = _named_routes(get_resolver().url_patterns)
    assert names - set(PAGES) == set(), "declare who may use each new route in PAGES"
    assert set(PAGES) - names == set(), "PAGES names a route that no longer exists"
    assert mounts == MOUNTS
    assert set(PUBLIC_PATHS) == {n for n, r in PAGES.items() if r.anonymous != "login"}


@pytest.fixture
def world(cast: Any, client_for: Any, routed: Any) -> dict[str, Any]:
    """One record of each kind in demo-a ("a") and in demo-b ("b")."""
    from longreach.accounts import services as account_services
    from longreach.keys.context import using_keyring
    from longreach.legal import services as legal
    from longreach.registry import services as registry
    from longreach.screening import services as screening
    from longreach.vault import services as vault
    from tests.django.registry_data import incident_input

    a, b = cast.compartments["demo-a"], cast.compartments["demo-b"]
    walk(Client(), ANSWERS, [("a.txt", b"report file a")])
    intake_services.route_set(compartment=b, acting_user="test")
    walk(Client(), ANSWERS, [("b.txt", b"report file b")])
    incidents = {}
    for side, who, comp in (("a", "analyst", a), ("b", "analyst2", b)):
        with using_keyring(cast.keyring(who)):
            incidents[side] = registry.incident_create(
                user=cast.users[who], compartment=comp, data=incident_input()
            )
    cases = {"a": case_in(cast, "analyst", "demo-a"), "b": case_in(cast, "analyst2", "demo-b")}
    items = {
        "a": keep(cast, "analyst", cases["a"], "a.txt", CHAT_A.encode()),
        # The officer's number in both compartments: one campaign and alerts by sender, whatever
        # the linkage key (a tie by similar text depends on the key's hash functions).
        "b": keep(cast, "analyst2", cases["b"], "b.txt", CHAT_B.replace("Officer", OFFICER).encode()),
    }
    read(cast, "analyst", cases["a"], items["a"])
    read(cast, "analyst2", cases["b"], items["b"])  # the same sender: a campaign, and an alert in b
    later = case_in(cast, "analyst", "demo-a")
    text = f"01/09/2019, 08:00 - {OFFICER}: Hello again.\n".encode()
    read(cast, "analyst", later, keep(cast, "analyst", later, "later.txt", text))
    comps = {"a": a, "b": b}
    packages = {}
    for side, who in (("a", "analyst"), ("b", "analyst2")):
        with using_keyring(cast.keyring(who)):
            packages[side] = vault.export_request(
                user=cast.users[who], compartment=comps[side], items=[items[side]]
            ).code
    with using_keyring(cast.keyring("lead")):
        pending = account_services.membership_request(
            compartment=a, user=cast.analyst2, acting_user=cast.lead
        )
    token = account_services.token_create(user=cast.analyst, private_key=cast.privates["analyst"], name="m")
    source_type = Term.objects.filter(vocabulary__code="source_type").order_by("code").first().code
    for side, who in (("a", "analyst"), ("b", "analyst2")):
        with using_keyring(cast.keyring(who)):
            registry.source_create(
                user=cast.users[who], compartment=comps[side], data={"source_type": source_type}
            )
    lists, screenings = {}, {}
    for side, who in (("a", "analyst"), ("b", "analyst2")):
        with using_keyring(cast.keyring(who)):
            lists[side] = screening.watchlist_import(
                user=cast.users[who],
                compartment=comps[side],
                fh=io.BytesIO(b"name\nChen Quanguo\n"),
                filename="list.csv",
                kind="csv",
                title="list",
            ).watchlist
            screenings[side] = screening.screening_run(
                user=cast.users[who],
                compartment=comps[side],
                batch=[screening.Query("1", ["Chen Quanguo"])],
                watchlists=[lists[side]],
            )
    matters, proceedings = {}, {}
    for side, who in (("a", "analyst"), ("b", "analyst2")):
        with using_keyring(cast.keyring(who)):
            matters[side] = legal.matter_create(
                user=cast.users[who], case=cases[side], data={"kind": "RED_NOTICE", "requesting_state": "CN"}
            )
            proceedings[side] = legal.proceeding_add(
                user=cast.users[who],
                matter=matters[side],
                data={"kind": "CCF_DELETION", "rules": "ccf-deletion"},
            )
    question = LeadQuestion.objects.create(
        screening=screenings["b"],
        row=1,
        compartment=a,
        person=Person.objects.filter(compartment=a).first(),
        asked_by=cast.analyst2,
        asked_at=timezone.now(),
    )
    return {
        "matter": {s: m.code for s, m in matters.items()},
        "proceeding": {s: p.code for s, p in proceedings.items()},
        "watchlist": {s: w.code for s, w in lists.items() if w is not None},
        "screening": {s: x.code for s, x in screenings.items()},
        "question": question.code,
        "comp": {s: c.code for s, c in comps.items()},
        "member": {"a": cast.volunteer.code, "b": cast.analyst2.code},
        "incident": {s: i.code for s, i in incidents.items()},
        "case": {s: c.code for s, c in cases.items()},
        "person": {s: Person.objects.filter(compartment=c).first().code for s, c in comps.items()},
        "report": {s: Report.objects.get(compartment=c).code for s, c in comps.items()},
        "report_file": {s: ReportFile.objects.get(report__compartment=c).code for s, c in comps.items()},
        "item": {s: i.code for s, i in items.items()},
        "package": packages,
        "message": {s: Message.objects.filter(compartment=c).first().code for s, c in comps.items()},
        "chat_import": {s: ChatImport.objects.filter(compartment=c).first().code for s, c in comps.items()},
        "campaign": Campaign.objects.get(compartments=2).code,
        "alert": {s: Alert.objects.filter(compartment=c).first().code for s, c in comps.items()},
        "pending": pending.code,
        "token": token.split("_")[1],
        "token_holder": cast.analyst.code,
        "source_type": source_type,
        "publication": Publication.objects.create(
            title="t",
            note="n",
            group_by=["year"],
            method="suppression",
            threshold=5,
            rows=[],
            published_by=cast.admin,
            published_at=timezone.now(),
        ).code,
        "saved_query": SavedQuery.objects.create(
            user=cast.analyst, page="dataset", name="kept", created_at=timezone.now()
        ).code,
    }


def _check(
    client: Client, route: Route, url: str, data: dict[str, Any], allowed: bool, anonymous: bool
) -> str | None:
    response = client.post(url, data) if route.method == "POST" else client.get(url)
    status, location = response.status_code, response.get("Location", "")
    if status >= 500:
        return f"{status} (server error)"
    if anonymous:
        if route.anonymous == "login":
            return None if status == 302 and location.startswith("/login/") else f"{status} {location}"
        return None if status == route.anonymous else f"{status}, expected {route.anonymous}"
    if allowed:
        return None if status != 404 and not location.startswith("/login/") else f"{status} {location}"
    return None if status == 404 else f"{status}, expected 404"


@pytest.mark.parametrize("who", [*USERS, "anonymous"])
def test_the_matrix(world: dict[str, Any], client_for: Any, who: str) -> None:
    wrong = []
    # Logging out ends the session the other checks need, so it goes last.
    for name, route in sorted(PAGES.items(), key=lambda item: item[0] == "logout"):
        client = Client() if who == "anonymous" else client_for(who)
        if name in PUBLIC_PATHS:
            sides = [("a", PUBLIC_PATHS[name], True)]
        else:
            sides = [("a", route.path(world, "a"), who in route.own)]
            if route.other is not None:
                sides.append(("b", route.path(world, "b"), who in route.other))
        for side, url, allowed in sides:
            if name in PUBLIC_PATHS and who != "anonymous":
                continue  # the public pages answer a logged-in person as they answer anyone
            problem = _check(client, route, url, route.data(world, side), allowed, who == "anonymous")
            if problem:
                wrong.append(f"{name} [{side}] {route.method} {url}: {problem}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)


# List pages: the number of queries does not grow with the rows shown (an N+1 shows in review).
def _add_incident(cast: Any, world: dict[str, Any]) -> None:
    from longreach.keys.context import using_keyring
    from longreach.registry import services as registry
    from tests.django.registry_data import incident_input

    with using_keyring(cast.keyring("analyst")):
        registry.incident_create(
            user=cast.analyst, compartment=cast.compartments["demo-a"], data=incident_input()
        )


def _add_case(cast: Any, world: dict[str, Any]) -> None:
    case = case_in(cast, "analyst", "demo-a")
    from longreach.keys.context import using_keyring
    from longreach.registry import services as registry

    with using_keyring(cast.keyring("analyst")):
        registry.task_add(
            user=cast.analyst,
            case=case,
            data={"task_type": "FOLLOW_UP", "due_on": "2030-01-01", "title": "Call back"},
        )


def _add_report(cast: Any, world: dict[str, Any]) -> None:
    intake_services.route_set(compartment=cast.compartments["demo-a"], acting_user="test")
    walk(Client(), ANSWERS)


def _add_package(cast: Any, world: dict[str, Any]) -> None:
    from longreach.keys.context import using_keyring
    from longreach.vault import services as vault
    from longreach.vault.models import EvidenceItem

    with using_keyring(cast.keyring("lead")):
        vault.export_request(
            user=cast.lead,
            compartment=cast.compartments["demo-a"],
            items=[EvidenceItem.objects.get(code=world["item"]["a"])],
        )


LISTS: dict[str, Callable[[Any, dict[str, Any]], None]] = {
    "incidents": _add_incident,
    "cases": _add_case,
    "tasks": _add_case,
    "triage": _add_report,
    "evidence_exports": _add_package,
}


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_pages_do_not_query_per_row(
    world: dict[str, Any], cast: Any, client_for: Any, name: str
) -> None:
    client = client_for("lead")
    url = PAGES[name].path(world, "a")
    _queries(client, url)  # the first request warms caches (vocabularies, country names)
    before = _queries(client, url)
    for _ in range(4):
        LISTS[name](cast, world)
    after = _queries(client, url)
    assert after <= before + 1, f"{name}: {before} queries, {after} after adding four rows"


# The API: every route declared once, the same way. A token acts as its user; without one, 401.
TOKEN_HOLDERS = tuple(u for u in USERS if u != "volunteer")  # volunteers hold no API tokens


def _incident_body(w: dict[str, Any], side: str) -> dict[str, Any]:
    from tests.django.registry_data import incident_input

    return incident_input()


API: dict[str, Route] = {
    "GET /me": Route(at("/me"), frozenset(TOKEN_HOLDERS)),
    "GET /compartments": Route(at("/compartments"), frozenset(TOKEN_HOLDERS)),
    "GET /compartments/{code}": Route(at("/compartments/{comp}"), A_READERS, B_READERS),
    "GET /incidents": Route(at("/incidents"), frozenset(TOKEN_HOLDERS)),
    "POST /compartments/{code}/incidents": Route(
        at("/compartments/{comp}/incidents"), A_READERS, B_READERS, "POST", data=_incident_body
    ),
    "GET /incidents/{code}": Route(at("/incidents/{incident}"), A_READERS, B_READERS),
    "PUT /incidents/{code}": Route(
        at("/incidents/{incident}"),
        A_READERS,
        B_READERS,
        "PUT",
        data=lambda w, s: {**_incident_body(w, s), "version": 1},
    ),
    "GET /cases": Route(at("/cases"), frozenset(TOKEN_HOLDERS)),
    "POST /compartments/{code}/cases": Route(
        at("/compartments/{comp}/cases"),
        A_READERS,
        B_READERS,
        "POST",
        data=lambda w, s: {"origin_state": "CN"},
    ),
    "GET /cases/{code}": Route(at("/cases/{case}"), A_READERS, B_READERS),
    "PUT /cases/{code}": Route(
        at("/cases/{case}"),
        A_READERS,
        B_READERS,
        "PUT",
        data=lambda w, s: {"origin_state": "CN", "version": 1},
    ),
    "POST /compartments/{code}/people": Route(
        at("/compartments/{comp}/people"), A_READERS, B_READERS, "POST", data=lambda w, s: {"name": "A Name"}
    ),
    "GET /people/{code}": Route(at("/people/{person}"), A_READERS, B_READERS),
    "PUT /people/{code}": Route(
        at("/people/{person}"),
        A_READERS,
        B_READERS,
        "PUT",
        data=lambda w, s: {"name": "A Name", "version": 1},
    ),
    "POST /people/{code}/reveal": Route(
        at("/people/{person}/reveal"),
        A_READERS,
        B_READERS,
        "POST",
        data=lambda w, s: {"field": "name", "reason": "checking the access matrix"},
    ),
    "GET /lookup": Route(at("/lookup?kind=phone&value=%2B905321112233"), frozenset(TOKEN_HOLDERS)),
    "POST /screenings": Route(
        at("/screenings"), READERS, method="POST", data=lambda w, s: {"names": [{"name": "Chen Quanguo"}]}
    ),
    "GET /screenings/{code}": Route(at("/screenings/{screening}"), A_READERS, B_READERS),
    "GET /legal-matters": Route(at("/legal-matters"), frozenset(TOKEN_HOLDERS)),
    "GET /statistics": Route(
        at("/statistics?group_by=origin_state"),
        frozenset({"admin", "lead", "analyst", "analyst2", "researcher"}),
    ),
    "GET /legal-matters/{code}": Route(at("/legal-matters/{matter}"), A_READERS, B_READERS),
    "GET /legal-matters/{code}/{document}.pdf": Route(
        at("/legal-matters/{matter}/memo.pdf"), A_READERS, B_READERS
    ),
    "POST /cases/{code}/legal-matters": Route(
        at("/cases/{case}/legal-matters"),
        A_READERS,
        B_READERS,
        "POST",
        data=lambda w, s: {"kind": "DIFFUSION", "requesting_state": "CN"},
    ),
    "PUT /legal-matters/{code}": Route(
        at("/legal-matters/{matter}"),
        A_READERS,
        B_READERS,
        "PUT",
        data=lambda w, s: {"kind": "RED_NOTICE", "requesting_state": "CN", "status": "CHALLENGED"},
    ),
    "POST /legal-matters/{code}/proceedings": Route(
        at("/legal-matters/{matter}/proceedings"),
        A_READERS,
        B_READERS,
        "POST",
        data=lambda w, s: {"kind": "ECHR"},
    ),
    "POST /legal-proceedings/{code}/events": Route(
        at("/legal-proceedings/{proceeding}/events"),
        A_READERS,
        B_READERS,
        "POST",
        data=lambda w, s: {"what": "SUBMITTED", "on": "2026-01-02"},
    ),
    "POST /screenings/{code}/reviews": Route(
        at("/screenings/{screening}/reviews"),
        A_READERS,
        B_READERS,
        "POST",
        data=lambda w, s: {"row": 1, "hit": "nothing", "decision": "match"},
    ),
    "POST /compartments/{code}/sources": Route(
        at("/compartments/{comp}/sources"),
        A_READERS,
        B_READERS,
        "POST",
        data=lambda w, s: {"source_type": w["source_type"]},
    ),
    "GET /sources/{code}": Route(at("/sources/{source}"), A_READERS, B_READERS),
    "PUT /sources/{code}": Route(
        at("/sources/{source}"),
        A_READERS,
        B_READERS,
        "PUT",
        data=lambda w, s: {"source_type": w["source_type"], "version": 1},
    ),
    "POST /compartments/{code}/organisations": Route(
        at("/compartments/{comp}/organisations"),
        A_READERS,
        B_READERS,
        "POST",
        data=lambda w, s: {"name": "A Bureau"},
    ),
    "GET /organisations/{code}": Route(at("/organisations/{organisation}"), A_READERS, B_READERS),
}


def test_every_api_route_has_an_entry() -> None:
    from longreach.site.api import api

    routes = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for op in view.operations:
                for method in op.methods:
                    routes.add(f"{method} {(prefix.rstrip('/') + '/' + path.lstrip('/')).replace('//', '/')}")
    assert routes - set(API) == set(), "declare who may use each new API route in API"
    assert set(API) - routes == set(), "API names a route that no longer exists"


@pytest.mark.parametrize("who", [*TOKEN_HOLDERS, "anonymous"])
def test_the_api_matrix(world: dict[str, Any], cast: Any, who: str) -> None:
    import json

    from longreach.accounts import services as account_services
    from longreach.registry.models import Organisation, Source

    headers = {}
    if who != "anonymous":
        token = account_services.token_create(
            user=cast.users[who], private_key=cast.privates[who], name="matrix"
        )
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    world = {
        **world,
        "source": {s: Source.objects.get(compartment=cast.compartments[f"demo-{s}"]).code for s in "ab"},
        "organisation": {
            s: Organisation.objects.filter(compartment=cast.compartments[f"demo-{s}"]).first().code
            for s in "ab"
        },
    }
    client = Client()
    wrong = []
    for name, route in API.items():
        sides = [("a", who in route.own)]
        if route.other is not None:
            sides.append(("b", who in route.other))
        for side, allowed in sides:
            url = "/api/v1" + route.path(world, side)
            body = json.dumps(route.data(world, side))
            if route.method == "GET":
                r = client.get(url, **headers)
            else:
                r = getattr(client, route.method.lower())(
                    url, body, content_type="application/json", **headers
                )
            if r.status_code >= 500:
                problem = f"{r.status_code} (server error)"
            elif who == "anonymous":
                problem = None if r.status_code == 401 else f"{r.status_code}, expected 401"
            elif allowed:
                problem = None if r.status_code not in (401, 404) else f"{r.status_code}"
            else:
                problem = None if r.status_code == 404 else f"{r.status_code}, expected 404"
            if problem:
                wrong.append(f"{name} [{side}] {url}: {problem}")
    assert not wrong, f"{who}:\n" + "\n".join(wrong)
