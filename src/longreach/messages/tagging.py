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

An organisation's own rules file, in the same shape, is added to the shipped
one (``load(extra=...)``). A mistake in a rules file is reported by code,
language and phrase.
"""

from __future__ import annotations

import re
import tomllib
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

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "words": list(self.words), "languages": list(self.languages)}


@dataclass
class Rules:
    """Compiled rules: for each (code, language) one pattern of all its phrases."""

    patterns: list[tuple[str, str, re.Pattern[str]]] = field(default_factory=list)
    phrases: int = 0
    words: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # language -> list name -> entries

    def tag(self, text: str) -> list[Tag]:
        """The codes the text carries, each with the words that triggered it, in the order of the rules."""
        norm, where = normalise(text[:MAX_TAG_CHARS])
        present = {script for script, letters in _SCRIPTS.items() if letters.search(norm)}
        found: dict[str, tuple[list[str], list[str]]] = {}
        for code, lang, pattern in self.patterns:
            if _SCRIPT_OF[lang] not in present:
                continue  # a language's phrases cannot match text with none of its letters
            for match in pattern.finditer(norm):
                start, end = match.span()
                if where is not None:
                    start, end = where[start], where[end - 1] + 1
                words, langs = found.setdefault(code, ([], []))
                said = text[start:end]
                if said not in words:
                    words.append(said)
                if lang not in langs:
                    langs.append(lang)
        return [Tag(code, tuple(words), tuple(langs)) for code, (words, langs) in found.items()]


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
    for code, by_lang in data.items():
        if code == "words":
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
