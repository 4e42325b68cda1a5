"""How alike two people's names are, 0..1, and why. No Django.

Each part of one name is paired with the part of the other that it is most
like (order does not matter: family name first or last), and two neighbouring
parts may stand for one (Quan Guo and Quanguo, Abdel Fattah and Abdelfattah,
Ali Nejad and Alinejad). Parts are compared through the key that suits their
scripts:

- two Han parts by their characters (simplified): the same sound in other
  characters (王君正 and 王俊正) is another name;
- a Han part and a Latin or Cyrillic one by pinyin (directly, through Wade-Giles,
  or through the Palladius Cyrillic spelling);
- a foreign name written in Han characters, and any part from a script
  without short vowels (Arabic, Persian), by its consonants;
- everything else by phonetic keys (``phonetic``).

A part's likeness counts by its weight: particles nothing, patronymics and
very common parts (Muhammad, Ali, Wang) less, so that two people who share
only a common given name do not match. Parts left unpaired lower the score,
a middle name or patronymic less than a family name.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rapidfuzz.distance import JaroWinkler

from longreach.names import phonetic
from longreach.names.parse import Name, Part, analyse, latin_part
from longreach.names.romanise import han_readings

THRESHOLD = 0.8  # the default for "match"
UNPAIRED = 0.4  # how much an unpaired part's weight counts against the score
UNPAIRED_MINOR = 0.2  # the same, when two parts or more already agree closely
NEAR = 0.82  # Jaro-Winkler similarity below which two spellings are not one part


@dataclass(frozen=True)
class Pairing:
    left: str  # the part(s) of the first name, as written
    right: str
    likeness: float
    through: str  # the key that paired them: characters, pinyin, wade-giles, phonetic, consonants, ...

    def as_dict(self) -> dict[str, object]:
        return {"left": self.left, "right": self.right, "likeness": round(self.likeness, 3), "through": self.through}


@dataclass(frozen=True)
class Match:
    score: float
    pairs: tuple[Pairing, ...]
    unpaired_left: tuple[str, ...]
    unpaired_right: tuple[str, ...]
    note: str = ""

    @property
    def match(self) -> bool:
        return self.score >= THRESHOLD

    def as_dict(self) -> dict[str, object]:
        return {
            "score": round(self.score, 3),
            "match": self.match,
            "pairs": [p.as_dict() for p in self.pairs],
            "unpaired": {"left": list(self.unpaired_left), "right": list(self.unpaired_right)},
            **({"note": self.note} if self.note else {}),
        }


def compare(left: str, right: str) -> Match:
    """Compare two names as written (any scripts)."""
    return compare_names(analyse(left), analyse(right))


def compare_names(a: Name, b: Name) -> Match:
    pa, pb = _units(a.weighty), _units(b.weighty)
    if not pa or not pb:
        return Match(0.0, (), (), (), "a name has no part to compare")
    chinese = _chinese(a) and _chinese(b)
    scored = []
    for i, (ua, _covers_a) in enumerate(pa):
        for j, (ub, _covers_b) in enumerate(pb):
            likeness, through = _likeness(ua, ub, chinese)
            if likeness > 0:
                scored.append((likeness, i, j, through))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[Pairing] = []
    got = weight = 0.0
    for likeness, i, j, through in scored:
        covers_a, covers_b = pa[i][1], pb[j][1]
        if used_a & covers_a or used_b & covers_b:
            continue
        used_a |= covers_a
        used_b |= covers_b
        w = min(pa[i][0].weight, pb[j][0].weight)
        got += w * likeness
        weight += w
        pairs.append(Pairing(pa[i][0].text, pb[j][0].text, likeness, through))
    left_over_a = [p for k, p in enumerate(a.weighty) if k not in used_a]
    left_over_b = [p for k, p in enumerate(b.weighty) if k not in used_b]
    # When two distinctive parts agree, a part more on one side is a father's or family name often left out.
    strong = sum(1 for p in pairs if p.likeness >= 0.9) >= 2 and any(
        p.weight == 1.0 for p in _paired(a.weighty, used_a)
    )
    missing = (UNPAIRED_MINOR if strong else UNPAIRED) * (
        sum(p.weight for p in left_over_a) + sum(p.weight for p in left_over_b)
    )
    score = got / (weight + missing) if weight else 0.0
    note = ""
    if weight and all(p.weight < 1.0 for p in _paired(a.weighty, used_a)) and (left_over_a or left_over_b):
        score = min(score, THRESHOLD - 0.05)
        note = "only common parts or patronymics agree"
    return Match(
        round(score, 4),
        tuple(pairs),
        tuple(p.text for p in left_over_a),
        tuple(p.text for p in left_over_b),
        note,
    )


def _chinese(name: Name) -> bool:
    """Written in Han characters, or every part of it reads as pinyin (Latin or Palladius Cyrillic)."""
    return name.all_han or all(p.pinyin for p in name.weighty)


def _paired(parts: tuple[Part, ...], used: set[int]) -> list[Part]:
    return [p for k, p in enumerate(parts) if k in used]


def _units(parts: tuple[Part, ...]) -> list[tuple[Part, set[int]]]:
    """Each part, and each two neighbouring parts joined (Abdel Fattah as Abdelfattah), with the
    positions they cover."""
    units = [(p, {k}) for k, p in enumerate(parts)]
    for k in range(len(parts) - 1):
        joined = _join(parts[k], parts[k + 1])
        if joined is not None:
            units.append((joined, {k, k + 1}))
    return units


def _join(x: Part, y: Part) -> Part | None:
    if x.script != y.script or x.script == "han":
        return None
    joined = latin_part(f"{x.text} {y.text}", x.latin + y.latin, x.script)
    pinyin = tuple(p + q for p in x.pinyin for q in y.pinyin)[:8]
    return replace(joined, pinyin=pinyin, weight=max(x.weight, y.weight))


def _likeness(x: Part, y: Part, chinese: bool) -> tuple[float, str]:
    """How far two parts are evidence of one name, 0..1, and through which key."""
    if x.script == "han" and y.script == "han":
        if x.han == y.han:
            return 1.0, "characters"
        if set(x.pinyin) & set(y.pinyin):
            return 0.3, "same sound, other characters"
        return 0.0, "characters"
    if x.script == "han" or y.script == "han":
        han, other = (x, y) if x.script == "han" else (y, x)
        if han.kind == "transcribed":
            return _transcribed(han, other)
        if set(han_readings(han.han)) & set(other.pinyin):
            return 1.0, "pinyin"
        return _near(han.keys, other.keys, "pinyin sounds", 0.5)
    if chinese and x.pinyin and y.pinyin:
        if set(x.pinyin) & set(y.pinyin):
            return 1.0, "pinyin"
        return _near(x.keys, y.keys, "pinyin sounds", 0.5)
    if x.abjad or y.abjad:
        if set(x.skeletons) & set(y.skeletons):
            return 0.97, "consonants"
        return _near(x.skeletons, y.skeletons, "consonants", 0.9)
    if set(x.keys) & set(y.keys):
        return 1.0, "phonetic"
    if set(x.skeletons) & set(y.skeletons) - {""}:
        return 0.9, "consonants"
    return _near(x.keys, y.keys, "phonetic", 0.92)


def _transcribed(han: Part, other: Part) -> tuple[float, str]:
    """A foreign name in Han characters: a vowel after every consonant (伊力哈木, yi-li-ha-mu, Ilham),
    r as l, h dropped or written k. Two consonants or more must agree; one alone is weak evidence."""
    through = "consonants of the Han rendering"
    found = {phonetic.coarse(k) for k in han.keys} & {phonetic.coarse(k) for k in other.keys} - {""}
    if found:
        return (0.9 if max(len(f) for f in found) >= 2 else 0.7), through
    loose = {phonetic.coarse(k, True) for k in han.keys} & {phonetic.coarse(k, True) for k in other.keys}
    if any(len(f) >= 3 for f in loose):
        return 0.8, through
    return 0.0, through


def _near(xs: tuple[str, ...], ys: tuple[str, ...], through: str, ceiling: float) -> tuple[float, str]:
    """Two spellings that are close but not the same: a slip, or a vowel spelled otherwise. Jaro-Winkler
    similarity below NEAR gives nothing; above it, evidence rises to ``ceiling``."""
    best = max((JaroWinkler.normalized_similarity(x, y) for x in xs for y in ys if x and y), default=0.0)
    if best <= NEAR:
        return 0.0, through
    return ceiling * ((best - NEAR) / (1 - NEAR)) ** 1.3, through
