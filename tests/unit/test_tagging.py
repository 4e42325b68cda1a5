"""The coercion rules: syntax, normalisation, errors, and how they do on the labelled set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.messages import tag_cli, tagging

DATA = Path(__file__).parent.parent / "data"


def rules_from(text: str, tmp_path: Path) -> tagging.Rules:
    path = tmp_path / "extra.toml"
    path.write_text(text, encoding="utf-8")
    rules = tagging.Rules()
    tagging.parse_rules(tagging.read_rules_file(path), str(path), tagging.codebook_codes(), rules)
    return rules


def codes(rules: tagging.Rules, text: str) -> dict[str, tuple[str, ...]]:
    return {t.code: t.words for t in rules.tag(text)}


def test_phrase_syntax_wildcards_gaps_and_word_lists(tmp_path: Path) -> None:
    rules = rules_from(
        """
[words.en]
family = ["mother", "brother*"]
[FAMILY_THREAT]
en = ["think .. your {family}", "*land is watching"]
[SILENCE]
en = ["stop ... posting"]
""",
        tmp_path,
    )
    assert codes(rules, "Think about your brothers.") == {"FAMILY_THREAT": ("Think about your brothers",)}
    assert codes(rules, "Think of all of your mother") == {"FAMILY_THREAT": ("Think of all of your mother",)}
    # ".." is at most three words; "..." at most twelve.
    assert codes(rules, "think of this, dear friend, of all of your mother") == {}
    assert codes(rules, "Stop, for the sake of everyone you love, posting") == {
        "SILENCE": ("Stop, for the sake of everyone you love, posting",)
    }
    assert codes(rules, "The homeland is watching") == {"FAMILY_THREAT": ("homeland is watching",)}
    assert codes(rules, "mothers and brothers") == {}  # a word is whole unless its phrase says "*"


def test_unspaced_chinese_phrases_join_words_and_gap_by_characters(tmp_path: Path) -> None:
    rules = rules_from(
        '[words.zh]\nfamily = ["家人", "父母"]\n[FAMILY_THREAT]\nzh = ["你的 {family} ... 后果"]\n', tmp_path
    )
    assert codes(rules, "你的父母会承担后果。") == {"FAMILY_THREAT": ("你的父母会承担后果",)}
    assert codes(rules, "你的家人" + "很" * 40 + "后果") == {}


def test_matches_ignore_case_letter_variants_and_marks_but_report_the_words_as_written(
    tmp_path: Path,
) -> None:
    rules = rules_from(
        '[RETURN_PRESSURE]\nar = ["ارجع الى البلد"]\nfa = ["به ایران برگرد"]\ntr = ["İSTANBUL\'A GEL"]\n'
        'ru = ["вернешься домой"]\n',
        tmp_path,
    )
    arabic = "قال: اِرْجِعْ إلى البلد الآن"  # vowel marks and a hamza form the rule does not have
    assert codes(rules, arabic) == {"RETURN_PRESSURE": ("اِرْجِعْ إلى البلد",)}
    persian_typed_on_an_arabic_keyboard = "به ايران برگرد"  # ي for ی
    assert codes(rules, persian_typed_on_an_arabic_keyboard)["RETURN_PRESSURE"] == ("به ايران برگرد",)
    assert codes(rules, "hemen istanbul'a gel")["RETURN_PRESSURE"] == ("istanbul'a gel",)
    assert codes(rules, "Вернёшься домой?")["RETURN_PRESSURE"] == ("Вернёшься домой",)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('[NOT_A_CODE]\nen = ["x"]\n', "[NOT_A_CODE]: not a tactic or demand code"),
        ('[SILENCE]\nxx = ["x"]\n', "[SILENCE] xx: not a language the tagger knows"),
        ('[SILENCE]\nen = "stop"\n', "[SILENCE] en: must be a list of phrases"),
        ('[SILENCE]\nen = [".. stop"]\n', "'.. stop': '..' and '...' must stand between two words"),
        ('[SILENCE]\nen = ["stop {content}"]\n', "no word list {content} for en"),
        ('[SILENCE]\nen = ["a ** b"]\n', "is not a word"),
        ('[SILENCE]\nen = ["' + "x" * 300 + '"]\n', "at most 200 characters"),
        ('[SILENCE]\nen = ["   "]\n', "a phrase must have words"),
        (
            "[SILENCE\nen = 1\n",
            "not a valid rules file: Expected ']' at the end of a table declaration (at line 1",
        ),
        ('[words]\nen = ["x"]\n', "[words.en]: not a language the tagger knows, or not a table"),
        ("[words.en]\nfamily = []\n", "[words.en] family: must be a list of words"),
        ('[when]\nSILENCE = ["stop + gag"]\n', "[when] names gag, stop: no word list of that name"),
        ('[words.en]\nstop = ["stop"]\n[when]\nSILENCE = ["stop + Gag"]\n', "'Gag' is not a concept"),
        ('[words.en]\nstop = ["stop"]\n[when]\nSILENCE = ["without stop"]\n', "at least one concept"),
        (
            '[words.en]\nstop = ["stop"]\n[when]\nNOPE = ["stop"]\n',
            "[when] NOPE: not a tactic or demand code",
        ),
        ('[when]\nSILENCE = "stop"\n', "[when] SILENCE: must be a list of combinations"),
        ("when = 3\n", "[when] must be a table of codes"),
        ('[words.en]\nsafe = ["safe"]\n[when]\nSILENCE = ["not safe"]\n', "says 'not' of safe: name it in"),
        ('negatable = "safe"\n', "negatable must be a list of concept names"),
    ],
)
def test_a_bad_rules_file_is_named_by_code_language_and_phrase(tmp_path: Path, text: str, error: str) -> None:
    with pytest.raises(tagging.RulesError) as caught:
        rules_from(text, tmp_path)
    assert str(tmp_path / "extra.toml") in str(caught.value) and error in str(caught.value)


def test_a_rules_file_that_is_not_utf8_or_missing_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'[SILENCE]\nen = ["\xff"]\n')
    with pytest.raises(tagging.RulesError, match="not"):
        tagging.load([bad])
    with pytest.raises(tagging.RulesError, match="cannot be read"):
        tagging.load([tmp_path / "missing.toml"])


def test_an_organisations_file_adds_to_the_shipped_rules(tmp_path: Path) -> None:
    extra = tmp_path / "ours.toml"
    extra.write_text('[BOUNTY]\nen = ["reward for information on"]\n', encoding="utf-8")
    rules = tagging.load([extra])
    assert rules.phrases == tagging.shipped().phrases + 1
    assert [t.code for t in rules.tag("A reward for information on him")] == ["BOUNTY"]


def test_a_long_message_is_tagged_only_in_its_first_part() -> None:
    text = "x " * tagging.MAX_TAG_CHARS + "think of your family"
    assert tagging.shipped().tag(text) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_codes_of_the_codebook_with_words_taken_from_the_text(text: str) -> None:
    known = tagging.codebook_codes()
    for tag in tagging.shipped().tag(text):
        assert tag.code in known and tag.words and tag.languages
        assert all(word in text for word in tag.words)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from("اِرْجِعْ إلى البلد İıIiёЁ\u200c\u200f\u0640 abc"), max_size=60))
def test_normalising_keeps_a_place_in_the_original_for_every_character(text: str) -> None:
    norm, where = tagging.normalise(text)
    if where is None:
        assert len(norm) == len(text)
    else:
        assert len(where) == len(norm) and where == sorted(where) and all(0 <= i < len(text) for i in where)


# In the order they were written; each "unseen" split was written after the rules it measures were frozen.
SPLITS = ("dev", "held_out", "fresh", "unseen_v2", "unseen_v3")


def _labelled() -> list[dict[str, object]]:
    with (DATA / "coercion_labelled.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_the_labelled_set_is_well_formed_and_cites_its_sources() -> None:
    rows = _labelled()
    sources = json.loads((DATA / "coercion_sources.json").read_text(encoding="utf-8"))
    known = tagging.codebook_codes()
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["lang"] in tagging.LANGUAGES and row["split"] in SPLITS
        assert row["source"] in sources and set(row["codes"]) <= known  # type: ignore[arg-type]
    for lang in tagging.LANGUAGES:
        assert sum(1 for r in rows if r["lang"] == lang and r["split"] == "unseen_v3") >= 4


# Written on 2026-12-06 from scenarios (a relative plus a harm plus a condition, a request to report
# on others, a call to come back, an offer of a call home...), not from the published quotes the rules
# came from, in the seven languages, before any rule was changed; its hash keeps it from being tuned.
PARAPHRASE_SHA256 = "ff69ea7521c35339e9d59c44e39c4c2ea7981dc45d9b06b0ede0ef61e72027c9"


def test_the_paraphrase_split_is_frozen_and_the_same_scenarios_in_every_language() -> None:
    import hashlib

    raw = (DATA / "coercion_paraphrase.jsonl").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == PARAPHRASE_SHA256
    rows = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    known = tagging.codebook_codes()
    by_scenario: dict[int, set[tuple[str, ...]]] = {}
    for row in rows:
        assert row["lang"] in tagging.LANGUAGES and row["split"] == "paraphrase_v1"
        assert set(row["codes"]) <= known
        by_scenario.setdefault(row["scenario"], set()).add(tuple(row["codes"]))
    assert all(len(codes) == 1 for codes in by_scenario.values())  # one label per scenario, every language
    assert {lang: sum(r["lang"] == lang for r in rows) for lang in tagging.LANGUAGES} == dict.fromkeys(
        tagging.LANGUAGES, 18
    )


# Written on 2026-12-06 before the concept tagger: fifteen new scenarios and six controls (ordinary
# family talk that uses the same words: a call home, a ticket, a deleted photo, an address for a
# present), in the seven languages; frozen by its hash before any rule was written against it.
PARAPHRASE_V2_SHA256 = "1dc520a490a88af1b064e57348b53aea2f510168b2c06f74e6169bec47de24a0"


def test_the_second_paraphrase_split_is_frozen_and_has_controls() -> None:
    import hashlib

    raw = (DATA / "coercion_paraphrase_v2.jsonl").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == PARAPHRASE_V2_SHA256
    rows = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
    assert {r["split"] for r in rows} == {"paraphrase_v2"}
    assert set().union(*(r["codes"] for r in rows)) == set(tag_cli.COERCION)
    assert sum(1 for r in rows if not r["codes"]) == 6 * len(tagging.LANGUAGES)


def _macro_f1(rows: list[dict[str, object]]) -> float:
    rules = tagging.shipped()
    counts = {code: [0, 0, 0] for code in tag_cli.COERCION}
    for row in rows:
        got = {t.code for t in rules.tag(str(row["text"]))}
        want = set(row["codes"])  # type: ignore[arg-type]
        for code in tag_cli.COERCION:
            counts[code][0 if code in got and code in want else 1 if code in got else 2] += code in got | want
    return sum(tag_cli._f1(*c) for c in counts.values()) / len(counts)


def test_the_shipped_rules_still_find_what_they_were_tuned_on_without_false_alarms() -> None:
    """A regression floor on the labelled set the concept lists were tuned on (0.98 when frozen);
    the honest figures are the paraphrase splits' below."""
    rows = _labelled()
    assert _macro_f1(rows) >= 0.95
    controls = [r for r in rows if not r["codes"]]
    assert not [r["text"] for r in controls if tagging.shipped().tag(str(r["text"]))]


