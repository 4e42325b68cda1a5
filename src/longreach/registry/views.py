"""Staff pages of the registry: thin views over services and selectors.

Every page works without JavaScript: repeatable parts of a form (acts,
targets, relatives, perpetrators) grow with an "add" button that posts the
form back, and nothing is saved until "Save".
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from longreach.accounts import access
from longreach.accounts import selectors as account_selectors
from longreach.accounts.access import staff_user, staff_view
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import Compartment
from longreach.accounts.roles import allowed
from longreach.audit.models import Event
from longreach.audit.services import record_viewed
from longreach.geo import countries
from longreach.registry import filters as list_filters
from longreach.registry import forms, sections, selectors, serialise, services
from longreach.registry.fields import RecordInvalid
from longreach.registry.models import Case, Consent, Incident, Referral, SameJudgement
from longreach.vocab.selectors import catalogue

PER_PAGE = 25
UI_EXPORT_LIMIT = 200

FORM_VOCABS = (
    "tactic", "demand", "channel", "perpetrator_type", "relationship", "relative_outcome",
    "community", "case_state", "urgency", "closure", "profile", "immigration_status",
)  # fmt: skip


def _vocab(*names: str) -> tuple[dict[str, dict[str, str]], dict[str, list[tuple[str, str]]]]:
    """(labels of every vocabulary, active choices of the named ones) from one query."""
    cat = catalogue()
    return cat.labels, {n: cat.choices.get(n, []) for n in names}


def _country_names() -> dict[str, str]:
    return countries.names(get_language() or "en")


def _form_context(user: Any, compartment: Compartment) -> dict[str, Any]:
    language = get_language() or "en"
    return {
        "vocab": _vocab(*FORM_VOCABS)[1],  # fmt: skip
        "tactic_groups": catalogue().families.get("tactic", {}),
        "family_labels": catalogue().labels.get("tactic_family", {}),
        "countries": forms.country_choices(language),
        "confidences": [(c, _(c.capitalize())) for c in ("CONFIRMED", "PROBABLE", "POSSIBLE", "UNKNOWN")],
        "organisations": [
            (o.code, o.name) for o in selectors.organisations_for_user(user=user, compartment=compartment)
        ],
        "cases": list(
            selectors.cases_for_user(
                user=user, filters=list_filters.CaseFilters(compartment=compartment.code)
            ).values_list("code", flat=True)[:500]
        ),
        "compartment": compartment,
    }


def _filters_from(request: HttpRequest) -> tuple[list_filters.IncidentFilters, dict[str, str]]:
    """The list's filters and, when some cannot be filters, what is wrong with each (the list is
    then empty: showing more than was asked for would pass for what was asked for)."""
    try:
        return list_filters.incident_filters(request.GET, strict=False), {}
    except RecordInvalid as exc:
        return list_filters.IncidentFilters(), exc.by_path()


@staff_view("case.read")
def incident_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    chosen, problems = _filters_from(request)
    qs = selectors.incidents_for_user(user=user, filters=chosen)
    if problems:
        qs = qs.none()
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = selectors.incident_page(page.object_list)  # type: ignore[arg-type]
    query = request.GET.copy()
    query.pop("page", None)
    labels, vocab = _vocab(*sorted(set(list_filters.VOCABULARY_OF.values())))
    return render(
        request,
        "registry/incident_list.html",
        {
            "page": page,
            "rows": rows,
            "filters": chosen,
            "problems": problems,
            "filter_labels": list_filters.LABELS,
            "query": query.urlencode(),
            "vocab": vocab,
            "countries": forms.country_choices(get_language() or "en"),
            "labels": labels,
            "names": _country_names(),
            "compartments": access.compartments(user, "case.read"),
            "writable": allowed(user, "case.write"),
            "export_limit": UI_EXPORT_LIMIT,
        },
        status=400 if problems else 200,
    )


@staff_view("case.read")
def incident_export(request: HttpRequest) -> HttpResponse:
    """The filtered incidents as the incident CSV (one row per act), within a size limit."""
    user = staff_user(request)
    chosen, problems = _filters_from(request)
    if problems:
        messages.error(request, _("Nothing was exported: correct the filters first."))
        return redirect(f"{reverse('incidents')}?{request.GET.urlencode()}")
    qs = selectors.incidents_for_user(user=user, filters=chosen)
    count = qs.count()
    if count > UI_EXPORT_LIMIT:
        messages.error(
            request,
            _(
                "%(n)d incidents match; narrow the filters to %(max)d or fewer, "
                "or ask an administrator for a bulk export."
            )
            % {"n": count, "max": UI_EXPORT_LIMIT},
        )
        return redirect(f"{reverse('incidents')}?{request.GET.urlencode()}")
    buffer = io.StringIO()
    rows = services.incidents_export_csv(user=user, incidents=selectors.prefetch_incidents(qs), out=buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="longreach-incidents-{stamp}.csv"'
    response["X-Longreach-Rows"] = str(rows)
    return response


@staff_view("case.read")
@require_http_methods(["GET", "POST"])
def incident_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An incident; a POST adds a source for it (or for one of its acts)."""
    user = staff_user(request)
    incident = selectors.incident_for_user(user=user, code=code)
    record_viewed(user, incident, "incident")
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not allowed(user, "case.write"):
            raise Http404("not found")
        post = request.POST
        data = {
            "source_type": post.get("source_type", ""),
            "reliability": post.get("reliability", ""),
            "title": post.get("title", ""),
            "reference": post.get("reference", ""),
            "date": post.get("date", ""),
            "citations": [
                {
                    "incident": incident.code,
                    "act": post.get("act", ""),
                    "credibility": post.get("credibility", ""),
                    "statement": post.get("statement", ""),
                    "locator": post.get("locator", ""),
                }
            ],
        }
        try:
            source = services.source_create(user=user, compartment=incident.compartment, data=data)
        except RecordInvalid as exc:
            errors = {e.path.split(".")[-1]: e.message for e in exc.errors}
        else:
            messages.success(request, _("Source %(code)s added.") % {"code": source.code})
            return redirect("incident_detail", code=incident.code)
    return _incident_page(request, incident, errors=errors)


