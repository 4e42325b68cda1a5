"""The dyad watch's index: predictors kept as data with sources, every rank explained, unknowns
scored as nothing and counted, and a backtest against the naive baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from longreach.insight import dyads


def test_the_shipped_predictors_each_cite_a_source() -> None:
    found = dyads.load()
    assert [p.id for p in found] and sorted(p.id for p in found) == sorted(dyads.IDS)
    assert all(p.source and p.measure and p.weight > 0 for p in found)
    assert any("Journal of Conflict Resolution" in p.source for p in found)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[[predictor]]\nid = 'x'\n", "missing"),
        ("[[predictor]]\nid='nope'\nlabel='l'\nweight=1\nmeasure='m'\nsource='s'\n", "unknown id"),
        ("[[predictor]]\nid='crackdown'\nlabel='l'\nweight=99\nmeasure='m'\nsource='s'\n", "weight"),
        (
            "[[predictor]]\nid='crackdown'\nlabel='l'\nweight=1\nmeasure='m'\nsource='s'\n",
            "every predictor once",
        ),
        ("not toml [", "predictors.toml"),
    ],
)
def test_a_bad_predictors_file_is_refused(tmp_path: Path, text: str, why: str) -> None:
    path = tmp_path / "predictors.toml"
    path.write_text(text)
    with pytest.raises(dyads.PredictorsError, match=why):
        dyads.load(path)


def test_pairs_rank_by_the_index_with_reasons_and_unknowns() -> None:
    predictors = dyads.load()
    facts = [
        dyads.Facts("CN", "KZ", 11, 14, "NF", ("SCO",), incidents=20, legal=2),
        dyads.Facts("CN", "DE", 11, 14, "F", (), incidents=20, legal=0),
        dyads.Facts("EG", "DE", None, None, "F", (), incidents=1),
    ]
    ranked = dyads.rank(facts, predictors)
    assert [(r.facts.origin, r.facts.host) for r in ranked] == [("CN", "KZ"), ("CN", "DE"), ("EG", "DE")]
    top = ranked[0]
    assert 0 < top.score <= 100 and top.unknown == 0
    by = {r.predictor.id: r for r in top.reasons}
    assert by["shared_body"].value == 1.0 and by["shared_body"].fact == "SCO"
    assert by["origin_repression"].value == pytest.approx(49 / 60) and by["crackdown"].value == pytest.approx(
        0.3
    )
    assert top.reasons == sorted(top.reasons, key=lambda r: -r.points)  # the biggest reason first
    assert ranked[2].unknown == 2 and {r.fact for r in ranked[2].reasons if r.value is None} == {
        "no Freedom in the World rating",
        "no ratings three editions apart",
    }


def test_the_backtest_counts_hits_in_the_top_k_against_the_baseline() -> None:
    predictors = dyads.load()

    def facts_for(year: int) -> list[dyads.Facts]:
        return [
            dyads.Facts("CN", "KZ", 10, 20, "NF", ("SCO",), incidents=0),
            dyads.Facts("IR", "GB", 20, 20, "F", (), incidents=5),
            dyads.Facts("RU", "DE", 15, 15, "F", (), incidents=4),
        ]

    result = dyads.backtest([2023, 2024], facts_for, lambda y: {("CN", "KZ"): 3}, predictors, k=1)
    assert [y.index_hits for y in result.years] == [1, 1] and [y.baseline_hits for y in result.years] == [
        0,
        0,
    ]
    assert result.index_precision == 1.0 and result.baseline_precision == 0.0
    assert result.years[0].with_incidents == 1 and result.years[0].pairs == 3
