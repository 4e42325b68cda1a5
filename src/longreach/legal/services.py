"""Changing legal matters: each function checks access through ``accounts.access``, validates with the
one schema of its entity (``validation``), runs in one transaction and writes its audit entry (codes
only, never the charges or notes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from longreach.accounts import access, approvals
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import PendingAction, User
from longreach.accounts.roles import allowed
from longreach.accounts.services import pending_request, pending_spend
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.legal import deadlines, documents, pdf, review, selectors
from longreach.legal.models import LegalMatter, Proceeding, ProceedingEvent, ReviewAnswer, TypedDeadline
from longreach.legal.validation import EventInput, MatterInput, ProceedingInput, TypedDeadlineInput
from longreach.registry import disclosure, tabular
from longreach.registry.fields import FieldError, RecordInvalid
from longreach.registry.models import Case, Consent, Incident
from longreach.registry.services import identity_reveal, referral_save
from longreach.registry.validation import clean
from longreach.vault.models import EvidenceItem
from longreach.vocab.selectors import terms as vocab_terms


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


# Documents ------------------------------------------------------------------------------------------

DOCUMENT_VALID_FOR = timedelta(hours=24)  # an approved referral packet is released within a day


@dataclass(frozen=True)
class Drafted:
    body: str  # the document's HTML, to show inside a page
    pdf: bytes | None  # laid out for filing, when asked for
    filename: str
    language: str


def _template(kind: str, language: str) -> str:
    if kind == "ccf-request":
        return f"legal/documents/ccf_request_{language}.html"
    return f"legal/documents/{kind}.html"


def _render(
    kind: str, language: str, context: dict[str, Any], *, as_pdf: bool, title: str
) -> tuple[str, bytes | None]:
    # The document's language is the active one while it is rendered, whatever the interface speaks (a CCF
    # request in French from a user working in Uyghur); the French CCF request is written in French.
    with translation.override(language):
        body = render_to_string(_template(kind, language), context)
        if not as_pdf:
            return body, None
        page = render_to_string(
            "legal/documents/print.html",
            {
                **context,
                "body": _template(kind, language),
                "language": language,
                "dir": "rtl" if translation.get_language_bidi() else "ltr",
                "title": title,
            },
        )
    try:
        return body, pdf.to_pdf(page, title=title)
    except pdf.PdfError as exc:
        raise ServiceError(str(exc)) from exc


def _interface_languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def _requests(matter: LegalMatter, asked: list[str]) -> tuple[str, ...]:
    """What a CCF request asks for: as chosen, else what the matter's CCF proceedings are about."""
    unknown = sorted(set(asked) - set(documents.CCF_REQUESTS))
    if unknown:
        raise RecordInvalid(
            [
                FieldError(
                    "requests", _("%(value)s is not a request the CCF takes") % {"value": unknown[0][:30]}
                )
            ]
        )
    if not asked:
        kinds = set(matter.proceedings.values_list("kind", flat=True))
        asked = [k for k, p in (("access", "CCF_ACCESS"), ("deletion", "CCF_DELETION")) if p in kinds] or [
            "deletion"
        ]
    return tuple(r for r in documents.CCF_REQUESTS if r in asked)


