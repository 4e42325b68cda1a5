"""Coercion tagging: which codebook codes a message carries, and the words that said so. No Django.

The rules are data (``rules/coercion.toml``), written so that a caseworker
can read them and add to them: for each codebook code, per language, a list
of phrases. A phrase is words in order, compared after both the phrase and
the message are normalised the same way (case, Arabic-script letter variants,
vowel marks, Turkish dotted and dotless i, Russian ё):

- ``word*`` matches any word that begins with ``word`` (``famil*``: family,
  families); ``*word`` any word that ends with it (Arabic prefixes);
- ``..`` between two words allows up to three other words between them
  (``think .. family``: "think of your family"), and ``...`` up to twelve;
- ``{family}`` stands for any entry of the word list ``family`` defined for
  the language under ``[words.LANG]``, so one phrase covers "your mother",
  "your brother", "your relatives";
- in Chinese, where words are not spaced, the words of a phrase are joined
  without spaces and ``..`` allows up to eight characters (``...`` thirty).

Phrases catch what is said in a known way. Coercion is more often said in new
words with an old shape: a relative of the reader, a harm, and a condition
("your brother's shop ... depends on how you behave"). So the rules also name
*concepts*, the word lists of ``[words.LANG]``, and ``[when]`` says, once for
every language, which concepts together carry a code::

    [when]
    FAMILY_THREAT = ["your_kin + harm + condition", "your_kin + detained"]
    DIRECT_THREAT = ["not you_safe"]

All the concepts of a combination must be found in one language's lists,
within one sentence or two sentences in a row (sentences end at . ! ? and their Arabic and Chinese
forms, at line ends and at quotation marks). A concept named in
``negatable`` (a harm, a request, being safe; not a person or a place) can be
turned around by the language's ``negation`` list, up to four words before it
in the same clause: ``not name`` is such a negated occurrence ("don't think
you are *safe*") and a plain ``name`` one that is not, so "nothing will
*happen* to you" is no harm. ``without name`` refuses the combination when
the message has that concept anywhere. Words inside quotation marks still
count, and the tag says it was found in quoted speech (a message reporting a
threat rather than making it).

An organisation's own rules file, in the same shape, is added to the shipped
one (``load(extra=...)``). A mistake in a rules file is reported by code,
language and phrase.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).parent / "rules" / "coercion.toml"
LANGUAGES = ("en", "zh", "ug", "ru", "tr", "ar", "fa")
UNSPACED = frozenset({"zh"})
GAPS = {"..": 3, "...": 12}  # words another word may be away
GAPS_UNSPACED = {"..": 8, "...": 30}  # characters, for languages written without spaces
MAX_PHRASE_CHARS = 200
MAX_TAG_CHARS = 100_000  # a message's text beyond this is not tagged (chat messages are far shorter)

# One character in, one out, so that a match's place in the normalised text is its place in the original.
_SAME_LENGTH = str.maketrans(
    {
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ı": "i",
        "İ": "i",
        "I": "i",
        "ё": "е",
        "Ё": "е",
        "\u200c": " ",  # Persian zero-width non-joiner inside a word
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)
# Vowel marks, tatweel and format characters carry no meaning for matching; they are skipped.
_DROP = re.compile("[\u064b-\u065f\u0670\u0640\u200b\u200d-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


# The script each language's phrases are written in; a text is only tried against scripts it contains.
_SCRIPTS = {
    "latin": re.compile(r"[a-z\u00c0-\u024f]"),
    "cyrillic": re.compile(r"[\u0400-\u04ff]"),
    "han": re.compile(r"[\u3400-\u9fff\uf900-\ufaff]"),
    "arabic": re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
}
_SCRIPT_OF = {
    "en": "latin",
    "tr": "latin",
    "ru": "cyrillic",
    "zh": "han",
    "ug": "arabic",
    "ar": "arabic",
    "fa": "arabic",
}


class RulesError(ValueError):
    """A rules file cannot be used; the message names the file, code, language and phrase."""


@dataclass(frozen=True)
class Tag:
    code: str
    words: tuple[str, ...]  # the text that triggered it, as written in the message
    languages: tuple[str, ...]
    quoted: bool = False  # every word that triggered it stands inside quotation marks

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {
            "code": self.code,
            "words": list(self.words),
            "languages": list(self.languages),
        }
        if self.quoted:
            found["quoted"] = True
        return found


NEGATION = "negation"  # the word list that makes a concept's occurrence negated
NEGATION_REACH = 4  # words (in unspaced languages, three times as many characters) a negation reaches forward
# Where sentences end, and quotation marks, which open and close a sentence of their own.
_SENTENCE_END = re.compile(r"[.!?\n;\u061f\u061b\u06d4\u3002\uff01\uff1f\uff1b\u2026]+")
_QUOTES = '"\u201c\u201d\u201e\u00ab\u00bb\u300c\u300d\u300e\u300f'  # not \u2019: it is also the apostrophe
_QUOTE = re.compile(f"[{_QUOTES}]")
_CLAUSE_END = re.compile(r"[,:\u060c\uff0c\u3001\uff1a]")
_TERM = re.compile(r"^(?:(not|without)\s+)?([a-z][a-z0-9_]*)$")


@dataclass(frozen=True)
class Term:
    concept: str
    mode: str  # "is": found and not negated; "not": found negated; "without": nowhere in the message


@dataclass(frozen=True)
class Combination:
    code: str
    terms: tuple[Term, ...]
    written: str  # as in the rules file, for errors and explanations


def parse_combination(code: str, written: str) -> Combination:
    terms = []
    for part in written.split("+"):
        found = _TERM.match(" ".join(part.split()))
        if not found:
            raise ValueError(
                f"{part.strip()!r} is not a concept (a lower-case word list name,"
                " optionally after 'not' or 'without')"
            )
        terms.append(Term(found.group(2), found.group(1) or "is"))
    if not any(t.mode != "without" for t in terms):
        raise ValueError(
            "a combination needs at least one concept that is found, not only ones that are absent"
        )
    return Combination(code, tuple(terms), written.strip())


@dataclass(frozen=True)
class _Seen:
    start: int
    end: int
    negated: bool
    sentence: int
    lang: str


@dataclass
class Rules:
    """Compiled rules: for each (code, language) one pattern of all its phrases."""

    patterns: list[tuple[str, str, re.Pattern[str]]] = field(default_factory=list)
    phrases: int = 0
    words: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # language -> list name -> entries
    combinations: list[Combination] = field(default_factory=list)
    # Compiled from ``words`` for the concepts the combinations use: (concept, language, pattern).
    concepts: list[tuple[str, str, re.Pattern[str]]] = field(default_factory=list)
    negations: dict[str, re.Pattern[str]] = field(default_factory=dict)
    negatable: set[str] = field(default_factory=set)  # concepts a negation turns around

    def tag(self, text: str) -> list[Tag]:
        """The codes the text carries, each with the words that triggered it, in the order of the rules."""
        text = text[:MAX_TAG_CHARS]
        norm, where = normalise(text)
        present = {script for script, letters in _SCRIPTS.items() if letters.search(norm)}
        found: dict[str, tuple[list[str], list[str], list[bool]]] = {}
        quotes = _quoted_spans(norm)

        def add(code: str, lang: str, start: int, end: int) -> None:
            words, langs, quoted = found.setdefault(code, ([], [], []))
            inside = any(a <= start and end <= b for a, b in quotes)
            if where is not None:
                start, end = where[start], where[end - 1] + 1
            said = text[start:end]
            if said not in words:
                words.append(said)
                quoted.append(inside)
            if lang not in langs:
                langs.append(lang)

        for code, lang, pattern in self.patterns:
            if _SCRIPT_OF[lang] not in present:
                continue  # a language's phrases cannot match text with none of its letters
            for match in pattern.finditer(norm):
                add(code, lang, *match.span())
        if self.combinations:
            seen = self._concepts_in(norm, present)
            for combination in self.combinations:
                for lang, start, end in _joined(_satisfied(combination, seen), norm):
                    add(combination.code, lang, start, end)
        return [
            Tag(code, tuple(words), tuple(langs), all(quoted))
            for code, (words, langs, quoted) in found.items()
        ]

    def _concepts_in(self, norm: str, present: set[str]) -> dict[str, list[_Seen]]:
        starts = _sentence_starts(norm)
        clauses = sorted({*starts, *(m.end() for m in _CLAUSE_END.finditer(norm))})
        seen: dict[str, list[_Seen]] = {}
        for concept, lang, pattern in self.concepts:
            if _SCRIPT_OF[lang] not in present:
                continue
            for match in pattern.finditer(norm):
                start, end = match.span()
                if start == end:
                    continue
                sentence = bisect_right(starts, start) - 1
                negated = concept in self.negatable and self._negated(
                    lang, norm, start, clauses[bisect_right(clauses, start) - 1]
                )
                seen.setdefault(concept, []).append(_Seen(start, end, negated, sentence, lang))
        return seen

    def _negated(self, lang: str, norm: str, start: int, clause: int) -> bool:
        negation = self.negations.get(lang)
        if negation is None:
            return False
        if lang in UNSPACED:
            before = norm[max(clause, start - 3 * NEGATION_REACH) : start]
        else:  # the last few words; a word is rarely longer than 30 characters
            before = " ".join(
                norm[max(clause, start - 30 * NEGATION_REACH) : start].split()[-NEGATION_REACH:]
            )
        return negation.search(before) is not None

    def compile_concepts(self) -> None:
        """Compile the word lists the combinations name, in every language that has them."""
        used = {t.concept for c in self.combinations for t in c.terms}
        self.concepts = []
        self.negations = {}
        for lang, lists in self.words.items():
            for name in sorted(used & lists.keys()):
                regex = "|".join(f"(?:{compile_phrase(e, lang, lists)})" for e in lists[name])
                self.concepts.append((name, lang, re.compile(regex)))
            if NEGATION in lists:
                regex = "|".join(f"(?:{compile_phrase(e, lang)})" for e in lists[NEGATION])
                self.negations[lang] = re.compile(regex)
        unturnable = {
            t.concept for c in self.combinations for t in c.terms if t.mode == "not"
        } - self.negatable
        if unturnable:
            raise RulesError(
                f"[when] says 'not' of {', '.join(sorted(unturnable))}: name it in 'negatable' first"
            )
        missing = used - {name for name, _, _ in self.concepts}
        if missing:
            raise RulesError(
                f"[when] names {', '.join(sorted(missing))}: no word list of that name under any [words.LANG]"
            )


def _sentence_starts(norm: str) -> list[int]:
    starts = [0]
    for boundary in re.finditer(f"{_SENTENCE_END.pattern}|{_QUOTE.pattern}", norm):
        starts.append(boundary.end())
    return starts


def _quoted_spans(norm: str) -> list[tuple[int, int]]:
    """Where quoted speech stands: between an opening mark and the next mark (a quote is not nested)."""
    marks = [m.start() for m in _QUOTE.finditer(norm)]
    return [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]


def _joined(hits: list[_Seen], norm: str) -> list[tuple[str, int, int]]:
    """The words of a combination as the reader sees them: concepts next to each other ("Think of",
    "your family") shown as one stretch of text."""
    spans: list[tuple[str, int, int]] = []
    for hit in sorted(hits, key=lambda h: h.start):
        if spans and spans[-1][2] >= hit.start - 3 and not re.search(r"\w", norm[spans[-1][2] : hit.start]):
            lang, start, end = spans[-1]
            spans[-1] = (lang, start, max(end, hit.end))
        else:
            spans.append((hit.lang, hit.start, hit.end))
    return spans


def _satisfied(combination: Combination, seen: dict[str, list[_Seen]]) -> list[_Seen]:
    """The occurrences that satisfy the combination in the first window of one or two sentences
    where all its concepts are found in one language (none if there is none): English "at" and
    Turkish "at" (send) are different words."""
    for term in combination.terms:
        if term.mode == "without" and any(not s.negated for s in seen.get(term.concept, ())):
            return []
    wanted = [t for t in combination.terms if t.mode != "without"]
    languages = {s.lang for s in seen.get(wanted[0].concept, ())}
    for lang in sorted(languages):
        found = _in_one_language(wanted, seen, lang)
        if found:
            return found
    return []


def _in_one_language(wanted: list[Term], seen: dict[str, list[_Seen]], lang: str) -> list[_Seen]:
    by_sentence: list[dict[int, _Seen]] = []  # for each concept wanted, its first occurrence per sentence
    for term in wanted:
        first: dict[int, _Seen] = {}
        for s in seen.get(term.concept, ()):
            if s.lang == lang and s.negated == (term.mode == "not"):
                first.setdefault(s.sentence, s)
        if not first:
            return []
        by_sentence.append(first)
    for sentence in sorted({n for s in by_sentence[0] for n in (s - 1, s)}):
        chosen = [found.get(sentence) or found.get(sentence + 1) for found in by_sentence]
        if all(chosen):
            return [c for c in chosen if c is not None]
    return []


def normalise(text: str) -> tuple[str, list[int] | None]:
    """Text for matching, and for each of its characters the place in ``text`` (None: the same place)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters (İ) lower to two characters: go letter by letter
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    mapped = lowered.translate(_SAME_LENGTH)
    if not _DROP.search(mapped):
        return mapped, None
    kept = [i for i, c in enumerate(mapped) if not _DROP.match(c)]
    return "".join(mapped[i] for i in kept), kept


