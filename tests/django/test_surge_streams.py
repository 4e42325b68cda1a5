"""The surge watch beyond incidents: a wave of new reports to one compartment's line, and a campaign's
script sent to many at once, each told to the leads of the compartments involved and nobody else."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from longreach.audit.models import AuditEntry
from longreach.insight import services as insight
from longreach.insight.models import SurgeAlert
from longreach.intake import services as intake
from longreach.intake.models import Report
from tests.django.test_messages import CHAT_A, CHAT_B, case_in, keep, read

pytestmark = pytest.mark.django_db


def submit(n: int, *, at: dt.datetime | None = None) -> None:
    for k in range(n):
        done = intake.report_submit(
            answers={"origin_state": "CN", "host_country": "TR"},
            nonce=f"nonce-{at}-{k}",
            uploads=[],
            session_key=f"session-{at}-{k}",
        )
        if at is not None:
            Report.objects.filter(pk=done.report.pk).update(received_at=at)


def test_a_wave_of_reports_to_one_line_is_told_to_its_leads_only(routed: Any, client_for: Any) -> None:
    today = timezone.localdate()
    # A quiet year: one report every six weeks; then seven this week.
    for k in range(6, 60, 6):
        submit(1, at=timezone.now() - dt.timedelta(weeks=k))
    submit(7)
    found = insight.watch(today=today)
    reports = [a for a in found.new if a.stream == SurgeAlert.Stream.REPORTS]
    assert {a.urgency for a in reports} >= {""}  # every urgency together, and the suggested level
    together = next(a for a in reports if a.urgency == "")
    assert together.observed == 7 and together.compartment is not None
    assert together.compartment.slug == "demo-a" and together.expected < 1
    assert [c.slug for c in together.compartments.all()] == ["demo-a"]
    entry = AuditEntry.objects.filter(event="insight.surge").first()
    assert entry is not None and entry.detail["stream"] == "reports"
    assert insight.watch(today=today).new == []  # stored once
    lead = client_for("lead")
    for page in ("/", "/insight/"):
        body = lead.get(page).content.decode()
        assert "New reports to" in body and 'href="/triage/"' in body, page
    # analyst2 leads demo-b, whose line had no part in it; the analyst leads nothing.
    for who in ("analyst2", "analyst"):
        assert "New reports to" not in client_for(who).get("/").content.decode()
    out = io.StringIO()
    call_command("insight", "surges", stdout=out)
    assert "series of 156 weeks judged" in out.getvalue()


def test_a_script_sent_to_many_at_once_is_a_campaign_surge(cast: Any, client_for: Any) -> None:
    case_a, case_b = case_in(cast, "analyst", "demo-a"), case_in(cast, "analyst2", "demo-b")
    read(cast, "analyst", case_a, keep(cast, "analyst", case_a, "a.txt", CHAT_A.encode()))
    read(cast, "analyst2", case_b, keep(cast, "analyst2", case_b, "b.txt", CHAT_B.encode()))
    counts, where = insight.weekly_counts(dt.date(2019, 6, 1), dt.date(2019, 8, 31))
    campaign = {s: w for s, w in counts.items() if s.stream == SurgeAlert.Stream.CAMPAIGN}
    assert len(campaign) == 1
    series, weeks = next(iter(campaign.items()))
    # The officer's four messages in the first week of July (case A), one in August (case B).
    assert weeks == {dt.date(2019, 7, 1): 4, dt.date(2019, 8, 5): 1}
    found = insight.watch(today=dt.date(2019, 7, 3))
    alert = next(a for a in found.new if a.stream == SurgeAlert.Stream.CAMPAIGN)
    assert alert.campaign_code == series.campaign_code and alert.observed == 4
    assert [c.slug for c in alert.compartments.all()] == ["demo-a"]
    body = client_for("lead").get("/insight/").content.decode()
    assert f'href="/campaigns/{alert.campaign_code}/"' in body
    assert "Messages of campaign" in body
    assert "Messages of campaign" not in client_for("analyst2").get("/insight/").content.decode()


@pytest.mark.parametrize("raw", ["-1", "daily", "1e3"])
def test_a_bad_watch_interval_stops_the_start_with_its_name(
    raw: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from longreach.settings import env_int

    monkeypatch.setenv("LONGREACH_SURGE_WATCH_HOURS", raw)
    with pytest.raises(ImproperlyConfigured, match="LONGREACH_SURGE_WATCH_HOURS"):
        env_int("LONGREACH_SURGE_WATCH_HOURS", 24, 0)


class _OneTick:
    """Stands in for the server's stop event: lets the housekeeping loop run once, then stops it."""

    def __init__(self) -> None:
        self.ticks = 0

    def wait(self, _seconds: float) -> bool:
        self.ticks += 1
        return self.ticks > 1


def test_the_servers_housekeeping_watches_for_surges(
    routed: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from longreach.site.management.commands import _serve
    from longreach.site.management.commands._serve import _signer

    # The server's thread drops its connection between ticks; here the tick runs in the test's own
    # transaction, whose connection PostgreSQL would lose.
    monkeypatch.setattr(_serve, "close_old_connections", lambda: None)

    settings.SURGE_WATCH_HOURS = 24
    submit(6)
    out = io.StringIO()
    _signer(_OneTick(), 0.0, out)  # type: ignore[arg-type]
    assert "new surge(s) for the leads" in out.getvalue(), out.getvalue()
    assert SurgeAlert.objects.filter(stream=SurgeAlert.Stream.REPORTS).exists()
    SurgeAlert.objects.all().delete()
    settings.SURGE_WATCH_HOURS = 0  # off: the watch is left to cron
    _signer(_OneTick(), 0.0, io.StringIO())  # type: ignore[arg-type]
    assert not SurgeAlert.objects.exists()
