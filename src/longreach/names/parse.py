"""A person's name split into parts, each with its keys for comparison across scripts. No Django.

A part is a given name, a family name, a patronymic (-ovich, -ovna, oglu,
uulu, kyzy) or a particle (al-, el-, bin, ibn, abu's article, von, de), which
carries no weight of its own. A Chinese name written in characters is split
into its family name (the first character, or a two-character family name
such as 欧阳) and given name; a foreign name written in characters (伊力哈木·
土赫提) is split at its middle dot. Arabic-script parts lose their article
(القحطاني is al + Qahtani).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from longreach.names import phonetic, romanise

MAX_NAME_CHARS = 300
MAX_PARTS = 12

PARTICLES = frozenset(
    {
        "al", "el", "ul", "as", "ash", "ad", "ar", "az", "an", "es", "ed", "er", "ez", "bin", "ibn", "ben",
        "bint", "binti", "bte", "ould", "von", "van", "der", "de", "da", "di", "du", "la", "le", "mr", "mrs",
        "ms", "dr", "prof", "sheikh", "shaikh", "sayyid", "haji", "hajji", "mullah",
    }
)  # fmt: skip
_ARABIC_PARTICLES = {"بن": "bin", "ابن": "ibn", "بنت": "bint"}
_PATRONYMIC = re.compile(r"(?:ovich|evich|ovna|evna|ich|ogli|oglu|ogly|uulu|kyzy|qizi|zoda|zade|zadeh)$")
# Family names of two characters (the first character alone would be another family name).
_COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "端木",
    }
)
# Name parts so common that sharing them says little (weights below); in their usual spellings.
COMMON = {
    *"muhammad mohammed mohammad muhammed mehmet ahmad ahmed ali hassan hasan hussein hossein husayn".split(),
    *"abdul abdel abd omar umar ibrahim mahmoud mahmud mustafa khalid abdullah abdallah said yusuf".split(),
    *"yousef reza hamid".split(),
    *"wang li zhang liu chen yang zhao huang zhou wu xu sun hu zhu gao lin he guo ma luo".split(),
    *"alexander aleksandr sergei sergey vladimir alexei aleksey dmitry ivan andrei mikhail nikolai".split(),
    *"nur gul abdurehim memet tursun".split(),
}
COMMON_WEIGHT = 0.45
PATRONYMIC_WEIGHT = 0.3
_SPLIT = re.compile(r"[\s,/·•・\u00b7_]+")
_HYPHEN = re.compile(r"[-‐‑–—]")


_NUMBERS = itertools.count(1)


@lru_cache(maxsize=1 << 17)
def _derived(
    script: str,
    transcribed: bool,
    han: str,
    pinyin: tuple[str, ...],
    keys: tuple[str, ...],
    skeletons: tuple[str, ...],
) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str], int]:
    """A part's key sets and its signature: what the likeness of two parts depends on, as one number
    (``score`` remembers likenesses by it). Made once per content: a list repeats Muhammad, Wang and
    Ivanov thousands of times. A content met again after it left the cache gets a new number, never
    one given before."""
    return (
        frozenset(keys),
        frozenset(skeletons) - {""},
        frozenset(pinyin),
        frozenset(phonetic.coarse(k) for k in keys) - {""},
        frozenset(phonetic.coarse(k, True) for k in keys) - {""},
        next(_NUMBERS),
    )


@dataclass(frozen=True)
class Part:
    text: str  # as written
    script: str  # han, uyghur, arabic, cyrillic, latin
    latin: str  # in Latin letters
    keys: tuple[str, ...]  # phonetic keys (phonetic.keys)
    skeletons: tuple[str, ...]
    kind: str = "part"  # family, given, patronymic, particle, transcribed (a foreign name in Han), part
    han: str = ""  # simplified characters of a Han part
    pinyin: tuple[str, ...] = ()  # pinyin readings (of a Han part, or of a Latin part read as pinyin)
    weight: float = 1.0
    spelled: str = ""  # the romanisation keys were made from (letter by letter for Arabic script)
    # The same as sets, made once: a screening compares one part with thousands.
    key_set: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    skeleton_set: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    pinyin_set: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    coarse_set: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    loose_set: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    # What the likeness of two parts depends on, as one number: a screening meets the same parts
    # (Muhammad, Wang, Ivanov) in thousands of names, and remembers how alike two of them are by it.
    sign: int = field(default=0, compare=False, repr=False)
    abjad: bool = field(default=False, compare=False, repr=False)  # a script without short vowels

    def __post_init__(self) -> None:
        derived = _derived(
            self.script, self.kind == "transcribed", self.han, self.pinyin, self.keys, self.skeletons
        )
        for name, value in zip(
            ("key_set", "skeleton_set", "pinyin_set", "coarse_set", "loose_set", "sign"), derived, strict=True
        ):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "abjad", self.script == "arabic")


@dataclass(frozen=True)
class Name:
    text: str
    parts: tuple[Part, ...] = field(default_factory=tuple)

    @cached_property
    def weighty(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.kind != "particle")

    @property
    def all_han(self) -> bool:
        return bool(self.weighty) and all(p.script == "han" for p in self.weighty)

    @cached_property
    def units(self) -> tuple[tuple[Part, frozenset[int]], ...]:
        """Each weighty part, and each two neighbouring ones joined (Abdel Fattah as Abdelfattah, Quan Guo
        as Quanguo), with the positions they cover; made once per name."""
        parts = self.weighty
        units = [(p, frozenset({k})) for k, p in enumerate(parts)]
        for k in range(len(parts) - 1):
            x, y = parts[k], parts[k + 1]
            if x.script == y.script and x.script != "han":
                glue = phonetic.SEPARATE if phonetic.SEPARATE in x.spelled + y.spelled else ""
                joined = latin_part(f"{x.text} {y.text}", x.spelled + glue + y.spelled, x.script)
                pinyin = tuple(p + q for p in x.pinyin for q in y.pinyin)[:8]
                both = replace(joined, pinyin=pinyin, weight=max(x.weight, y.weight))
                units.append((both, frozenset({k, k + 1})))
        return tuple(units)

    @cached_property
    def chinese(self) -> bool:
        """Written in Han characters, or every part reads as pinyin (Latin, or Palladius Cyrillic)."""
        return self.all_han or all(p.pinyin for p in self.weighty)


class NameError_(ValueError):
    """A name that cannot be compared: empty, or too long to be a name."""


@lru_cache(maxsize=32768)
def analyse(text: str) -> Name:
    """The parts of a person's name and their keys."""
    if len(text) > MAX_NAME_CHARS:
        raise NameError_(f"a name is at most {MAX_NAME_CHARS} characters")
    written = text.strip()
    if romanise.HAN.search(written) and not romanise.ARABIC.search(written):
        parts = _han_parts(written)
    else:
        name_script = romanise.script(written)  # uyghur when any word shows a letter only Uyghur writes
        parts = []
        for raw in _SPLIT.split(written):
            parts.extend(_word_parts(raw, name_script))
    parts = _servant_of([p for p in parts if p.keys or p.han])[:MAX_PARTS]
    return Name(text, tuple(_with_roles(parts)))


