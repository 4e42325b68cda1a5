"""The public intake end to end through Django's client: report, receipt, status, triage, case."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

import pytest
from django.test import Client

from longreach.intake.models import Report, ReportFile, ReportMessage
from longreach.keys.context import using_keyring

pytestmark = pytest.mark.django_db

ANSWERS: dict[str, Any] = {
    "host_country": "GB",
    "danger": "no",
    "safe_now": "yes",
    "contact_channel": "Signal +44 7700 900123",
    "reporter": "self",
    "name": "Nur (synthetic)",
    "origin_state": "CN",
    "community": "UYGHUR",
    "immigration_status": "ASYLUM_SEEKER",
    "tactics": ["FAMILY_THREAT", "INFO_OTHERS"],
    "demands": ["PROVIDE_INFO_ON_OTHERS"],
    "year": "2026",
    "month": "10",
    "channels": ["WECHAT"],
    "rel0_relationship": "MOTHER",
    "rel0_outcomes": ["DETAINED"],
    "rel0_recent": "on",
    "wording": "ئائىلەڭنى ئويلا — think of your family",
    "story": "They called three times.",
    "help": ["DIGITAL_SECURITY", "LEGAL_IMMIGRATION"],
    "consents": ["SUPPORT", "STATISTICS"],
}


def walk(client: Client, answers: dict[str, Any], files: list[tuple[str, bytes]] | None = None) -> Any:
    """Post every step in turn, carrying answers like the hidden fields do; return the last response."""
    page = client.get("/report/form/")
    nonce = re.search(rb'name="nonce" value="([0-9a-f]{32})"', page.content)
    assert nonce, page.content[:500]
    data: dict[str, Any] = {**answers, "nonce": nonce.group(1).decode()}
    from longreach.intake.questions import ReportForm

    response = None
    for name, _title, _fields in ReportForm.STEPS:
        post = {**data, "step": name, "go": "next"}
        if name == "send" and files:
            post["files"] = [_named(n, b) for n, b in files]
        response = client.post("/report/form/", post)
        assert response.status_code in (200, 201), (name, response.status_code, response.content[:2000])
    return response


def _named(name: str, content: bytes) -> BytesIO:
    f = BytesIO(content)
    f.name = name
    return f


def receipt_from(response: Any) -> str:
    groups = re.findall(rb"<span>(\d{4})</span>", response.content)
    assert len(groups) == 5, response.content[:3000]
    return b"".join(groups).decode()


def test_report_with_file_then_status_reply_and_case(routed: Any, client_for: Any) -> None:
    reporter = Client()
    done = walk(reporter, ANSWERS, [("threat.png", b"\x89PNG fake image bytes" * 100)])
    receipt = receipt_from(done)
    report = Report.objects.get()
    assert report.suggested_urgency == "P0"  # relative detained recently (P1) raised for asylum seeker
    assert ReportFile.objects.filter(report=report).count() == 1

    confirm = reporter.post(
        "/report/receipt/", {"receipt": receipt, "written": "on", "last_group": receipt[-4:]}
    )
    assert confirm.status_code == 200 and b"Thank you" in confirm.content

    volunteer = client_for("volunteer")
    queue = volunteer.get("/triage/")
    assert report.code.encode() in queue.content
    # The list shows where from and to, the reporter's language and the first words (one audit entry).
    listed = queue.content.decode()
    assert "China → United Kingdom" in listed and "English" in listed
    assert "They called three times." in listed
    from longreach.audit.models import AuditEntry

    assert AuditEntry.objects.filter(event="intake.list_read").count() == 1
    page = volunteer.get(f"/triage/{report.code}/")
    assert page.status_code == 200
    assert "ئائىلەڭنى ئويلا".encode() in page.content
    assert b"written in English" in page.content
    assert b"threat.png" in page.content
    row = ReportFile.objects.get()
    download = volunteer.get(f"/triage/files/{row.code}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\x89PNG fake image bytes" * 100
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/octet-stream"

    volunteer.post(f"/triage/{report.code}/reply/", {"text": "We read your report. Are you safe?"})
    assert ReportMessage.objects.filter(author="staff").count() == 1

    back = Client()
    r = back.post("/report/status/", {"receipt": " ".join(receipt[i : i + 4] for i in range(0, 20, 4))})
    assert r.status_code == 302, r.content[:500]
    view = back.get("/report/status/view/")
    assert b"Are you safe?" in view.content
    sent = back.post(
        "/report/status/message/",
        {"message": "Yes, thank you.", "files": [_named("voice.ogg", b"OggS" + b"\0" * 5000)]},
    )
    assert sent.status_code == 302
    assert ReportMessage.objects.filter(author="reporter").count() == 1
    assert ReportFile.objects.count() == 2

    volunteer.post(f"/triage/{report.code}/urgency/", {"level": "P1"})
    volunteer.post(f"/triage/{report.code}/vet/", {"outcome": "genuine", "notes": "consistent account"})
    r = volunteer.post(f"/triage/{report.code}/open-case/", follow=True)
    report.refresh_from_db()
    assert report.case is not None and report.status == "case_opened"
    case = report.case
    # The volunteer cannot work cases: it goes to the compartment's lead, and the volunteer is told so
    # on the report's page (no link to a page they cannot open).
    assert [u.username for u in case.assigned.all()] == ["lead"]
    body = r.content.decode()
    assert r.redirect_chain[-1][0] == f"/triage/{report.code}/"
    assert f"Case {case.code} opened and given to lead" in body
    assert f'href="/cases/{case.code}/"' not in body
    assert client_for("lead").get(f"/cases/{case.code}/").status_code == 200
    assert case.urgency == "P1" and case.state == "TRIAGED" and case.origin_state == "CN"
    with using_keyring(routed.keyring("lead")):
        assert case.client.name == "Nur (synthetic)"
        assert "Wrote the report in English" in case.client.notes
        incident = case.incidents.get()
        act = incident.acts.get()
        assert sorted(t.code for t in act.tactics.all()) == ["FAMILY_THREAT", "INFO_OTHERS"]
        assert act.relatives.get().relationship == "MOTHER"
        # The exact words are the incident's statement, cited from the report as testimony.
        citation = incident.citations.get()
        assert citation.statement == ANSWERS["wording"] and citation.source.source_type == "VICTIM_TESTIMONY"
        assert citation.source.reference == report.code
        # What has no field of its own is in the summary, in the questions' words.
        assert case.summary.startswith("They called three times.")
        assert "not yet placed in the records" in case.summary
        assert "Are you in danger right now?: No" in case.summary
        assert "Relative 1: who?: Mother: Detained, In the last two weeks" in case.summary
        assert sorted(c.purpose for c in case.consents.all()) == ["STATISTICS", "SUPPORT"]
        assert sorted(r.referral_type for r in case.referrals.all()) == [
            "DIGITAL_SECURITY",
            "LEGAL_IMMIGRATION",
        ]