def document_draft(
    *,
    user: User,
    matter: LegalMatter,
    kind: str,
    language: str = "",
    as_pdf: bool = False,
    name_client: bool = False,
    reason: str = "",
    requests: list[str] | None = None,
) -> Drafted:
    """Draft a CCF request, a memo or a case summary from a matter. Naming the client is an identity
    reveal with its reason (``identity.reveal``); otherwise the case's code stands in for the name. The
    draft is audited (kind, format, language; never its words)."""
    access.require(user, "case.read", matter.compartment_id)
    if kind == "referral":
        raise ServiceError(_("a referral packet is released through its own form, with the client's consent"))
    try:
        documents.spec(kind)
        chosen = documents.language_for(
            kind, language, _interface_languages(), translation.get_language() or "en"
        )
    except documents.DocumentError as exc:
        field, _sep, message = str(exc).partition(": ")
        raise RecordInvalid([FieldError(field, message)]) from None
    client_name = ""
    if name_client:
        client = matter.case.client
        if client is None:
            raise RecordInvalid([FieldError("name_client", _("this case has no client record to name"))])
        client_name = str(identity_reveal(user=user, record=client, field_name="name", reason=reason) or "")
    asked = _requests(matter, requests or []) if kind == "ccf-request" else ()
    dossier = selectors.dossier(user=user, matter=matter, language=chosen, client_name=client_name)
    title = f"{documents.spec(kind).filename}-{matter.code}"
    body, laid_out = _render(kind, chosen, {"d": dossier, "requests": asked}, as_pdf=as_pdf, title=title)
    audit_record(
        Event.LEGAL_DOCUMENT_MADE,
        actor=user,
        compartment=matter.compartment,
        object_type="legal-matter",
        object_code=matter.code,
        detail={
            "document": kind,
            "format": "pdf" if as_pdf else "html",
            "language": chosen,
            "named": bool(client_name),
            "exhibits": len(dossier.exhibits),
        },
    )
    return Drafted(body, laid_out, f"{title}.pdf", chosen)


# Referral packets: consent checked, the release in the ledger, identities only with a lead's approval.


@dataclass(frozen=True)
class ReferralAsk:
    consent: Consent
    referral_type: str
    parts: tuple[str, ...]

    @property
    def names_the_client(self) -> bool:
        return bool(documents.IDENTITY_PARTS & set(self.parts))

    def params(self, matter: LegalMatter) -> dict[str, Any]:
        return {
            "matter": matter.code,
            "consent": self.consent.code,
            "referral_type": self.referral_type,
            "parts": list(self.parts),
        }


def referral_check(
    *, matter: LegalMatter, consent_code: str, referral_type: str, parts: list[str], on: dt.date | None = None
) -> ReferralAsk:
    """What a referral packet may carry: the client's current consent for this kind of referral, and the
    parts asked for. Every problem is named with its field."""
    errors = []
    day = on or timezone.localdate()
    wanted = (
        "SHARE_WITH_HOST_AUTHORITIES" if referral_type in documents.HOST_AUTHORITY_REFERRALS else "REFERRAL"
    )
    consent = Consent.objects.filter(case=matter.case, code=consent_code).first() if consent_code else None
    if consent is None:
        errors.append(FieldError("consent", _("choose the client's consent for this referral")))
    elif consent.purpose != wanted:
        errors.append(
            FieldError(
                "consent",
                _("consent %(code)s is for %(purpose)s; this referral needs consent for %(wanted)s")
                % {"code": consent.code, "purpose": consent.purpose, "wanted": wanted},
            )
        )
    elif not consent.active_on(day):
        errors.append(
            FieldError("consent", _("consent %(code)s is not in force today") % {"code": consent.code})
        )
    if referral_type not in referral_types():
        errors.append(FieldError("referral_type", _("choose a kind of referral")))
    try:
        chosen = documents.shared_parts(parts)
    except documents.DocumentError as exc:
        errors.append(FieldError("share", str(exc).partition(": ")[2]))
        chosen = ()
    if errors:
        raise RecordInvalid(errors)
    assert consent is not None
    return ReferralAsk(consent, referral_type, chosen)


def referral_types() -> dict[str, str]:
    return {t.code: t.display(translation.get_language()) for t in vocab_terms(vocabulary="referral_type")}


