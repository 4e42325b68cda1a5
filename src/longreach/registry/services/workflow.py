"""Cases: creating and moving them through their states (docs/codebook.md §8), assigning them,
opening one from a report; the consents, referrals and tasks a caseworker records on them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access
from longreach.accounts.models import Compartment, User
from longreach.audit.models import Event
from longreach.registry import serialise, validation
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
    _Writer,
)
from longreach.registry.validation import FieldError, RecordInvalid

T = TypeVar("T")


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
        raise RecordInvalid(
            [
                FieldError(
                    "state",
                    _("a case cannot move from %(before)s to %(after)s; next can be %(next)s")
                    % {
                        "before": before,
                        "after": after,
                        "next": ", ".join(sorted(TRANSITIONS.get(before, ()))) or "-",
                    },
                )
            ]
        )


@transaction.atomic
def case_create(*, user: User, compartment: Compartment, data: Mapping[str, Any]) -> Case:
    access.require(user, "case.write", compartment)
    case = _write_case(_Writer(user, compartment), validation.clean_case(data))
    _audit(Event.RECORD_CREATED, user, compartment, "case", case.code)
    return case


@transaction.atomic
def case_update(
    *, user: User, case: Case, data: Mapping[str, Any], expected_version: int | None = None
) -> Case:
    access.require(user, "case.write", case.compartment)
    _check_version(case, expected_version)
    before = serialise.case_dict(case)
    cleaned = validation.clean_case(data, keep=_flatten_codes(before))
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
) -> OpenedCase:
    """Case, client, incident, consents and planned referrals from a vetted report, in one go.

    Intake volunteers may do this (``triage.open_case``) although they cannot
    edit case records afterwards; the data is the reporter's, checked by the
    same validation as every other write.
    """
    access.require(user, "triage.open_case", compartment)
    vocab = validation.Vocabularies()
    writer = _Writer(user, compartment)
    person = writer.new_person(validation.clean_person(client, vocab=vocab))
    new_case = _write_case(writer, validation.clean_case({**case, "client": person.code}, vocab=vocab))
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
            writer, validation.clean_incident({**data, "case": new_case.code, "acts": acts}, vocab=vocab)
        )
    purposes, referral_types = _clean(
        {"consents": list(consents), "referrals": list(referrals)},
        lambda c: (c.codes("consents", "consent_purpose"), c.codes("referrals", "referral_type")),
    )
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


def _clean(data: Mapping[str, Any], reader: Callable[[validation.Checker], T]) -> T:
    c = validation.Checker(data, "", validation.Vocabularies())
    value = reader(c)
    c.finish()
    if c.errors:
        raise RecordInvalid(c.errors)
    return value


@transaction.atomic
def consent_record(*, user: User, case: Case, data: Mapping[str, Any]) -> Consent:
    access.require(user, "case.write", case.compartment)

    def read(c: validation.Checker) -> Consent:
        consent = Consent(
            id=uuid.uuid4(),
            compartment=case.compartment,
            case=case,
            purpose=c.code("purpose", "consent_purpose", required=True),
            method=c.choice("method", [m.value.upper() for m in Consent.Method], "ORAL").lower(),
            given_on=c.date("given_on") or timezone.localdate(),
            expires_on=c.date("expires_on"),
            recorded_by=user,
        )
        consent.recipient = c.text("recipient")
        if consent.purpose == "REFERRAL" and not consent.recipient:
            c.fail("recipient", _("consent to a referral names the organisation it is for"))
        if consent.expires_on and consent.expires_on < consent.given_on:
            c.fail("expires_on", _("is before the day consent was given"))
        return consent

    consent = _clean(data, read)
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
    statuses = [s.value.upper() for s in Referral.Status]

    def read(c: validation.Checker) -> Referral:
        r = referral or Referral(id=uuid.uuid4(), compartment=case.compartment, case=case)
        r.referral_type = c.code("referral_type", "referral_type", required=True, default=r.referral_type)
        r.status = c.choice("status", statuses, r.status.upper()).lower()
        r.made_on = c.date("made_on") or r.made_on
        r.recipient = c.text("recipient")
        r.notes = c.text("notes", "long")
        if r.status != "planned" and r.made_on is None:
            r.made_on = timezone.localdate()
        return r

    saved = _clean(data, read)
    saved.save()
    event = Event.RECORD_UPDATED if referral else Event.RECORD_CREATED
    _audit(event, user, case.compartment, "referral", saved.code, status=saved.status)
    return saved


@transaction.atomic
def task_add(*, user: User, case: Case, data: Mapping[str, Any]) -> Task:
    access.require(user, "case.write", case.compartment)

    def read(c: validation.Checker) -> Task:
        t = Task(
            id=uuid.uuid4(),
            compartment=case.compartment,
            case=case,
            task_type=c.code("task_type", "task_type", default="FOLLOW_UP"),
            due_on=c.date("due_on", required=True) or timezone.localdate(),
        )
        t.title = c.text("title", required=True)
        t.risk_note = c.text("risk_note", "long")
        consent_code = c.ref("consent")
        if consent_code:
            t.consent = Consent.objects.filter(case=case, code=consent_code).first()
            if t.consent is None:
                c.fail("consent", _("no consent %(code)s on this case") % {"code": consent_code})
        assignee = c.ref("assigned_to")
        if assignee:
            t.assigned_to = User.objects.filter(
                code=assignee, memberships__compartment=case.compartment
            ).first()
            if t.assigned_to is None:
                c.fail("assigned_to", _("is not a member of this compartment"))
        return t

    task = _clean(data, read)
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
