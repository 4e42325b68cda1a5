"""Working together: sealed comments with mentions that reach the inbox, giving incidents and tasks
to colleagues, and the case's activity feed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from longreach.audit.models import AuditEntry
from longreach.keys.context import using_keyring
from longreach.registry import services as registry
from longreach.registry.models import Comment, Incident, Task
from longreach.registry.services.collaboration import mentioned_names
from tests.django.test_messages import case_in

pytestmark = pytest.mark.django_db


def test_mentions_are_read_from_the_text() -> None:
    assert mentioned_names("@lead please call. cc @analyst2.") == ["lead", "analyst2"]
    assert mentioned_names("mail aziz@example.org, not a mention; @lead @lead") == ["lead"]
    assert mentioned_names("no one here @ all") == []


def test_a_comment_is_sealed_and_its_mention_reaches_the_inbox_once(cast: Any, client_for: Any) -> None:
    case = case_in(cast, "analyst", "demo-a")
    analyst = client_for("analyst")
    r = analyst.post(f"/cases/{case.code}/comments/", {"body": "@lead the uncle was summoned again"})
    assert r.status_code == 302 and r["Location"].endswith("#comments")
    comment = Comment.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM registry_comment")
        assert b"uncle" not in bytes(cursor.fetchone()[0])
    assert list(comment.mentions.all()) == [cast.lead]
    lead = client_for("lead")
    inbox = lead.get("/inbox/").content.decode()
    assert "Colleagues mentioned you" in inbox and case.code in inbox and "uncle" not in inbox
    page = lead.get(f"/cases/{case.code}/").content.decode()
    assert "the uncle was summoned again" in page
    assert "Colleagues mentioned you" not in lead.get("/inbox/").content.decode()  # seen by opening
    # The feed shows who did what to which record (codes only), newest first.
    assert "Record created" in page and comment.code in page
    entry = AuditEntry.objects.get(event="record.created", object_type="comment")
    assert entry.detail == {"on": case.code, "mentions": 1}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("", "write something"),
        ("   ", "write something"),
        ("x" * 5001, "at most 5000 characters"),
        ("@volunteer can you look", "nobody who may read this compartment is called @volunteer"),
        ("@analyst2 @nobody", "@analyst2, @nobody"),
    ],
)
def test_a_refused_comment_keeps_what_was_typed(cast: Any, client_for: Any, body: str, problem: str) -> None:
    case = case_in(cast, "analyst", "demo-a")
    r = client_for("analyst").post(f"/cases/{case.code}/comments/", {"body": body})
    assert r.status_code == 400 and problem in r.content.decode()
    if body.strip() and len(body) < 100:
        assert body in r.content.decode()
    assert not Comment.objects.exists()


def test_comments_on_incidents_and_giving_the_incident(cast: Any, incident: Any, client_for: Any) -> None:
    analyst = client_for("analyst")
    r = analyst.post(f"/incidents/{incident.code}/do/comment/", {"body": "Checked the dates. @lead"})
    assert r.status_code == 302
    assert "Checked the dates." in analyst.get(f"/incidents/{incident.code}/").content.decode()
    r = analyst.post(f"/incidents/{incident.code}/do/assign/", {"assigned_to": cast.lead.code}, follow=True)
    assert "Incident given." in r.content.decode()
    assert Incident.objects.get(pk=incident.pk).assigned_to == cast.lead
    r = analyst.post(
        f"/incidents/{incident.code}/do/assign/", {"assigned_to": cast.analyst2.code}, follow=True
    )
    assert "is not a member of this compartment" in r.content.decode()
    assert Incident.objects.get(pk=incident.pk).assigned_to == cast.lead
    analyst.post(f"/incidents/{incident.code}/do/assign/", {"assigned_to": ""})
    assert Incident.objects.get(pk=incident.pk).assigned_to is None
    assert analyst.post(f"/incidents/{incident.code}/do/promote/").status_code == 404
    assert (
        client_for("analyst2").post(f"/incidents/{incident.code}/do/comment/", {"body": "x"}).status_code
        == 404
    )
    assert (
        client_for("researcher").post(f"/incidents/{incident.code}/do/comment/", {"body": "x"}).status_code
        == 404
    )


def test_giving_a_task_to_a_colleague_puts_it_in_their_inbox_when_overdue(cast: Any, client_for: Any) -> None:
    case = case_in(cast, "analyst", "demo-a")
    with using_keyring(cast.keyring("analyst")):
        task = registry.task_add(
            user=cast.analyst,
            case=case,
            data={"task_type": "FOLLOW_UP", "due_on": "2020-01-01", "title": "Call"},
        )
    lead = client_for("lead")
    assert "Your overdue tasks" not in lead.get("/inbox/").content.decode()
    r = client_for("analyst").post(
        f"/cases/{case.code}/do/task_assign/", {"task": task.code, "assigned_to": cast.lead.code}, follow=True
    )
    assert "Task given." in r.content.decode()
    assert Task.objects.get(pk=task.pk).assigned_to == cast.lead
    assert "Your overdue tasks" in lead.get("/inbox/").content.decode()
    r = client_for("analyst").post(
        f"/cases/{case.code}/do/task_assign/",
        {"task": task.code, "assigned_to": cast.volunteer.code},
        follow=True,
    )
    assert "is not a member of this compartment" in r.content.decode()
