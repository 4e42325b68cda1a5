"""The dyad watch: origin -> host pairs ranked by an index of published predictors (pure Python).

An index, not a forecast: each predictor is scaled to 0..1 and weighted as ``data/predictors.toml``
says, and every rank comes with the contribution of each predictor and the fact behind it. Whether
the ranking anticipates anything is for ``backtest`` to show on an organisation's own history.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SHIPPED = Path(__file__).parent / "data" / "predictors.toml"
IDS = (
    "origin_repression",
    "crackdown",
    "autocratic_host",
    "shared_body",
    "documented_incidents",
    "legal_requests",
)


class PredictorsError(ValueError):
    pass


@dataclass(frozen=True)
class Predictor:
    id: str
    label: str
    weight: float
    measure: str
    source: str


def load(path: Path = SHIPPED) -> list[Predictor]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PredictorsError(f"{path.name}: {exc}") from None
    found = []
    for n, item in enumerate(data.get("predictor", []), 1):
        where = f"{path.name}, predictor {n}"
        missing = {"id", "label", "weight", "measure", "source"} - set(item)
        if missing:
            raise PredictorsError(f"{where}: missing {', '.join(sorted(missing))}")
        if item["id"] not in IDS:
            raise PredictorsError(f"{where}: unknown id {item['id']!r} (one of {', '.join(IDS)})")
        if not isinstance(item["weight"], int | float) or not 0 <= item["weight"] <= 10:
            raise PredictorsError(f"{where}: weight must be a number from 0 to 10")
        found.append(
            Predictor(item["id"], item["label"], float(item["weight"]), item["measure"], item["source"])
        )
    if sorted(p.id for p in found) != sorted(IDS):
        raise PredictorsError(f"{path.name}: every predictor once: {', '.join(IDS)}")
    return found


@dataclass(frozen=True)
class Facts:
    """What is known about one pair; None where nothing is known (no rating imported)."""

    origin: str
    host: str
    origin_cl: int | None = None
    origin_cl_before: int | None = None  # three editions earlier
    host_status: str | None = None
    shared_bodies: tuple[str, ...] = ()
    incidents: int = 0  # in the last three years
    legal: int = 0


@dataclass(frozen=True)
class Reason:
    predictor: Predictor
    value: float | None  # 0..1, None when unknown
    points: float  # value x weight, 0 when unknown
    fact: str  # what the value rests on, e.g. "CL 11 in the latest edition"


@dataclass(frozen=True)
class Ranked:
    rank: int
    facts: Facts
    score: float  # 0..100: the share of the most the weights allow
    reasons: list[Reason] = field(default_factory=list)
    unknown: int = 0  # predictors without data


def _values(f: Facts) -> dict[str, tuple[float | None, str]]:
    crackdown: tuple[float | None, str] = (None, "no ratings three editions apart")
    if f.origin_cl is not None and f.origin_cl_before is not None:
        fall = f.origin_cl_before - f.origin_cl
        crackdown = (min(1.0, max(0, fall) / 10), f"CL {f.origin_cl_before} -> {f.origin_cl}")
    return {
        "origin_repression": (
            (None, "no Freedom in the World rating")
            if f.origin_cl is None
            else ((60 - f.origin_cl) / 60, f"CL {f.origin_cl}/60")
        ),
        "crackdown": crackdown,
        "autocratic_host": (
            (None, "no Freedom in the World rating")
            if f.host_status is None
            else ({"NF": 1.0, "PF": 0.5, "F": 0.0}.get(f.host_status, 0.0), f.host_status)
        ),
        "shared_body": (1.0 if f.shared_bodies else 0.0, ", ".join(f.shared_bodies) or "none"),
        "documented_incidents": (min(1.0, math.log1p(f.incidents) / math.log1p(50)), str(f.incidents)),
        "legal_requests": (min(1.0, f.legal / 5), str(f.legal)),
    }


def rank(facts: Iterable[Facts], predictors: Sequence[Predictor]) -> list[Ranked]:
    """Pairs by score, highest first (ties by fewer unknowns, then codes)."""
    most = sum(p.weight for p in predictors) or 1.0
    scored = []
    for f in facts:
        values = _values(f)
        reasons = []
        for p in predictors:
            value, fact = values[p.id]
            reasons.append(Reason(p, value, (value or 0.0) * p.weight, fact))
        reasons.sort(key=lambda r: -r.points)
        score = 100 * sum(r.points for r in reasons) / most
        unknown = sum(r.value is None for r in reasons)
        scored.append((score, unknown, f, reasons))
    scored.sort(key=lambda s: (-s[0], s[1], s[2].origin, s[2].host))
    return [
        Ranked(n, f, round(score, 1), reasons, unknown)
        for n, (score, unknown, f, reasons) in enumerate(scored, 1)
    ]


@dataclass(frozen=True)
class YearResult:
    year: int
    pairs: int  # ranked that year
    with_incidents: int  # of them, pairs that had an incident in the year
    index_hits: int  # among the index's top k
    baseline_hits: int  # among the top k by past incidents alone


@dataclass(frozen=True)
class Backtest:
    k: int
    years: list[YearResult]

    @property
    def index_precision(self) -> float:
        return sum(y.index_hits for y in self.years) / max(1, self.k * len(self.years))

    @property
    def baseline_precision(self) -> float:
        return sum(y.baseline_hits for y in self.years) / max(1, self.k * len(self.years))


def backtest(
    years: Sequence[int],
    facts_for: Callable[[int], list[Facts]],
    happened: Callable[[int], Mapping[tuple[str, str], int]],
    predictors: Sequence[Predictor],
    *,
    k: int = 10,
) -> Backtest:
    """For each year Y: rank the pairs on what was known at the end of Y - 1 (``facts_for(Y)``), and
    count how many of the top ``k`` had an incident in Y, against a baseline that ranks by the past
    incidents alone. Precision at k, year by year."""
    results = []
    for year in years:
        facts = facts_for(year)
        outcome = happened(year)
        ranked = rank(facts, predictors)
        top = {(r.facts.origin, r.facts.host) for r in ranked[:k]}
        by_past = sorted(facts, key=lambda f: (-f.incidents, f.origin, f.host))[:k]
        baseline = {(f.origin, f.host) for f in by_past}
        hit = {pair for pair, n in outcome.items() if n > 0}
        results.append(
            YearResult(
                year,
                len(facts),
                len(hit & {(f.origin, f.host) for f in facts}),
                len(top & hit),
                len(baseline & hit),
            )
        )
    return Backtest(k, results)
