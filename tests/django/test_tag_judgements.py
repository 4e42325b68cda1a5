"""Analysts judge tags on the message page; the compartment's model learns from it and suggests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from longreach.audit.models import AuditEntry
from longreach.keys.context import using_keyring
from longreach.messages import learning, services
from longreach.messages.models import Message, TagJudgement, TagModel
from longreach.vault import jobkeys
from tests.django.test_messages import CHAT_A, case_in, keep, read
from tests.unit.test_learning import ORDINARY

pytestmark = pytest.mark.django_db

CODE_WORDS = [
    "The uncle at the noodle shop wants the red book tonight.",
    "Take the red book to the uncle at the noodle shop.",
    "Uncle from the noodle shop is waiting for the red book.",
    "The noodle shop uncle needs the red book by Friday.",
    "Leave the red book with the uncle at the noodle shop.",
    "Noodle shop, the uncle, the red book: tomorrow.",
]
UNSEEN = "Uncle at the noodle shop asks for the red book again."


def chat(*texts: str) -> bytes:
    start = dt.datetime(2021, 3, 1, 9, 0)
    return "".join(
        f"{(start + dt.timedelta(minutes=i)):%d/%m/%Y, %H:%M} - Handler: {t}\n" for i, t in enumerate(texts)
    ).encode()


@pytest.fixture
def case_a(cast: Any) -> Any:
    return case_in(cast, "analyst", "demo-a")


def messages_of(cast: Any, case: Any, *texts: str) -> list[Message]:
    read(cast, "analyst", case, keep(cast, "analyst", case, "chat.txt", chat(*texts)))
    return list(Message.objects.filter(case=case).order_by("sent_at", "position"))


def judge(c: Client, message: Message, tag: str, verdict: str) -> Any:
    return c.post(f"/messages/{message.code}/tags/", {"tag": tag, "verdict": verdict})


def test_an_analyst_confirms_rejects_and_adds_tags_and_what_they_said_is_sealed_and_audited(
    cast: Any, case_a: Any, client_for: Any
) -> None:
    read(cast, "analyst", case_a, keep(cast, "analyst", case_a, "a.txt", CHAT_A.encode()))
    first = Message.objects.filter(case=case_a).order_by("position").first()
    assert first is not None and first.tag_list == ["FAMILY_THREAT"]
    c = client_for("analyst")
    r = judge(c, first, "FAMILY_THREAT", "not")
    assert r.status_code == 302 and r["Location"] == f"/messages/{first.code}/#tags"
    judge(c, first, "SILENCE", "carries")
    page = c.get(f"/messages/{first.code}/").content.decode()
    assert "Judged wrong by analyst" in page and "added by analyst" in page
    assert 'name="verdict" value="carries"' in page  # each tag can be judged again
    # Judging again replaces: the latest word counts.
    judge(c, first, "FAMILY_THREAT", "carries")
    assert "Confirmed by analyst" in c.get(f"/messages/{first.code}/").content.decode()

    assert TagJudgement.objects.filter(message=first).count() == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT said FROM chats_tagjudgement")
        raw = b"".join(bytes(row[0]) for row in cursor.fetchall())
    assert b"FAMILY_THREAT" not in raw and b"SILENCE" not in raw and b"carries" not in raw
    entries = AuditEntry.objects.filter(object_type="message", object_code=first.code, event="record.updated")
    assert entries.count() == 3
    assert all(set(e.detail) == {"tag_judgement"} for e in entries)  # the audit trail does not say what


def test_the_compartments_model_learns_from_judgements_and_suggests_with_its_measured_scores(
    cast: Any, case_a: Any, client_for: Any
) -> None:
    rows = messages_of(cast, case_a, *CODE_WORDS, *ORDINARY, UNSEEN)
    assert not any(m.tag_list for m in rows)  # the rules know nothing of the noodle shop
    c = client_for("analyst")
    for m in rows[: len(CODE_WORDS)]:
        judge(c, m, "INFO_SELF", "carries")
    listing = c.get(f"/cases/{case_a.code}/messages/").content.decode()
    assert "not learned: needs 5 messages judged each way" in listing
    for m in rows[len(CODE_WORDS) : -1]:
        judge(c, m, "SILENCE", "not")  # looked at and found nothing: no INFO_SELF either

    model = TagModel.objects.get(compartment_id=case_a.compartment_id)
    assert model.state == "ready" and model.judgements == 12 and model.messages == 12
    with using_keyring(cast.keyring("analyst")):
        score = model.scores["INFO_SELF"]
    assert (score["positives"], score["negatives"], score["folds"]) == (6, 6, 5)

    page = c.get(f"/messages/{rows[-1].code}/").content.decode()
    assert "Suggested by this compartment's model" in page and "Learned from 12 messages" in page
    assert 'class="tag suggested"' in page
    precision = f"{score['precision']:.2f}"
    assert f"the model was right {precision} of the time" in page
    listing = c.get(f"/cases/{case_a.code}/messages/").content.decode()
    assert "Trained on" in listing and "from 12 judgements on 12 messages" in listing
    # Confirming a suggestion makes it an analyst's tag; it is no longer suggested.
    judge(c, rows[-1], "INFO_SELF", "carries")
    page = c.get(f"/messages/{rows[-1].code}/").content.decode()
    assert "Suggested by this compartment's model" not in page and "added by analyst" in page


def test_an_older_training_request_gives_way_and_keys_that_do_not_open_fail_plainly(
    cast: Any, case_a: Any
) -> None:
    rows = messages_of(cast, case_a, *CODE_WORDS[:2])
    with using_keyring(cast.keyring("analyst")):
        services.tag_judge(user=cast.users["analyst"], message=rows[0], tag="INFO_SELF", carries=True)
        model = TagModel.objects.get(compartment_id=case_a.compartment_id)
        sealed = jobkeys.seal_for_job(b'{"compartment": ["x", 1, "00"]}')
    assert (
        services.tag_model_run(
            compartment_id=str(case_a.compartment_id),
            requested_at="2000-01-01T00:00:00+00:00",
            sealed_keys=sealed,
        )
        == "superseded"
    )
    assert (
        services.tag_model_run(
            compartment_id=str(case_a.compartment_id),
            requested_at=model.requested_at.isoformat(),
            sealed_keys="not sealed at all",
        )
        == "failed"
    )
    failed = TagModel.objects.filter(pk=case_a.compartment_id).values("state", "error").get()
    assert failed["state"] == "failed" and failed["error"]
    assert (
        services.tag_model_run(
            compartment_id="00000000-0000-0000-0000-000000000000", requested_at="x", sealed_keys=sealed
        )
        == "gone"
    )


def test_who_may_judge(cast: Any, case_a: Any, client_for: Any) -> None:
    rows = messages_of(cast, case_a, *CODE_WORDS[:1])
    m = rows[0]
    for who, expected in (("lead", 302), ("analyst2", 404), ("volunteer", 404), ("researcher", 404)):
        assert judge(client_for(who), m, "INFO_SELF", "carries").status_code == expected, who
    assert TagJudgement.objects.count() == 1  # the lead's
    assert Client().post(f"/messages/{m.code}/tags/", {"tag": "SILENCE", "verdict": "not"})["Location"] == (
        "/login/"
    )
    assert client_for("analyst").get(f"/messages/{m.code}/tags/").status_code == 405
    assert AuditEntry.objects.filter(event="authz.denied", object_type="message", object_code=m.code).exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"verdict": "carries"}, "Choose a tag."),
        ({"tag": "   ", "verdict": "carries"}, "Choose a tag."),
        ({"tag": "INFO_SELF"}, "Say whether the message carries the tag or not."),
        ({"tag": "INFO_SELF", "verdict": "maybe"}, "Say whether the message carries the tag or not."),
        ({"tag": "NOPE", "verdict": "carries"}, "“NOPE” is not a tactic or demand of the codebook"),
        ({"tag": "X" * 5000, "verdict": "carries"}, "is not a tactic or demand of the codebook"),
        ({"tag": "INFO\x00SELF", "verdict": "carries"}, "is not a tactic or demand of the codebook"),
        ({"tag": "<script>alert(1)</script>", "verdict": "not"}, "&lt;script&gt;"),
    ],
)
def test_a_bad_judgement_is_refused_with_a_clear_reason_and_nothing_is_saved(
    cast: Any, case_a: Any, client_for: Any, data: dict[str, str], error: str
) -> None:
    m = messages_of(cast, case_a, *CODE_WORDS[:1])[0]
    c = client_for("analyst")
    r = c.post(f"/messages/{m.code}/tags/", data, follow=True)
    assert r.status_code == 200 and error in r.content.decode()
    assert "<script>alert(1)</script>" not in r.content.decode()
    assert TagJudgement.objects.count() == 0 and not TagModel.objects.exists()


def test_the_model_is_resealed_with_the_compartment_key(cast: Any, case_a: Any, client_for: Any) -> None:
    rows = messages_of(cast, case_a, *CODE_WORDS, *ORDINARY)
    c = client_for("analyst")
    for m in rows[:6]:
        judge(c, m, "INFO_SELF", "carries")
    for m in rows[6:]:
        judge(c, m, "INFO_SELF", "not")
    with connection.cursor() as cursor:
        cursor.execute("SELECT scores, weights FROM chats_tagmodel")
        scores, weights = (bytes(v) for v in cursor.fetchone())
    assert b"INFO_SELF" not in scores + weights and b"precision" not in scores
    model = TagModel.objects.get(compartment_id=case_a.compartment_id)
    with using_keyring(cast.keyring("analyst")):
        learned = learning.TagModel.from_dict(model.weights)
    assert learned is not None and learned.scores["INFO_SELF"].learned