def referral_request(*, user: User, matter: LegalMatter, ask: ReferralAsk) -> PendingAction:
    """Ask a lead to approve a packet that says who the client is (the two-person rule)."""
    access.require(user, "case.write", matter.compartment_id)
    if not ask.names_the_client:
        raise ServiceError(_("a packet that does not name the client needs no approval: release it"))
    return pending_request(
        kind=approvals.LEGAL_REFERRAL,
        compartment=matter.compartment,
        params=ask.params(matter),
        requested_by=user,
        event=Event.LEGAL_REFERRAL_REQUESTED,
        detail={"matter": matter.code, "consent": ask.consent.code, "parts": ":".join(ask.parts)},
    )


def referral_release(
    *,
    user: User,
    matter: LegalMatter,
    ask: ReferralAsk,
    language: str = "",
    approval: str = "",
    preview: bool = False,
) -> Drafted:
    """The packet, with only the parts consented to. A packet that names the client needs an approved
    request of this user's (``approval``), used once. A release (never a preview) is recorded in the
    ledger and as a referral made on the case."""
    access.require(user, "case.write", matter.compartment_id)
    if ask.names_the_client and not preview:
        if not approval:
            raise NotAllowed(_("a packet that names the client needs a lead's approval: ask for it first"))
        pending_spend(
            kind=approvals.LEGAL_REFERRAL,
            code=approval,
            user=user,
            compartment=matter.compartment,
            valid_for=DOCUMENT_VALID_FOR,
            matches=lambda params: {**params, "used": None} == {**ask.params(matter), "used": None},
            mismatch=_("request %(code)s was approved for other parts, consent or referral")
            % {"code": approval},
        )
    chosen = language or translation.get_language() or "en"
    if chosen not in _interface_languages():
        raise RecordInvalid([FieldError("language", _("not a language of this interface"))])
    identity: dict[str, Any] = {}
    client = matter.case.client
    if ask.names_the_client and client is not None:
        if preview:
            hidden = _("[shown in the packet once it is released]")
            identity = dict.fromkeys(("name", "phone", "email", "handle", "location"), hidden)
        else:
            reason = _("referral packet of %(matter)s") % {"matter": matter.code}
            fields = {
                "name": ("name", "aliases"),
                "contact": ("phone", "email", "handle"),
                "location": ("location",),
            }
            for part in documents.IDENTITY_PARTS & set(ask.parts):
                for name in fields[part]:
                    identity[name] = identity_reveal(user=user, record=client, field_name=name, reason=reason)
    dossier = selectors.dossier(user=user, matter=matter, language=chosen, client_name="")
    title = f"referral-packet-{matter.code}"
    context = {
        "d": dossier,
        "parts": ask.parts,
        "identity": identity,
        "consent": ask.consent,
        "recipient": ask.consent.recipient,
        "referral_label": referral_types().get(ask.referral_type, ask.referral_type),
    }
    body, laid_out = _render("referral", chosen, context, as_pdf=not preview, title=title)
    if not preview:
        with transaction.atomic():
            referral_save(
                user=user,
                case=matter.case,
                data={
                    "referral_type": ask.referral_type,
                    "status": "MADE",
                    "recipient": ask.consent.recipient,
                    "notes": _("Referral packet of %(matter)s (%(parts)s)")
                    % {"matter": matter.code, "parts": ", ".join(ask.parts)},
                },
            )
            audit_record(
                Event.LEGAL_REFERRAL_RELEASED,
                actor=user,
                compartment=matter.compartment,
                object_type="legal-matter",
                object_code=matter.code,
                detail={
                    **ask.params(matter),
                    "parts": ":".join(ask.parts),
                    "approval": approval if ask.names_the_client else "",
                },
            )
    return Drafted(body, laid_out, f"{title}.pdf", chosen)


def _lead_of(action: PendingAction, user: User) -> bool:
    return access.may(user, "export.approve", action.compartment_id)


approvals.register(
    approvals.LEGAL_REFERRAL,
    can_approve=_lead_of,
    execute=lambda action, user: None,  # approval is the whole effect; the release spends it
    approved_event=Event.LEGAL_REFERRAL_APPROVED,
    rejected_event=Event.LEGAL_REFERRAL_REJECTED,
)
