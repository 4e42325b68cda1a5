"""Changing legal matters: each function checks access through ``accounts.access``, validates with the
one schema of its entity (``validation``), runs in one transaction and writes its audit entry (codes
only, never the charges or notes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access
from longreach.accounts.errors import NotAllowed
from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.legal import deadlines, review, selectors
from longreach.legal.models import LegalMatter, Proceeding, ProceedingEvent, ReviewAnswer, TypedDeadline
from longreach.legal.validation import EventInput, MatterInput, ProceedingInput, TypedDeadlineInput
from longreach.registry import disclosure, tabular
from longreach.registry.fields import FieldError, RecordInvalid
from longreach.registry.models import Case, Incident
from longreach.registry.validation import clean
from longreach.vault.models import EvidenceItem


def _audit(user: User, matter: LegalMatter, what: str, **detail: Any) -> None:
    audit_record(
        Event.RECORD_UPDATED if what != "created" else Event.RECORD_CREATED,
        actor=user,
        compartment=matter.compartment,
        object_type="legal-matter",
        object_code=matter.code,
        detail={"change": what, **detail},
    )


def _links(matter: LegalMatter, incidents: list[str], evidence: list[str]) -> None:
    """Link incidents and evidence items of the matter's case only (codes from a form or the API)."""
    found_incidents = list(
        Incident.objects.filter(code__in=incidents, compartment_id=matter.compartment_id, case=matter.case)
    )
    if len(found_incidents) != len(set(incidents)):
        raise RecordInvalid([FieldError("incidents", _("an incident that is not one of this case's"))])
    found_items = list(EvidenceItem.objects.filter(code__in=evidence, compartment_id=matter.compartment_id))
    if len(found_items) != len(set(evidence)):
        raise RecordInvalid([FieldError("evidence", _("an evidence item that is not in this compartment"))])
    matter.incidents.set(found_incidents)
    matter.evidence.set(found_items)


@transaction.atomic
def matter_create(
    *,
    user: User,
    case: Case,
    data: Mapping[str, Any],
    incidents: list[str] | None = None,
    evidence: list[str] | None = None,
) -> LegalMatter:
    access.require(user, "case.write", case.compartment_id)
    cleaned = clean(MatterInput, data)
    now = timezone.now()
    matter = LegalMatter(
        compartment_id=case.compartment_id,
        case=case,
        created_at=now,
        updated_at=now,
        created_by=user,
        **cleaned.model_dump(),
    )
    matter.save()
    _links(matter, incidents or [], evidence or [])
    _audit(user, matter, "created", kind=matter.kind)
    return matter


@transaction.atomic
def matter_update(
    *,
    user: User,
    matter: LegalMatter,
    data: Mapping[str, Any],
    incidents: list[str] | None = None,
    evidence: list[str] | None = None,
) -> LegalMatter:
    access.require(user, "case.write", matter.compartment_id)
    cleaned = clean(MatterInput, data)
    for field, value in cleaned.model_dump().items():
        setattr(matter, field, value)
    matter.updated_at = timezone.now()
    matter.save()
    if incidents is not None or evidence is not None:
        _links(
            matter,
            incidents if incidents is not None else list(matter.incidents.values_list("code", flat=True)),
            evidence if evidence is not None else list(matter.evidence.values_list("code", flat=True)),
        )
    _audit(user, matter, "updated", status=matter.status)
    return matter


