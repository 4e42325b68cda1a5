"""Each part of a name in Latin letters, whatever script it was written in. No Django.

- Han: pypinyin's readings (pinyin without tones, and the Cyrillic Palladius
  spelling it also knows), characters made simplified by OpenCC so that 陳全國
  and 陈全国 are one name; a Latin part is also read back as pinyin, directly
  or through Wade-Giles (Ch'en Ch'üan-kuo), using pypinyin's own table.
- Uyghur in Arabic or Cyrillic letters: umsc, the Uyghur script converter,
  to Uyghur Latin (ULY), which writes every vowel.
- Arabic and Persian: the letters one by one (below), since the script
  writes no short vowels; such parts are compared by their consonants.
- Cyrillic and everything else: anyascii.

The Arabic-script table is written here because no maintained library
romanises names letter by letter without guessing vowels: anyascii drops
letters (ع, ه) that the consonant comparison needs, and PyICU's Arabic-Latin
needs a compiled ICU.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from anyascii import anyascii
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PINYIN_DICT
from pypinyin.style import convert
from umsc import UgMultiScriptConverter

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
CYRILLIC = re.compile(r"[\u0400-\u04ff\u0500-\u052f]")
# Letters only Uyghur writes among the Arabic-script languages served here.
UYGHUR_ARABIC = re.compile(
    r"[\u06d0\u06c6\u06c8\u06c7\u06ad\u06cb\u06d5]|\u0626[\u0649\u06d0\u06d5\u06c7\u06c6\u06c8\u0627]"
)
# Cyrillic letters of Uyghur (and Kazakh/Tatar) that umsc knows: read such parts as Uyghur.
UYGHUR_CYRILLIC = re.compile(r"[әһөүңҗ]", re.IGNORECASE)

_T2S = opencc.OpenCC("t2s")
_UYGHUR_FROM_ARABIC = UgMultiScriptConverter("UAS", "ULS")
_UYGHUR_FROM_CYRILLIC = UgMultiScriptConverter("UCS", "ULS")

# Arabic and Persian letters in Latin; vowels are not written, so long-vowel letters give a vowel.
_ARABIC_LETTERS = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ئ": "", "ؤ": "u",
    "ب": "b", "پ": "p", "ت": "t", "ث": "th", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh",
    "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s",
    "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k",
    "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "a~h", "و": "u~w",
    "ي": "i", "ی": "i", "ى": "a", "ۀ": "a",
}  # fmt: skip
# و is a consonant (w) or a long vowel (u): written "u~w", both readings (phonetic.ALTERNATIVE). ي is
# y or i, but neither is among the consonants compared (phonetic.skeleton), so one reading is enough.
# A Persian ه ending a word is most often the vowel -e, silent in Latin.
_FINAL_H = {"ه": "h~"}
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640\u200c\u200d]")


def script(text: str) -> str:
    """The script most of a part's letters are written in: han, uyghur, arabic, cyrillic or latin."""
    if HAN.search(text):
        return "han"
    if ARABIC.search(text):
        return "uyghur" if UYGHUR_ARABIC.search(text) else "arabic"
    if CYRILLIC.search(text):
        return "cyrillic"
    return "latin"


def simplified(text: str) -> str:
    return str(_T2S.convert(text))


@lru_cache(maxsize=65536)
def to_latin(text: str, written_in: str) -> str:
    """One part in Latin letters (a Han part as its pinyin, syllables joined)."""
    if written_in == "han":
        return "".join(lazy_pinyin(simplified(text), errors="ignore"))
    if written_in == "uyghur":
        return str(_UYGHUR_FROM_ARABIC(text))
    if written_in == "arabic":
        bare = _ARABIC_MARKS.sub("", unicodedata.normalize("NFC", text))
        # One letter at a time (phonetic.SEPARATE): د then ه is d, h, not the digraph dh.
        letters = [_ARABIC_LETTERS.get(c, anyascii(c)) for c in bare]
        if bare and bare[-1] in _FINAL_H:
            letters[-1] = _FINAL_H[bare[-1]]
        return "|".join(letters)
    if written_in == "cyrillic" and UYGHUR_CYRILLIC.search(text):
        return str(_UYGHUR_FROM_CYRILLIC(text.lower()))
    if written_in == "latin":
        return text  # phonetic.fold keeps what ş, ç and ğ sound like; anyascii would not
    return anyascii(text)


