"""Records in and out of a compartment: imports, bulk exports under the two-person rule,
the incident CSV and published statistics."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from longreach.accounts import access, approvals
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import Compartment, PendingAction, User
from longreach.accounts.roles import allowed
from longreach.accounts.services import pending_request, pending_spend
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.registry import disclosure, exchange, filters, selectors, serialise, tabular, validation
from longreach.registry.exchange import KINDS, ImportRecord
from longreach.registry.fields import RecordInvalid, Vocabularies
from longreach.registry.models import (
    Incident,
)
from longreach.registry.services.writing import (
    _write_case,
    _write_source,
    _Writer,
)
from longreach.vocab.selectors import terms

# Imports -----------------------------------------------------------------------------


@dataclass
class ImportReport:
    counts: dict[str, int]
    renamed: int
    dry_run: bool


class ImportFailed(ServiceError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported")


_INPUTS: dict[str, type[validation.Input]] = {
    "people": validation.PersonInput,
    "organisations": validation.OrganisationInput,
    "cases": validation.CaseInput,
    "incidents": validation.IncidentInput,
    "sources": validation.SourceInput,
}


def records_import(
    *,
    user: User,
    compartment: Compartment,
    records: list[ImportRecord],
    dry_run: bool = False,
    max_problems: int = 50,
) -> ImportReport:
    """All or nothing: every record is checked first, then written in one transaction.

    Codes in the file link its records; a code already taken in this
    database is replaced by a new one (counted in ``renamed``). A dry run
    writes inside the transaction, so references are checked too, then
    rolls it back.
    """
    access.require(user, "case.write", compartment)
    problems: list[str] = []
    cleaned: list[tuple[ImportRecord, Any]] = []
    vocab = Vocabularies()
    for record in records:
        try:
            cleaned.append((record, validation.clean(_INPUTS[record.kind], record.data, vocab=vocab)))
        except RecordInvalid as exc:
            problems.extend(record.locate(e.path) + ": " + e.message for e in exc.errors)
        if len(problems) >= max_problems:
            break
    if problems:
        raise ImportFailed(problems[:max_problems])
    order = {k: i for i, k in enumerate(KINDS)}
    cleaned.sort(key=lambda rc: order[rc[0].kind])
    counts = dict.fromkeys(KINDS, 0)
    renamed = 0
    with transaction.atomic():
        writer = _Writer(user, compartment)
        pending: list[tuple[ImportRecord, Any]] = []

        def flush_incidents() -> int:
            written, failed = writer.create_incidents([d for _, d in pending])
            for n, errors in failed.items():
                problems.extend(pending[n][0].locate(e.path) + ": " + e.message for e in errors)
            moved = sum(
                int(bool(d.code) and i.code != d.code) for (_, d), i in zip(pending, written, strict=False)
            )
            counts["incidents"] += len(pending) - len(failed)
            pending.clear()
            return moved

        for record, data in cleaned:
            if len(problems) >= max_problems:
                break
            if record.kind == "incidents":
                pending.append((record, data))
                if len(pending) >= 500:
                    renamed += flush_incidents()
                continue
            if pending:
                renamed += flush_incidents()
            writer.errors = []
            try:
                written: Any
                if record.kind == "people":
                    written = writer.new_person(data)
                elif record.kind == "organisations":
                    written = writer.new_organisation(data)
                elif record.kind == "cases":
                    written = _write_case(writer, data)
                else:
                    written = _write_source(writer, data)
            except RecordInvalid as exc:
                problems.extend(record.locate(e.path) + ": " + e.message for e in exc.errors)
                continue
            counts[record.kind] += 1
            renamed += bool(data.code) and written.code != data.code
        if pending and len(problems) < max_problems:
            renamed += flush_incidents()
        if problems:
            transaction.set_rollback(True)
            raise ImportFailed(problems[:max_problems])
        audit_record(
            Event.RECORDS_IMPORTED,
            actor=user,
            compartment=compartment,
            object_type="import",
            detail={**{k: v for k, v in counts.items()}, "dry_run": dry_run},
        )
        if dry_run:
            transaction.set_rollback(True)
    return ImportReport(counts=counts, renamed=renamed, dry_run=dry_run)


# Bulk export under the two-person rule ------------------------------------------------------

BULK_EXPORT_VALID_FOR = dt.timedelta(hours=24)


def bulk_export_request(*, user: User, compartment: Compartment, fmt: str, kind: str) -> PendingAction:
    """Ask for a whole-compartment export; a lead of it or an administrator must approve."""

    if not access.may(user, "case.read", compartment):
        raise NotAllowed(_("you cannot read this compartment"))
    return pending_request(
        kind=approvals.BULK_EXPORT,
        compartment=compartment,
        params={"format": fmt, "kind": kind},
        requested_by=user,
        event=Event.EXPORT_REQUESTED,
        detail={"format": fmt, "kind": kind},
    )


def bulk_export_use(*, user: User, compartment: Compartment, code: str, fmt: str, kind: str) -> PendingAction:
    """Spend an approved request on this export, once; raise NotAllowed saying why not."""
    return pending_spend(
        kind=approvals.BULK_EXPORT,
        code=code,
        user=user,
        compartment=compartment,
        valid_for=BULK_EXPORT_VALID_FOR,
        matches=lambda params: (params.get("format"), params.get("kind")) == (fmt, kind),
        mismatch=_("request %(code)s was approved for another format") % {"code": code},
    )


approvals.register(
    approvals.BULK_EXPORT,
    can_approve=lambda action, user: access.may(user, "export.approve", action.compartment),
    execute=lambda action, user: None,  # approval itself is the whole effect; the export spends it
    approved_event=Event.EXPORT_APPROVED,
    rejected_event=Event.EXPORT_REJECTED,
)


def records_export(
    *, user: User, compartment: Compartment, fmt: str, kind: str, out: Any, exported_at: str
) -> int:
    """Write one compartment's records to ``out``; audited with the count, never the content."""
    if not access.may(user, "case.read", compartment):
        raise NotAllowed(_("you cannot read this compartment"))
    # Creation order, so that an export imported elsewhere exports again in the same order.
    people = (
        selectors.people_for_user(user=user, compartment=compartment)
        .prefetch_related("profiles")
        .order_by("created_at", "code")
    )
    incidents = selectors.prefetch_incidents(
        selectors.incidents_for_user(user=user, filters=filters.IncidentFilters(compartment=compartment.code))
    ).order_by("date_start", "created_at", "code")
    sources = selectors.sources_for_user(user=user, compartment=compartment).order_by("created_at", "code")
    organisations = selectors.organisations_for_user(user=user, compartment=compartment).order_by(
        "created_at", "code"
    )
    cases = selectors.cases_for_user(
        user=user, filters=filters.CaseFilters(compartment=compartment.code)
    ).order_by("created_at", "code")
    if fmt == "json":
        data = exchange.bundle(
            people=people,
            organisations=organisations,
            cases=cases,
            incidents=incidents,
            sources=sources,
            exported_at=exported_at,
        )
        json.dump(data, out, ensure_ascii=False, indent=1)
        out.write("\n")
        count = sum(len(data[k]) for k in KINDS)
    elif fmt == "ftm":
        count = 0
        for entity in exchange.ftm_entities(people=people, organisations=organisations):
            out.write(json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    elif fmt == "flat":
        families = dict(terms(vocabulary="tactic", include_retired=True).values_list("code", "family"))
        count = tabular.write(exchange.flat_rows(incidents, families), exchange.FLAT_COLUMNS, out)
    elif fmt == "fh-incidents":
        count = tabular.write(
            exchange.fh_rows(incidents.prefetch_related("acts__targets__profiles")), exchange.FH_COLUMNS, out
        )
    elif fmt == "fh-tables":
        rows = exchange.fh_rows(incidents.prefetch_related("acts__targets__profiles"))
        count = tabular.write(exchange.fh_tables(rows), exchange.FH_TABLE_COLUMNS, out)
    else:
        rows = {
            "people": lambda: exchange.plain_rows(people, serialise.person_dict),
            "organisations": lambda: exchange.plain_rows(organisations, serialise.organisation_dict),
            "cases": lambda: exchange.plain_rows(cases, serialise.case_dict),
            "incidents": lambda: exchange.incident_rows(incidents),
            "sources": lambda: exchange.plain_rows(sources, serialise.source_dict),
        }[kind]()
        count = exchange.write_csv(kind, rows, out)
    audit_record(
        Event.RECORDS_EXPORTED,
        actor=user,
        compartment=compartment,
        object_type="export",
        detail={"format": fmt, "kind": kind if fmt == "csv" else fmt, "rows": count},
    )
    return count


def incidents_export_csv(*, user: User, incidents: Iterable[Incident], out: Any) -> int:
    """The incident CSV (one row per act) of incidents the caller already scoped to ``user``."""
    count = exchange.write_csv("incidents", exchange.incident_rows(incidents), out)
    audit_record(
        Event.RECORDS_EXPORTED,
        actor=user,
        object_type="export",
        detail={"format": "csv", "kind": "incidents", "rows": count},
    )
    return count


def deidentified_export(*, user: User, out: Any, threshold: int, year: int | None = None) -> int:
    """Published counts: incidents per origin and host, by tactic family, small cells suppressed.

    Totals are part of the table, so a hidden cell cannot be recovered from them.
    """
    if not allowed(user, "stats.view"):
        raise NotAllowed(_("your role cannot see statistics"))
    counts = selectors.incident_counts(user=user, year=year)
    columns = ["incidents", "physical", *selectors.FAMILIES]
    table: dict[tuple[str, str], dict[str, int]] = {key: dict(value) for key, value in counts.items()}
    total = {c: sum(v[c] for v in counts.values()) for c in columns}
    table[("ALL", "ALL")] = total
    published = disclosure.suppress(table, threshold)
    rows = []
    for key in sorted(published, key=lambda k: (k == ("ALL", "ALL"), k)):
        origin, host = key
        cells = published[key]
        row = {"origin_state": origin, "host_country": host, "year": str(year) if year else "all"}
        row.update({c: "suppressed" if cells[c] is None else str(cells[c]) for c in columns})
        rows.append(row)
    count = tabular.write(rows, ["year", "origin_state", "host_country", *columns], out)
    audit_record(
        Event.RECORDS_EXPORTED,
        actor=user,
        object_type="export",
        detail={"format": "deidentified", "rows": count, "threshold": threshold},
    )
    return count