def _rules(raw: str) -> str:
    """The deadline rules named, checked against the rules files: a misspelt rule would silently give
    no deadline at all."""
    known = deadlines.load(tuple(settings.LEGAL_RULES))
    names = [r.strip() for r in raw.replace(";", ",").split(",") if r.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise RecordInvalid(
            [
                FieldError(
                    "rules",
                    _("%(rule)s is not a deadline rule (longreach legal rules lists them)")
                    % {"rule": unknown[0][:60]},
                )
            ]
        )
    return ",".join(dict.fromkeys(names))


@transaction.atomic
def proceeding_add(*, user: User, matter: LegalMatter, data: Mapping[str, Any]) -> Proceeding:
    access.require(user, "case.write", matter.compartment_id)
    cleaned = clean(ProceedingInput, data)
    proceeding = Proceeding(
        compartment_id=matter.compartment_id,
        matter=matter,
        kind=cleaned.kind,
        forum=cleaned.forum,
        rules=_rules(cleaned.rules),
        interim_measures=cleaned.interim_measures,
        created_at=timezone.now(),
        created_by=user,
    )
    proceeding.save()
    _audit(user, matter, "proceeding", proceeding=proceeding.code, kind=proceeding.kind)
    return proceeding


@transaction.atomic
def event_add(*, user: User, proceeding: Proceeding, data: Mapping[str, Any]) -> ProceedingEvent:
    access.require(user, "case.write", proceeding.compartment_id)
    cleaned = clean(EventInput, data)
    if cleaned.on > timezone.localdate():
        raise RecordInvalid([FieldError("on", _("is in the future: record what has happened"))])
    event = ProceedingEvent(
        compartment_id=proceeding.compartment_id,
        proceeding=proceeding,
        what=cleaned.what,
        on=cleaned.on,
        note=cleaned.note,
        by=user,
        at=timezone.now(),
    )
    event.save()
    _audit(user, proceeding.matter, "event", proceeding=proceeding.code, event=event.what)
    return event


@transaction.atomic
def typed_deadline_add(*, user: User, proceeding: Proceeding, data: Mapping[str, Any]) -> TypedDeadline:
    """A deadline typed in by the user where no sourced rule exists; shown as typed."""
    access.require(user, "case.write", proceeding.compartment_id)
    cleaned = clean(TypedDeadlineInput, data)
    typed = TypedDeadline(
        compartment_id=proceeding.compartment_id,
        proceeding=proceeding,
        due=cleaned.due,
        what=cleaned.what,
        by=user,
        at=timezone.now(),
    )
    typed.save()
    _audit(user, proceeding.matter, "typed-deadline", proceeding=proceeding.code)
    return typed


@transaction.atomic
def typed_deadline_met(*, user: User, typed: TypedDeadline, on: Any) -> TypedDeadline:
    access.require(user, "case.write", typed.compartment_id)
    cleaned = clean(EventInput, {"what": "OTHER", "on": on})
    typed.met_on = cleaned.on
    typed.save(update_fields=["met_on"])
    _audit(user, typed.proceeding.matter, "typed-deadline-met", proceeding=typed.proceeding.code)
    return typed


MAX_EVIDENCE = 5_000


@transaction.atomic
def review_answer(*, user: User, matter: LegalMatter, answers: Mapping[str, tuple[str, str]]) -> int:
    """Record the caseworker's answers (question id -> (yes|no|unknown, evidence)); only those that changed
    are written, as new rows beside the earlier ones. The number written."""
    access.require(user, "case.write", matter.compartment_id)
    known = {q.id for g in review.grounds() for q in g.questions}
    problems = []
    for qid, (answer, evidence) in answers.items():
        if qid not in known:
            problems.append(FieldError(qid[:100], _("not a question of the review")))
        elif answer not in review.ANSWERS:
            problems.append(FieldError(qid, _("answer yes, no or not known")))
        elif len(evidence) > MAX_EVIDENCE:
            problems.append(FieldError(qid, _("evidence: at most %(n)d characters") % {"n": MAX_EVIDENCE}))
    if problems:
        raise RecordInvalid(problems)
    latest = {a.question: a for a in ReviewAnswer.objects.filter(matter=matter).order_by("at")}
    now = timezone.now()
    written = 0
    for qid, (answer, evidence) in answers.items():
        before = latest.get(qid)
        if before is not None and before.answer == answer and before.evidence == evidence.strip():
            continue
        if before is None and answer == "unknown" and not evidence.strip():
            continue
        ReviewAnswer(
            compartment_id=matter.compartment_id,
            matter=matter,
            question=qid,
            answer=answer,
            evidence=evidence.strip(),
            by=user,
            at=now,
        ).save()
        written += 1
    if written:
        _audit(user, matter, "review", answers=written)
    return written


def matters_statistics(*, user: User, out: Any, threshold: int) -> int:
    """Published counts of legal matters per requesting state and host country, by kind and status, with
    small cells (and cells that would reveal them) suppressed; totals are part of the table."""
    if not allowed(user, "stats.view"):
        raise NotAllowed(_("your role cannot see statistics"))
    counts = selectors.matter_counts(user)
    columns = ["matters", *selectors.STAT_KINDS, *selectors.STAT_OUTCOMES]
    table: dict[tuple[str, str], dict[str, int]] = {key: dict(value) for key, value in counts.items()}
    table[("ALL", "ALL")] = {c: sum(v[c] for v in counts.values()) for c in columns}
    published = disclosure.suppress(table, threshold)
    rows = []
    for key in sorted(published, key=lambda k: (k == ("ALL", "ALL"), k)):
        cells = published[key]
        row = {"requesting_state": key[0], "host_country": key[1]}
        row.update({c.lower(): "suppressed" if cells[c] is None else str(cells[c]) for c in columns})
        rows.append(row)
    count = tabular.write(rows, ["requesting_state", "host_country", *[c.lower() for c in columns]], out)
    audit_record(
        Event.RECORDS_EXPORTED,
        actor=user,
        object_type="export",
        detail={"format": "legal-statistics", "rows": count, "threshold": threshold},
    )
    return count
