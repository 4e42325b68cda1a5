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

from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler

from longreach.names.parse import Name, Part, analyse
from longreach.names.romanise import han_readings

THRESHOLD = 0.8  # the default for "match"
UNPAIRED = 0.4  # how much an unpaired part's weight counts against the score
UNPAIRED_MINOR = 0.2  # the same, when two parts or more already agree closely
NEAR = 0.82  # Jaro-Winkler similarity below which two spellings are not one part
PAIRED = 0.5  # evidence below which two parts are left unpaired rather than paired weakly
HOMOPHONE = "same sound, other characters"
TRANSCRIBED_NEAR = 0.9  # Jaro-Winkler of the consonants a Mandarin transcription keeps


@dataclass(frozen=True)
class Pairing:
    left: str  # the part(s) of the first name, as written
    right: str
    likeness: float
    through: str  # the key that paired them: characters, pinyin, wade-giles, phonetic, consonants, ...

    def as_dict(self) -> dict[str, object]:
        return {
            "left": self.left,
            "right": self.right,
            "likeness": round(self.likeness, 3),
            "through": self.through,
        }


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


# How alike two parts are, by their signatures: the parts of a watchlist and of a batch recur across
# names (Muhammad, Wang, Ivanov), so most pairs of parts have been met before.
REMEMBER = 1 << 20
_REMEMBERED: dict[tuple[int, int, bool], tuple[float, str]] = {}


def compare(left: str, right: str) -> Match:
    """Compare two names as written (any scripts)."""
    return compare_names(analyse(left), analyse(right))


def compare_names(a: Name, b: Name) -> Match:
    pa, pb = a.units, b.units
    if not pa or not pb:
        return Match(0.0, (), (), (), "a name has no part to compare")
    chinese = a.chinese and b.chinese
    # Parts are paired greedily, the most alike first. Likeness through a shared key is known at once;
    # a near spelling (Jaro-Winkler, the costly part) is never more than its key's ceiling, so pairs known
    # to be more alike than every ceiling still to be reached are paired first, and a near spelling is
    # only measured for parts they leave free: the same pairing as measuring everything, for less.
    known: list[tuple[float, int, int, str]] = []
    pending: list[tuple[int, int, tuple[str, ...], tuple[str, ...], str, float]] = []
    remembered = _REMEMBERED
    for i, (ua, _covers_a) in enumerate(pa):
        for j, (ub, _covers_b) in enumerate(pb):
            key = (ua.sign, ub.sign, chinese)
            found = remembered.get(key)
            if found is None:
                made = _likeness(ua, ub, chinese)
                if len(made) == 4:
                    xs, ys, via, top = made
                    pending.append((i, j, xs, ys, via, top))
                    continue
                found = remembered[key] = made
                if len(remembered) > REMEMBER:
                    remembered.clear()
            likeness, through = found
            if likeness >= PAIRED or through == HOMOPHONE:  # a homophone is shown, weak as it is
                known.append((likeness, i, j, through))
    known.sort(key=lambda s: (-s[0], s[1], s[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[Pairing] = []
    totals = [0.0, 0.0]  # evidence, weight

    def take(scored: list[tuple[float, int, int, str]]) -> None:
        for likeness, i, j, through in scored:
            covers_a, covers_b = pa[i][1], pb[j][1]
            if used_a & covers_a or used_b & covers_b:
                continue
            used_a.update(covers_a)
            used_b.update(covers_b)
            w = min(pa[i][0].weight, pb[j][0].weight)
            totals[0] += w * likeness
            totals[1] += w
            pairs.append(Pairing(pa[i][0].text, pb[j][0].text, likeness, through))

    if pending:
        ceiling = max(p[5] for p in pending)
        first = 0
        while first < len(known) and known[first][0] > ceiling:
            first += 1
        take(known[:first])
        rest = known[first:]
        for i, j, xs, ys, through, top in pending:
            if used_a & pa[i][1] or used_b & pb[j][1]:
                continue  # already paired with something more alike: its likeness cannot matter
            likeness = _near(xs, ys, top)
            key = (pa[i][0].sign, pb[j][0].sign, chinese)
            if len(remembered) >= REMEMBER:
                remembered.clear()
            remembered[key] = (likeness, through)
            if likeness >= PAIRED:
                rest.append((likeness, i, j, through))
        rest.sort(key=lambda s: (-s[0], s[1], s[2]))
        take(rest)
    else:
        take(known)
    got, weight = totals
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


def _paired(parts: tuple[Part, ...], used: set[int]) -> list[Part]:
    return [p for k, p in enumerate(parts) if k in used]


Near = tuple[tuple[str, ...], tuple[str, ...], str, float]  # spellings to measure, key, ceiling


def _likeness(x: Part, y: Part, chinese: bool) -> tuple[float, str] | Near:
    """How far two parts are evidence of one name, 0..1, and through which key; or, when no key is
    shared, the spellings whose nearness decides it (``_near``), the key and its ceiling."""
    if x.script == "han" and y.script == "han":
        if x.han == y.han:
            return 1.0, "characters"
        if x.pinyin_set & y.pinyin_set:
            return 0.3, HOMOPHONE
        return 0.0, "characters"
    if x.script == "han" or y.script == "han":
        han, other = (x, y) if x.script == "han" else (y, x)
        if han.kind == "transcribed":
            return _transcribed(han, other)
        if set(han_readings(han.han)) & other.pinyin_set:
            return 1.0, "pinyin"
        return han.keys, other.keys, "pinyin sounds", 0.5
    if chinese and x.pinyin and y.pinyin:
        if x.pinyin_set & y.pinyin_set:
            return 1.0, "pinyin"
        return x.keys, y.keys, "pinyin sounds", 0.5
    if x.abjad or y.abjad:
        if x.skeleton_set & y.skeleton_set:
            return 0.97, "consonants"
        return x.skeletons, y.skeletons, "consonants", 0.9
    if x.key_set & y.key_set:
        return 1.0, "phonetic"
    if x.skeleton_set & y.skeleton_set:
        return 0.9, "consonants"
    return x.keys, y.keys, "phonetic", 0.92


def _transcribed(han: Part, other: Part) -> tuple[float, str]:
    """A foreign name in Han characters: a vowel after every consonant (伊力哈木, yi-li-ha-mu, Ilham),
    r as l, h dropped or written k. Two consonants or more must agree; one alone is weak evidence."""
    through = "consonants of the Han rendering"
    found = han.coarse_set & other.coarse_set
    if found:
        return (0.9 if max(len(f) for f in found) >= 2 else 0.7), through
    if any(len(f) >= 3 for f in han.loose_set & other.loose_set):
        return 0.8, through
    # A syllable dropped in the transcription (努尔苏丹, nu-er-su-dan, for Nursultan).
    best = max(
        (
            JaroWinkler.normalized_similarity(x, y)
            for x in han.coarse_set
            for y in other.coarse_set
            if len(x) >= 4
        ),
        default=0.0,
    )
    return (0.75, through) if best >= TRANSCRIBED_NEAR else (0.0, through)


def _near(xs: tuple[str, ...], ys: tuple[str, ...], ceiling: float) -> float:
    """Two spellings that are close but not the same: a slip, or a vowel spelled otherwise. Jaro-Winkler
    similarity below NEAR gives nothing; above it, evidence rises to ``ceiling``."""
    best = 0.0
    for x in xs:
        for y in ys:
            best = max(best, JaroWinkler.normalized_similarity(x, y, score_cutoff=NEAR))
    if best <= NEAR:
        return 0.0
    return float(ceiling * ((best - NEAR) / (1 - NEAR)) ** 1.3)