def _incident_page(request: HttpRequest, incident: Incident, status: int = 200, **extra: Any) -> HttpResponse:
    user = staff_user(request)
    errors = extra.pop("errors", {})
    labels, vocab = _vocab("source_type")
    comments = list(selectors.comments_on(incident))
    services.mentions_seen(user=user, comments=comments)
    return render(
        request,
        "registry/incident_detail.html",
        {
            "comments": comments,
            "max_comment": services.COMMENT_CHARS,
            "readers": access.members_who_may(incident.compartment, "case.read"),
            **extra,
            "errors": errors,
            "source_form": request.POST if errors else {},
            "vocab": vocab,
            "reliabilities": list(labels.get("source_reliability", {}).items()),
            "credibilities": list(labels.get("information_credibility", {}).items()),
            "incident": incident,
            "acts": incident.acts.all(),
            "likely": selectors.incident_likely_duplicates(user=user, incident=incident),
            "citations": incident.citations.select_related("source", "act"),
            "labels": labels,
            "names": _country_names(),
            "writable": allowed(user, "case.write"),
            "history": allowed(user, "history.view"),
            **sections.for_page("incident", user, incident),
        },
        status=status,
    )


@staff_view("case.write")
@require_POST
def incident_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """A comment on the incident, or who works it."""
    user = staff_user(request)
    incident = selectors.incident_for_user(user=user, code=code)
    if action not in ("comment", "assign"):
        raise Http404("not found")
    try:
        if action == "comment":
            typed = str(request.POST.get("body", ""))[: services.COMMENT_CHARS * 4]
            try:
                services.comment_add(user=user, incident=incident, body=typed)
            except RecordInvalid as exc:
                context = {"comment_error": exc.errors[0].message, "comment_typed": typed}
                return _incident_page(request, incident, 400, **context)
            messages.success(request, _("Comment added."))
            return redirect(reverse("incident_detail", args=[incident.code]) + "#comments")
        services.incident_assign(
            user=user, incident=incident, assignee_code=str(request.POST.get("assigned_to", ""))[:16]
        )
        messages.success(request, _("Incident given."))
    except RecordInvalid as exc:
        messages.error(request, exc.errors[0].message)
    return redirect("incident_detail", code=incident.code)