@pytest.mark.parametrize(
    ("name", "floor"), [("coercion_paraphrase.jsonl", 0.8), ("coercion_paraphrase_v2.jsonl", 0.9)]
)
def test_the_frozen_paraphrase_splits_keep_their_measured_score(name: str, floor: float) -> None:
    """Measured once when the concept rules were frozen (0.86 and 0.94; 0.85 and 0.95 once a combination
    had to come from one language); a change to the rules that
    loses ground here is caught. Never tune the rules on these rows: write a new split instead."""
    with (DATA / name).open(encoding="utf-8") as fh:
        assert _macro_f1([json.loads(line) for line in fh]) >= floor


def test_concepts_combine_within_two_sentences_and_not_further(tmp_path: Path) -> None:
    rules = rules_from(
        """
[words.en]
kin = ["your mother", "your brother"]
harm = ["trouble", "suffer"]
cond = ["if", "unless"]
[when]
FAMILY_THREAT = ["kin + harm + cond"]
""",
        tmp_path,
    )
    assert codes(rules, "If you go on, your mother will have trouble.") == {
        "FAMILY_THREAT": ("If", "your mother", "trouble")
    }
    assert codes(rules, "Your brother is old. It would be trouble if he fell ill.") == {
        "FAMILY_THREAT": ("Your brother", "trouble if")
    }
    assert codes(rules, "Your brother is old. The weather is fine. Trouble if it rains.") == {}
    assert codes(rules, "Your mother will have trouble.") == {}  # no condition: no tag


