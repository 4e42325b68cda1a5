"""Where each answer of a report goes when a case is opened from it (intake.placing): every answer has a
place in the records or is written into the case summary; nothing is dropped."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from longreach.intake import placing, questions

pytestmark = pytest.mark.django_db

RECEIVED = dt.date(2026, 11, 30)
BASE: dict[str, Any] = {"host_country": "TR", "origin_state": "CN", "community": "UYGHUR"}


def place(answers: dict[str, Any]) -> placing.Placed:
    return placing.place({**BASE, **answers}, received=RECEIVED, report_code="R-TEST0001", urgency="P2")


def test_every_question_of_the_form_has_a_place() -> None:
    asked = {name for _step, _title, names in questions.ReportForm.STEPS for name in names}
    asked = {n for n in asked if not n.startswith("rel")} | {"relatives"}
    shown_in_summary = asked - placing.PLACED
    # Each of these is written into the summary by describe(); check they are real questions.
    assert shown_in_summary <= set(questions.ReportForm().fields) | {"relatives"}
    answers = {
        "danger": "yes",
        "threat_to_life": True,
        "removal_soon": True,
        "self_harm": True,
        "safe_now": "no",
        "reporter": "relative",
        "minor": True,
        "repeated": True,
        "knew_routine": True,
    }
    placed = place({**answers, "tactics": ["DIRECT_THREAT"]})
    assert set(answers) <= shown_in_summary
    assert len(placed.unplaced) == len(answers)
    for line in placed.unplaced:
        assert line in placed.case["summary"]
    assert placed.source is not None and placed.source["source_type"] == "WITNESS"  # told by a relative


def test_no_tactic_ticked_but_relatives_harmed_still_makes_an_incident_and_says_how() -> None:
    placed = place(
        {
            "relatives": [
                {"relationship": "MOTHER", "outcomes": ["DETAINED", "TRAVEL_BAN"], "recent": True},
                {"relationship": "BROTHER", "outcomes": [], "recent": False},
            ],
            "wording": "Think of your mother.",
        }
    )
    assert placed.incident is not None
    act = placed.incident["acts"][0]
    assert act["tactics"] == ["FAMILY_DETAINED", "RELATIVES_TRAVEL_BAN", "FAMILY_THREAT"]
    assert [r["relationship"] for r in act["relatives"]] == ["MOTHER", "BROTHER"]
    assert any("derived from what happened to the relatives" in line for line in placed.unplaced)
    assert any("In the last two weeks" in line for line in placed.unplaced)
    assert placed.source is not None
    assert placed.source["citations"][0]["statement"] == "Think of your mother."


def test_nothing_the_codebook_can_name_keeps_every_answer_in_the_summary() -> None:
    placed = place(
        {
            "demands": ["RETURN_HOME"],
            "channels": ["WECHAT"],
            "year": 2025,
            "month": 3,
            "wording": "Come home.",
            "knew": "My new address.",
            "story": "A call.",
        }
    )
    assert placed.incident is None and placed.source is None
    summary = placed.case["summary"]
    assert summary.startswith("A call.")
    for text in ("Come home.", "My new address.", "2025", "WeChat"):
        assert text in summary, text


def test_the_date_the_reporter_gave_or_the_month_received() -> None:
    assert (
        place({"tactics": ["SILENCE"], "year": 2024, "month": 2, "day": 9}).incident["date"] == "2024-02-09"
    )  # type: ignore[index]
    assert place({"tactics": ["SILENCE"]}).incident["date"] == "2026-11"  # type: ignore[index]