def _incident_form(request: HttpRequest, compartment: Compartment, incident: Incident | None) -> HttpResponse:
    user = staff_user(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = forms.unflatten(request.POST, skip={"add", "version", "save"})
        adding = request.POST.get("add", "")
        if adding:
            _add_slot(data, adding)
        else:
            try:
                if incident is None:
                    saved = services.incident_create(user=user, compartment=compartment, data=data)
                    messages.success(request, _("Incident %(code)s recorded.") % {"code": saved.code})
                else:
                    saved = services.incident_update(
                        user=user,
                        incident=incident,
                        data=data,
                        expected_version=_int(request.POST.get("version")),
                    )
                    messages.success(request, _("Incident %(code)s saved.") % {"code": saved.code})
                return redirect("incident_detail", code=saved.code)
            except RecordInvalid as exc:
                errors = forms.field_errors(exc)
            except services.StaleEdit as exc:
                errors = {"form": str(exc)}
    else:
        data = (
            serialise.incident_dict(incident)
            if incident
            else {"acts": [{}], "case": request.GET.get("case", "")[:16], "date": ""}
        )
        if incident is None and data["case"]:
            case = Case.objects.filter(code=data["case"], compartment=compartment).first()
            if case:
                data.update(origin_state=case.origin_state, host_country=case.host_country)
    data.setdefault("acts", [{}])
    if not data["acts"]:
        data["acts"] = [{}]
    for act in data["acts"]:
        for slot in ("targets", "relatives", "perpetrators"):
            if not isinstance(act.get(slot), list):
                act[slot] = []
            if not act[slot]:
                act[slot].append({})
    return render(
        request,
        "registry/incident_form.html",
        {
            **_form_context(user, compartment),
            "data": data,
            "errors": errors,
            "incident": incident,
            "version": incident.version if incident else "",
        },
        status=400 if errors else 200,
    )


def _add_slot(data: dict[str, Any], adding: str) -> None:
    """Grow a repeatable part: "act", or "acts-N-targets" / "-relatives" / "-perpetrators"."""
    acts = data.setdefault("acts", [])
    if not isinstance(acts, list):
        data["acts"] = acts = []
    if adding == "act" and len(acts) < 50:
        acts.append({})
        return
    parts = adding.split("-")
    if (
        len(parts) == 3
        and parts[0] == "acts"
        and parts[1].isdigit()
        and parts[2]
        in (
            "targets",
            "relatives",
            "perpetrators",
        )
    ):
        index = int(parts[1])
        while len(acts) <= index and len(acts) < 50:
            acts.append({})
        if index < len(acts):
            slot = acts[index].setdefault(parts[2], [])
            if isinstance(slot, list) and len(slot) < 50:
                slot.append({})


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@staff_view("case.write")
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest, code: str) -> HttpResponse:
    compartment = access.compartment_for_user(user=staff_user(request), code=code, action="case.write")
    return _incident_form(request, compartment, None)


@staff_view("case.write")
@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    incident = selectors.incident_for_user(user=user, code=code)
    record_viewed(user, incident, "incident")
    return _incident_form(request, incident.compartment, incident)


# Cases -------------------------------------------------------------------------------


