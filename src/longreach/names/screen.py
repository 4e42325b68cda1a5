"""Screening names against a watchlist: blocking on comparison keys, then the scorer. No Django.

A watchlist of 100,000 names cannot be compared with every name of a batch
one by one. Each name's parts give block keys (their phonetic keys, their
consonant skeletons, pinyin readings, Han characters, the consonants a
Mandarin transcription keeps); a listed name is a candidate for a query when
they share a block key of a part that is not common (a shared "Muhammad"
alone says nothing). Candidates are then scored (``score``), and a birth date
or nationality given on both sides raises or lowers the score:

- the same birth date: +0.05; the same year: +0.02; years more than one apart: x0.7;
- a nationality in common: +0.03; both given and none in common: x0.9.

What blocking can miss is a pair whose every distinctive part is spelled
with a slip on one side (no key in common); ``benchmarks/names.py`` measures
how often that happens on the labelled pairs.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from longreach.names import score as scoring
from longreach.names.parse import Name, NameError_, Part, analyse

MAX_BLOCK_SHARE = 0.02  # a block key shared by more of the list than this is too common to block on
MIN_BLOCK = 50  # ... unless the list is small
MAX_CANDIDATES = 2000  # scored per query, most shared keys first


@dataclass(frozen=True)
class Entry:
    """A name on a watchlist, with what can confirm or weaken a hit."""

    ref: str  # the list's own id for it
    name: str
    birth: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    nationalities: frozenset[str] = frozenset()  # ISO 3166 alpha-2
    source: str = ""


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    match: scoring.Match
    adjustments: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "ref": self.entry.ref,
            "name": self.entry.name,
            "source": self.entry.source,
            "score": round(self.score, 3),
            "why": self.match.as_dict(),
            "adjustments": list(self.adjustments),
        }


def block_keys(part: Part, listed: bool = True) -> set[str]:
    """The keys a part is found by (``listed``) or looks for (not ``listed``).

    The consonants a Mandarin transcription keeps are coarse: they only tie a
    foreign name in Han characters to the same name in another script, so a
    transcribed part is filed under them and other parts look them up there
    (and the other way round), never Latin with Latin."""
    # A part from a script without short vowels is compared by its consonants only (score._likeness):
    # its many guessed spellings would only fill the index.
    found = set() if part.abjad else {f"k:{k}" for k in part.keys}
    found |= {f"p:{p}" for p in part.pinyin}
    found |= {f"s:{s}" for s in part.skeleton_set if len(s) >= 3}
    # Two consonants (Aiman, أيمن) tie too many Latin names to each other to block on, but are what a
    # short name in a script without vowels has: only such a part files or looks up by them.
    two = {s for s in part.skeleton_set if len(s) == 2}
    if part.abjad or part.script == "han":
        found |= {f"sa:{s}" for s in two} | ({f"sl:{s}" for s in two} if not listed else set())
    else:
        found |= {f"sl:{s}" for s in two} if listed else {f"sa:{s}" for s in two}
    if part.han:
        found.add(f"h:{part.han}")
    transcribed = part.kind == "transcribed"
    own, other = ("t", "o") if transcribed else ("o", "t")
    side = own if listed else other
    if transcribed or part.script != "han":
        found |= {f"c{side}:{c}" for c in part.coarse_set if len(c) >= 2}
        found |= {f"l{side}:{c}" for c in part.loose_set if len(c) >= 3}
    return found


def blocking_units(name: Name) -> list[tuple[Part, frozenset[int]]]:
    """The units a name is filed and looked up by: all but those with a patronymic (every Ivanovich
    would share a block with every other)."""
    parts = name.weighty
    found = [(u, c) for u, c in name.units if all(parts[k].kind != "patronymic" for k in c)]
    return found or list(name.units)


def parts_to_meet(name: Name) -> int:
    """How many of a listed name's parts a query must share a block key with: two, or one when the name
    has only one part long enough to block on, or is a foreign name in Han characters (whose
    transcription loses too much for every part to keep a key)."""
    parts = [p for p in name.weighty if p.kind != "patronymic"] or list(name.weighty)
    if any(p.kind == "transcribed" for p in parts):
        return 1
    blockable = [p for p in parts if p.script == "han" or max(map(len, p.skeleton_set), default=0) >= 2]
    return min(2, len(blockable)) or 1


@dataclass
class Watchlist:
    entries: list[Entry] = field(default_factory=list)
    names: list[Name] = field(default_factory=list)
    needs: list[int] = field(default_factory=list)  # parts_to_meet of each listed name
    blocks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    refused: list[tuple[str, str]] = field(default_factory=list)  # (ref, why) of names that cannot be read

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Watchlist:
        listed = cls()
        for entry in entries:
            try:
                name = analyse(entry.name)
            except NameError_ as exc:
                listed.refused.append((entry.ref, str(exc)))
                continue
            if not name.weighty:
                listed.refused.append((entry.ref, "no part to compare"))
                continue
            k = len(listed.entries)
            listed.entries.append(entry)
            listed.names.append(name)
            listed.needs.append(parts_to_meet(name))
            for unit, _covers in blocking_units(name):
                for key in block_keys(unit):
                    listed.blocks[key].append(k)
        return listed

    def screen(
        self,
        query: str,
        *,
        birth: str = "",
        nationalities: Iterable[str] = (),
        threshold: float = scoring.THRESHOLD,
        limit: int = 10,
    ) -> list[Hit]:
        """The listed names that match ``query`` at ``threshold`` or more, best first."""
        name = analyse(query)
        if not name.weighty:
            return []
        too_common = max(MIN_BLOCK, int(len(self.entries) * MAX_BLOCK_SHARE))
        looked_up = []
        for unit, covers in blocking_units(name):
            keys = block_keys(unit, listed=False)
            usable = [key for key in keys if len(self.blocks.get(key, ())) <= too_common]
            looked_up.append((usable, keys, covers))
        # Parts with a key not too common to block on; a name made only of common parts (Muhammad Ali)
        # is looked up by those after all.
        informative = sum(1 for usable, _keys, covers in looked_up if usable and len(covers) == 1)
        covered: dict[int, set[int]] = defaultdict(set)
        for usable, keys, covers in looked_up:
            for key in usable if informative else keys:
                for k in self.blocks.get(key, ()):
                    covered[k] |= covers
        needed = min(2, informative or 1, parts_to_meet(name))
        # A listed name must meet two distinctive parts of the query (see parts_to_meet): a name that
        # shares a family name alone cannot reach the threshold (score.UNPAIRED).
        ranked = sorted(
            (k for k, c in covered.items() if len(c) >= min(needed, self.needs[k])),
            key=lambda k: -len(covered[k]),
        )[:MAX_CANDIDATES]
        wanted = frozenset(n.upper() for n in nationalities if n)
        hits = []
        for k in ranked:
            found = scoring.compare_names(name, self.names[k])
            value, notes = _adjusted(found.score, self.entries[k], birth, wanted)
            if value >= threshold:
                hits.append(Hit(self.entries[k], value, found, notes))
        hits.sort(key=lambda h: (-h.score, h.entry.ref))
        return hits[:limit]


@dataclass(frozen=True)
class Query:
    """A name to screen, with what can confirm or weaken its hits."""

    name: str
    birth: str = ""
    nationalities: frozenset[str] = frozenset()


# The watchlist the forked workers of screen_many read: set before the fork, so each worker shares the
# parent's index page by page instead of receiving a copy.
_SHARED: list[Watchlist] = []


def _screen_all(
    watchlist: Watchlist, queries: Sequence[Query], threshold: float, limit: int
) -> list[list[Hit]]:
    return [
        watchlist.screen(
            q.name, birth=q.birth, nationalities=q.nationalities, threshold=threshold, limit=limit
        )
        for q in queries
    ]


def _screen_chunk(job: tuple[Sequence[Query], float, int]) -> list[list[Hit]]:
    return _screen_all(_SHARED[0], *job)


def screen_many(
    watchlist: Watchlist,
    queries: Sequence[Query],
    *,
    threshold: float = scoring.THRESHOLD,
    limit: int = 10,
    workers: int = 0,
) -> list[list[Hit]]:
    """Each query's hits, in the queries' order, on ``workers`` processes (0: one per CPU). Workers are
    forked once the index is built, so they share it; a small batch, or a platform without fork, is
    screened in this process. Call it where forking is safe: a command, not a threaded server."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(queries) < 200 or "fork" not in multiprocessing.get_all_start_methods():
        return _screen_all(watchlist, queries, threshold, limit)
    size = max(50, len(queries) // (workers * 8))
    chunks = [(queries[k : k + size], threshold, limit) for k in range(0, len(queries), size)]
    _SHARED[:] = [watchlist]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            found = pool.map(_screen_chunk, chunks)
    finally:
        _SHARED.clear()
    return [hits for chunk in found for hits in chunk]


def _adjusted(
    value: float, entry: Entry, birth: str, nationalities: frozenset[str]
) -> tuple[float, tuple[str, ...]]:
    notes = []
    if birth and entry.birth:
        if birth == entry.birth and len(birth) == 10:
            value, note = min(1.0, value + 0.05), "same birth date"
        elif birth[:4] == entry.birth[:4]:
            value, note = min(1.0, value + 0.02), "same birth year"
        elif (
            birth[:4].isdigit()
            and entry.birth[:4].isdigit()
            and abs(int(birth[:4]) - int(entry.birth[:4])) > 1
        ):
            value, note = value * 0.7, f"born {birth[:4]}, listed as born {entry.birth[:4]}"
        else:
            note = ""
        if note:
            notes.append(note)
    if nationalities and entry.nationalities:
        if nationalities & entry.nationalities:
            value = min(1.0, value + 0.03)
            notes.append("a nationality in common")
        else:
            value *= 0.9
            notes.append("no nationality in common")
    return round(value, 4), tuple(notes)
