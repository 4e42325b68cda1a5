"""The surge detector on synthetic weekly series with injected surges: detection rate, false alarms per
year and days to detection, on a split of seeds tuned on and a split frozen before tuning.

Each series is five years of weekly counts for one dyad or campaign: a base level drawn from 0.1 to
8 a week (most dyads are quiet), overdispersed (gamma-Poisson, shape 2: reports come in clusters), with
a slow trend of up to ±50% over the five years, and zero to two surges of 1 to 6 weeks in which the
level is multiplied by 3, 5 or 10 (at least 4 more a week: a wave of detentions, a new script sent to
hundreds). The peer is the simplest rule a caseworker might use: alarm when a week has at least three
times the mean of the past year and at least ``minimum`` reports.

Split: seeds 0-299 were used to choose alpha and minimum (``--tune``); seeds 10,000-10,599 were fixed
before any tuning and are the figures reported in docs/user-guide.md.

Run: .venv/bin/python benchmarks/surges.py [--tune]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from longreach.insight import surges  # noqa: E402

WEEKS = 260
LEVELS = (0.1, 0.3, 1.0, 3.0, 8.0)
TUNE = range(0, 300)
FROZEN = range(10_000, 10_600)


def series(seed: int) -> tuple[list[int], list[tuple[int, int]], float]:
    rng = random.Random(seed)
    level = rng.choice(LEVELS)
    trend = rng.uniform(-0.5, 0.5)
    injected = []
    for _ in range(rng.choice((0, 1, 1, 2))):
        start = rng.randrange(60, WEEKS - 8)
        if all(abs(start - s) > 12 for s, _l in injected):
            injected.append((start, rng.randint(1, 6)))
    multiplier = {s: rng.choice((3, 5, 10)) for s, _l in injected}
    counts = []
    for week in range(WEEKS):
        mean = level * (1 + trend * week / WEEKS)
        for start, length in injected:
            if start <= week < start + length:
                mean = max(mean * multiplier[start], mean + 4)
        # Gamma-Poisson (negative binomial, shape 2): clustered reports.
        rate = rng.gammavariate(2.0, mean / 2.0) if mean > 0 else 0.0
        counts.append(_poisson(rng, rate))
    return counts, injected, level


def _poisson(rng: random.Random, rate: float) -> int:
    # Knuth's method is fine for the small rates here; a normal approximation past 30.
    if rate > 30:
        return max(0, round(rng.gauss(rate, rate**0.5)))
    limit, k, p = pow(2.718281828459045, -rate), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def naive(counts: list[int], minimum: int) -> list[surges.Alarm]:
    alarms = []
    for week, observed in enumerate(counts):
        past = counts[max(0, week - 52) : week]
        if len(past) < 8 or observed < minimum:
            continue
        mean = sum(past) / len(past)
        if observed >= 3 * max(mean, 1 / len(past)):
            alarms.append(surges.Alarm(week, observed, mean, 0.0))
    return alarms


def evaluate(seeds: range, detector: str, **options: float) -> surges.Scored:
    totals = [0, 0, 0]
    years, delays = 0.0, []
    for seed in seeds:
        counts, injected, _level = series(seed)
        if detector == "naive":
            alarms = naive(counts, int(options.get("minimum", surges.MINIMUM)))
        else:
            alarms = surges.detect(counts, **options)  # type: ignore[arg-type]
        s = surges.score(alarms, injected, WEEKS)
        totals[0] += s.surges
        totals[1] += s.detected
        totals[2] += s.false_alarms
        years += s.years
        delays += s.delays
    return surges.Scored(totals[0], totals[1], totals[2], years, tuple(delays))


def line(label: str, s: surges.Scored) -> str:
    return (
        f"  {label:<34} surges {s.surges:>4}  detected {s.detection_rate:>6.1%}  "
        f"false alarms/series-year {s.false_alarms_per_year:>6.3f}  "
        f"days to detection {s.mean_days_to_detection:>5.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="the grid on the tuning seeds")
    args = parser.parse_args()
    if args.tune:
        print("tuning seeds 0-299")
        for alpha in (0.01, 0.005, 0.001, 0.0005):
            for minimum in (2, 3, 4):
                found = evaluate(TUNE, "nb", alpha=alpha, minimum=minimum)
                print(line(f"alpha {alpha}, minimum {minimum}", found))
        return
    print(f"frozen seeds {FROZEN.start}-{FROZEN.stop - 1} ({len(FROZEN)} series of {WEEKS} weeks)")
    print(line(f"negative binomial (alpha {surges.ALPHA})", evaluate(FROZEN, "nb")))
    print(line("naive: 3x the past year's mean", evaluate(FROZEN, "naive")))
    for level in LEVELS:
        seeds = [s for s in FROZEN if series(s)[2] == level]
        print(line(f"  base level {level}/week (n={len(seeds)})", _subset(seeds)))


def _subset(seeds: list[int]) -> surges.Scored:
    totals = [0, 0, 0]
    years, delays = 0.0, []
    for seed in seeds:
        counts, injected, _level = series(seed)
        alarms = surges.detect(counts)
        s = surges.score(alarms, injected, WEEKS)
        totals[0] += s.surges
        totals[1] += s.detected
        totals[2] += s.false_alarms
        years += s.years
        delays += s.delays
    return surges.Scored(totals[0], totals[1], totals[2], years, tuple(delays))


if __name__ == "__main__":
    main()