@staff_view("case.read")
def case_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    get = request.GET
    problems: dict[str, str] = {}
    try:
        chosen = list_filters.case_filters(get, strict=False)
    except RecordInvalid as exc:
        chosen, problems = list_filters.CaseFilters(), exc.by_path()
    if not set(get) - {"page"}:
        # A first visit lists the open cases: a closed P0 is not work to do. The form sends
        # "shown", so unticking "Open only" and filtering lists the closed ones too.
        chosen = chosen.model_copy(update={"open_only": True})
    qs = selectors.cases_for_user(user=user, filters=chosen)
    if problems:
        qs = qs.none()
    page = Paginator(qs, PER_PAGE).get_page(get.get("page"))
    query = get.copy()
    query.pop("page", None)
    labels, vocab = _vocab("case_state", "urgency", "community")
    return render(
        request,
        "registry/case_list.html",
        {
            "page": page,
            "filters": chosen,
            "problems": problems,
            "filter_labels": list_filters.LABELS,
            "query": query.urlencode(),
            "vocab": vocab,
            "countries": forms.country_choices(get_language() or "en"),
            "labels": labels,
            "names": _country_names(),
            "compartments": access.compartments(user, "case.read"),
            "writable": allowed(user, "case.write"),
            "overdue": selectors.tasks_overdue(user=user).count(),
        },
        status=400 if problems else 200,
    )


@staff_view("case.read")
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    case = selectors.case_for_user(user=user, code=code)
    record_viewed(user, case, "case")
    return _case_page(request, case)


# The words of the activity feed: what kind of record, and what happened to it.
ACTIVITY_KINDS = {
    "case": _lazy("case"),
    "incident": _lazy("incident"),
    "task": _lazy("task"),
    "referral": _lazy("referral"),
    "consent": _lazy("consent"),
    "comment": _lazy("comment"),
    "evidence": _lazy("evidence"),
}


def _case_page(request: HttpRequest, case: Case, status: int = 200, **extra: Any) -> HttpResponse:
    user = staff_user(request)
    labels, vocab = _vocab("referral_type", "consent_purpose", "task_type", "closure")
    comments = list(selectors.comments_on(case))
    services.mentions_seen(user=user, comments=comments)
    return render(
        request,
        "registry/case_detail.html",
        {
            "comments": comments,
            "activity": selectors.case_activity(case=case),
            "actors": account_selectors.user_names(),
            "events": dict(Event.choices),
            "kinds": ACTIVITY_KINDS,
            "max_comment": services.COMMENT_CHARS,
            "readers": access.members_who_may(case.compartment, "case.read"),
            **extra,
            "case": case,
            "timeline": selectors.case_timeline(case=case),
            "consents": case.consents.all(),
            "today": timezone.localdate(),
            "labels": labels,
            "names": _country_names(),
            "writable": allowed(user, "case.write"),
            "history": allowed(user, "history.view"),
            "next_states": sorted(services.TRANSITIONS.get(case.state, ())),
            "vocab": vocab,
            "referral_statuses": [(s.value, s.label) for s in Referral.Status],
            "members": account_selectors.members_of(compartment=case.compartment),
            **sections.for_page("case", user, case),
        },
        status=status,
    )


@staff_view("case.write")
@require_POST
def case_comment(request: HttpRequest, code: str) -> HttpResponse:
    """A comment on the case; a refused one comes back with what was typed and why."""
    user = staff_user(request)
    case = selectors.case_for_user(user=user, code=code)
    typed = str(request.POST.get("body", ""))[: services.COMMENT_CHARS * 4]
    try:
        services.comment_add(user=user, case=case, body=typed)
    except RecordInvalid as exc:
        return _case_page(request, case, 400, comment_error=exc.errors[0].message, comment_typed=typed)
    messages.success(request, _("Comment added."))
    return redirect(reverse("case_detail", args=[case.code]) + "#comments")


