"""A reasoned review of a red notice, diffusion or request against INTERPOL's rules. No Django.

``rules/review.toml`` holds the grounds (Article 3, Article 2, the minimum criteria
for red notices, the refugee policy), each with its citation and the questions a
caseworker answers yes, no or not known. A ground is met when enough of its
questions are answered the way that supports it; the review shows which, with
the caseworker's evidence for each answer.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GROUNDS = Path(__file__).with_name("rules") / "review.toml"
ANSWERS = ("yes", "no", "unknown")


class ReviewRulesError(ValueError):
    """The grounds file cannot be used: the message names the ground and the field."""


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    supports: str  # the answer that supports the ground: yes or no
    # What a filing asserts when the answer supports the ground; the question itself when none is given.
    claim: str = ""

    def text_in(self, language: str) -> str:
        return words(language).get(self.id, {}).get("text") or self.text

    def claim_in(self, language: str) -> str:
        return words(language).get(self.id, {}).get("claim") or self.claim or self.text


@dataclass(frozen=True)
class Ground:
    id: str
    title: str
    citation: str
    verified: str
    needs: int
    applies_to: frozenset[str]
    questions: tuple[Question, ...]
    named: str = ""  # the rule by its name, as a memo cites it: "Article 3 of INTERPOL's Constitution"

    def title_in(self, language: str) -> str:
        return words(language).get(self.id, {}).get("title") or self.title

    def named_in(self, language: str) -> str:
        return words(language).get(self.id, {}).get("named") or self.named or self.citation


@dataclass(frozen=True)
class Finding:
    ground: Ground
    met: bool
    supporting: tuple[Question, ...]
    against: tuple[Question, ...]
    open: tuple[Question, ...]  # not answered, or answered "not known"


def _ground(gid: str, data: object, where: str) -> Ground:
    if not isinstance(data, dict):
        raise ReviewRulesError(f"{where}: [{gid}]: not a table")
    for field in ("title", "citation"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise ReviewRulesError(f"{where}: [{gid}] {field}: missing")
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        raise ReviewRulesError(f"{where}: [{gid}] questions: at least one")
    questions = []
    for k, q in enumerate(raw):
        if not isinstance(q, dict) or not all(isinstance(q.get(f), str) for f in ("id", "text", "supports")):
            raise ReviewRulesError(f"{where}: [{gid}] questions[{k}]: id, text and supports are required")
        if q["supports"] not in ("yes", "no"):
            raise ReviewRulesError(f"{where}: [{gid}] questions[{k}].supports: 'yes' or 'no'")
        if not isinstance(q.get("claim", ""), str):
            raise ReviewRulesError(f"{where}: [{gid}] questions[{k}].claim: text")
        questions.append(Question(f"{gid}.{q['id']}", q["text"], q["supports"], q.get("claim", "").strip()))
    if len({q.id for q in questions}) != len(questions):
        raise ReviewRulesError(f"{where}: [{gid}] questions: two with one id")
    needs = data.get("needs", 1)
    if not isinstance(needs, int) or not 1 <= needs <= len(questions):
        raise ReviewRulesError(f"{where}: [{gid}] needs: between 1 and the number of questions")
    applies = data.get("applies_to", [])
    if not isinstance(applies, list) or not all(isinstance(a, str) for a in applies):
        raise ReviewRulesError(f"{where}: [{gid}] applies_to: a list of matter kinds")
    if not isinstance(data.get("named", ""), str):
        raise ReviewRulesError(f"{where}: [{gid}] named: text")
    return Ground(
        gid,
        data["title"].strip(),
        data["citation"].strip(),
        str(data.get("verified", "")).strip(),
        needs,
        frozenset(applies),
        tuple(questions),
        data.get("named", "").strip(),
    )


@cache
def words(language: str, folder: Path = GROUNDS.parent) -> dict[str, dict[str, str]]:
    """The grounds and questions in another language (``review.LANG.toml`` beside the grounds): ground
    id -> {title, named}, question id -> {text, claim}. English, or a language with no file: nothing,
    and each keeps its own words."""
    path = folder / f"review.{language.lower()}.toml"
    if language.lower().startswith("en") or "/" in language or not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReviewRulesError(f"{path}: {exc}") from None
    found: dict[str, dict[str, str]] = {}
    for gid, ground in data.items():
        if not isinstance(ground, dict):
            raise ReviewRulesError(f"{path}: [{gid}]: not a table")
        questions = ground.get("questions", {})
        if not isinstance(questions, dict):
            raise ReviewRulesError(f"{path}: [{gid}.questions]: a table of question ids")
        found[gid] = _texts(path, gid, ground, ("title", "named"))
        for qid, question in questions.items():
            found[f"{gid}.{qid}"] = _texts(path, f"{gid}.questions.{qid}", question, ("text", "claim"))
    return found


def _texts(path: Path, where: str, data: object, keys: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(data, dict):
        raise ReviewRulesError(f"{path}: [{where}]: not a table")
    texts = {}
    for key in keys:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise ReviewRulesError(f"{path}: [{where}] {key}: text")
        if value.strip():
            texts[key] = value.strip()
    return texts


@cache
def grounds(path: Path = GROUNDS) -> tuple[Ground, ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReviewRulesError(f"{path}: {exc}") from None
    return tuple(_ground(gid, value, str(path)) for gid, value in data.items())


def evaluate(kind: str, answers: Mapping[str, str], found: tuple[Ground, ...] | None = None) -> list[Finding]:
    """The grounds that apply to a matter of ``kind``, each met or not by the answers
    (question id -> yes, no or unknown)."""
    findings = []
    for ground in found if found is not None else grounds():
        if ground.applies_to and kind not in ground.applies_to:
            continue
        supporting = tuple(q for q in ground.questions if answers.get(q.id) == q.supports)
        open_ = tuple(q for q in ground.questions if answers.get(q.id, "unknown") not in ("yes", "no"))
        against = tuple(q for q in ground.questions if q not in supporting and q not in open_)
        findings.append(Finding(ground, len(supporting) >= ground.needs, supporting, against, open_))
    return findings
