"""Latin spellings of a name part reduced to how they sound, so that transliterations meet. No Django.

Khashoggi, Kaşıkçı and Khashukji; Lukashenko, Loukachenko and Lukaschenko;
Soleimani and Süleymani: each country spells the same sounds its own way.
``keys`` folds a Latin spelling into a small set of phonetic keys by classes
of sounds that transliteration systems exchange:

====  ===========================================================  =========
key   spelled                                                      examples
====  ===========================================================  =========
K     k, q, c before a/o/u, ck, g, gh                              Qahtani, Kahtani; Gaddafi, Qadhafi
H     h, kh, German ch, Uyghur x                                   Khamenei, Chamenei, Hamaney
C     ch, tch, tsch, č, ç                                          Chen, Tchen
S     s, z, ß, ts, tz, ц                                           Ramzan, Ramsan
X     sh, sch, ş, š, French ch, zh, ž, j, dj, dzh, Turkish c       Şevket, Schawkat; Zhaparov, Caparov
V     v, w                                                         Wladimir, Vladimir
F     f, ph
T     t, th, d, dh, ط, ض                                           Hathloul, Hathlul
Y     y, German and Dutch j, i before a vowel
====  ===========================================================  =========

Letters that transliterations spell two ways ("ch" is C in English, H in
German, X in French; "x" is H in Uyghur and KS elsewhere; "j" is X in English
and Y in German) give one key per reading, at most a few per part. Vowels
are folded too (ou is u, ee is i, doubled letters single); the skeleton is
the key without vowels, for scripts that do not write them (Arabic, Persian).

The classes were chosen from the transliteration tables (ISO 9, BGN/PCGN,
ICAO 9303 for Cyrillic; the romanisations of Arabic and Persian in use by
sanctions lists and the press; Turkish, German and French conventions), not
from the test pairs.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters folded before anything else, where plain accent-stripping would lose the sound.
_LETTERS = str.maketrans(
    {
        "ş": "sh",
        "ș": "sh",
        "š": "sh",
        "ç": "ch",
        "č": "ch",
        "ć": "ch",
        "ž": "zh",
        "ğ": "gh",
        "ı": "i",
        "ə": "a",
        "ł": "l",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "ñ": "n",
        "ŭ": "u",
        "ў": "u",
        "ʻ": "",
        "ʼ": "",
        "’": "",
        "‘": "",
        "'": "",
        "`": "",
        "´": "",
    }
)
_NOT_LETTER = re.compile(r"[^a-z]+")

# Spellings with more than one reading: each gives its own key.
_READINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ch", ("C", "H", "X")),  # English Chen, German Chamenei, French Loukachenko
    ("x", ("H", "KS")),  # Uyghur Toxti, European Alexander
    ("j", ("X", "Y")),  # English Jamal, German Jewgeni
    ("c", ("K", "X", "S", "C")),  # Latin Carrie, Turkish Cemal, German/Slavic Cyrill, ç written plain
    ("th", ("T", "TH")),  # English Hathloul, Turkish Fethullah (t, then h)
)
# Unambiguous spellings, longest first (the order matters: "tsch" before "sch" before "ch").
_FIXED: tuple[tuple[str, str], ...] = (
    ("tsch", "C"),
    ("dsch", "X"),
    ("shch", "X"),
    ("sch", "X"),
    ("tch", "C"),
    ("dzh", "X"),
    ("sh", "X"),
    ("zh", "X"),
    ("dj", "X"),
    ("kh", "H"),
    ("gh", "K"),
    ("ck", "K"),
    ("ph", "F"),
    ("dh", "T"),
    ("ts", "S"),
    ("tz", "S"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ie", "i"),
    ("ei", "aY"),
    ("ai", "aY"),
    ("q", "K"),
    ("k", "K"),
    ("g", "K"),
    ("h", "H"),
    ("s", "S"),
    ("z", "S"),
    ("v", "V"),
    ("w", "V"),
    ("f", "F"),
    ("t", "T"),
    ("d", "T"),
    ("y", "Y"),
)
_VOWELS = frozenset("aeiou")
_LONG = tuple((spelled, key) for spelled, key in _FIXED if len(spelled) > 1)
_SINGLE = {spelled: key for spelled, key in _FIXED if len(spelled) == 1}
# The same, by first letter and in the same order, for each letter of every name read.
_SPELLINGS: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _spelled, _key in _LONG:
    _SPELLINGS.setdefault(_spelled[0], []).append((_spelled, (_key,)))
for _spelled, _readings in _READINGS:
    _SPELLINGS.setdefault(_spelled[0], []).append((_spelled, _readings))
MAX_KEYS = 6
SEPARATE = "|"  # between letters romanised one by one
ALTERNATIVE = "~"  # between the readings of one such letter
MAX_ARABIC_READINGS = 64  # a name with many و and ي letters has as many readings as combinations of them


@lru_cache(maxsize=1 << 17)
def fold(text: str) -> str:
    """Lower case ASCII letters only, with the sounds of special letters kept (ş is sh, not s)."""
    lowered = text.casefold().translate(_LETTERS)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
    return _NOT_LETTER.sub("", stripped.translate(_LETTERS))


# An Arabic article or "servant of" written into the part: Alhathloul, Abdelfattah, Abdülfettah.
_ARTICLE = re.compile(r"^(?:al|el|ul|as|ash|ad|ar|az|an|es|ed|er|ez)(?=[^aeiou]{1,2}[aeiou])")
_ABD = re.compile(r"^(abd)(?:ul|el|al|ol|il|u|e|a)(?=[^aeiou])")


@lru_cache(maxsize=65536)
def keys(text: str) -> tuple[str, ...]:
    """The phonetic keys of a Latin spelling of one name part (one per reading of its ambiguous letters),
    also without an Arabic article written into it."""
    if SEPARATE in text:  # letters romanised one by one: "d" and "h" are not "dh"
        found: tuple[str, ...] = ("",)
        for chunk in text.split(SEPARATE):
            readings = tuple(
                dict.fromkeys(
                    r for alt in chunk.split(ALTERNATIVE) for r in (_keys(fold(alt)) if fold(alt) else ("",))
                )
            )
            found = tuple(dict.fromkeys(k + r for k in found for r in readings))[:MAX_ARABIC_READINGS]
        # Turkish ç written in Arabic letters as ت then ش (Bahçeli, بهتشلي).
        found = found + tuple(k.replace("TX", "C") for k in found if "TX" in k)
        return tuple(dict.fromkeys(_squeeze(k) for k in found if k))[:MAX_ARABIC_READINGS]
    folded = fold(text)
    if not folded:
        return ()
    found = _keys(folded)
    for bare in (_ABD.sub(r"\1", folded), _ARTICLE.sub("", folded) if len(folded) > 6 else folded):
        if bare != folded:
            found = found + tuple(k for k in _keys(bare) if k not in found)
    return found[: MAX_KEYS + 2]


@lru_cache(maxsize=1 << 17)
def _keys(folded: str) -> tuple[str, ...]:
    found: list[str] = [""]
    i = 0
    while i < len(folded):
        spelled, readings = _at(folded, i)
        found = [k + r for k in found for r in readings][: MAX_KEYS * 3]
        i += len(spelled)
    return tuple(dict.fromkeys(_squeeze(k) for k in found))[:MAX_KEYS]


def _at(folded: str, i: int) -> tuple[str, tuple[str, ...]]:
    """The spelling that starts at ``i`` and its readings: a longer unambiguous spelling first
    (tsch before ch), then an ambiguous one, then a single letter."""
    c = folded[i]
    for spelled, readings in _SPELLINGS.get(c, ()):
        if folded.startswith(spelled, i):
            return spelled, readings
    if c == "i" and 0 < i < len(folded) - 1 and folded[i + 1] in _VOWELS:
        return c, ("Y",)  # Soleimani, Suleymani
    return c, (_SINGLE.get(c, c),)


def _squeeze(key: str) -> str:
    """Doubled sounds single (Gaddafi, Qadhafi); e and a, o and u alike where spellings disagree."""
    out: list[str] = []
    for c in key.replace("e", "a").replace("o", "u"):
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def skeleton(key: str) -> str:
    """A key without its vowels and glides: what a script that writes no short vowels still shows."""
    return "".join(c for c in key if c not in "aiuY")


# How Mandarin writes a foreign name: every syllable gets a vowel, r becomes l, h and k are often
# dropped or swapped, s/sh/z/zh/ch are near, b/p/f too. Only for a name transcribed into Han
# characters, compared with the same name in another script.
_COARSE = str.maketrans({"r": "l", "X": "S", "C": "S", "H": "", "b": "P", "p": "P", "F": "P", "V": "P"})


def coarse(key: str, drop_k: bool = False) -> str:
    """A key reduced to the consonants a Mandarin transcription keeps (see above); ``drop_k`` also
    leaves out k and g, which Mandarin adds for an h (雪克来提, xue-ke-lai-ti, for Shöhret)."""
    out: list[str] = []
    for c in skeleton(key).translate(_COARSE):
        if drop_k and c == "K":
            continue
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)