@lru_cache(maxsize=65536)
def han_readings(text: str) -> tuple[str, ...]:
    """A Han part's pinyin (no tones, joined) and its Palladius Cyrillic spelling in Latin letters."""
    chars = simplified(text)
    pinyin = "".join(lazy_pinyin(chars, errors="ignore"))
    cyrillic = "".join(lazy_pinyin(chars, style=Style.CYRILLIC, errors="ignore"))
    palladius = re.sub(r"[^a-z]", "", anyascii(cyrillic).lower())
    return tuple(dict.fromkeys(r for r in (pinyin, palladius) if r))


def _wade_giles_table() -> dict[str, tuple[str, ...]]:
    """Wade-Giles syllable to its pinyin readings, from pypinyin's converter run over every pinyin
    syllable. A spelling without its aspiration mark (ch'en written chen) reads both ways, the
    syllable it spells exactly first."""
    syllables = {
        convert(reading, Style.NORMAL, True, None)
        for readings in PINYIN_DICT.values()
        for reading in readings.split(",")
    }
    exact: dict[str, list[str]] = {}
    loose: dict[str, list[str]] = {}
    for pinyin in sorted(syllables):
        wg = str(convert(pinyin, Style.WADEGILES, True, None)).replace("v", "ü")
        for spelling in {wg, wg.replace("ü", "u")}:
            exact.setdefault(spelling, []).append(pinyin)
            loose.setdefault(spelling.replace("'", ""), []).append(pinyin)
    table = {k: tuple(v) for k, v in exact.items()}
    for spelling, readings in loose.items():
        table[spelling] = tuple(dict.fromkeys([*table.get(spelling, ()), *readings]))
    return table


_WADE_GILES = _wade_giles_table()


def _palladius_table() -> dict[str, str]:
    """Cyrillic (Palladius) syllable to pinyin: Си Цзиньпин is Xi Jinping."""
    table: dict[str, str] = {}
    for readings in PINYIN_DICT.values():
        for reading in readings.split(","):
            pinyin = convert(reading, Style.NORMAL, True, None)
            cyrillic = re.sub(r"\d", "", str(convert(reading, Style.CYRILLIC, True, None))).lower()
            if cyrillic:
                table.setdefault(cyrillic, pinyin)
    return table


_PALLADIUS = _palladius_table()


@lru_cache(maxsize=65536)
def palladius_readings(cyrillic: str) -> tuple[str, ...]:
    """How a Cyrillic part could be a Chinese name in Palladius spelling, as pinyin (or nothing)."""
    text = re.sub(r"[^а-яё]", "", cyrillic.lower())
    if not text:
        return ()
    best: dict[int, str] = {0: ""}
    for start in range(len(text)):
        if start not in best:
            continue
        for end in range(start + 1, min(len(text), start + 6) + 1):
            syllable = _PALLADIUS.get(text[start:end])
            if syllable is not None and end not in best:
                best[end] = best[start] + syllable
    return (best[len(text)],) if len(text) in best else ()


_PINYIN = frozenset(p for readings in _WADE_GILES.values() for p in readings)
MAX_READINGS = 8
_SYLLABLE_SPLIT = re.compile(r"[-\s]+")


@lru_cache(maxsize=65536)
def pinyin_readings(latin: str) -> tuple[str, ...]:
    """How a Latin part could be pinyin: as written (Quanguo, Quan-guo), or read as Wade-Giles
    syllables (Ch'üan-kuo is quanguo). Empty when it is neither."""
    lowered = latin.casefold().replace("’", "'").replace("ʼ", "'")
    found: list[str] = []
    plain = re.sub(r"[^a-zü]", "", lowered).replace("ü", "v")
    if plain and _splits_into_pinyin(plain):
        found.append(plain)
    syllables = [s for s in _SYLLABLE_SPLIT.split(lowered) if s]
    options = [_WADE_GILES.get(s) for s in syllables]
    if syllables and all(options):
        readings = [""]
        for choice in options:
            readings = [r + c for r in readings for c in choice or ()][:MAX_READINGS]
        found.extend(readings)
    return tuple(dict.fromkeys(found))


def _splits_into_pinyin(text: str) -> bool:
    """Whether ``text`` is a run of pinyin syllables (ü may be written v)."""
    ends = {0}  # positions a run of whole syllables reaches
    for start in range(len(text)):
        if start in ends:
            ends.update(
                end
                for end in range(start + 1, min(len(text), start + 6) + 1)
                if text[start:end] in _PINYIN or text[start:end].replace("v", "ü") in _PINYIN
            )
    return len(text) in ends
