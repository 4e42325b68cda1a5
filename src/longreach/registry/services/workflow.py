"""Cases: creating and moving them through their states (docs/codebook.md §8), assigning them,
opening one from a report; the consents, referrals and tasks a caseworker records on them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access
from longreach.accounts.models import Compartment, User
from longreach.accounts.roles import Role
from longreach.audit.models import Event
from longreach.registry import serialise, validation
from longreach.registry.fields import FieldError, RecordInvalid, Vocabularies
from longreach.registry.models import (
    Case,
    Consent,
    Incident,
    Person,
    Referral,
    Task,
)
from longreach.registry.services.writing import (
    _audit,
    _check_version,
    _fill_case,
    _flatten_codes,
    _version,
    _write_case,
    _write_incident,
    _write_source,
    _Writer,
)
from longreach.vocab.selectors import catalogue

# Case workflow (docs/codebook.md §8): where each state may go next.
TRANSITIONS: dict[str, frozenset[str]] = {
    "NEW": frozenset({"VETTING", "TRIAGED", "CLOSED"}),
    "VETTING": frozenset({"TRIAGED", "CLOSED"}),
    "TRIAGED": frozenset({"ASSESSMENT", "CLOSED"}),
    "ASSESSMENT": frozenset({"SAFETY_PLAN", "REFERRALS_ACTIVE", "CLOSED"}),
    "SAFETY_PLAN": frozenset({"REFERRALS_ACTIVE", "FOLLOW_UP", "CLOSED"}),
    "REFERRALS_ACTIVE": frozenset({"FOLLOW_UP", "MONITORING", "CLOSED"}),
    "FOLLOW_UP": frozenset({"REFERRALS_ACTIVE", "MONITORING", "CLOSED"}),
    "MONITORING": frozenset({"FOLLOW_UP", "CLOSED"}),
    "CLOSED": frozenset({"REOPENED"}),
    "REOPENED": frozenset({"ASSESSMENT", "SAFETY_PLAN", "REFERRALS_ACTIVE", "FOLLOW_UP", "CLOSED"}),
}


# Cases -------------------------------------------------------------------------------


def _check_transition(before: str, after: str) -> None:
    if before != after and after not in TRANSITIONS.get(before, frozenset()):
        words = catalogue().labels.get("case_state", {})
        raise RecordInvalid(
            [
                FieldError(
                    "state",
                    _("a case cannot move from %(before)s to %(after)s; next can be: %(next)s")
                    % {
                        "before": words.get(before, before),
                        "after": words.get(after, after),
                        "next": ", ".join(str(words.get(s, s)) for s in sorted(TRANSITIONS.get(before, ())))
                        or "-",
                    },
                )
            ]
        )


@transaction.atomic
def case_move(*, user: User, case: Case, state: str, closure: str = "") -> Case:
    """Move a case to one of the states allowed next (closing it needs a closure code)."""
    access.require(user, "case.write", case.compartment)
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_transition(case.state, state)
    if state == case.state:
        return case
    closures = catalogue().labels.get("closure", {})
    if state == "CLOSED" and closure not in closures:
        raise RecordInvalid([FieldError("closure", _("a closed case needs a closure code"))])
    before = serialise.case_dict(case)
    case.state, case.closure = state, closure if state == "CLOSED" else ""
    case.closed_on = timezone.localdate() if state == "CLOSED" else None
    case.save(update_fields=["state", "closure", "closed_on"])
    _version(case, "case", before, user)
    _audit(Event.RECORD_UPDATED, user, case.compartment, "case", case.code, state=case.state)
    return case


@transaction.atomic
def case_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Case:
    access.require(user, "case.write", compartment)
    case = _write_case(_Writer(user, compartment), validation.clean(validation.CaseInput, data))
    _audit(Event.RECORD_CREATED, user, compartment, "case", case.code)
    return case


@transaction.atomic
def case_update(
    *, user: User, case: Case, data: Mapping[str, Any], expected_version: int | None = None
) -> Case:
    access.require(user, "case.write", case.compartment)
    _check_version(case, expected_version)
    before = serialise.case_dict(case)
    cleaned = validation.clean(validation.CaseInput, data, keep=_flatten_codes(before))
    _check_transition(case.state, cleaned.state)
    writer = _Writer(user, case.compartment)
    client = writer.party_person(cleaned.client, "client.person") if cleaned.client else None
    writer.raise_errors()
    _fill_case(case, cleaned, client)
    case.save()
    if _version(case, "case", before, user):
        _audit(Event.RECORD_UPDATED, user, case.compartment, "case", case.code, state=case.state)
    return case


@transaction.atomic
def case_assign(*, user: User, case: Case, assignees: Iterable[User]) -> None:
    access.require(user, "case.write", case.compartment)
    members = [a for a in assignees if access.is_member(a, case.compartment)]
    case.assigned.set(members)
    _audit(Event.RECORD_UPDATED, user, case.compartment, "case", case.code, assigned=len(members))


@dataclass(frozen=True)
class OpenedCase:
    case: Case
    client: Person
    incident: Incident | None


@transaction.atomic
def case_open_from_intake(
    *,
    user: User,
    compartment: Compartment,
    case: Mapping[str, Any],
    client: Mapping[str, Any],
    incident: Mapping[str, Any] | None,
    consents: Iterable[str],
    referrals: Iterable[str],
    source: Mapping[str, Any] | None = None,
) -> OpenedCase:
    """Case, client, incident, consents and planned referrals from a vetted report, in one go;
    ``source`` (the report as testimony) is written with its citations of the incident.

    Intake volunteers may do this (``triage.open_case``) although they cannot
    edit case records afterwards; the data is the reporter's, checked by the
    same validation as every other write.
    """
    access.require(user, "triage.open_case", compartment)
    vocab = Vocabularies()
    writer = _Writer(user, compartment)
    person = writer.new_person(validation.clean(validation.PersonInput, client, vocab=vocab))
    new_case = _write_case(
        writer, validation.clean(validation.CaseInput, {**case, "client": person.code}, vocab=vocab)
    )
    if not access.may(user, "case.write", compartment):
        # An intake volunteer opens cases but cannot work them: the case goes to the compartment's
        # leads, or with none to everyone there who can work it, never to nobody who can read it.
        workers = access.members_who_may(compartment, "case.write")
        new_case.assigned.set([u for u in workers if u.role == Role.LEAD] or workers)
    written = None
    if incident is not None:
        data = dict(incident)
        acts = [
            {
                **act,
                "targets": [{"person": person.code}],
                "relatives": [{**rel, "relative_of": person.code} for rel in act.get("relatives", [])],
            }
            for act in data.pop("acts", [])
        ]
        written = _write_incident(
            writer,
            validation.clean(
                validation.IncidentInput, {**data, "case": new_case.code, "acts": acts}, vocab=vocab
            ),
        )
    if source is not None and written is not None:
        cited = [{**c, "incident": written.code} for c in source.get("citations", [])]
        _write_source(
            writer, validation.clean(validation.SourceInput, {**source, "citations": cited}, vocab=vocab)
        )
    chosen = validation.clean(
        validation.IntakeChoicesInput, {"consents": list(consents), "referrals": list(referrals)}, vocab=vocab
    )
    purposes, referral_types = chosen.consents, chosen.referrals
    today = timezone.localdate()
    for purpose in purposes:
        consent = Consent(
            id=uuid.uuid4(),
            compartment=compartment,
            case=new_case,
            purpose=purpose,
            method=Consent.Method.INTAKE,
            given_on=today,
            recorded_by=user,
        )
        consent.recipient = ""
        consent.save()
    for referral_type in referral_types:
        r = Referral(id=uuid.uuid4(), compartment=compartment, case=new_case, referral_type=referral_type)
        r.recipient, r.notes = "", ""
        r.save()
    _audit(
        Event.RECORD_CREATED,
        user,
        compartment,
        "case",
        new_case.code,
        from_intake=True,
        incidents=1 if written else 0,
    )
    return OpenedCase(new_case, person, written)


# Consent, referrals and tasks --------------------------------------------------------


@transaction.atomic
def consent_record(*, user: User, case: Case, data: Mapping[str, Any]) -> Consent:
    access.require(user, "case.write", case.compartment)

    given = validation.clean(validation.ConsentInput, data)
    consent = Consent(
        id=uuid.uuid4(),
        compartment=case.compartment,
        case=case,
        purpose=given.purpose,
        method=given.method.lower(),
        given_on=given.given_on or timezone.localdate(),
        expires_on=given.expires_on,
        recorded_by=user,
    )
    consent.recipient = given.recipient
    consent.save()
    _audit(Event.RECORD_CREATED, user, case.compartment, "consent", consent.code, purpose=consent.purpose)
    return consent


@transaction.atomic
def consent_withdraw(*, user: User, consent: Consent, on: dt.date | None = None) -> Consent:
    access.require(user, "case.write", consent.compartment)
    consent.withdrawn_on = on or timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    _audit(Event.RECORD_UPDATED, user, consent.compartment, "consent", consent.code, withdrawn=True)
    return consent


@transaction.atomic
def referral_save(
    *, user: User, case: Case, data: Mapping[str, Any], referral: Referral | None = None
) -> Referral:
    access.require(user, "case.write", case.compartment)
    if referral is not None:  # an edit that leaves the type or status empty keeps them
        data = {"referral_type": referral.referral_type, "status": referral.status.upper()} | {
            k: v for k, v in data.items() if v not in (None, "")
        }
    given = validation.clean(validation.ReferralInput, data)
    saved = referral or Referral(id=uuid.uuid4(), compartment=case.compartment, case=case)
    saved.referral_type, saved.status = given.referral_type, given.status.lower()
    saved.made_on = given.made_on or saved.made_on
    saved.recipient, saved.notes = given.recipient, given.notes
    if saved.status != "planned" and saved.made_on is None:
        saved.made_on = timezone.localdate()
    saved.save()
    event = Event.RECORD_UPDATED if referral else Event.RECORD_CREATED
    _audit(event, user, case.compartment, "referral", saved.code, status=saved.status)
    return saved


@transaction.atomic
def task_add(*, user: User, case: Case, data: Mapping[str, Any]) -> Task:
    access.require(user, "case.write", case.compartment)

    given = validation.clean(validation.TaskInput, data)
    task = Task(
        id=uuid.uuid4(),
        compartment=case.compartment,
        case=case,
        task_type=given.task_type,
        due_on=given.due_on,
    )
    task.title, task.risk_note = given.title, given.risk_note
    errors = []
    if given.consent:
        task.consent = Consent.objects.filter(case=case, code=given.consent).first()
        if task.consent is None:
            errors.append(
                FieldError("consent", _("no consent %(code)s on this case") % {"code": given.consent})
            )
    if given.assigned_to:
        task.assigned_to = User.objects.filter(
            code=given.assigned_to, memberships__compartment=case.compartment
        ).first()
        if task.assigned_to is None:
            errors.append(FieldError("assigned_to", _("is not a member of this compartment")))
    if errors:
        raise RecordInvalid(errors)
    task.save()
    _audit(Event.RECORD_CREATED, user, case.compartment, "task", task.code, type=task.task_type)
    return task


@transaction.atomic
def task_mark_sent(*, user: User, task: Task) -> Task:
    """Record that an enquiry went out; an origin-state enquiry needs consent and a risk review."""
    access.require(user, "case.write", task.compartment)
    if task.task_type == "ORIGIN_STATE_ENQUIRY":
        errors = []
        today = timezone.localdate()
        if task.consent is None or not task.consent.active_on(today):
            errors.append(
                FieldError(
                    "consent",
                    _("an enquiry to the origin state needs the client's recorded, current consent"),
                )
            )
        if not (task.risk_note or "").strip():
            errors.append(FieldError("risk_note", _("write the risk review before the enquiry is sent")))
        if errors:
            raise RecordInvalid(errors)
    task.sent_at = timezone.now()
    task.save(update_fields=["sent_at"])
    _audit(Event.RECORD_UPDATED, user, task.compartment, "task", task.code, sent=True)
    return task


@transaction.atomic
def task_done(*, user: User, task: Task) -> Task:
    access.require(user, "case.write", task.compartment)
    if task.task_type == "ORIGIN_STATE_ENQUIRY" and task.sent_at is None:
        raise RecordInvalid([FieldError("sent_at", _("mark the enquiry as sent before closing it"))])
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    _audit(Event.RECORD_UPDATED, user, task.compartment, "task", task.code, done=True)
    return task