def test_a_negated_concept_is_not_the_concept_and_not_says_so(tmp_path: Path) -> None:
    rules = rules_from(
        """
negatable = ["safe", "harm"]
[words.en]
negation = ["not", "don't", "nothing"]
safe = ["safe", "protect"]
harm = ["happen to you"]
you = ["you"]
[when]
DIRECT_THREAT = ["not safe + you", "harm"]
""",
        tmp_path,
    )
    assert codes(rules, "Don't think you are safe there.") == {"DIRECT_THREAT": ("you", "safe")}
    assert codes(rules, "Another country will not protect you.") == {"DIRECT_THREAT": ("protect you",)}
    assert codes(rules, "You are safe with us.") == {}
    assert codes(rules, "We guarantee nothing will happen to you.") == {}
    # A negation reaches only within its clause and a few words back.
    assert codes(rules, "It is not raining, you are safe.") == {}
    assert codes(rules, "Not that I know of anything else at all really, you are safe.") == {}


def test_without_refuses_a_combination_when_the_concept_is_anywhere(tmp_path: Path) -> None:
    rules = rules_from(
        """
[words.en]
request = ["send"]
data = ["your address"]
gift = ["birthday"]
[when]
INFO_SELF = ["request + data + without gift"]
""",
        tmp_path,
    )
    assert [t.code for t in rules.tag("Send your address to this number.")] == ["INFO_SELF"]
    assert rules.tag("Send your address. It is for your birthday present.") == []