def _case_form(request: HttpRequest, compartment: Compartment, case: Case | None) -> HttpResponse:
    user = staff_user(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = forms.unflatten(request.POST, skip={"version", "save"})
        client = data.get("client")
        if isinstance(client, dict) and isinstance(client.get("new_person"), dict):
            if forms._empty(client["new_person"]):
                data["client"] = client.get("person", "")
        try:
            if case is None:
                saved = services.case_create(user=user, compartment=compartment, data=data)
            else:
                saved = services.case_update(
                    user=user, case=case, data=data, expected_version=_int(request.POST.get("version"))
                )
            messages.success(request, _("Case %(code)s saved.") % {"code": saved.code})
            return redirect("case_detail", code=saved.code)
        except RecordInvalid as exc:
            errors = forms.field_errors(exc)
        except services.StaleEdit as exc:
            errors = {"form": str(exc)}
    else:
        data = serialise.case_dict(case) if case else {"state": "NEW", "urgency": "P3"}
    if isinstance(data.get("client"), str):
        data["client"] = {"person": data["client"]}
    return render(
        request,
        "registry/case_form.html",
        {
            **_form_context(user, compartment),
            "data": data,
            "errors": errors,
            "case": case,
            "version": case.version if case else "",
        },
        status=400 if errors else 200,
    )


@staff_view("case.write")
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest, code: str) -> HttpResponse:
    compartment = access.compartment_for_user(user=staff_user(request), code=code, action="case.write")
    return _case_form(request, compartment, None)


@staff_view("case.write")
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    case = selectors.case_for_user(user=user, code=code)
    record_viewed(user, case, "case")
    return _case_form(request, case.compartment, case)