def compile_phrase(phrase: str, lang: str, words: dict[str, list[str]] | None = None) -> str:
    """The regular expression for one phrase (see the module's description of the syntax)."""
    norm, _ = normalise(phrase.strip())
    tokens = norm.split()
    if not tokens or len(phrase) > MAX_PHRASE_CHARS:
        raise ValueError(f"a phrase must have words and at most {MAX_PHRASE_CHARS} characters")
    if tokens[0] in GAPS or tokens[-1] in GAPS:
        raise ValueError("'..' and '...' must stand between two words")
    unspaced = lang in UNSPACED
    parts: list[str] = []
    gap: str | None = None
    for token in tokens:
        if token in GAPS:
            if gap:
                raise ValueError("two gaps in a row")
            gap = token
            continue
        if parts:
            if unspaced:
                parts.append(f".{{0,{GAPS_UNSPACED[gap]}}}?" if gap else r"\s*")
            else:
                parts.append(rf"(?:\W+\w+){{0,{GAPS[gap]}}}?\W+" if gap else r"\W+")
        gap = None
        if token.startswith("{") and token.endswith("}"):
            name = token[1:-1]
            entries = (words or {}).get(name)
            if not entries:
                raise ValueError(f"no word list {token} for {lang} under [words.{lang}]")
            parts.append("(?:" + "|".join(compile_phrase(e, lang) for e in entries) + ")")
        else:
            parts.append(_word(token, unspaced))
    return "".join(parts)


