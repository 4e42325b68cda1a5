"""Reads of watchlists, screenings, their reviews and questions, scoped through ``accounts.access``.

A hit on a perpetrator in the records is stored as its code only. Whoever
looks at the screening sees that record's name and why it matched only if
they may read its compartment; others see that a record matched, and whoever
screened can ask its compartment's leads (``services.ask_leads``).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from longreach.accounts import access
from longreach.accounts.models import User
from longreach.registry import name_tokens
from longreach.registry.models import Organisation, Person
from longreach.registry.tabular import write
from longreach.screening.models import LeadQuestion, Review, Screening, Watchlist


def screenings_for_user(user: User) -> QuerySet[Screening]:
    return Screening.objects.filter(
        compartment__in=access.compartments(user, "screening.run")
    ).select_related("compartment", "created_by")


def screening_for_user(*, user: User, code: str) -> Screening:
    return access.record_for_user(
        Screening.objects.select_related("compartment", "created_by"),
        user=user,
        code=code,
        action="screening.run",
        kind="screening",
    )


def watchlists_for_user(user: User, *, current: bool = False) -> QuerySet[Watchlist]:
    found = Watchlist.objects.filter(compartment__in=access.compartments(user, "screening.run"))
    if current:
        found = found.filter(retired_at__isnull=True)
    return found.select_related("compartment", "imported_by")


def watchlist_for_user(*, user: User, code: str) -> Watchlist:
    return access.record_for_user(
        Watchlist.objects.select_related("compartment", "imported_by"),
        user=user,
        code=code,
        action="screening.run",
        kind="watchlist",
    )


def questions_for_lead(user: User) -> QuerySet[LeadQuestion]:
    """Questions about records in the compartments this lead answers for, the open ones first."""
    return (
        LeadQuestion.objects.filter(compartment__in=access.compartments(user, "screening.answer"))
        .select_related("person", "organisation", "asked_by", "compartment", "screening__compartment")
        .order_by("answer", "-asked_at")
    )


def question_for_lead(*, user: User, code: str) -> LeadQuestion:
    return access.record_for_user(
        LeadQuestion.objects.select_related("person", "organisation", "compartment"),
        user=user,
        code=code,
        action="screening.answer",
        kind="screening-question",
    )


@dataclass
class HitView:
    hit: dict[str, Any]
    readable: bool  # a list hit, or a record the viewer may read
    name: str = ""
    why: dict[str, Any] = field(default_factory=dict)
    review: Review | None = None
    history: list[Review] = field(default_factory=list)

    @property
    def decision(self) -> str:
        return self.review.decision if self.review else ""


@dataclass
class RowView:
    row: dict[str, Any]
    hits: list[HitView]
    questions: list[LeadQuestion]

    @property
    def number(self) -> int:
        return int(self.row["row"])


def _record_view(user: User, hit: dict[str, Any], readable: set[Any]) -> tuple[bool, str, dict[str, Any]]:
    model: type[Person] | type[Organisation] = Person if hit.get("kind") == "person" else Organisation
    record = model.objects.filter(code=hit.get("code", "")).first()
    if record is None or record.compartment_id not in readable:
        return False, "", {}
    paired = name_tokens.best_match([str(hit.get("screened_as", ""))], record)
    return True, (paired[1] if paired else ""), (paired[0].as_dict() if paired else {})


def screening_rows(*, user: User, screening: Screening, only_hits: bool = True) -> list[RowView]:
    """The screening's rows as this viewer may see them, with each hit's latest review and history."""
    readable = set(access.compartments(user, "case.read").values_list("id", flat=True))
    reviews: dict[tuple[int, str], list[Review]] = defaultdict(list)
    for review in Review.objects.filter(screening=screening).select_related("by").order_by("at"):
        reviews[(review.row, review.hit)].append(review)
    questions: dict[int, list[LeadQuestion]] = defaultdict(list)
    for question in LeadQuestion.objects.filter(screening=screening).order_by("asked_at"):
        questions[question.row].append(question)
    found = []
    for row in screening.rows:
        if only_hits and not (row["hits"] or row["elsewhere"]):
            continue
        hits = []
        for hit in row["hits"]:
            if hit["source"] == "registry":
                seen, name, why = _record_view(user, hit, readable)
            else:
                seen, name, why = True, str(hit.get("name", "")), dict(hit.get("why") or {})
            history = reviews.get((int(row["row"]), hit["key"]), [])
            hits.append(HitView(hit, seen, name, why, history[-1] if history else None, history))
        found.append(RowView(row, hits, questions.get(int(row["row"]), [])))
    return found


def review_counts(screening: Screening) -> dict[str, int]:
    """How many hits have each latest decision, and how many have none yet."""
    latest: dict[tuple[int, str], str] = {}
    for review in Review.objects.filter(screening=screening).order_by("at"):
        latest[(review.row, review.hit)] = review.decision
    counts: dict[str, int] = defaultdict(int)
    for row in screening.rows:
        for hit in row["hits"]:
            counts[latest.get((int(row["row"]), hit["key"]), "open")] += 1
    return dict(counts)


EXPORT_COLUMNS = [
    "row",
    "id",
    "name",
    "birth_date",
    "nationality",
    "hit_source",
    "hit_ref",
    "hit_name",
    "score",
    "why",
    "decision",
    "decided_by",
    "decided_at",
    "reason",
    "other_compartments",
]


def export_csv(*, user: User, screening: Screening) -> str:
    """One line per hit (and one per name without a hit), every cell made inert for spreadsheets; a
    record the viewer may not read is given by code only."""
    out = io.StringIO()
    lines = []
    for view in screening_rows(user=user, screening=screening, only_hits=False):
        row = view.row
        base = {
            "row": str(row["row"]),
            "id": str(row["ref"]),
            "name": "; ".join(row["names"]),
            "birth_date": str(row.get("birth") or ""),
            "nationality": "; ".join(row.get("nationalities") or []),
            "other_compartments": str(row.get("elsewhere") or ""),
        }
        if not view.hits:
            lines.append(base)
        for hit in view.hits:
            pairs = (hit.why or {}).get("pairs", [])
            review = hit.review
            lines.append(
                {
                    **base,
                    "hit_source": str(hit.hit["source"]),
                    "hit_ref": str(hit.hit.get("ref") or hit.hit.get("code") or ""),
                    "hit_name": hit.name,
                    "score": f"{hit.hit['score']:.3f}",
                    "why": "; ".join(f"{p['left']} = {p['right']} ({p['through']})" for p in pairs)
                    + "".join(f"; {a}" for a in hit.hit.get("adjustments", [])),
                    "decision": review.decision if review else "",
                    "decided_by": review.by.code if review else "",
                    "decided_at": review.at.isoformat(timespec="seconds") if review else "",
                    "reason": review.reason if review else "",
                }
            )
    write(lines, EXPORT_COLUMNS, out)
    return out.getvalue()


def rows_out(*, user: User, screening: Screening) -> list[dict[str, Any]]:
    """Every row as plain data for the API and the command: a record the viewer may not read is given
    by neither name nor code."""
    rows = []
    for view in screening_rows(user=user, screening=screening, only_hits=False):
        hits = []
        for h in view.hits:
            if not h.readable:
                hits.append(
                    {"source": "registry", "score": h.hit["score"], "readable": False, "key": h.hit["key"]}
                )
                continue
            hits.append(
                {
                    "source": h.hit["source"],
                    "code": h.hit.get("code", ""),
                    "kind": h.hit.get("kind", ""),
                    "ref": h.hit.get("ref", ""),
                    "name": h.name,
                    "score": h.hit["score"],
                    "why": h.why,
                    "adjustments": h.hit.get("adjustments", []),
                    "decision": h.decision,
                    "key": h.hit["key"],
                }
            )
        rows.append(
            {
                "row": view.number,
                "id": view.row["ref"],
                "name": view.row["names"][0],
                "hits": hits,
                "elsewhere": view.row["elsewhere"],
            }
        )
    return rows