@staff_view("case.write")
@require_POST
def case_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Small changes from the case page: referrals, consents, tasks."""
    user = staff_user(request)
    case = selectors.case_for_user(user=user, code=code)
    data = forms.unflatten(request.POST)
    try:
        if action == "referral":
            services.referral_save(user=user, case=case, data=data)
            messages.success(request, _("Referral recorded."))
        elif action == "consent":
            services.consent_record(user=user, case=case, data=data)
            messages.success(request, _("Consent recorded."))
        elif action == "withdraw":
            consent = Consent.objects.filter(case=case, code=str(data.get("consent", ""))[:16]).first()
            if consent is None:
                raise Http404("not found")
            services.consent_withdraw(user=user, consent=consent)
            messages.success(request, _("Consent withdrawn."))
        elif action == "task":
            services.task_add(user=user, case=case, data=data)
            messages.success(request, _("Task added."))
        elif action == "move":
            services.case_move(
                user=user,
                case=case,
                state=str(request.POST.get("state", ""))[:64],
                closure=str(request.POST.get("closure", ""))[:64],
            )
            messages.success(request, _("Case state changed."))
        elif action == "assign":
            codes = request.POST.getlist("assigned")[:50]
            services.case_assign(
                user=user,
                case=case,
                assignees=account_selectors.members_of(compartment=case.compartment).filter(code__in=codes),
            )
            messages.success(request, _("Assignments saved."))
        elif action == "task_assign":
            task = case.tasks.filter(code=str(data.get("task", ""))[:16]).first()
            if task is None:
                raise Http404("not found")
            services.task_assign(user=user, task=task, assignee_code=str(data.get("assigned_to", ""))[:16])
            messages.success(request, _("Task given."))
        elif action in ("task_sent", "task_done"):
            task = case.tasks.filter(code=str(data.get("task", ""))[:16]).first()
            if task is None:
                raise Http404("not found")
            if action == "task_sent":
                services.task_mark_sent(user=user, task=task)
            else:
                services.task_done(user=user, task=task)
            messages.success(request, _("Task updated."))
        else:
            raise Http404("not found")
    except RecordInvalid as exc:
        for e in exc.errors:
            messages.error(request, f"{e.path}: {e.message}")
    except (NotAllowed, ServiceError) as exc:
        messages.error(request, str(exc))
    return redirect("case_detail", code=case.code)


@staff_view("case.read")
def tasks_view(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    overdue = request.GET.get("show") != "open"
    tasks = selectors.tasks_overdue(user=user) if overdue else selectors.tasks_open(user=user)
    return render(
        request,
        "registry/tasks.html",
        {
            "tasks": tasks[:500],
            "overdue": overdue,
            "labels": catalogue().labels,
            "today": timezone.localdate(),
        },
    )


# People, search, history --------------------------------------------------------------


@staff_view("case.read")
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = staff_user(request)
    person = selectors.person_for_user(user=user, code=code)
    record_viewed(user, person, "person")
    revealed: dict[str, Any] = {}
    error = ""
    if request.method == "POST":
        try:
            field = request.POST.get("field", "")[:20]
            revealed[field] = services.identity_reveal(
                user=user, record=person, field_name=field, reason=request.POST.get("reason", "")[:600]
            )
        except RecordInvalid as exc:
            error = exc.errors[0].message
        except (NotAllowed, ServiceError) as exc:
            error = str(exc)
    data = serialise.person_dict(person)
    present = [f for f in services.REVEALABLE["person"] if data.get(f)]
    same = selectors.same_person(user=user, person=person)
    judged = selectors.same_judgements(user=user, person=person)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "present": present,
            "revealed": revealed,
            "error": error,
            "incidents": selectors.incidents_involving(user=user, people=same)[:100],
            "same": same[1:],
            "judged": judged,
            "judged_codes": {j.other.code: j.latest.decision for j in judged},
            "decisions": SameJudgement.Decision.choices,
            "can_judge": allowed(user, "case.write"),
            "likely": selectors.likely_same_people(user=user, person=person),
            "labels": catalogue().labels,
            "names": _country_names(),
            "can_reveal": allowed(user, "identity.reveal"),
        },
        status=400 if error else 200,
    )


@require_POST
@staff_view("case.write")
def person_same(request: HttpRequest, code: str) -> HttpResponse:
    """Say whether this person and another record are one person (never a merge)."""
    user = staff_user(request)
    person = selectors.person_for_user(user=user, code=code)
    try:
        other = selectors.person_for_user(user=user, code=request.POST.get("other", "")[:40])
    except Http404:
        messages.error(request, _("That record is not one you may read."))
        return redirect("person_detail", code=person.code)
    try:
        services.same_judge(
            user=user,
            person=person,
            other=other,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
    except (NotAllowed, ServiceError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your judgement is saved; nothing was merged."))
    return redirect(reverse("person_detail", args=[person.code]) + "#same")


HISTORY_KINDS = {
    "incident": selectors.incident_for_user,
    "case": selectors.case_for_user,
    "person": selectors.person_for_user,
    "source": selectors.source_for_user,
}


@staff_view("history.view")
def history_view(request: HttpRequest, kind: str, code: str) -> HttpResponse:
    user = staff_user(request)
    if kind not in HISTORY_KINDS:
        raise Http404("not found")
    record = HISTORY_KINDS[kind](user=user, code=code)
    versions = list(selectors.versions_for_user(user=user, kind=kind, record=record))
    record_viewed(user, record, kind, Event.HISTORY_VIEWED)
    numbers = [v.number for v in versions]
    newer = _int(request.GET.get("b")) or (numbers[0] if numbers else None)
    older = _int(request.GET.get("a")) or (numbers[1] if len(numbers) > 1 else newer)
    by_number = {v.number: v for v in versions}
    diff = []
    if newer in by_number and older in by_number:
        diff = selectors.compare_versions(by_number[older].snapshot, by_number[newer].snapshot)
    return render(
        request,
        "registry/history.html",
        {"kind": kind, "record": record, "versions": versions, "a": older, "b": newer, "diff": diff},
    )
