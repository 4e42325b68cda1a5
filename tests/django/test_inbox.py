"""The inbox: what waits for each person, only what they may see; content-free e-mail notices."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from longreach.accounts import services as account_services
from longreach.audit.models import AuditEntry
from longreach.insight.models import SurgeAlert
from longreach.intake import services as intake
from longreach.intake.models import Report
from longreach.keys.context import using_keyring
from longreach.messages.models import Alert
from longreach.registry import services as registry
from longreach.site import inbox
from tests.django.test_messages import CHAT_A, CHAT_B, case_in, keep, read

pytestmark = pytest.mark.django_db


def _report() -> Report:
    done = intake.report_submit(
        answers={"origin_state": "CN", "host_country": "TR"},
        nonce=f"n-{timezone.now().timestamp()}",
        uploads=[],
        session_key=f"s-{timezone.now().timestamp()}",
    )
    return done.report


def _page(client: Any) -> str:
    return client.get("/inbox/").content.decode()


def test_a_new_report_and_a_reporter_waiting_reach_those_who_triage_only(
    routed: Any, client_for: Any
) -> None:
    report = _report()
    for who in ("lead", "volunteer"):
        page = _page(client_for(who))
        assert report.code in page and "New reports in your triage queue" in page
    for who in ("researcher", "analyst2", "auditor"):
        assert report.code not in _page(client_for(who))
    # Once someone started reading it, it is no longer new; a message from the reporter brings it back.
    Report.objects.filter(pk=report.pk).update(status=Report.Status.IN_REVIEW)
    assert report.code not in _page(client_for("lead"))
    intake.reporter_message(report=report, text="any news?", uploads=[], session_key="s-x")
    page = _page(client_for("lead"))
    assert "Reporters waiting for an answer" in page and report.code in page
    with using_keyring(routed.keyring("lead")):
        intake.reply_send(user=routed.lead, report=report, text="We read it.")
    assert report.code not in _page(client_for("lead"))


def test_approvals_wait_for_those_who_may_decide_never_the_requester(cast: Any, client_for: Any) -> None:
    with using_keyring(cast.keyring("lead")):
        account_services.membership_request(
            compartment=cast.compartments["demo-a"], user=cast.analyst2, acting_user=cast.lead
        )
    assert "Waiting for your approval" in _page(client_for("admin"))
    assert "Waiting for your approval" not in _page(client_for("lead"))


def test_overdue_tasks_of_ones_own_and_the_count_in_the_bar(cast: Any, client_for: Any) -> None:
    case = case_in(cast, "analyst", "demo-a")
    with using_keyring(cast.keyring("analyst")):
        registry.task_add(
            user=cast.analyst,
            case=case,
            data={
                "task_type": "FOLLOW_UP",
                "due_on": "2020-01-01",
                "title": "Call back",
                "assigned_to": cast.analyst.code,
            },
        )
    analyst = client_for("analyst")
    page = _page(analyst)
    assert "Your overdue tasks" in page and case.code in page and "Call back" not in page
    assert inbox.waiting_count(cast.analyst) == inbox.inbox_for(cast.analyst).total >= 1
    assert '<span class="count"' in analyst.get("/").content.decode()
    assert "Your overdue tasks" not in _page(client_for("lead"))  # given to someone else


def test_alerts_and_surges_are_marked_seen_as_listed(cast: Any, client_for: Any) -> None:
    a, b = case_in(cast, "analyst", "demo-a"), case_in(cast, "analyst2", "demo-b")
    read(cast, "analyst", a, keep(cast, "analyst", a, "a.txt", CHAT_A.encode()))
    read(cast, "analyst2", b, keep(cast, "analyst2", b, "b.txt", CHAT_B.encode()))
    alert = Alert.objects.get(case=b)
    surge = SurgeAlert.objects.create(
        origin_state="CN",
        host_country="TR",
        week=dt.date(2026, 11, 30),
        observed=9,
        expected=1.0,
        chance=0.001,
        created_at=timezone.now(),
    )
    surge.compartments.add(cast.compartments["demo-a"])
    analyst2, lead = client_for("analyst2"), client_for("lead")
    page = _page(analyst2)
    assert alert.code in page and surge.code not in page  # surges go to the leads of the compartments
    page = _page(lead)
    assert surge.code in page and "Surges in your compartments" in page and alert.code not in page
    # Only what was listed is marked: a code the user cannot see, or made up, changes nothing.
    r = analyst2.post(
        "/inbox/seen/", {"alert": [alert.code, "NOPE", "x" * 5000], "surge": [surge.code]}, follow=True
    )
    assert "1 alert marked as seen." in r.content.decode()
    assert alert.code not in _page(analyst2)
    assert not surge.seen_by.exists()
    r = lead.post("/inbox/seen/", {"surge": [surge.code], "alert": [alert.code]}, follow=True)
    assert "1 alert marked as seen." in r.content.decode()
    assert surge.code not in _page(lead)
    assert list(alert.seen_by.all()) == [cast.analyst2]


def test_nothing_waiting_says_so(cast: Any, client_for: Any) -> None:
    assert "Nothing is waiting for you." in _page(client_for("auditor"))


def test_notices_say_nothing_but_that_something_waits_and_come_at_most_once(
    routed: Any, client_for: Any, settings: Any
) -> None:
    settings.NOTIFY_EMAIL_HOURS = 24
    lead = client_for("lead")
    r = lead.post("/account/notices/", {"email": "lead@example.org"}, follow=True)
    assert "Notices will go to this address." in r.content.decode()
    account_services.user_set_notice_address(user=routed.volunteer, email="vol@example.org")
    assert inbox.send_notices() == 0  # nothing waits yet
    report = _report()
    assert inbox.send_notices() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["lead@example.org", "vol@example.org"]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert report.code not in body and "demo" not in body and "CN" not in body
    assert inbox.send_notices() == 0  # not again within the day
    assert AuditEntry.objects.filter(event="notice.sent").count() == 2
    routed.lead.refresh_from_db()
    routed.lead.notified_at -= dt.timedelta(hours=25)
    routed.lead.save()
    assert inbox.send_notices() == 1
    settings.NOTIFY_EMAIL_HOURS = 0
    assert inbox.send_notices() == 0


@pytest.mark.parametrize("address", ["not an address", "a@b@c", "<script>@x.org", "x" * 250 + "@e.org"])
def test_a_bad_notice_address_is_refused(cast: Any, client_for: Any, address: str) -> None:
    r = client_for("lead").post("/account/notices/", {"email": address})
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    cast.lead.refresh_from_db()
    assert cast.lead.email == ""
