"""A compartment's tag model: what judgements teach, cross-validated scores, suggestions, storage."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.messages import learning

THREATS = [
    "The uncle at the noodle shop wants your documents tonight.",
    "Bring your documents to the uncle at the noodle shop.",
    "Uncle from the noodle shop is waiting for your papers.",
    "The noodle shop uncle needs your documents by Friday.",
    "Leave your documents with the uncle at the noodle shop.",
    "Noodle shop, the uncle, your documents: tomorrow.",
]
ORDINARY = [
    "Lunch at the market tomorrow?",
    "The bus was late again this morning.",
    "Happy birthday to your little brother!",
    "Did you see the match last night?",
    "I will call you after work.",
    "The weather is lovely by the sea today.",
]


def examples() -> list[learning.Example]:
    return [learning.Example(t, {"INFO_SELF": True}) for t in THREATS] + [
        learning.Example(t, {"INFO_SELF": False}) for t in ORDINARY
    ]


def test_a_judged_message_teaches_what_was_said_and_the_codes_nobody_added() -> None:
    taught = learning.labels(
        rule_codes=["FAMILY_THREAT", "SILENCE"],
        verdicts={"SILENCE": False, "INFO_SELF": True},
        codes=["FAMILY_THREAT", "SILENCE", "INFO_SELF", "RECRUITMENT"],
    )
    # SILENCE and INFO_SELF as judged; RECRUITMENT neither set nor added: a no;
    # FAMILY_THREAT set by the rules and not judged: unknown, so not taught.
    assert taught == {"SILENCE": False, "INFO_SELF": True, "RECRUITMENT": False}


def test_a_code_is_learned_and_scored_by_cross_validation_once_it_has_enough_labels() -> None:
    few = examples()[:4] + examples()[-4:]
    model = learning.train(few)
    score = model.scores["INFO_SELF"]
    assert (score.positives, score.negatives, score.learned, score.folds) == (4, 4, False, 0)
    assert model.weights == {} and model.suggest(THREATS[0]) == []

    model = learning.train(examples())
    score = model.scores["INFO_SELF"]
    assert (score.positives, score.negatives, score.folds) == (6, 6, 5) and score.learned
    assert score.precision is not None and 0.0 <= score.precision <= 1.0
    assert score.recall is not None and 0.0 <= score.recall <= 1.0
    found = model.suggest("The uncle at the noodle shop asks for your documents.")
    assert [s.code for s in found] == ["INFO_SELF"] and found[0].probability >= learning.THRESHOLD
    assert found[0].score == score
    assert model.suggest("See you at the market for lunch.") == []
    assert (
        model.suggest("The uncle at the noodle shop asks for your documents.", leave_out=["INFO_SELF"]) == []
    )


def test_the_stored_model_predicts_the_same_and_holds_no_words() -> None:
    model = learning.train(examples())
    stored = json.loads(json.dumps(model.as_dict()))
    again = learning.TagModel.from_dict(stored)
    assert again is not None and again.scores == model.scores
    for text in [*THREATS, *ORDINARY, "uncle noodle documents"]:
        assert again.suggest(text) == model.suggest(text)
    blob = json.dumps(stored)
    assert not any(word in blob for word in ("noodle", "uncle", "documents", "market"))
    assert learning.TagModel.from_dict({**stored, "format": 0}) is None  # an old format is retrained


def test_no_judgements_make_an_empty_model() -> None:
    model = learning.train([])
    assert model.examples == 0 and model.scores == {} and model.suggest("anything") == []


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_only_suggestions_above_the_threshold(text: str) -> None:
    for found in MODEL.suggest(text):
        assert found.code == "INFO_SELF" and learning.THRESHOLD <= found.probability <= 1.0


MODEL = learning.train(examples())
