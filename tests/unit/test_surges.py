"""The surge detector: a clear wave alarms, a steady series does not, its baseline ignores the surge
under way, and bad input is refused. No Django."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import poisson

from longreach.insight import surges


def test_a_wave_of_detentions_alarms_in_its_first_weeks() -> None:
    quiet = [0, 1, 0, 0, 2, 0, 1, 0, 0, 1] * 5
    series = [*quiet, 9, 12, 10, 1, 0, 1]
    alarms = surges.detect(series)
    assert [a.week for a in alarms][:1] == [50]
    assert alarms[0].observed == 9 and alarms[0].expected < 1 and alarms[0].chance < surges.ALPHA


def test_a_steady_busy_series_does_not_alarm() -> None:
    series = [5, 7, 6, 4, 8, 6, 5, 7, 9, 4, 6, 5] * 8
    assert surges.detect(series) == []


def test_the_guard_keeps_a_surge_from_raising_its_own_baseline() -> None:
    series = [0, 1] * 20 + [8, 9, 10]
    weeks = [a.week for a in surges.detect(series, guard=2)]
    assert weeks == [40, 41, 42]  # the third week is still judged against the quiet past
    assert [a.week for a in surges.detect(series, guard=0)] == [40]  # without it, the wave hides itself


def test_the_tail_is_poisson_without_overdispersion_and_heavier_with_it() -> None:
    assert surges.tail(6, 2.0, 2.0) == pytest.approx(float(poisson.sf(5, 2.0)))
    assert surges.tail(6, 2.0, 6.0) > surges.tail(6, 2.0, 2.0)
    assert surges.tail(0, 2.0, 2.0) == 1.0


@pytest.mark.parametrize(
    "options", [{"alpha": 0}, {"alpha": 1.5}, {"minimum": 0}, {"window": 1}, {"guard": -1}, {"warmup": 1}]
)
def test_bad_settings_are_refused(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="alpha"):
        surges.detect([1, 2, 3], **options)  # type: ignore[arg-type]


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        surges.detect([1, -1, 2])


@given(st.lists(st.integers(0, 50), max_size=200))
def test_alarms_only_on_weeks_with_enough_reports(series: list[int]) -> None:
    for alarm in surges.detect(series):
        assert series[alarm.week] == alarm.observed >= surges.MINIMUM
        assert alarm.week >= surges.WARMUP + surges.GUARD


def test_scoring_counts_detections_false_alarms_and_delays() -> None:
    alarms = [surges.Alarm(w, 5, 1.0, 0.0) for w in (10, 52, 53, 120)]
    scored = surges.score(alarms, [(50, 3), (200, 2)], weeks=260)
    assert (scored.surges, scored.detected, scored.false_alarms) == (2, 1, 2)
    assert scored.delays == (2,) and scored.mean_days_to_detection == 14
    assert scored.false_alarms_per_year == pytest.approx(2 / 5)
