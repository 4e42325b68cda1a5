"""Deduplicating people: Longreach (name keys across scripts, then Splink) against Splink alone, in one run.

100,000 synthetic person records (``--people``), their names drawn with
Zipf-like frequencies from pools of given and family names (see ``people``);
a fifth of the people have a second record: their name in Cyrillic or Arabic letters, or spelled with
other vowels, or family name first; the birth date kept or left out, the
phone number kept or left out. Both runs use Splink on its embedded DuckDB
with the same fields and training; Splink alone compares the names as written
(lower-cased), Longreach compares the name keys of ``names.dedup`` (its
transliteration and phonetic keys, made on every CPU). Printed: the time of
each (keys and Splink separately for ours), the ratio (goal: at most 1.2x
Splink alone, our transliteration included), and precision and recall of the
pairs found against the known duplicates.

Run: .venv/bin/python benchmarks/dedup.py [--people N]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from longreach.names.dedup import Record, comparison_rows, run_splink, settings  # noqa: E402

_ONSETS = "b d f g k l m n p r s t v z sh kh ch y".split()
_VOWELS = "a e i o u".split()
_CYRILLIC = dict(zip("abdefgiklmnoprstuvyz", "абдефгиклмнопрстувйз", strict=True))
_CYRILLIC |= {"sh": "ш", "kh": "х", "ch": "ч"}
_ARABIC = dict(zip("bdfgklmnprstvyz", "بدفغكلمنبرستويز", strict=True))
_ARABIC |= {"a": "ا", "e": "", "i": "ي", "o": "و", "u": "و", "sh": "ش", "kh": "خ", "ch": "چ"}
_OTHER_VOWEL = {"a": "e", "e": "a", "i": "y", "o": "u", "u": "o"}
PLACES = [f"place-{k}" for k in range(300)]


def _syllables(rng: random.Random, low: int, high: int) -> list[str]:
    return [p for _ in range(rng.randint(low, high)) for p in (rng.choice(_ONSETS), rng.choice(_VOWELS))]


def _latin(parts: list[str]) -> str:
    return "".join(parts).capitalize()


def _variant(rng: random.Random, given: list[str], family: list[str]) -> str:
    kind = rng.random()
    if kind < 0.3:
        cyrillic = ["".join(_CYRILLIC[p] for p in word).capitalize() for word in (given, family)]
        return " ".join(cyrillic)
    if kind < 0.55:
        return f"{''.join(_ARABIC[p] for p in given)} {''.join(_ARABIC[p] for p in family)}"
    if kind < 0.8:
        vowel = [_OTHER_VOWEL[p] if p in _OTHER_VOWEL and rng.random() < 0.3 else p for p in family]
        return f"{_latin(given)} {_latin(vowel)}"
    return f"{_latin(family).upper()} {_latin(given)}"


def _pool(rng: random.Random, size: int, low: int, high: int) -> list[list[str]]:
    made: dict[str, list[str]] = {}
    while len(made) < size:
        parts = _syllables(rng, low, high)
        made.setdefault("".join(parts), parts)
    return list(made.values())


def people(count: int, seed: int = 7) -> tuple[list[Record], set[tuple[str, str]]]:
    """(person records, the true pairs). Names are drawn from pools of 1,500 given and 8,000 family
    names with Zipf-like frequencies (the k-th most common drawn in proportion to 1/k), as in real
    populations, where a few thousand family names cover most people."""
    rng = random.Random(seed)
    given_pool, family_pool = _pool(rng, 1_500, 1, 2), _pool(rng, 8_000, 2, 3)
    given_weights = [1 / (k + 1) for k in range(len(given_pool))]
    family_weights = [1 / (k + 1) for k in range(len(family_pool))]
    records: list[Record] = []
    truth: set[tuple[str, str]] = set()
    while len(records) < count:
        given = rng.choices(given_pool, given_weights)[0]
        family = rng.choices(family_pool, family_weights)[0]
        birth = f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        phone = f"+90{rng.randint(10**9, 10**10 - 1)}" if rng.random() < 0.6 else ""
        place = rng.choice(PLACES) if rng.random() < 0.5 else ""
        first = Record(f"r{len(records)}", (f"{_latin(given)} {_latin(family)}",), birth, phone, "", place)
        records.append(first)
        if rng.random() < 0.2 and len(records) < count:
            second = Record(
                f"r{len(records)}",
                (_variant(rng, given, family),),
                birth if rng.random() < 0.6 else "",
                phone if rng.random() < 0.4 else "",
                "",
                place if rng.random() < 0.5 else "",
            )
            records.append(second)
            truth.add((first.id, second.id))
    return records, truth


def quality(pairs: list[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float]:
    found = {tuple(sorted(p, key=lambda s: int(s[1:]))) for p in pairs}
    right = len(found & truth)
    return (right / len(found) if found else 0.0), right / len(truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    records, truth = people(args.people)

    t = time.perf_counter()
    raw_rows = [
        {
            "unique_id": r.id,
            "name_raw": r.names[0].lower(),
            "birth": r.birth or None,
            "birth_year": r.birth[:4] or None,
            "phone": r.phone or None,
            "handle": None,
            "place": r.place or None,
        }
        for r in records
    ]
    alone = run_splink(raw_rows, settings(raw=True))
    alone_seconds = time.perf_counter() - t

    t = time.perf_counter()
    rows = comparison_rows(records)
    keys_seconds = time.perf_counter() - t
    ours = run_splink(rows, settings())
    ours_seconds = time.perf_counter() - t

    print(f"{len(records):,} person records, {len(truth):,} of them a second record of someone")
    runs = (("splink alone", alone_seconds, alone), ("longreach", ours_seconds, ours))
    for label, seconds, outcome in runs:
        p, r = quality([(x.left, x.right) for x in outcome.pairs], truth)
        print(
            f"  {label:<13} {seconds:7.1f} s   pairs {len(outcome.pairs):>7,}   precision {p:.3f}"
            f"   recall {r:.3f}   clusters {len(outcome.clusters):,}"
        )
    print(f"  longreach: keys {keys_seconds:.1f} s, Splink {ours.seconds_splink:.1f} s")
    print(f"  ratio {ours_seconds / alone_seconds:.2f}x Splink alone (goal: at most 1.2x)")


if __name__ == "__main__":
    main()