def _word(word: str, unspaced: bool) -> str:
    if word.strip("*") == "" or "{" in word or "}" in word:
        raise ValueError(
            f"{word!r} is not a word ('*' belongs at a word's start or end; '{{list}}' stands alone)"
        )
    core = re.escape(word.strip("*"))
    if unspaced:
        return core
    head = r"\b\w*" if word.startswith("*") else r"\b"  # from a word's start only: linear on long words
    tail = r"\w*" if word.endswith("*") else r"\b"
    return head + core + tail


def parse_rules(data: dict[str, object], name: str, codes: Iterable[str] | None, into: Rules) -> None:
    known = set(codes) if codes is not None else None
    lists = data.get("words", {})
    if not isinstance(lists, dict):
        raise RulesError(f"{name}: [words] must be a table of languages, each a table of word lists")
    for lang, by_name in lists.items():
        if lang not in LANGUAGES or not isinstance(by_name, dict):
            raise RulesError(f"{name}: [words.{lang}]: not a language the tagger knows, or not a table")
        for list_name, entries in by_name.items():
            if not isinstance(entries, list) or not entries or not all(isinstance(e, str) for e in entries):
                raise RulesError(f"{name}: [words.{lang}] {list_name}: must be a list of words in quotes")
            into.words.setdefault(lang, {}).setdefault(list_name, []).extend(entries)
    negatable = data.get("negatable", [])
    if not isinstance(negatable, list) or not all(isinstance(n, str) for n in negatable):
        raise RulesError(f"{name}: negatable must be a list of concept names in quotes")
    into.negatable.update(negatable)
    when = data.get("when", {})
    if not isinstance(when, dict):
        raise RulesError(f"{name}: [when] must be a table of codes, each a list of combinations")
    for code, written in when.items():
        where = f"{name}: [when] {code}"
        if known is not None and code not in known:
            raise RulesError(f"{where}: not a tactic or demand code of the codebook")
        if not isinstance(written, list) or not all(isinstance(w, str) for w in written):
            raise RulesError(f"{where}: must be a list of combinations in quotes")
        for combination in written:
            try:
                into.combinations.append(parse_combination(code, combination))
            except ValueError as exc:
                raise RulesError(f"{where}: {combination!r}: {exc}") from None
    try:
        into.compile_concepts()
    except RulesError as exc:
        raise RulesError(f"{name}: {exc}") from None
    except ValueError as exc:
        raise RulesError(f"{name}: [words]: {exc}") from None
    for code, by_lang in data.items():
        if code in ("words", "when", "negatable"):
            continue
        where = f"{name}: [{code}]"
        if known is not None and code not in known:
            raise RulesError(f"{where}: not a tactic or demand code of the codebook")
        if not isinstance(by_lang, dict):
            raise RulesError(f"{where}: must be a table of languages, each a list of phrases")
        for lang, phrases in by_lang.items():
            if lang not in LANGUAGES:
                raise RulesError(f"{where} {lang}: not a language the tagger knows ({', '.join(LANGUAGES)})")
            if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
                raise RulesError(f"{where} {lang}: must be a list of phrases in quotes")
            compiled = []
            for phrase in phrases:
                try:
                    compiled.append(compile_phrase(phrase, lang, into.words.get(lang)))
                except ValueError as exc:
                    raise RulesError(f"{where} {lang}: {phrase!r}: {exc}") from None
            if compiled:
                into.patterns.append((code, lang, re.compile("|".join(f"(?:{c})" for c in compiled))))
                into.phrases += len(compiled)


def read_rules_file(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise RulesError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{path}: not a valid rules file: {exc}") from None
    except UnicodeDecodeError:
        raise RulesError(f"{path}: not UTF-8 text") from None


def codebook_codes() -> set[str]:
    from longreach.vocab import codebook

    return {t.code for v in codebook.load() if v.code in ("tactic", "demand") for t in v.terms}


def load(extra: Iterable[Path] = ()) -> Rules:
    """The shipped rules, and after them an organisation's own files, checked against the codebook."""
    codes = codebook_codes()
    rules = Rules()
    for path in (SHIPPED, *extra):
        parse_rules(read_rules_file(path), str(path), codes, rules)
    return rules


@lru_cache(maxsize=1)
def shipped() -> Rules:
    return load()
