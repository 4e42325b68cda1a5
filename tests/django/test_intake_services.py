"""Triage services: refusals with reasons, tampering detected, and the suggested urgency."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.crypto import CryptoError
from longreach.intake import filestore, questions, services
from longreach.intake.models import Report, ReportFile
from longreach.keys.context import using_keyring
from tests.django.test_intake_flow import ANSWERS, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(routed: Any) -> Report:
    walk(Client(), ANSWERS, [("a.txt", b"evidence bytes")])
    return Report.objects.get()


def test_refusals_say_why(routed: Any, report: Report) -> None:
    vol = routed.volunteer
    with using_keyring(routed.keyring("volunteer")):
        with pytest.raises(ServiceError, match="urgency must be one of P0, P1, P2, P3"):
            services.triage_confirm(user=vol, report=report, level="P9")
        with pytest.raises(ServiceError, match="not an urgency modifier: LUCKY"):
            services.triage_confirm(user=vol, report=report, level="P1", modifiers=["LUCKY"])
        with pytest.raises(ServiceError, match="choose a vetting outcome"):
            services.triage_vet(user=vol, report=report, outcome="pending")
        with pytest.raises(ServiceError, match="the reply is empty"):
            services.reply_send(user=vol, report=report, text="   ")
        with pytest.raises(ServiceError, match="longer than 20000"):
            services.reply_send(user=vol, report=report, text="x" * 20_001)
        with pytest.raises(ServiceError, match="vet the report as genuine"):
            services.case_open(user=vol, report=report)
        services.triage_vet(user=vol, report=report, outcome="genuine")
        with pytest.raises(ServiceError, match="confirm the urgency"):
            services.case_open(user=vol, report=report)
        services.triage_confirm(user=vol, report=report, level="P2")
        services.case_open(user=vol, report=report)
        with pytest.raises(ServiceError, match="already opened"):
            services.case_open(user=vol, report=report)
    with using_keyring(routed.keyring("analyst2")), pytest.raises(NotAllowed):
        services.report_read(user=routed.analyst2, report=report)
    with using_keyring(routed.keyring("researcher")), pytest.raises(NotAllowed):
        services.reply_send(user=routed.researcher, report=report, text="hello")


def test_probe_closes_the_report(routed: Any, report: Report) -> None:
    with using_keyring(routed.keyring("lead")):
        services.triage_vet(user=routed.lead, report=report, outcome="probe", notes="asked about others")
        report.refresh_from_db()
        assert report.status == "closed"
        assert report.triage.notes == "asked about others"


def test_a_report_sealed_for_one_row_does_not_open_in_another(routed: Any, report: Report) -> None:
    walk(Client(), {**ANSWERS, "story": "second report"})
    first, second = Report.objects.order_by("received_at")
    Report.objects.filter(pk=second.pk).update(sealed=first.sealed)
    second.refresh_from_db()
    with using_keyring(routed.keyring("lead")), pytest.raises(CryptoError, match="another slot"):
        services.report_read(user=routed.lead, report=second)


def test_a_changed_stored_file_is_refused(routed: Any, report: Report) -> None:
    row = ReportFile.objects.get()
    path = filestore.files_dir() / row.stored_name
    blob = bytearray(path.read_bytes())
    blob[40] ^= 1
    path.write_bytes(bytes(blob))
    with using_keyring(routed.keyring("lead")), pytest.raises(CryptoError, match="altered"):
        services.file_read(user=routed.lead, row=row)
    path.unlink()
    with using_keyring(routed.keyring("lead")), pytest.raises(CryptoError, match="missing"):
        services.file_read(user=routed.lead, row=row)


@pytest.mark.parametrize(
    ("answers", "level", "reasons"),
    [
        ({}, "P3", []),
        ({"danger": "yes"}, "P0", ["IMMEDIATE_DANGER"]),
        ({"tactics": ["PHISHING"]}, "P2", ["PHISHING_NOT_CLICKED"]),
        ({"tactics": ["PHISHING"], "minor": True}, "P1", ["PHISHING_NOT_CLICKED"]),
        ({"tactics": ["SPYWARE", "SILENCE"]}, "P1", ["SPYWARE_OR_ACCOUNT_TAKEOVER"]),
        (
            {"relatives": [{"relationship": "MOTHER", "outcomes": ["DETAINED"], "recent": True}]},
            "P1",
            ["RELATIVE_DETAINED_RECENTLY"],
        ),
        (
            {"relatives": [{"relationship": "MOTHER", "outcomes": ["DETAINED"], "recent": False}]},
            "P2",
            ["PRESSURE_ON_RELATIVES"],
        ),
        ({"repeated": True, "immigration_status": "UNDOCUMENTED"}, "P1", ["REPEATED_COERCIVE_CONTACT"]),
    ],
)
def test_suggested_urgency_from_answers(answers: dict[str, Any], level: str, reasons: list[str]) -> None:
    s = questions.suggestion(answers)
    assert (s.level, list(s.reasons)) == (level, reasons)
    assert all(r in questions.REASONS for r in (*s.reasons, *s.raised_by))


def test_every_rule_has_words_for_the_volunteer() -> None:
    from longreach.intake import urgency

    assert set(questions.REASONS) == set(urgency.RULES) | urgency.MODIFIERS
