"""Importing watchlists, screening batches of names, reviewing hits, asking other compartments' leads.

Every function checks access through ``accounts.access`` and writes its audit
entry in the same transaction. Audit entries hold counts and codes, never a
name screened or listed.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import Compartment, Membership, User
from longreach.accounts.roles import Role
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.names import score as scoring
from longreach.names import screen
from longreach.names.lists import ListError, Read, read_stream
from longreach.names.screen import Entry
from longreach.names.screen import Watchlist as Index
from longreach.registry import name_tokens
from longreach.screening.models import Decision, LeadQuestion, Review, Screening, Watchlist

MAX_BATCH = 10_000  # names in one screening (the browser takes settings.SCREENING_MAX_WEB_NAMES)
MAX_HITS = 10  # kept per name screened and per source
MAX_REASON = 2_000
MAX_TITLE = 200


class ScreeningError(ServiceError):
    """Input that cannot be used; the message says which file, line and field, or which choice."""


# ----------------------------------------------------------------------------------------- watchlists


@dataclass(frozen=True)
class ListImport:
    """What an import read (and, unless it was a dry run, saved)."""

    watchlist: Watchlist | None  # None after a dry run
    names: int
    people: int
    skipped: int
    added: int = 0  # on a refresh: people on the new list and not on the old
    removed: int = 0


def _read(fh: IO[bytes], source: str, kind: str) -> Read:
    if kind not in Watchlist.Kind.values:
        raise ScreeningError(
            _("%(kind)s is not a kind of list (csv, ftm, un or interpol)") % {"kind": kind[:20]}
        )
    try:
        read = read_stream(fh, source, kind)
    except ListError as exc:
        raise ScreeningError(str(exc)) from exc
    if not read.entries:
        raise ScreeningError(_("%(file)s: no person's name in it; nothing was imported") % {"file": source})
    return read


def _as_rows(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    return [
        {
            "ref": e.ref,
            "name": e.name,
            "birth": e.birth,
            "nationalities": sorted(e.nationalities),
            "source": e.source,
        }
        for e in entries
    ]


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ScreeningError(_("title: give the list a title"))
    if len(title) > MAX_TITLE:
        raise ScreeningError(_("title: at most %(n)d characters") % {"n": MAX_TITLE})
    return title


def watchlist_import(
    *,
    user: User,
    compartment: Compartment,
    fh: IO[bytes],
    filename: str,
    kind: str,
    title: str,
    source: str = "",
    listed_on: dt.date | None = None,
    dry_run: bool = False,
) -> ListImport:
    """Read a whole list and keep it, or keep nothing: the first problem names the file, the line (or
    record) and the field. A dry run reads and reports without saving."""
    access.require(user, "watchlist.manage", compartment)
    title = _clean_title(title)
    read = _read(fh, filename, kind)
    people = len({e.ref for e in read.entries})
    if dry_run:
        return ListImport(None, len(read.entries), people, read.skipped)
    with transaction.atomic():
        watchlist = Watchlist(
            compartment=compartment,
            kind=kind,
            title=title,
            source=(source or "").strip()[:500],
            listed_on=listed_on,
            imported_at=timezone.now(),
            imported_by=user,
            entries=_as_rows(read.entries),
            names=len(read.entries),
            people=people,
            skipped=read.skipped,
        )
        watchlist.save()
        audit_record(
            Event.RECORDS_IMPORTED,
            actor=user,
            compartment=compartment,
            object_type="watchlist",
            object_code=watchlist.code,
            detail={"names": watchlist.names, "people": people, "kind": kind},
        )
    return ListImport(watchlist, len(read.entries), people, read.skipped)


def watchlist_refresh(
    *,
    user: User,
    watchlist: Watchlist,
    fh: IO[bytes],
    filename: str,
    listed_on: dt.date | None = None,
    dry_run: bool = False,
) -> ListImport:
    """Replace a list's names with those of a newer file of the same kind, all or nothing; screenings
    already made keep the version they used."""
    access.require(user, "watchlist.manage", watchlist.compartment_id)
    if watchlist.retired_at is not None:
        raise ScreeningError(_("this list was retired; import it again instead"))
    read = _read(fh, filename, watchlist.kind)
    before = {str(e["ref"]) for e in watchlist.entries}
    after = {e.ref for e in read.entries}
    outcome = ListImport(
        None if dry_run else watchlist,
        len(read.entries),
        len(after),
        read.skipped,
        added=len(after - before),
        removed=len(before - after),
    )
    if dry_run:
        return outcome
    with transaction.atomic():
        watchlist.entries = _as_rows(read.entries)
        watchlist.names = len(read.entries)
        watchlist.people = len(after)
        watchlist.skipped = read.skipped
        watchlist.listed_on = listed_on or watchlist.listed_on
        watchlist.refreshed_at = timezone.now()
        watchlist.version += 1
        watchlist.save()
        audit_record(
            Event.RECORDS_IMPORTED,
            actor=user,
            compartment=watchlist.compartment,
            object_type="watchlist",
            object_code=watchlist.code,
            detail={
                "names": watchlist.names,
                "people": len(after),
                "added": outcome.added,
                "removed": outcome.removed,
                "version": watchlist.version,
            },
        )
    return outcome


@transaction.atomic
def watchlist_retire(*, user: User, watchlist: Watchlist) -> Watchlist:
    """A list no longer offered for screening; screenings made with it keep their hits."""
    access.require(user, "watchlist.manage", watchlist.compartment_id)
    if watchlist.retired_at is None:
        watchlist.retired_at = timezone.now()
        watchlist.save(update_fields=["retired_at"])
        audit_record(
            Event.RECORD_UPDATED,
            actor=user,
            compartment=watchlist.compartment,
            object_type="watchlist",
            object_code=watchlist.code,
            detail={"retired": True},
        )
    return watchlist


# Indexes built from opened lists, by (list, version): building one for 100,000 names takes seconds,
# and a caseworker screens against the same lists batch after batch. Held in this process's memory
# only, never written anywhere.
_INDEXES: OrderedDict[tuple[str, int], Index] = OrderedDict()
_KEEP_INDEXES = 4


def _index(watchlist: Watchlist) -> Index:
    key = (str(watchlist.pk), watchlist.version)
    found = _INDEXES.get(key)
    if found is None:
        found = Index.of(
            Entry(
                str(e["ref"]),
                str(e["name"]),
                str(e.get("birth") or ""),
                frozenset(e.get("nationalities") or ()),
                str(e.get("source") or ""),
            )
            for e in watchlist.entries
        )
        _INDEXES[key] = found
        while len(_INDEXES) > _KEEP_INDEXES:
            _INDEXES.popitem(last=False)
    _INDEXES.move_to_end(key)
    return found


# ------------------------------------------------------------------------------------------ screening


@dataclass
class Query:
    """One row of a batch: a person screened under one or more names."""

    ref: str
    names: list[str]
    birth: str = ""
    nationalities: frozenset[str] = field(default_factory=frozenset)


def batch_from(read: Read) -> list[Query]:
    """Rows of a batch file, a row's aliases gathered under its id (``names.lists.read_csv``)."""
    rows: dict[str, Query] = {}
    for entry in read.entries:
        row = rows.get(entry.ref)
        if row is None:
            rows[entry.ref] = Query(entry.ref, [entry.name], entry.birth, entry.nationalities)
        elif entry.name not in row.names:
            row.names.append(entry.name)
    return list(rows.values())


