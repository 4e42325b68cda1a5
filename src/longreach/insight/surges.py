"""Surges: counts that rise beyond what the past predicts. No Django.

A series is a count per week (new reports or incidents for one origin × host ×
tactic, or one campaign's messages). Each week is compared with a baseline made
from the weeks before it, leaving out the most recent ``guard`` weeks so that a
surge under way does not raise its own baseline. Counts of rare events are
overdispersed (a wave of detentions comes in clusters), so the baseline is a
negative binomial with the window's mean and variance (method of moments; a
Poisson when the variance is no larger than the mean), as in the Farrington
family of methods public-health surveillance uses for the same problem, without
their seasonal terms: the series here are too short and too sparse to fit them.
A week alarms when its count is at least ``minimum`` and the chance of a count
that high under the baseline is below ``alpha``.

Why not CUSUM: it accumulates small excesses and finds slow drifts sooner, but
needs a known in-control mean per series and resets after each alarm; with
hundreds of sparse dyads whose level changes over years, a baseline refitted
every week from its own recent past needs no tuning per series. The figures on
synthetic series with injected surges are in docs/user-guide.md (made by
benchmarks/surges.py on a frozen split of seeds).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import nbinom, poisson

ALPHA = 0.001
MINIMUM = 3
WINDOW = 52
GUARD = 2
WARMUP = 8  # weeks of history needed before any week is judged


@dataclass(frozen=True)
class Alarm:
    week: int  # index into the series
    observed: int
    expected: float
    chance: float  # of a count at least this high under the baseline


def tail(observed: int, mean: float, variance: float) -> float:
    """P(X >= observed) under a negative binomial with this mean and variance (Poisson when the
    variance is no larger than the mean)."""
    if observed <= 0:
        return 1.0
    mean = max(mean, 1e-6)
    if variance <= mean * 1.0001:
        return float(poisson.sf(observed - 1, mean))
    size = mean * mean / (variance - mean)
    return float(nbinom.sf(observed - 1, size, size / (size + mean)))


def detect(
    series: Sequence[int],
    *,
    alpha: float = ALPHA,
    minimum: int = MINIMUM,
    window: int = WINDOW,
    guard: int = GUARD,
    warmup: int = WARMUP,
) -> list[Alarm]:
    """The weeks of ``series`` whose counts rise beyond their baseline."""
    if any(c < 0 for c in series):
        raise ValueError("counts cannot be negative")
    if not 0 < alpha < 1 or minimum < 1 or window < 2 or guard < 0 or warmup < 2:
        raise ValueError("alpha in (0, 1); minimum >= 1; window >= 2; guard >= 0; warmup >= 2")
    alarms = []
    for week, observed in enumerate(series):
        if observed < minimum:
            continue
        end = week - guard
        past = list(series[max(0, end - window) : max(0, end)])
        if len(past) < warmup:
            continue
        mean = sum(past) / len(past)
        variance = sum((c - mean) ** 2 for c in past) / (len(past) - 1)
        # A quiet past says little: a floor on the mean keeps one stray report from alarming.
        mean = max(mean, 0.5 / len(past))
        chance = tail(observed, mean, variance)
        if chance < alpha:
            alarms.append(Alarm(week, observed, round(mean, 3), chance))
    return alarms


@dataclass(frozen=True)
class Scored:
    surges: int
    detected: int
    false_alarms: int
    years: float
    delays: tuple[int, ...]  # weeks from a surge's start to its first alarm

    @property
    def detection_rate(self) -> float:
        return self.detected / self.surges if self.surges else math.nan

    @property
    def false_alarms_per_year(self) -> float:
        return self.false_alarms / self.years if self.years else math.nan

    @property
    def mean_days_to_detection(self) -> float:
        return 7 * sum(self.delays) / len(self.delays) if self.delays else math.nan


def score(alarms: Sequence[Alarm], surges: Sequence[tuple[int, int]], weeks: int, after: int = 4) -> Scored:
    """Alarms against known surges (start week, length): a surge is detected by an alarm during it or
    up to ``after`` weeks later; any other alarm is false."""
    detected, delays, used = 0, [], set()
    for start, length in surges:
        hits = [a.week for a in alarms if start <= a.week < start + length + after]
        if hits:
            detected += 1
            delays.append(min(hits) - start)
            used.update(hits)
    false = sum(1 for a in alarms if a.week not in used)
    return Scored(len(surges), detected, false, weeks / 52.0, tuple(delays))
