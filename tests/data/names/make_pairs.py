"""Write names_pairs.jsonl from people.py (or names_pairs_v2.jsonl from people_v2.py with ``--set v2``):
the labelled pairs for name matching, split once.

Run from the repository root: python tests/data/names/make_pairs.py [--set v2]. The split is fixed by a
hash of each person's id (so all of one person's pairs fall on the same side) and the file is
held to its SHA-256 by a test; pairs on the "frozen" side are never looked at while tuning.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import importlib  # noqa: E402

MAX_VARIANT_PAIRS = 12  # per person
RANDOM_PAIRS = 1500  # per split, different people drawn at random


def side(person: str) -> str:
    digest = hashlib.sha1(person.encode(), usedforsecurity=False).hexdigest()  # a split, not a secret
    return "frozen" if int(digest, 16) % 2 == 0 else "tune"


def base(script: str) -> str:
    return (
        script.split("-")[0]
        if not script.startswith("ug-")
        else {"ug-arab": "arab", "ug-cyrl": "cyrl", "ug-han": "han", "ug-latin": "latin"}[script]
    )


def script_pair(a: str, b: str) -> str:
    return "/".join(sorted((a, b)))


def main() -> None:
    version = sys.argv[sys.argv.index("--set") + 1] if "--set" in sys.argv else ""
    people = importlib.import_module(f"people_{version}" if version else "people")
    PEOPLE, OTHERS, NEAR_MISSES = people.PEOPLE, people.OTHERS, people.NEAR_MISSES  # noqa: N806
    rows = []
    rng = random.Random(20261206)
    everyone = {**PEOPLE, **OTHERS}
    for person, (source, names) in PEOPLE.items():
        pairs = [(x, y) for x, y in itertools.combinations(names, 2) if x[1] != y[1]]
        rng.shuffle(pairs)
        for (sa, a), (sb, b) in pairs[:MAX_VARIANT_PAIRS]:
            rows.append(
                {
                    "query": a,
                    "candidate": b,
                    "match": True,
                    "kind": "same_person",
                    "scripts": script_pair(sa, sb),
                    "person": person,
                    "other": person,
                    "source": source,
                    "split": side(person),
                }
            )
    for left, right in NEAR_MISSES:
        for (sa, a), (sb, b) in itertools.product(everyone[left][1], everyone[right][1]):
            if "homophone" in right and not (sa.startswith("han") and sb.startswith("han")):
                continue
            sources = sorted({everyone[left][0], everyone[right][0]})
            rows.append(
                {
                    "query": a,
                    "candidate": b,
                    "match": False,
                    "kind": "near_miss",
                    "scripts": script_pair(sa, sb),
                    "person": left,
                    "other": right,
                    "source": "+".join(sources),
                    "split": side(left),
                }
            )
    for split in ("tune", "frozen"):
        people = sorted(p for p in PEOPLE if side(p) == split)
        for _ in range(RANDOM_PAIRS):
            left, right = rng.sample(people, 2)
            sa, a = rng.choice(PEOPLE[left][1])
            sb, b = rng.choice(PEOPLE[right][1])
            rows.append(
                {
                    "query": a,
                    "candidate": b,
                    "match": False,
                    "kind": "different_person",
                    "scripts": script_pair(sa, sb),
                    "person": left,
                    "other": right,
                    "source": "+".join(sorted({PEOPLE[left][0], PEOPLE[right][0]})),
                    "split": split,
                }
            )
    out = HERE.parent / (f"names_pairs_{version}.jsonl" if version else "names_pairs.jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for n, row in enumerate(rows, 1):
            fh.write(json.dumps({"id": f"n{n:05d}", **row}, ensure_ascii=False) + "\n")
    print(out, len(rows), hashlib.sha256(out.read_bytes()).hexdigest())


if __name__ == "__main__":
    main()
