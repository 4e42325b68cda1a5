"""Keyed comparison tokens of people's and organisations' names, and likely duplicates found through them.

A record's names (its name and aliases) give comparison keys
(``longreach.names``: phonetic keys, consonants, pinyin, characters); each is
stored as an HMAC under a key derived from the organisation's linkage key,
with the positions of the name's parts it came from. A name looked up gives
its own keys, hashed the same way; a record that shares keys with two of its
distinctive parts (or its only one) is a candidate, and the candidates the
user may read are scored by opening their names (``names.score``).
Candidates in compartments the user cannot read are only counted.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from longreach.accounts import access
from longreach.accounts.models import User
from longreach.crypto import keys as ck
from longreach.keys.context import current_keyring
from longreach.keys.models import OrgKeys
from longreach.names import score as scoring
from longreach.names.parse import NameError_, analyse
from longreach.names.screen import block_keys, blocking_units, parts_to_meet
from longreach.registry.models import ActPerpetrator, NameToken, Organisation, Person

MAX_TOKENS_PER_RECORD = 400
_PURPOSE = "name-tokens"


def _key() -> tuple[int, bytes]:
    version = OrgKeys.get().linkage_key_version
    return version, ck.derive(current_keyring().linkage_key(), _PURPOSE)


def _hash(key: bytes, block: str) -> str:
    return hmac.new(key, block.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _mask(positions: Iterable[int]) -> int:
    return sum(1 << k for k in positions if k < 15)


def _positions(mask: int) -> set[int]:
    """The positions of a record's name parts a token came from (``index`` stores them as bits)."""
    return {k for k in range(15) if mask >> k & 1}


# _met_on_both_sides: a record the user cannot read is never scored (its name stays sealed), so the
# tokens alone decide whether it is counted. Two of the query's parts meeting one part of the record
# ("Jane Doe" run together has the consonants of "County") is not a match: the tokens must also come
# from two of the record's own parts (one, for a name of one part).


def names_of(record: Person | Organisation) -> list[str]:
    names = [record.name] if record.name else []
    if isinstance(record, Person):
        names += [a for a in (record.aliases or []) if isinstance(a, str) and a.strip()]
    return names


def best_match(mine: Iterable[str], record: Person | Organisation) -> tuple[scoring.Match, str] | None:
    """The best-scoring pair of one of ``mine`` with one of the record's names (opened in the caller's
    keys), and the record's name it was; None when no pair can be compared."""
    best: tuple[scoring.Match, str] | None = None
    for name in mine:
        for theirs in names_of(record):
            try:
                found = scoring.compare(name, theirs)
            except NameError_:
                continue
            if best is None or found.score > best[0].score:
                best = (found, theirs)
    return best


def index(record: Person | Organisation) -> int:
    """Replace a record's tokens with those of its current names; the number written."""
    field = "person" if isinstance(record, Person) else "organisation"
    NameToken.objects.filter(**{field: record}).delete()
    version, key = _key()
    rows: dict[tuple[str, int], NameToken] = {}
    for text in names_of(record):
        try:
            name = analyse(text)
        except NameError_:
            continue
        for unit, covers in blocking_units(name):
            for block in block_keys(unit, listed=True):
                token = _hash(key, block)
                mask = _mask(covers)
                if (token, mask) not in rows and len(rows) < MAX_TOKENS_PER_RECORD:
                    rows[(token, mask)] = NameToken(
                        compartment_id=record.compartment_id,
                        token=token,
                        unit=mask,
                        key_version=version,
                        **{field: record},
                    )
    NameToken.objects.bulk_create(rows.values(), batch_size=500)
    return len(rows)


@dataclass(frozen=True)
class Likely:
    """A record that may be the same person as the one looked at."""

    person: Person
    score: float
    why: tuple[str, ...]  # "name", "phone number", "e-mail address", "handle"
    match: scoring.Match | None


@dataclass(frozen=True)
class LikelySame:
    readable: tuple[Likely, ...]
    elsewhere: int  # candidates in compartments the user cannot read (never named)