def batch_from_lines(text: str) -> list[Query]:
    """Names typed one per line (no dates or nationalities): each line a row."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        name = " ".join(line.split())
        if not name:
            continue
        if len(name) > 300:
            raise ScreeningError(_("line %(n)d: a name is at most 300 characters") % {"n": number})
        found.append(Query(f"line-{number}", [name]))
    return found


def _registry_hits(user: User, query: Query, threshold: float) -> tuple[list[dict[str, Any]], int]:
    """Hits among the perpetrators in the records: only their code, kind, compartment and score are
    kept; their names and the explanation are shown to whoever may read them, when they look."""
    best: dict[str, dict[str, Any]] = {}
    hidden: set[tuple[str, Any]] = set()
    for name in query.names:
        found = name_tokens.screen_perpetrators(user=user, name=name, threshold=threshold, limit=MAX_HITS)
        for hit in found.hits:
            key = f"registry:{hit.code}"
            if key not in best or hit.score > best[key]["score"]:
                best[key] = {
                    "key": key,
                    "source": "registry",
                    "code": hit.code,
                    "kind": hit.kind,
                    "score": round(hit.score, 4),
                    "screened_as": name,
                }
        hidden |= {(h.kind, h.record_id) for h in found.hidden}
    return list(best.values()), len(hidden)


def _list_hits(
    index: Index, code: str, batch: list[Query], threshold: float, workers: int
) -> list[list[dict[str, Any]]]:
    """Each row's hits on one list: every name of the row screened, the best hit per listed person."""
    asked = [
        (row, screen.Query(name, query.birth, query.nationalities))
        for row, query in enumerate(batch)
        for name in query.names
    ]
    found = screen.screen_many(
        index, [q for _row, q in asked], threshold=threshold, limit=MAX_HITS, workers=workers
    )
    rows: list[dict[str, dict[str, Any]]] = [{} for _ in batch]
    for (row, asked_as), hits in zip(asked, found, strict=True):
        best = rows[row]
        for hit in hits:
            key = f"{code}:{hit.entry.ref}"
            if key not in best or hit.score > best[key]["score"]:
                best[key] = {
                    "key": key,
                    "source": code,
                    "ref": hit.entry.ref,
                    "name": hit.entry.name,
                    "birth": hit.entry.birth,
                    "nationalities": sorted(hit.entry.nationalities),
                    "score": round(hit.score, 4),
                    "why": hit.match.as_dict(),
                    "adjustments": list(hit.adjustments),
                    "screened_as": asked_as.name,
                }
    return [list(best.values()) for best in rows]


