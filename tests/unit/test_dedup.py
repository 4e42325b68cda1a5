"""Likely duplicates among person records: name keys across scripts, then Splink on DuckDB. No database."""

from __future__ import annotations

import random

from longreach.names.dedup import Record, dedupe, keys

_CYRILLIC = dict(zip("abdefgiklmnoprstuvz", "абдефгиклмнопрстувз", strict=True))


def test_one_name_in_four_scripts_and_either_order_gives_one_key() -> None:
    latin = keys("Ilham Tohti")
    for other in ("ئىلھام توختى", "Илһам Тохти", "Tohti Ilham", "TOHTI, Ilham"):
        assert keys(other)[1:] == latin[1:], other
    assert keys("Jane Doe")[0] != latin[0]
    assert keys("") == ("", "", "") and keys("---") == ("", "", "")


def _people(count: int, seed: int) -> tuple[list[Record], set[tuple[str, str]]]:
    rng = random.Random(seed)
    onsets, vowels = "b d g k l m n p r s t v z".split(), "a e i o u".split()
    records: list[Record] = []
    truth = set()
    for k in range(count):
        given = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(2))
        family = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(3))
        phone = f"+90{rng.randint(10**9, 10**10 - 1)}"
        place = f"place-{rng.randint(1, 40)}"
        records.append(
            Record(f"p{k}", (f"{given.capitalize()} {family.capitalize()}",), "", phone, "", place)
        )
        if k % 4 == 0:
            cyrillic = " ".join("".join(_CYRILLIC[c] for c in w).capitalize() for w in (family, given))
            records.append(Record(f"d{k}", (cyrillic,), "", phone if k % 8 == 0 else "", "", place))
            truth.add((f"d{k}", f"p{k}"))
    return records, truth


def test_duplicates_in_another_script_are_found_and_strangers_are_not() -> None:
    records, truth = _people(600, 3)
    found = dedupe(records, threshold=0.9)
    pairs = {tuple(sorted((p.left, p.right))) for p in found.pairs}
    right = len(pairs & truth)
    assert right / len(truth) >= 0.8  # recall
    assert right / max(1, len(pairs)) >= 0.9  # precision
    assert all("name" in p.agreed for p in found.pairs if tuple(sorted((p.left, p.right))) in truth)
    assert any(len(c) == 2 for c in found.clusters)


def test_too_few_records_to_learn_from_still_rank_by_what_agrees() -> None:
    records = [
        Record("a", ("Ilham Tohti",), phone="+905321112233"),
        Record("b", ("ئىلھام توختى",), phone="+905321112233"),
        Record("c", ("Jane Doe",), phone="+441234567890"),
    ]
    found = dedupe(records)
    assert [(p.left, p.right) for p in found.pairs] == [("a", "b")]
    assert dedupe(records[:1]).pairs == []
