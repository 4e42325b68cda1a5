"""Near-duplicate messages across victims: MinHash over character shingles, banded for lookup. No Django.

The same script sent to many people ("think of your family", with a name or
a number changed, retyped with a slip, or in another script) is what ties
scattered reports into one campaign. Text is compared as sets of character
shingles (four characters; and pairs of Chinese characters, each of which
carries a word's worth), so it works the same for Chinese, Uyghur or English
and survives small edits. Each message gets a signature of ``PERMUTATIONS`` minimum hash
values; the share of equal values estimates how much two texts overlap
(Jaccard similarity). Signatures are cut into ``BANDS`` bands; two messages
that agree on a whole band become candidates, and candidates that are
similar enough (``THRESHOLD``) join one cluster.

The hash functions are derived from a secret key (in Longreach, the
organisation's linkage key): without it, someone holding the database
cannot hash a guessed sentence and look for it among the signatures.

Hashing is done by numpy on whole batches, never character by character in
Python, so a million messages take seconds. Memory: the signatures
(``PERMUTATIONS`` × 4 bytes per message) plus one batch of texts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SHINGLE = 4  # characters; short enough for edits to leave most shingles intact, long enough to be rare
PERMUTATIONS = 64
BANDS = (
    16  # of 4 rows: two texts agreeing on ~50% of shingles share a band with 64% probability, at 80% 99.9%
)
THRESHOLD = 0.5  # estimated Jaccard similarity for two messages to be one template
BATCH_TEXTS = 4096  # texts turned into shingles at once
BATCH_SHINGLES = 1 << 14  # shingles hashed at once: the working set stays in the CPU's cache
EMPTY = np.uint32(0xFFFFFFFF)

Signatures = npt.NDArray[np.uint32]
_SPACE = re.compile(r"\s+")
_DIGITS = str.maketrans("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0" * 30)


def normal(text: str) -> str:
    """Text as compared: lower case, digits all alike (numbers vary between copies), spaces collapsed."""
    return _SPACE.sub(" ", text.lower().translate(_DIGITS)).strip()


@dataclass(frozen=True)
class Hasher:
    """MinHash signatures and band keys under one secret key."""

    key: bytes

    def _constants(self) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        stream = hashlib.shake_256(b"longreach-minhash\x00" + self.key).digest(
            8 * (SHINGLE + 2 * PERMUTATIONS)
        )
        words = np.frombuffer(stream, dtype=np.uint64).copy()
        mix = words[:SHINGLE] | np.uint64(1)
        a = words[SHINGLE : SHINGLE + PERMUTATIONS] | np.uint64(1)  # odd: multiplying permutes 64-bit words
        b = words[SHINGLE + PERMUTATIONS :]
        return mix, a, b

    def signatures(self, texts: Sequence[str]) -> Signatures:
        """One row of PERMUTATIONS minimum hashes per text; an empty text gets EMPTY throughout."""
        if len(self.key) < 32:
            raise ValueError("the MinHash key must be at least 32 bytes")
        constants = self._constants()
        out = np.full((len(texts), PERMUTATIONS), EMPTY, dtype=np.uint32)
        for lo in range(0, len(texts), BATCH_TEXTS):
            self._fill(texts[lo : lo + BATCH_TEXTS], out[lo : lo + BATCH_TEXTS], constants)
        return out

    @staticmethod
    def _fill(
        texts: Sequence[str],
        out: Signatures,
        constants: tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.uint64]],
    ) -> None:
        mix, a, b = constants
        # One string for the batch, with NUL between texts; shingles that span a NUL are dropped.
        normals = [normal(t.replace("\x00", " ")) for t in texts]
        normals = [n if len(n) >= SHINGLE or not n else n.ljust(SHINGLE) for n in normals]
        joined = "\x00".join(normals) + "\x00" * SHINGLE
        points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        count = len(points) - SHINGLE + 1
        shingle = np.zeros(count, dtype=np.uint64)
        valid = np.ones(count, dtype=bool)
        for i in range(SHINGLE):
            window = points[i : i + count]
            shingle ^= window * mix[i]
            valid &= window != 0
        lengths = np.fromiter((len(n) for n in normals), dtype=np.int64, count=len(normals))
        owner = np.repeat(np.arange(len(texts)), lengths + 1)[:count]
        keep = np.flatnonzero(valid)
        _minimum_into(out, _fmix64(shingle[keep]), owner[keep], a, b)
        # Chinese and Japanese characters each carry a word's worth: pairs of them are shingles too,
        # so a name or a slip in a short message does not change most of what it is compared by.
        han = (points >= 0x3400) & (points <= 0x9FFF)
        pairs = han[:-1] & han[1:]
        if pairs.any():
            at = np.flatnonzero(pairs[:count])
            pair = _fmix64(points[at] * mix[0] ^ points[at + 1] * mix[1] ^ np.uint64(0x5EED))
            _minimum_into(out, pair, owner[at], a, b)


def band_key(signatures: Signatures, band: int) -> npt.NDArray[np.uint64]:
    """The key of one band for every message, computed from that band's columns alone (bounded memory)."""
    rows = PERMUTATIONS // BANDS
    key = np.zeros(len(signatures), dtype=np.uint64)
    for r in range(rows):
        step = np.uint64(((r + 1) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
        key = _fmix64(key ^ (signatures[:, band * rows + r].astype(np.uint64) + step))
    return key ^ (np.uint64(band) << np.uint64(56))  # a band's keys never meet another's


def _minimum_into(
    out: Signatures,
    shingles: npt.NDArray[np.uint64],
    owner: npt.NDArray[np.int64],
    a: npt.NDArray[np.uint64],
    b: npt.NDArray[np.uint64],
) -> None:
    """Lower each owner's row of ``out`` to the minimum of its shingles under every permutation."""
    for lo in range(0, len(shingles), BATCH_SHINGLES):
        part = shingles[lo : lo + BATCH_SHINGLES]
        who = owner[lo : lo + BATCH_SHINGLES]
        hashed = part[:, None] * a[None, :]
        hashed += b[None, :]
        hashed >>= np.uint64(32)
        values = hashed.astype(np.uint32)
        # Shingles of one text are contiguous: the minimum per run of the same owner.
        runs = np.concatenate(([0], np.flatnonzero(np.diff(who)) + 1))
        mins = np.minimum.reduceat(values, runs, axis=0)
        rows = who[runs]
        np.minimum(out[rows], mins, out=mins)  # a text cut between two batches of shingles
        out[rows] = mins


def _fmix64(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """MurmurHash3's finaliser: every input bit flips about half the output bits."""
    h = h ^ (h >> np.uint64(33))
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xC4CEB9FE1A85EC53)
    h ^= h >> np.uint64(33)
    return h


def similarity(a: Signatures, b: Signatures) -> float:
    """Estimated Jaccard similarity of two texts from their signatures."""
    if (a == EMPTY).all() or (b == EMPTY).all():
        return 0.0
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def clusters(signatures: Signatures, threshold: float = THRESHOLD) -> npt.NDArray[np.int64]:
    """A cluster number per message (the smallest index in its cluster); -1 for an empty text.

    Messages that share a band key and are at least ``threshold`` similar are
    joined; clusters are what those joins connect. Each band bucket is joined
    as a star around its first member, so a template sent 10,000 times costs
    10,000 comparisons, not 50 million.
    """
    n = len(signatures)
    labels = np.arange(n, dtype=np.int64)
    if n == 0:
        return labels
    empty = (signatures == EMPTY).all(axis=1)
    left: list[npt.NDArray[np.int64]] = []
    right: list[npt.NDArray[np.int64]] = []
    for band in range(BANDS):
        column = band_key(signatures, band)
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        same = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1  # positions whose key equals the one before
        if not len(same):
            continue
        # The first member of each run of equal keys is its centre.
        run_start = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        centre_of = run_start[np.searchsorted(run_start, same, side="right") - 1]
        members, centres = order[same], order[centre_of]
        agree = np.concatenate(
            [
                np.count_nonzero(
                    signatures[members[lo : lo + 65536]] == signatures[centres[lo : lo + 65536]], axis=1
                )
                for lo in range(0, len(members), 65536)  # a slice at a time: no n x PERMUTATIONS temporaries
            ]
        )
        ok = (agree >= threshold * PERMUTATIONS) & ~empty[members] & ~empty[centres]
        left.append(members[ok])
        right.append(centres[ok])
    if left:
        labels = _components(n, np.concatenate(left), np.concatenate(right))
    labels[empty] = -1
    return labels


def _components(n: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Connected components of the edges (a, b): each node labelled with the smallest node it reaches."""
    labels = np.arange(n, dtype=np.int64)
    while True:
        low = np.minimum(labels[a], labels[b])
        changed = False
        for side in (a, b):
            before = labels[side]
            np.minimum.at(labels, side, low)
            changed = changed or bool((labels[side] != before).any())
        # Jump to the label's label until stable, so long chains settle in a few rounds.
        while True:
            jumped = labels[labels]
            if (jumped == labels).all():
                break
            labels = jumped
        if not changed:
            return labels