def screening_run(
    *,
    user: User,
    compartment: Compartment,
    batch: list[Query],
    watchlists: list[Watchlist],
    registry: bool = True,
    threshold: float | None = None,
    title: str = "",
    workers: int = 1,
    max_names: int = MAX_BATCH,
) -> Screening:
    """Screen every row against the chosen lists of the compartment and, if asked, the perpetrators in
    the records; the names and hits are sealed in the compartment. ``workers`` > 1 (or 0, one per CPU)
    screens the lists on forked processes: for commands, never in the threaded server."""
    access.require(user, "screening.run", compartment)
    if not batch:
        raise ScreeningError(_("no name to screen"))
    if len(batch) > max_names:
        raise ScreeningError(
            _("%(n)s names: at most %(max)s in one screening; split the batch")
            % {"n": f"{len(batch):,}", "max": f"{max_names:,}"}
        )
    if not watchlists and not registry:
        raise ScreeningError(_("choose a list to screen against, or the records' perpetrators"))
    for watchlist in watchlists:
        if watchlist.compartment_id != compartment.pk or watchlist.retired_at is not None:
            raise ScreeningError(
                _(
                    "list %(code)s cannot be used here: a screening uses the current lists "
                    "of its own compartment"
                )
                % {"code": watchlist.code}
            )
    cut = scoring.THRESHOLD if threshold is None else threshold
    if not 0.5 <= cut <= 1.0:
        raise ScreeningError(_("threshold: between 0.5 and 1"))
    title = " ".join((title or "").split())[:MAX_TITLE]
    on_lists = [_list_hits(_index(w), w.code, batch, cut, workers) for w in watchlists]
    rows = []
    with_hits = 0
    for number, query in enumerate(batch, 1):
        hits: list[dict[str, Any]] = []
        elsewhere = 0
        if registry:
            hits, elsewhere = _registry_hits(user, query, cut)
        for found in on_lists:
            hits += found[number - 1]
        hits.sort(key=lambda h: (-h["score"], h["key"]))
        rows.append(
            {
                "row": number,
                "ref": query.ref,
                "names": query.names,
                "birth": query.birth,
                "nationalities": sorted(query.nationalities),
                "hits": hits,
                "elsewhere": elsewhere,
            }
        )
        with_hits += bool(hits or elsewhere)
    with transaction.atomic():
        screening = Screening(
            compartment=compartment,
            created_by=user,
            created_at=timezone.now(),
            title=title,
            threshold=cut,
            registry=registry,
            watchlists={w.code: w.version for w in watchlists},
            names=len(batch),
            with_hits=with_hits,
            rows=rows,
        )
        screening.save()
        audit_record(
            Event.RECORD_CREATED,
            actor=user,
            compartment=compartment,
            object_type="screening",
            object_code=screening.code,
            detail={"names": len(batch), "with_hits": with_hits, "lists": len(watchlists)},
        )
    return screening