# "Servant of" and "father of" make one name with the word after them: Abd al-Fattah, Abdel Fattah.
_JOINS_NEXT = frozenset(
    {"abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdoul", "abu", "abou", "abo", "ebu"}
)
_JOINS_NEXT_ARABIC = frozenset({"عبد", "ابو", "أبو", "أبي", "ابي"})


def _servant_of(parts: list[Part]) -> list[Part]:
    out: list[Part] = []
    k = 0
    while k < len(parts):
        part = parts[k]
        joins = part.text in _JOINS_NEXT_ARABIC or (
            part.script == "latin" and phonetic.fold(part.latin) in _JOINS_NEXT
        )
        nxt = k + 1
        while nxt < len(parts) and parts[nxt].kind == "particle":
            nxt += 1  # the article between (Abd al-Fattah) goes
        if joins and part.kind != "particle" and nxt < len(parts) and parts[nxt].script == part.script:
            following = parts[nxt]
            glue = "" if part.script == "latin" else phonetic.SEPARATE
            spelled = (part.spelled or part.latin) + glue + (following.spelled or following.latin)
            out.append(latin_part(f"{part.text} {following.text}", spelled, part.script))
            k = nxt + 1
            continue
        out.append(part)
        k += 1
    return out


def _han_parts(text: str) -> list[Part]:
    chars = romanise.simplified(re.sub(r"\s+", "", text))
    pieces = [p for p in _SPLIT.split(chars) if p]
    if len(pieces) > 1 or (pieces and len(pieces[0]) > 4):
        return [_han_part(piece, "transcribed") for piece in pieces]  # a foreign name: 伊力哈木·土赫提
    if not pieces:
        return []
    whole = pieces[0]
    if len(whole) == 1:
        return [_han_part(whole, "given")]
    cut = 2 if whole[:2] in _COMPOUND_SURNAMES and len(whole) > 2 else 1
    return [_han_part(whole[:cut], "family"), _han_part(whole[cut:], "given")]