def likely_same_people(*, user: User, person: Person, limit: int = 10) -> LikelySame:
    """People who may be ``person`` under another record: the same phone number, e-mail address or
    handle, or a name that matches across spellings and scripts."""
    readable_ids = set(access.compartments(user, "case.read").values_list("id", flat=True))
    version, key = _key()
    candidates: dict[Any, set[int]] = defaultdict(set)
    their_parts: dict[Any, set[int]] = defaultdict(set)
    wanted = most_parts = 0
    for text in names_of(person):
        try:
            name = analyse(text)
        except NameError_:
            continue
        wanted = max(wanted, parts_to_meet(name))
        most_parts = max(most_parts, len(name.weighty))
        units = blocking_units(name)
        tokens: dict[str, set[int]] = defaultdict(set)
        for unit, covers in units:
            for block in block_keys(unit, listed=False):
                tokens[_hash(key, block)] |= covers
        for person_id, token, mask in (
            NameToken.objects.filter(token__in=list(tokens), key_version=version, person__isnull=False)
            .exclude(person=person)
            .values_list("person_id", "token", "unit")
        ):
            candidates[person_id] |= tokens[token]
            their_parts[person_id] |= _positions(mask)
    same_ids: dict[Any, list[str]] = defaultdict(list)
    for label, field in (
        ("phone number", "phone_index"),
        ("e-mail address", "email_index"),
        ("handle", "handle_index"),
    ):
        value = getattr(person, field)
        if value:
            for other_id in (
                Person.objects.filter(**{field: value}).exclude(pk=person.pk).values_list("pk", flat=True)
            ):
                same_ids[other_id].append(label)
    needed = min(wanted or 1, 2)
    by_name = {pk for pk, covered in candidates.items() if len(covered) >= needed}
    ids = by_name | set(same_ids)
    found: list[Likely] = []
    elsewhere = 0
    for other in Person.objects.filter(pk__in=ids).order_by("code"):
        if other.compartment_id not in readable_ids:
            if other.pk in same_ids or len(their_parts[other.pk]) >= min(2, most_parts):
                elsewhere += 1  # see _met_on_both_sides
            continue
        paired = best_match(names_of(person), other)
        best = paired[0] if paired else None
        why = list(same_ids.get(other.pk, ()))
        value = best.score if best is not None else 0.0
        if best is not None and best.match:
            why.insert(0, "name")
        if why:
            found.append(Likely(other, max(value, 1.0 if same_ids.get(other.pk) else 0.0), tuple(why), best))
    found.sort(key=lambda f: (-f.score, f.person.code))
    return LikelySame(tuple(found[:limit]), elsewhere)


@dataclass(frozen=True)
class RegistryHit:
    """A perpetrator in the records whose name matches a name screened (readable by the user)."""

    code: str
    kind: str  # person, organisation
    score: float
    match: scoring.Match

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "kind": self.kind,
            "score": round(self.score, 3),
            "why": self.match.as_dict(),
        }


@dataclass(frozen=True)
class Hidden:
    """A perpetrator in a compartment the user cannot read whose tokens matched: never shown to the
    user; kept so that its compartment's leads can be asked about it."""

    kind: str  # person, organisation
    record_id: Any
    compartment_id: Any


@dataclass(frozen=True)
class RegistryScreen:
    hits: tuple[RegistryHit, ...]
    hidden: tuple[Hidden, ...] = ()

    @property
    def elsewhere(self) -> int:
        """Matching perpetrators in compartments the user cannot read (counted, never named)."""
        return len(self.hidden)


def screen_perpetrators(
    *, user: User, name: str, threshold: float = scoring.THRESHOLD, limit: int = 10
) -> RegistryScreen:
    """The people and organisations coded as perpetrators in acts whose names match ``name``: found by
    their tokens, scored with their names opened in the user's keys where the user may read them."""
    try:
        analysed = analyse(name)
    except NameError_:
        return RegistryScreen(())
    if not analysed.weighty:
        return RegistryScreen(())
    version, key = _key()
    tokens: dict[str, set[int]] = defaultdict(set)
    for unit, covers in blocking_units(analysed):
        for block in block_keys(unit, listed=False):
            tokens[_hash(key, block)] |= covers
    people = ActPerpetrator.objects.filter(person__isnull=False).values("person_id")
    organisations = ActPerpetrator.objects.filter(organisation__isnull=False).values("organisation_id")
    covered: dict[tuple[str, Any], set[int]] = defaultdict(set)
    their_parts: dict[tuple[str, Any], set[int]] = defaultdict(set)
    for person_id, organisation_id, token, mask in (
        NameToken.objects.filter(token__in=list(tokens), key_version=version)
        .filter(Q(person__in=people) | Q(organisation__in=organisations))
        .values_list("person_id", "organisation_id", "token", "unit")
    ):
        ref = ("person", person_id) if person_id else ("organisation", organisation_id)
        covered[ref] |= tokens[token]
        their_parts[ref] |= _positions(mask)
    needed = min(2, parts_to_meet(analysed))
    wanted = {ref for ref, parts in covered.items() if len(parts) >= needed}
    readable = set(access.compartments(user, "case.read").values_list("id", flat=True))
    hits: list[RegistryHit] = []
    hidden: list[Hidden] = []
    for model, kind in ((Person, "person"), (Organisation, "organisation")):
        for record in model.objects.filter(pk__in=[pk for k, pk in wanted if k == kind]).order_by("pk"):
            if record.compartment_id not in readable:
                # Its name cannot be opened here, so cannot be scored: its tokens must meet enough
                # parts on both sides (see _met_on_both_sides).
                if len(their_parts[(kind, record.pk)]) >= min(2, len(analysed.weighty)):
                    hidden.append(Hidden(kind, record.pk, record.compartment_id))
                continue
            paired = best_match([name], record)
            if paired is None or paired[0].score < threshold:
                continue
            hits.append(RegistryHit(record.code, kind, paired[0].score, paired[0]))
    hits.sort(key=lambda h: (-h.score, h.code))
    return RegistryScreen(tuple(hits[:limit]), tuple(hidden))
