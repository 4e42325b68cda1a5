"""A compartment's own tag model, learned from its analysts' judgements. No Django.

The rules (``tagging``) say why they tag; they also miss wording nobody wrote
a rule for. Analysts confirm, reject and add tags on messages; this module
learns from those judgements and suggests tags the rules did not set:

- a message becomes counts of character 2- to 5-grams within words, hashed
  into ``FEATURES`` buckets (scikit-learn's ``HashingVectorizer``), so the
  model keeps no vocabulary, no words of any message: only a weight per
  bucket, and only for buckets its messages touched;
- for each code with at least ``MIN_EACH`` messages judged to carry it and
  ``MIN_EACH`` judged not to, a logistic regression with balanced class
  weights;
- before the final fit on every label, stratified k-fold cross-validation
  (k = 5, or fewer when a code has fewer than five labels of a kind) measures
  each code's precision and recall on the compartment's own labels; they are
  shown beside every suggestion so nobody trusts it blindly.

Character n-grams need no word segmentation (Chinese), survive Uyghur,
Turkish and Russian suffixes and Arabic clitics, and work in all seven
languages at once.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

FEATURES = 2**18
MIN_EACH = 5  # judged messages with the code, and as many without, before the code is learned
FOLDS = 5
THRESHOLD = 0.5  # a suggestion is shown from this probability up
MAX_TEXT_CHARS = 20_000  # a message's text beyond this adds nothing the model can use
FORMAT = 1  # of ``as_dict``; a model in another format is retrained, not read

_VECTORIZER = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=(2, 5),
    n_features=FEATURES,
    alternate_sign=False,
    norm="l2",
    lowercase=True,
)


@dataclass(frozen=True)
class Example:
    """A judged message: its text, and for each code judged (or implied) whether it carries it."""

    text: str
    labels: Mapping[str, bool]


def labels(rule_codes: Iterable[str], verdicts: Mapping[str, bool], codes: Iterable[str]) -> dict[str, bool]:
    """What one judged message teaches about each code of ``codes``.

    A code an analyst judged is what they said. A code they did not judge is
    a "no" when the rules did not set it either (they read the message and
    did not add it) and unknown when the rules set it (they did not say).
    """
    set_by_rules = set(rule_codes)
    taught = {code: verdict for code, verdict in verdicts.items()}
    for code in codes:
        if code not in taught and code not in set_by_rules:
            taught[code] = False
    return taught


@dataclass(frozen=True)
class CodeScore:
    code: str
    positives: int
    negatives: int
    precision: float | None  # cross-validated; None when the code has too few labels to learn
    recall: float | None
    folds: int

    @property
    def learned(self) -> bool:
        return self.precision is not None


@dataclass(frozen=True)
class Suggestion:
    code: str
    probability: float
    score: CodeScore


@dataclass
class Weights:
    indices: np.ndarray  # sorted bucket numbers (int32)
    values: np.ndarray  # their weights (float32)
    intercept: float


@dataclass
class TagModel:
    examples: int
    scores: dict[str, CodeScore]
    weights: dict[str, Weights] = field(default_factory=dict)

    def suggest(self, text: str, leave_out: Iterable[str] = ()) -> list[Suggestion]:
        """Codes the model gives ``text`` with probability ``THRESHOLD`` or more, most probable first."""
        if not self.weights:
            return []
        row = _VECTORIZER.transform([text[:MAX_TEXT_CHARS]])
        buckets, counts = row.indices, row.data
        skip = set(leave_out)
        found = []
        for code, w in self.weights.items():
            if code in skip:
                continue
            where = np.searchsorted(w.indices, buckets)
            where[where >= len(w.indices)] = 0
            hit = w.indices[where] == buckets if len(w.indices) else np.zeros(len(buckets), bool)
            z = float(np.dot(counts[hit], w.values[where[hit]])) + w.intercept
            probability = 1.0 / (1.0 + np.exp(-z))
            if probability >= THRESHOLD:
                found.append(Suggestion(code, round(float(probability), 3), self.scores[code]))
        return sorted(found, key=lambda s: (-s.probability, s.code))

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "examples": self.examples,
            "scores": {c: score_dict(s) for c, s in self.scores.items()},
            "weights": {
                c: {
                    "indices": _b64(w.indices.astype("<i4")),
                    "values": _b64(w.values.astype("<f4")),
                    "intercept": w.intercept,
                }
                for c, w in self.weights.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TagModel | None:
        """The model, or None when it was written in another format (it is then retrained)."""
        if data.get("format") != FORMAT:
            return None
        weights = {
            c: Weights(
                np.frombuffer(base64.b64decode(w["indices"]), dtype="<i4").astype(np.int32),
                np.frombuffer(base64.b64decode(w["values"]), dtype="<f4").astype(np.float32),
                float(w["intercept"]),
            )
            for c, w in data["weights"].items()
        }
        scores = {c: CodeScore(**s) for c, s in data["scores"].items()}
        return cls(int(data["examples"]), scores, weights)


def train(examples: list[Example]) -> TagModel:
    """Learn every code with enough labels; measure each by cross-validation first."""
    codes = sorted({code for e in examples for code in e.labels})
    matrix = _VECTORIZER.transform([e.text[:MAX_TEXT_CHARS] for e in examples]) if examples else None
    # Fit on the buckets the messages touch (thousands), not all of them: a bucket no message touches
    # would keep a zero weight anyway, and the solver's time grows with the columns it is given.
    touched = np.unique(matrix.indices) if matrix is not None else np.zeros(0, np.int32)
    if matrix is not None:
        matrix = matrix[:, touched]
    scores: dict[str, CodeScore] = {}
    weights: dict[str, Weights] = {}
    for code in codes:
        rows = [i for i, e in enumerate(examples) if code in e.labels]
        y = np.array([examples[i].labels[code] for i in rows], dtype=bool)
        positives, negatives = int(y.sum()), int((~y).sum())
        if matrix is None or min(positives, negatives) < MIN_EACH:
            scores[code] = CodeScore(code, positives, negatives, None, None, 0)
            continue
        x = matrix[rows]
        folds = min(FOLDS, positives, negatives)
        predicted = cross_val_predict(
            _classifier(), x, y, cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
        )
        scores[code] = CodeScore(
            code,
            positives,
            negatives,
            round(float(precision_score(y, predicted, zero_division=0.0)), 3),
            round(float(recall_score(y, predicted, zero_division=0.0)), 3),
            folds,
        )
        fitted = _classifier().fit(x, y)
        coef = fitted.coef_[0]
        kept = coef != 0
        weights[code] = Weights(
            touched[kept].astype(np.int32), coef[kept].astype(np.float32), float(fitted.intercept_[0])
        )
    return TagModel(len(examples), scores, weights)


def _classifier() -> LogisticRegression:
    return LogisticRegression(class_weight="balanced", solver="liblinear", C=10.0, random_state=0)


def _b64(array: np.ndarray) -> str:
    return base64.b64encode(array.tobytes()).decode("ascii")


def score_dict(score: CodeScore) -> dict[str, Any]:
    return asdict(score)