def _han_part(chars: str, kind: str) -> Part:
    readings = romanise.han_readings(chars)
    latin = readings[0] if readings else ""
    keys = tuple(dict.fromkeys(k for r in readings for k in phonetic.keys(r)))
    return Part(
        chars,
        "han",
        latin,
        keys,
        tuple(dict.fromkeys(phonetic.skeleton(k) for k in keys)),
        kind=kind,
        han=chars,
        pinyin=readings[:1],
    )


def _word_parts(raw: str, name_script: str) -> list[Part]:
    if not raw:
        return []
    written_in = romanise.script(raw)
    if written_in == "arabic" and name_script == "uyghur":
        written_in = "uyghur"
    if written_in in ("arabic", "uyghur"):
        bare = raw.replace("\u200c", "")
        if bare in _ARABIC_PARTICLES:
            return [latin_part(raw, _ARABIC_PARTICLES[bare], written_in, particle=True)]
        if bare.startswith("ال") and len(bare) > 3 and not bare.startswith("الله"):
            return [
                latin_part("ال", "al", written_in, particle=True),
                latin_part(bare[2:], romanise.to_latin(bare[2:], written_in), written_in),
            ]
        return [latin_part(raw, romanise.to_latin(bare, written_in), written_in)]
    latin = romanise.to_latin(raw, written_in)
    out: list[Part] = []
    for piece in _HYPHEN.split(latin):
        if not piece:
            continue
        particle = written_in == "latin" and phonetic.fold(piece) in PARTICLES
        readings = romanise.palladius_readings(raw) if written_in == "cyrillic" else None
        out.append(latin_part(piece, piece, written_in, particle=particle, pinyin=readings))
    if len(out) > 1 and written_in == "latin" and all(p.kind != "particle" for p in out):
        # A hyphenated Latin part may be Wade-Giles syllables of one given name (Ch'üan-kuo).
        readings = romanise.pinyin_readings(latin)
        if readings:
            return [latin_part(raw, latin.replace("-", ""), written_in, pinyin=readings)]
    return out


@lru_cache(maxsize=1 << 17)
def latin_part(
    text: str, latin: str, written_in: str, *, particle: bool = False, pinyin: tuple[str, ...] | None = None
) -> Part:
    keys = phonetic.keys(latin)
    spelled = latin
    # Shown: the first reading of each letter romanised one by one (و as u, not "u~w").
    latin = "".join(chunk.split(phonetic.ALTERNATIVE)[0] for chunk in latin.split(phonetic.SEPARATE))
    readings = (
        pinyin if pinyin is not None else romanise.pinyin_readings(latin) if written_in == "latin" else ()
    )
    return Part(
        text,
        written_in,
        latin,
        keys,
        tuple(dict.fromkeys(phonetic.skeleton(k) for k in keys)),
        kind="particle" if particle else "part",
        pinyin=readings,
        spelled=spelled,
    )


@lru_cache(maxsize=1)
def _common_skeletons() -> frozenset[str]:
    """Consonants of the common parts, for scripts that write no short vowels (محمد); three at least, so
    that زايد (Zayed) is not taken for Said."""
    return frozenset(s for k in _common_keys() if len(s := phonetic.skeleton(k)) >= 3)


@lru_cache(maxsize=1)
def _common_keys() -> frozenset[str]:
    return frozenset(k for word in COMMON for k in phonetic.keys(word))


def _with_roles(parts: list[Part]) -> list[Part]:
    common = _common_keys()
    out = []
    for part in parts:
        kind, weight = part.kind, 1.0
        if kind == "particle":
            weight = 0.0
        elif part.script != "han" and _PATRONYMIC.search(phonetic.fold(part.latin)) and len(part.latin) > 6:
            kind, weight = "patronymic", PATRONYMIC_WEIGHT
        elif (
            (part.script == "han" and part.kind == "family")
            or (part.abjad and set(part.skeletons) & _common_skeletons())
            or (part.script not in ("han", "arabic") and set(part.keys) & common)
        ):
            weight = COMMON_WEIGHT
        out.append(replace(part, kind=kind, weight=weight))
    return out
