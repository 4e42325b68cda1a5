"""The demo's synthetic records hold together: a title names the incident's most serious tactic."""

from __future__ import annotations

import datetime as dt

from longreach.registry import synthetic


def test_every_title_names_the_most_serious_tactic_of_its_incident() -> None:
    made = synthetic.generate(incidents=300, seed=ord("A"), prefix="A", today=dt.date(2026, 12, 7))
    incidents = made.bundle["incidents"]
    assert len(incidents) >= 300
    for incident in incidents:
        tactics = {t for a in incident["acts"] for t in a["tactics"]}
        named = incident["title"].split(" (")[0].upper().replace(" ", "_")
        assert named in tactics, incident["title"]
        assert all(synthetic.ALL_TACTICS.index(named) <= synthetic.ALL_TACTICS.index(t) for t in tactics)