def _hit(screening: Screening, row: int, key: str) -> Any:
    rows = screening.rows
    if not 1 <= row <= len(rows):
        raise ScreeningError(_("row %(n)d is not in this screening") % {"n": row})
    for hit in rows[row - 1]["hits"]:
        if hit["key"] == key:
            return hit
    raise ScreeningError(_("row %(n)d has no such hit") % {"n": row})


@transaction.atomic
def review_add(
    *, user: User, screening: Screening, row: int, key: str, decision: str, reason: str = ""
) -> Review:
    """A reviewer's word on a hit; an earlier word is kept in its history, never overwritten."""
    access.require(user, "screening.run", screening.compartment_id)
    if decision not in Decision.values:
        raise ScreeningError(_("decision: match, no match or unsure"))
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise ScreeningError(_("reason: at most %(n)d characters") % {"n": MAX_REASON})
    _hit(screening, row, key)
    review = Review(
        screening=screening,
        compartment_id=screening.compartment_id,
        row=row,
        hit=key,
        decision=decision,
        reason=reason,
        by=user,
        at=timezone.now(),
    )
    review.save()
    audit_record(
        Event.RECORD_UPDATED,
        actor=user,
        compartment=screening.compartment,
        object_type="screening",
        object_code=screening.code,
        detail={"row": row, "decision": decision},
    )
    return review


def _leads(compartment_id: Any) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            compartment_id=compartment_id, user__role=Role.LEAD
        ).select_related("user")
        if m.user.is_active
    ]


def ask_leads(*, user: User, screening: Screening, row: int) -> int:
    """Ask the leads of each compartment holding a record that matched the row's names but that the user
    may not read. The record is looked up again in the user's own reach (what the screening found is
    never stored); the number of questions now open is returned."""
    access.require(user, "screening.run", screening.compartment_id)
    rows = screening.rows
    if not 1 <= row <= len(rows):
        raise ScreeningError(_("row %(n)d is not in this screening") % {"n": row})
    names = [str(n) for n in rows[row - 1]["names"]]
    hidden: dict[tuple[str, Any], Any] = {}
    for name in names:
        found = name_tokens.screen_perpetrators(user=user, name=name, threshold=screening.threshold)
        for h in found.hidden:
            hidden[(h.kind, h.record_id)] = h.compartment_id
    if not hidden:
        raise ScreeningError(_("no record in another compartment matches this name now"))
    if not any(_leads(c) for c in set(hidden.values())):
        raise ScreeningError(_("the compartments holding these records have no lead to ask"))
    now = timezone.now()
    made = 0
    with transaction.atomic():
        for (kind, record_id), compartment_id in hidden.items():
            ref = {"person_id": record_id} if kind == "person" else {"organisation_id": record_id}
            _question, created = LeadQuestion.objects.get_or_create(
                screening=screening,
                row=row,
                compartment_id=compartment_id,
                **ref,
                defaults={"asked_by": user, "asked_at": now},
            )
            made += created
        audit_record(
            Event.RECORD_UPDATED,
            actor=user,
            compartment=screening.compartment,
            object_type="screening",
            object_code=screening.code,
            detail={"row": row, "asked": made},
        )
    return LeadQuestion.objects.filter(screening=screening, row=row).count()


@transaction.atomic
def question_answer(*, user: User, question: LeadQuestion, answer: str) -> LeadQuestion:
    """A lead of the record's compartment answers in one word; the screener sees the word only."""
    access.require(user, "screening.answer", question.compartment_id)
    if answer not in (a for a in LeadQuestion.Answer.values if a):
        raise ScreeningError(_("answer: the same person, not the same, or talk"))
    if question.asked_by_id == user.pk:
        raise NotAllowed(_("you cannot answer your own question"))
    question.answer = answer
    question.answered_by = user
    question.answered_at = timezone.now()
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        Event.RECORD_UPDATED,
        actor=user,
        compartment=question.compartment,
        object_type="screening-question",
        object_code=question.code,
        detail={"answer": answer},
    )
    return question