def test_a_threat_in_quotation_marks_is_tagged_and_marked_as_quoted() -> None:
    rules = tagging.shipped()
    reported = rules.tag('He called my father and said: "Think of your family."')
    assert [(t.code, t.quoted) for t in reported] == [("FAMILY_THREAT", True)]
    assert reported[0].as_dict()["quoted"] is True
    made = rules.tag("Think of your family.")
    assert [(t.code, t.quoted) for t in made] == [("FAMILY_THREAT", False)]
    assert "quoted" not in made[0].as_dict()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Your brother's shop was inspected again; whether it stays open depends on you.", "FAMILY_THREAT"),
        ("你的父母身体不好，你再这样下去，他们会受到牵连。", "FAMILY_THREAT"),
        ("ئاناڭ كېسەل، ئەگەر داۋاملاشتۇرساڭ ئۇنىڭغا زىيان يېتىدۇ.", "FAMILY_THREAT"),
        ("Если продолжишь, твоя мать пострадает.", "FAMILY_THREAT"),
        ("Bu işi bırakmazsan annen zarar görür.", "FAMILY_THREAT"),
        ("إذا واصلت فإن عائلتك ستدفع الثمن.", "FAMILY_THREAT"),
        ("اگر ادامه بدهی، خانواده ات تاوان می دهد.", "FAMILY_THREAT"),
    ],
)
def test_the_same_shape_is_found_in_every_language(text: str, code: str) -> None:
    assert code in [t.code for t in tagging.shipped().tag(text)]


@pytest.mark.parametrize(
    "text", ["ب" * 100_000, "a" * 100_000, "ام " * 30_000, "你" * 100_000, "think " * 20_000]
)
def test_hostile_long_texts_are_tagged_in_one_pass(text: str) -> None:
    # Leading wildcards start only at a word's start, so one 100,000-letter word is not tried 100,000 times.
    assert tagging.shipped().tag(text) == []
