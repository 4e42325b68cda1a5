"""Names across scripts: parts, keys, the scorer and its explanations, the command. No database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.names import phonetic, score
from longreach.names.cli import main, metrics
from longreach.names.parse import MAX_NAME_CHARS, NameError_, analyse

DATA = Path(__file__).parent.parent / "data"


def parts(name: str) -> list[tuple[str, str]]:
    return [(p.text, p.kind) for p in analyse(name).parts]


def test_a_name_is_split_into_its_parts_in_every_script() -> None:
    assert parts("陈全国") == [("陈", "family"), ("全国", "given")]
    assert parts("陳全國") == [("陈", "family"), ("全国", "given")]  # traditional read as simplified
    assert parts("欧阳修") == [("欧阳", "family"), ("修", "given")]
    assert parts("伊力哈木·土赫提") == [("伊力哈木", "transcribed"), ("土赫提", "transcribed")]
    assert parts("Saud al-Qahtani") == [("Saud", "part"), ("al", "particle"), ("Qahtani", "part")]
    assert parts("سعود القحطاني") == [("سعود", "part"), ("ال", "particle"), ("قحطاني", "part")]
    assert parts("Abd El-Fattah") == [("Abd Fattah", "part")]  # "servant of" is one name with what follows
    assert parts("Vladimir Vladimirovich Putin")[1] == ("Vladimirovich", "patronymic")
    assert [p.latin for p in analyse("ئىلھام توختى").parts] == ["ilham", "toxti"]  # Uyghur, read by umsc
    assert [p.pinyin for p in analyse("Ch'en Ch'üan-kuo").parts][1][
        0
    ] == "quanguo"  # Wade-Giles read as pinyin


def test_phonetic_keys_meet_across_transliterations() -> None:
    same = [
        ("Lukashenko", "Loukachenko", "Lukaschenko"),
        ("Gaddafi", "Qadhafi", "Kadhafi"),
        ("Japarov", "Zhaparov", "Caparov"),
        ("Soleimani", "Süleymani"),
        ("Shavkat", "Şevket"),
    ]
    for spellings in same:
        keys = [set(phonetic.keys(s)) for s in spellings]
        assert set.intersection(*keys), spellings
    assert not set(phonetic.keys("Putin")) & set(phonetic.keys("Potanin"))
    assert phonetic.keys("") == () and phonetic.keys("123 !") == ()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("陈全国", "Chen Quanguo"),
        ("Chen Quanguo", "Ch'en Ch'üan-kuo"),
        ("陳全國", "Quanguo Chen"),
        ("ئىلھام توختى", "Ilham Tohti"),
        ("Илһам Тохти", "Ilham Tohti"),
        ("伊力哈木·土赫提", "Ilham Tohti"),
        ("Мухаммад", "Muhammad"),
        ("محمد", "Mohammed"),
        ("Си Цзиньпин", "Xi Jinping"),
    ],
)
def test_the_same_person_across_scripts_matches(a: str, b: str) -> None:
    found = score.compare(a, b)
    assert found.match, found.as_dict()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("王君正", "王俊正"),  # the same sound in other characters is another name
        ("Muhammad Ali", "Muhammad Salih"),  # only a common given name agrees
        ("Ramzan Kadyrov", "Akhmad Kadyrov"),  # father and son
        ("Vladimir Putin", "Vladimir Potanin"),
        ("Zhu Hailun", "Zhu Hailin"),
        ("Abdel Fattah el-Sisi", "Abdel Fattah al-Burhan"),
    ],
)
def test_near_misses_do_not_match(a: str, b: str) -> None:
    found = score.compare(a, b)
    assert not found.match, found.as_dict()


def test_the_score_explains_which_parts_met_and_through_which_key() -> None:
    found = score.compare("陈全国", "Ch'en Ch'üan-kuo").as_dict()
    assert found["match"] is True
    assert {(p["left"], p["through"]) for p in found["pairs"]} == {("陈", "pinyin"), ("全国", "pinyin")}
    homophone = score.compare("王君正", "王俊正").as_dict()
    assert ("君正", "俊正", "same sound, other characters") in {
        (p["left"], p["right"], p["through"]) for p in homophone["pairs"]
    }
    only_common = score.compare("Muhammad Ali", "Muhammad Salih")
    assert only_common.note == "only common parts or patronymics agree" and only_common.unpaired_left == (
        "Ali",
    )


def test_names_that_cannot_be_compared_say_so() -> None:
    assert score.compare("", "Ilham Tohti").score == 0.0
    assert score.compare("!!! ...", "Ilham Tohti").note == "a name has no part to compare"
    with pytest.raises(NameError_, match="at most"):
        analyse("x" * (MAX_NAME_CHARS + 1))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_any_two_texts_get_a_score_between_0_and_1(a: str, b: str) -> None:
    found = score.compare(a, b)
    assert 0.0 <= found.score <= 1.0
    json.dumps(found.as_dict(), ensure_ascii=False)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(
        ["陈全国", "Ilham Tohti", "ئىلھام توختى", "Илһам Тохти", "محمد بن سلمان", "Şevket Mirziyoyev"]
    )
)
def test_a_name_matches_itself_fully(name: str) -> None:
    assert score.compare(name, name).score == 1.0 or score.compare(name, name).score >= 0.97


# Measured once on 2026-12-06 when each version of the scorer was frozen: the first set's frozen half
# F1 0.947, precision 1.000, recall at 1% false positives 0.925 (0.961 once fixes seen on it were made);
# the second set's, written after that and never looked at while fixing, F1 0.964, precision 1.000,
# recall at 1% false positives 0.953. Floors, so that a change that loses ground is caught; tune on the
# "tune" halves only, and write a new set before tuning on what a frozen half showed.
@pytest.mark.parametrize("name", ["names_pairs.jsonl", "names_pairs_v2.jsonl"])
def test_the_frozen_split_keeps_its_measured_quality(name: str) -> None:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    frozen = [
        (score.compare(r["query"], r["candidate"]).score, r["match"]) for r in rows if r["split"] == "frozen"
    ]
    precision, recall, f1, at1 = metrics(frozen, score.THRESHOLD)
    assert precision is not None and precision >= 0.95
    assert f1 is not None and f1 >= 0.9
    assert at1 is not None and at1 >= 0.85


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")], err


def test_match_keeps_every_field_and_adds_score_and_match(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pairs.jsonl"
    lines = [
        {"id": 7, "query": "陈全国", "candidate": "Chen Quanguo", "note": "kept"},
        {"id": 8, "query": "王君正", "candidate": "王俊正"},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    code, rows, err = run(["match", str(path), "--explain"], capsys)
    assert code == 0 and "2 pairs" in err
    assert rows[0]["id"] == 7 and rows[0]["note"] == "kept" and rows[0]["match"] is True
    assert rows[0]["explanation"]["pairs"]  # type: ignore[index]
    assert rows[1]["match"] is False and 0 <= rows[1]["score"] < score.THRESHOLD  # type: ignore[operator]
    code, rows, _ = run(["match", str(path), "--threshold", "0.0"], capsys)
    assert all(r["match"] for r in rows)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"not json\n", "line 1: not a JSON object"),
        (b'["a"]\n', "line 1: not a JSON object"),
        (b'{"query": "A"}\n', 'line 1: no "candidate" name'),
        (b'{"query": " ", "candidate": "B"}\n', 'line 1: no "query" name'),
        (b'{"query": 3, "candidate": "B"}\n', 'line 1: no "query" name'),
        (b'{"query": "' + b"x" * 400 + b'", "candidate": "B"}\n', "longer than 300 characters"),
        (b'{"query": "A", "candidate": "B"}\n' + b"x" * 70_000 + b"\n", "line 2: longer than 65,536 bytes"),
        (b"\xff\xfe\n", "line 1: not a JSON object"),
        (b"[" * 100_000 + b"\n", "line 1:"),
    ],
)
def test_bad_lines_are_named_and_lenient_skips_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, error: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    code, _, err = run(["match", str(path)], capsys)
    assert code == 1 and error in err and str(path) in err
    code, _, err = run(["match", str(path), "--lenient"], capsys)
    assert code == 0 and "could not be read and were skipped" in err


def test_explain_evaluate_and_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explain", "Ilham Tohti", "ئىلھام توختى"])
    out = capsys.readouterr().out
    assert code == 0 and json.loads(out)["match"] is True
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(
        json.dumps({"query": "陈全国", "candidate": "Chen Quanguo", "match": True, "scripts": "han/latin"})
        + "\n"
        + json.dumps({"query": "王君正", "candidate": "王俊正", "match": False, "scripts": "han/han"})
        + "\n",
        encoding="utf-8",
    )
    code = main(["evaluate", str(labelled)])
    out = capsys.readouterr().out
    assert code == 0 and out.splitlines()[1].split()[:5] == ["all", "2", "1.000", "1.000", "1.000"]
    unlabelled = tmp_path / "unlabelled.jsonl"
    unlabelled.write_text(json.dumps({"query": "A", "candidate": "B"}) + "\n", encoding="utf-8")
    assert main(["evaluate", str(unlabelled)]) == 1 and 'no "match"' in capsys.readouterr().err
    assert main(["match", str(tmp_path / "missing.jsonl")]) == 2
    assert main(["match", str(labelled), "--threshold", "2"]) == 2
    assert main(["explain", "x" * 400, "B"]) == 1 and "at most" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([])


def _exhaustive(a: str, b: str) -> list[tuple[str, str]]:
    """The pairing the scorer must find, measuring every pair of parts (no deferral, nothing remembered):
    the greedy pairing of the most alike first."""
    na, nb = analyse(a), analyse(b)
    chinese = na.chinese and nb.chinese
    scored = []
    for i, (x, _cx) in enumerate(na.units):
        for j, (y, _cy) in enumerate(nb.units):
            made = score._likeness(x, y, chinese)
            likeness, through = (score._near(made[0], made[1], made[3]), made[2]) if len(made) == 4 else made
            if likeness >= score.PAIRED or through == score.HOMOPHONE:
                scored.append((likeness, i, j))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    paired = []
    for _likeness, i, j in scored:
        ca, cb = na.units[i][1], nb.units[j][1]
        if used_a & ca or used_b & cb:
            continue
        used_a |= ca
        used_b |= cb
        paired.append((na.units[i][0].text, nb.units[j][0].text))
    return paired


@pytest.mark.parametrize("name", ["names_pairs.jsonl", "names_pairs_v2.jsonl"])
def test_deferring_near_spellings_pairs_parts_as_measuring_everything_would(name: str) -> None:
    # The scorer measures a near spelling only for parts left free by closer pairs, and remembers
    # likenesses by part: both must leave the pairing exactly as measuring every pair would.
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    for row in rows[::3]:
        expected = _exhaustive(row["query"], row["candidate"])
        for _round in range(2):  # the second time, from what was remembered
            found = score.compare(row["query"], row["candidate"])
            assert [(p.left, p.right) for p in found.pairs] == expected, row
