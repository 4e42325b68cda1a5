"""What the dashboard counts, within what each user may see.

Staff (leads, analysts) count the incidents of the compartments they read, and
every count links to the records behind it. Researchers and administrators count
the organisation's incidents de-identified: no links, nothing typed by a person
(campaign names, case details), and every count below the threshold withheld,
with the complementary cells that would give it away (``registry.disclosure``).
Each chart is one GROUP BY over the incident list's own filters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from longreach.accounts import access
from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.geo import countries
from longreach.geo import selectors as geo_selectors
from longreach.insight import dataset as dataset_rows
from longreach.insight import dyads, publication, queries
from longreach.insight.models import Publication, SavedQuery, SurgeAlert
from longreach.legal import selectors as legal_selectors
from longreach.messages import selectors as message_selectors
from longreach.registry import disclosure, exchange
from longreach.registry import selectors as registry_selectors
from longreach.registry.fields import FieldError, RecordInvalid
from longreach.registry.filters import IncidentFilters
from longreach.registry.models import Act, Incident, Relative
from longreach.registry.tabular import neutralise as inert
from longreach.vocab import selectors as vocab_selectors

TOP = 15  # bars shown in a "top" chart; the CSV has them all


@dataclass(frozen=True)
class Row:
    key: str  # a code (country, term) or a period
    label: str
    value: int | None  # None: withheld
    href: str = ""


@dataclass
class Chart:
    name: str
    title: str
    rows: list[Row]
    columns: tuple[str, str] = ("", "")  # the table's two headings
    # Stacked charts: periods, and for each stack (label) one value per period.
    periods: list[str] = field(default_factory=list)
    stacks: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def top(self) -> list[Row]:
        """What the chart draws and its table lists (the CSV has every row)."""
        return self.rows if self.stacks else self.rows[:TOP]


@dataclass
class Dashboard:
    identified: bool  # staff: links to records; otherwise de-identified with small cells withheld
    threshold: int
    total: int | None
    charts: dict[str, Chart]
    map_values: dict[str, int]
    map_origins: dict[str, int]
    since: dt.date | None


def deidentified(user: User) -> bool:
    return not allowed(user, "case.read")


def _incidents(user: User, filters: IncidentFilters) -> QuerySet[Incident]:
    """Unordered: a list's ordering would join every GROUP BY below and split its groups."""
    if deidentified(user):
        return registry_selectors.incidents_for_statistics(user=user, filters=filters).order_by()
    return registry_selectors.incidents_for_user(user=user, filters=filters).order_by()


def _href(filters: IncidentFilters, **more: str) -> str:
    query = {k: str(v) for k, v in filters.model_dump().items() if v not in ("", None)}
    query.update(more)
    return "/incidents/?" + urlencode(query)


def _labels(vocabulary: str, language: str) -> dict[str, str]:
    return {
        t.code: t.display(language)
        for t in vocab_selectors.terms(vocabulary=vocabulary, include_retired=True)
    }


def _rows(
    counts: dict[str, int],
    labels: dict[str, str],
    *,
    filters: IncidentFilters,
    link: str | None,
    identified: bool,
    threshold: int,
    top: int | None = None,
) -> list[Row]:
    shown: dict[str, int | None] = dict(counts)
    if not identified:
        shown = disclosure.suppress({"all": counts}, threshold)["all"] if counts else {}
    ordered = sorted(counts, key=lambda k: (-counts[k], labels.get(k, k)))
    rows = [
        Row(
            k,
            labels.get(k, k) or "—",
            shown[k],
            _href(filters, **{link: k}) if link and identified and k else "",
        )
        for k in ordered
    ]
    return rows[:top] if top else rows


def _count_by(qs: QuerySet[Any], field: str) -> dict[str, int]:
    return {
        str(key or ""): n
        for key, n in qs.values_list(field).annotate(n=Count("id", distinct=True)).values_list(field, "n")
    }


def _through_acts(incidents: QuerySet[Incident], field: str, vocabulary: str) -> dict[str, int]:
    """Incidents per term of their acts (an incident counts once per term however many acts have it)."""
    acts = Act.objects.filter(
        incident__in=incidents.values("pk"), **{f"{field}__vocabulary__code": vocabulary}
    )
    return {
        code: n
        for code, n in acts.values_list(f"{field}__code")
        .annotate(n=Count("incident", distinct=True))
        .values_list(f"{field}__code", "n")
    }


SLICES = ("origin_state", "host_country", "tactic_family")  # what a de-identified dashboard may be cut by


def dashboard(*, user: User, filters: IncidentFilters, language: str) -> Dashboard:
    identified = not deidentified(user)
    threshold = int(settings.STATISTICS_MIN_CELL)
    if not identified:
        return _public_dashboard(user, filters, language, threshold)
    incidents = _incidents(user, filters)
    names = countries.names(language)
    families = _labels("tactic_family", language)

    def rows(counts: dict[str, int], labels: dict[str, str], link: str | None = None) -> list[Row]:
        return _rows(counts, labels, filters=filters, link=link, identified=identified, threshold=threshold)

    total = incidents.count()
    charts: dict[str, Chart] = {}

    # Over time: by year, or by month when the incidents span three years or less; stacked by family.
    span = incidents.aggregate(first=ExtractYear(Min("date_start")), last=ExtractYear(Max("date_start")))
    monthly = span["first"] is not None and span["last"] - span["first"] < 3
    acts = Act.objects.filter(incident__in=incidents.values("pk"), tactics__vocabulary__code="tactic")
    period_fields: dict[str, Any] = {"year": ExtractYear("incident__date_start")}
    if monthly:
        period_fields["month"] = ExtractMonth("incident__date_start")
    grouped: dict[str, dict[str, int]] = defaultdict(dict)
    for row in (
        acts.annotate(**period_fields)
        .values(*period_fields, "tactics__family")
        .annotate(n=Count("incident", distinct=True))
    ):
        period = f"{row['year']}-{row['month']:02d}" if monthly else str(row["year"])
        grouped[row["tactics__family"]][period] = row["n"]
    periods = _periods(span["first"], span["last"], monthly, grouped)
    stacks = [(families.get(f, f), [grouped[f].get(p, 0) for p in periods]) for f in families if f in grouped]
    charts["over_time"] = Chart(
        "over_time",
        _("Incidents by month, by tactic family") if monthly else _("Incidents by year, by tactic family"),
        [Row(p, p, sum(v[k] for _l, v in stacks), "") for k, p in enumerate(periods)],
        (_("Period"), _("Incidents")),
        periods,
        stacks,
    )

    origins = _count_by(incidents, "origin_state")
    hosts = _count_by(incidents, "host_country")
    charts["origins"] = Chart(
        "origins",
        _("Origin states"),
        rows(origins, names, "origin_state"),
        (_("Origin state"), _("Incidents")),
    )
    charts["hosts"] = Chart(
        "hosts",
        _("Host countries"),
        rows(hosts, names, "host_country"),
        (_("Host country"), _("Incidents")),
    )
    flows = {
        f"{o}>{h}": n
        for o, h, n in incidents.values_list("origin_state", "host_country")
        .annotate(n=Count("id"))
        .values_list("origin_state", "host_country", "n")
    }
    flow_labels = {
        k: f"{names.get(k.split('>')[0], k.split('>')[0])} → {names.get(k.split('>')[1], k.split('>')[1])}"
        for k in flows
    }
    flow_rows = rows(flows, flow_labels, None)
    if identified:
        flow_rows = [
            Row(
                r.key,
                r.label,
                r.value,
                _href(filters, origin_state=r.key.split(">")[0], host_country=r.key.split(">")[1]),
            )
            for r in flow_rows
        ]
    charts["flows"] = Chart(
        "flows", _("From origin state to host country"), flow_rows, (_("Flow"), _("Incidents"))
    )
    charts.update(_detail_charts(incidents, rows, language))
    if identified:
        _staff_charts(user, charts, language)
    return Dashboard(
        identified,
        threshold,
        total if identified or total >= threshold else None,
        charts,
        {r.key: r.value for r in rows(hosts, names) if r.value and r.key},
        {r.key: r.value for r in rows(origins, names) if r.value and r.key},
        None,
    )


def _detail_charts(
    incidents: QuerySet[Incident], rows: Callable[..., list[Row]], language: str
) -> dict[str, Chart]:
    """Tactics, demands, targets' profiles, relatives and physical incidents: tables of their own, each
    suppressed along its one line (with its total known) when de-identified."""
    found: dict[str, Chart] = {}
    found["tactics"] = Chart(
        "tactics",
        _("Tactics"),
        rows(
            _through_acts(incidents, "tactics", "tactic"),
            _labels("tactic", language),
            "tactic",
        ),
        (_("Tactic"), _("Incidents")),
    )
    found["demands"] = Chart(
        "demands",
        _("Demands"),
        rows(
            _through_acts(incidents, "demands", "demand"),
            _labels("demand", language),
            "demand",
        ),
        (_("Demand"), _("Incidents")),
    )
    profiles = Act.objects.filter(
        incident__in=incidents.values("pk"), targets__profiles__vocabulary__code="profile"
    )
    found["profiles"] = Chart(
        "profiles",
        _("Targets' profiles"),
        rows(
            {
                c: n
                for c, n in profiles.values_list("targets__profiles__code")
                .annotate(n=Count("incident", distinct=True))
                .values_list("targets__profiles__code", "n")
            },
            _labels("profile", language),
            "profile",
        ),
        (_("Profile"), _("Incidents")),
    )
    relatives = Relative.objects.filter(act__incident__in=incidents.values("pk"))
    outcomes = {
        c or "UNKNOWN": n
        for c, n in relatives.values_list("outcomes__code")
        .annotate(n=Count("id", distinct=True))
        .values_list("outcomes__code", "n")
    }
    found["relatives"] = Chart(
        "relatives",
        _("Relatives used as leverage, by what happened to them"),
        rows(outcomes, _labels("relative_outcome", language), None),
        (_("What happened"), _("Relatives")),
    )
    physical = dict(
        incidents.annotate(physical=registry_selectors.physical_flag())
        .values_list("physical")
        .annotate(n=Count("id"))
        .values_list("physical", "n")
    )
    found["physical"] = Chart(
        "physical",
        _("Physical and other incidents (Freedom House's definition)"),
        rows(
            {"yes": physical.get(True, 0), "no": physical.get(False, 0)},
            {"yes": _("Physical (direct attacks)"), "no": _("Not physical")},
            "physical",
        ),
        (_("Kind"), _("Incidents")),
    )
    return found


def _staff_charts(user: User, charts: dict[str, Chart], language: str) -> None:
    """What only staff see: their cases, deadlines, tasks and campaigns (records they may read)."""
    cases = registry_selectors.cases_for_user(user=user).order_by()
    states = _labels("case_state", language)
    by_state = {s: n for s, n in cases.values_list("state").annotate(n=Count("id")).values_list("state", "n")}
    charts["case_states"] = Chart(
        "case_states",
        _("Cases by state"),
        [Row(k, states.get(k, k), by_state[k], f"/cases/?state={k}") for k in states if k in by_state],
        (_("State"), _("Cases")),
    )
    open_cases = cases.exclude(state="CLOSED")
    urgency = {
        u: n for u, n in open_cases.values_list("urgency").annotate(n=Count("id")).values_list("urgency", "n")
    }
    levels = _labels("urgency", language)
    charts["urgency"] = Chart(
        "urgency",
        _("Open cases by urgency"),
        [
            Row(k, levels.get(k, k), urgency[k], f"/cases/?urgency={k}&open_only=on")
            for k in levels
            if k in urgency
        ],
        (_("Urgency"), _("Cases")),
    )
    deadlines = legal_selectors.deadlines_for_user(user, assigned_only=False)
    today = timezone.localdate()
    overdue_tasks = registry_selectors.tasks_overdue(user=user, today=today).count()
    charts["work"] = Chart(
        "work",
        _("Open deadlines and overdue tasks"),
        [
            Row(
                "overdue",
                _("Legal deadlines overdue"),
                sum(1 for d in deadlines if d.state == "overdue"),
                "/",
            ),
            Row(
                "soon",
                _("Legal deadlines within two weeks"),
                sum(1 for d in deadlines if d.state == "soon"),
                "/",
            ),
            Row("later", _("Later legal deadlines"), sum(1 for d in deadlines if d.state == "later"), "/"),
            Row("tasks", _("Overdue tasks"), overdue_tasks, "/tasks/"),
        ],
        (_("What"), _("How many")),
    )
    campaigns = message_selectors.campaigns_for_user(user).order_by("-size", "code")[:TOP]
    charts["campaigns"] = Chart(
        "campaigns",
        _("Campaigns and their reach (cases reached)"),
        [Row(c.code, c.code, c.cases, f"/campaigns/{c.code}/") for c in campaigns],
        (_("Campaign"), _("Cases")),
    )


def _periods(
    first: int | None, last: int | None, monthly: bool, grouped: dict[str, dict[str, int]]
) -> list[str]:
    if first is None or last is None:
        return []
    if not monthly:
        return [str(y) for y in range(first, last + 1)]
    seen = sorted({p for by in grouped.values() for p in by})
    if not seen:
        return []
    start, end = seen[0], seen[-1]
    periods, (y, m) = [], (int(start[:4]), int(start[5:]))
    while f"{y}-{m:02d}" <= end:
        periods.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return periods


# Published statistics -------------------------------------------------------------------------------

GROUPS = queries.GROUPS


@dataclass(frozen=True)
class Statistics:
    group_by: tuple[str, ...]
    threshold: int
    rows: list[dict[str, Any]]  # each: the group's values, count (None when withheld), suppressed


def levels(incidents: QuerySet[Incident]) -> dict[tuple[Any, ...], int]:
    """Incidents counted at every level of GROUPS: by all four, by each three, two, one, and in all
    (``disclosure.ALL`` where a dimension is summed over). By tactic family an incident counts once in
    each family its acts have."""
    cells: dict[tuple[Any, ...], int] = {}
    acts = Act.objects.filter(
        incident__in=incidents.values("pk"), tactics__vocabulary__code="tactic"
    ).order_by()
    for mask in range(1 << len(GROUPS)):
        chosen = [g for k, g in enumerate(GROUPS) if mask >> k & 1]
        if "tactic_family" in chosen:
            fields = {
                "origin_state": "incident__origin_state",
                "host_country": "incident__host_country",
                "tactic_family": "tactics__family",
                "year": "year",
            }
            qs: QuerySet[Any] = acts.annotate(year=ExtractYear("incident__date_start"))
            counted = Count("incident", distinct=True)
        else:
            fields = {"origin_state": "origin_state", "host_country": "host_country", "year": "year"}
            qs = incidents.annotate(year=ExtractYear("date_start"))
            counted = Count("id", distinct=True)
        columns = [fields[g] for g in chosen]
        if columns:
            found = qs.values_list(*columns).annotate(n=counted).values_list(*columns, "n")
        else:
            found = [(qs.aggregate(n=counted)["n"],)]
        for row in found:
            values = dict(zip(chosen, row[:-1], strict=True))
            cells[tuple(values.get(g, disclosure.ALL) for g in GROUPS)] = row[-1]
    return cells


def statistics(
    *, user: User, group_by: tuple[str, ...], threshold: int, where: dict[str, Any] | None = None
) -> Statistics:
    """Incidents grouped by any of GROUPS, within ``where`` (a value of any of them), over the
    organisation's incidents (researchers, administrators) or the user's compartments (staff). Every
    level is suppressed together (``disclosure.suppress_levels``), so no query's cells and another's
    margins can be subtracted to find a withheld count; a slice is a part of the same table, which is
    why nothing else may narrow what is counted."""
    where = where or {}
    incidents = registry_selectors.incidents_for_statistics(user=user).order_by()
    shown = disclosure.suppress_levels(levels(incidents), threshold)
    rows = []
    for key, value in shown.items():
        coords = dict(zip(GROUPS, key, strict=True))
        if any((coords[g] == disclosure.ALL) != (g not in group_by and g not in where) for g in GROUPS):
            continue
        if any(coords[g] != v for g, v in where.items()):
            continue
        rows.append({**{g: coords[g] for g in group_by}, "count": value, "suppressed": value is None})
    rows.sort(key=lambda r: tuple(str(r[g]) for g in group_by))
    return Statistics(group_by, threshold, rows)


def _public_dashboard(user: User, filters: IncidentFilters, language: str, threshold: int) -> Dashboard:
    """A de-identified dashboard: origins, hosts, flows and years by tactic family are cells of the one
    table every published statistic comes from (``statistics``), suppressed at every level together;
    a filter is a slice of that table. The other charts count the organisation's incidents unsliced:
    two slices of them could be subtracted."""
    asked = {k: v for k, v in filters.model_dump().items() if v not in ("", None)}
    unsliceable = sorted(set(asked) - set(SLICES))
    if unsliceable:
        raise RecordInvalid(
            [
                FieldError(
                    name,
                    _(
                        "de-identified statistics are cut only by origin state, host country "
                        "and tactic family"
                    ),
                )
                for name in unsliceable
            ]
        )
    names = countries.names(language)
    families = _labels("tactic_family", language)
    shown = disclosure.suppress_levels(
        levels(registry_selectors.incidents_for_statistics(user=user).order_by()), threshold
    )
    where = {GROUPS.index(k): v for k, v in asked.items()}

    def cells(*grouped: str) -> dict[tuple[Any, ...], int | None]:
        wanted = {GROUPS.index(g) for g in grouped}
        out = {}
        for key, value in shown.items():
            if all(
                (key[d] != disclosure.ALL) == (d in wanted or d in where) for d in range(len(GROUPS))
            ) and all(key[d] == v for d, v in where.items()):
                out[tuple(key[GROUPS.index(g)] for g in grouped)] = value
        return out

    def listed(
        found: dict[tuple[Any, ...], int | None], label: Callable[[tuple[Any, ...]], str]
    ) -> list[Row]:
        ordered = sorted(found.items(), key=lambda kv: (kv[1] is None, -(kv[1] or 0), label(kv[0])))
        return [Row(">".join(str(k) for k in key), label(key), value) for key, value in ordered]

    charts: dict[str, Chart] = {}
    by_year = cells("year", "tactic_family")
    periods = [
        str(y)
        for y in range(min((k[0] for k in by_year), default=0), max((k[0] for k in by_year), default=-1) + 1)
    ]
    stacks = [
        (families.get(f, f), [by_year.get((int(p), f)) or 0 for p in periods])
        for f in families
        if any(k[1] == f for k in by_year)
    ]
    charts["over_time"] = Chart(
        "over_time",
        _("Incidents by year, by tactic family"),
        [Row(p, p, sum(v[k] for _l, v in stacks), "") for k, p in enumerate(periods)],
        (_("Period"), _("Incidents")),
        periods,
        stacks,
    )
    origins, hosts = cells("origin_state"), cells("host_country")
    charts["origins"] = Chart(
        "origins",
        _("Origin states"),
        listed(origins, lambda k: names.get(k[0], k[0])),
        (_("Origin state"), _("Incidents")),
    )
    charts["hosts"] = Chart(
        "hosts",
        _("Host countries"),
        listed(hosts, lambda k: names.get(k[0], k[0])),
        (_("Host country"), _("Incidents")),
    )
    charts["flows"] = Chart(
        "flows",
        _("From origin state to host country"),
        listed(
            cells("origin_state", "host_country"),
            lambda k: f"{names.get(k[0], k[0])} → {names.get(k[1], k[1])}",
        ),
        (_("Flow"), _("Incidents")),
    )
    everything = IncidentFilters()

    def rows(counts: dict[str, int], labels: dict[str, str], link: str | None = None) -> list[Row]:
        return _rows(counts, labels, filters=everything, link=None, identified=False, threshold=threshold)

    charts.update(
        _detail_charts(registry_selectors.incidents_for_statistics(user=user).order_by(), rows, language)
    )
    total = cells().get((), None)
    return Dashboard(
        False,
        threshold,
        total,
        charts,
        {k[0]: v for k, v in hosts.items() if v},
        {k[0]: v for k, v in origins.items() if v},
        None,
    )


def surge_alerts(user: User, *, limit: int = 50, days: int | None = None) -> list[SurgeAlert]:
    """Surges whose records came (at least in part) from a compartment the user leads: counts only,
    whichever compartments they came from. ``days``: only those found in the last so many days."""
    leading = access.compartments(user, "export.approve")
    alerts = SurgeAlert.objects.filter(compartments__in=leading)
    if days is not None:
        alerts = alerts.filter(created_at__gte=timezone.now() - dt.timedelta(days=days))
    return list(alerts.select_related("compartment").distinct().order_by("-week", "-observed")[:limit])


def surge_alerts_unseen(user: User) -> QuerySet[SurgeAlert]:
    """Surges of the user's compartments (as in ``surge_alerts``) they have not marked seen."""
    leading = access.compartments(user, "export.approve")
    return (
        SurgeAlert.objects.filter(compartments__in=leading)
        .exclude(seen_by=user)
        .select_related("compartment")
        .distinct()
        .order_by("-week", "-observed")
    )


def family_labels(language: str) -> dict[str, str]:
    return _labels("tactic_family", language)


def dataset(*, user: User, threshold: int) -> dataset_rows.Release:
    """Every incident the user's statistics count, one coded row each, released k-anonymous
    (``insight.dataset``). Built from a handful of GROUP-free queries rather than prefetched objects:
    at 100,000 incidents the objects would not fit a modest server's memory."""
    incidents = registry_selectors.incidents_for_statistics(user=user).order_by()
    rows: dict[Any, dict[str, Any]] = {}
    for pk, origin, host, year, community in incidents.annotate(year=ExtractYear("date_start")).values_list(
        "pk", "origin_state", "host_country", "year", "case__community"
    ):
        rows[pk] = {
            "year": year,
            "origin_state": origin,
            "host_country": host,
            "community": community or None,
            **{c: set() for c in dataset_rows.LISTS},
            "confidences": [],
            "acts": 0,
            "targets": set(),
            "relatives": 0,
            "relatives_minor": 0,
        }
    acts = Act.objects.filter(incident__in=incidents.values("pk")).order_by()
    for incident, harm, executing, confidence in acts.values_list(
        "incident_id", "harm_country", "executing_state", "origin_confidence"
    ):
        row = rows[incident]
        row["acts"] += 1
        row["harm_countries"].add(harm)
        if executing:
            row["executing_states"].add(executing)
        row["confidences"].append(confidence)
    for incident, code, family in acts.filter(tactics__isnull=False).values_list(
        "incident_id", "tactics__code", "tactics__family"
    ):
        rows[incident]["tactics"].add(code)
        if family:
            rows[incident]["tactic_families"].add(family)
    for column, path in (("demands", "demands__code"), ("channels", "channels__code")):
        for incident, code in acts.filter(**{f"{path[:-6]}__isnull": False}).values_list("incident_id", path):
            rows[incident][column].add(code)
    for incident, kind in acts.filter(perpetrators__isnull=False).values_list(
        "incident_id", "perpetrators__perpetrator_type"
    ):
        rows[incident]["perpetrator_types"].add(kind)
    for incident, target in acts.filter(targets__isnull=False).values_list("incident_id", "targets"):
        rows[incident]["targets"].add(target)
    relatives = Relative.objects.filter(act__incident__in=incidents.values("pk")).order_by()
    for incident, relationship, minor in relatives.values_list(
        "act__incident_id", "relationship", "is_minor"
    ):
        rows[incident]["relatives"] += 1
        rows[incident]["relatives_minor"] += int(minor)
        rows[incident]["relationships"].add(relationship)
    for incident, outcome in relatives.filter(outcomes__isnull=False).values_list(
        "act__incident_id", "outcomes__code"
    ):
        rows[incident]["relative_outcomes"].add(outcome)
    physical = vocab_selectors.physical_tactics()
    flat = []
    for row in rows.values():
        confidences = row.pop("confidences") or ["UNKNOWN"]
        row["attribution"] = min(confidences, key=exchange.CONFIDENCE_ORDER.index)
        row["targets"] = len(row["targets"])
        row["physical"] = bool(row["tactics"] & physical)
        for column in dataset_rows.LISTS:
            row[column] = sorted(row[column])
        flat.append(row)
    return dataset_rows.release(flat, threshold)


def saved_queries(user: User, page: str) -> list[SavedQuery]:
    return list(SavedQuery.objects.filter(user=user, page=page).order_by("name"))


def statistics_csv(found: Statistics) -> str:
    """The statistics table as CSV: the groups, the count (empty when withheld) and ``suppressed``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*found.group_by, "count", "suppressed"])
    for row in found.rows:
        writer.writerow(
            [
                *(inert(str(row[g])) for g in found.group_by),
                "" if row["count"] is None else row["count"],
                "true" if row["suppressed"] else "false",
            ]
        )
    return out.getvalue()


# Which vocabulary each column's codes come from (the codebook page lists them).
COLUMN_VOCABULARIES = {
    "community": "community",
    "tactic_families": "tactic_family",
    "tactics": "tactic",
    "demands": "demand",
    "channels": "channel",
    "perpetrator_types": "perpetrator_type",
    "attribution": "attribution",
    "relationships": "relationship",
    "relative_outcomes": "relative_outcome",
}


def dataset_columns() -> list[tuple[str, str, str]]:
    """Each column of the dataset: its name, what it holds, and the vocabulary its codes come from."""
    meaning = {
        "row": _("The row's number in this release; not a record's code, and not kept between releases."),
        "year_from": _(
            "The year the incident began, or the first year of a band of three when the exact year is "
            "withheld. Empty when the year is withheld."
        ),
        "year_to": _("The same as year_from, or the last year of its band."),
        "origin_state": _("The state behind the incident (ISO 3166-1 alpha-2)."),
        "host_country": _(
            "The country where the targeted person lives (ISO 3166-1 alpha-2). Empty when withheld."
        ),
        "community": _(
            "The community of the case the incident belongs to. Empty when withheld or not coded."
        ),
        "harm_countries": _(
            "The countries where harm landed (the origin state when relatives were targeted there). "
            "Empty when the host country is withheld."
        ),
        "executing_states": _(
            "States that detained, deported or extradited on the origin state's behalf. "
            "Empty when the host country is withheld."
        ),
        "physical": _("true when any tactic is a direct attack (Freedom House's physical incidents)."),
        "tactic_families": _("The families of the incident's tactics."),
        "tactics": _("The tactics of the incident's acts."),
        "demands": _("What the perpetrators demanded."),
        "channels": _("How they reached the target."),
        "perpetrator_types": _("The kinds of perpetrator named in the acts."),
        "attribution": _("The strongest confidence any act gives that the origin state is behind it."),
        "acts": _("The number of acts recorded in the incident."),
        "targets": _("The number of people targeted."),
        "relatives": _("The number of relatives used as leverage."),
        "relatives_minor": _("How many of those relatives were minors."),
        "relationships": _("How those relatives were related to the target."),
        "relative_outcomes": _("What happened to them."),
    }
    return [(c, meaning[c], COLUMN_VOCABULARIES.get(c, "")) for c in dataset_rows.COLUMNS]


@dataclass(frozen=True)
class CodebookEntry:
    code: str
    label: str
    definition: str
    family: str
    retired: bool


def codebook(language: str) -> list[tuple[str, str, list[CodebookEntry]]]:
    """The vocabularies the dataset uses: code, label in ``language``, definition, and their terms."""
    titles = {
        "community": _("Communities"),
        "tactic_family": _("Tactic families"),
        "tactic": _("Tactics"),
        "demand": _("Demands"),
        "channel": _("Channels"),
        "perpetrator_type": _("Kinds of perpetrator"),
        "attribution": _("Attribution"),
        "relationship": _("Relationships"),
        "relative_outcome": _("What happened to relatives"),
    }
    found = []
    wanted = list(dict.fromkeys(COLUMN_VOCABULARIES.values()))
    by_code = {v.code: v for v in vocab_selectors.vocabularies().filter(code__in=wanted)}
    for code in wanted:
        vocabulary = by_code.get(code)
        if vocabulary is None:
            continue
        entries = [
            CodebookEntry(t.code, t.display(language), t.definition, t.family, t.retired_at is not None)
            for t in vocab_selectors.terms(vocabulary=code, include_retired=True)
        ]
        found.append((code, titles.get(code, vocabulary.label), entries))
    return found


def noisy_statistics(
    *,
    user: User,
    group_by: tuple[str, ...],
    epsilon: float,
    shown_from: int,
    years: tuple[int | None, int | None] | None,
) -> publication.NoisyTable:
    """Incidents grouped as asked, with OpenDP's noise on every cell of the domain: every country for
    a country, every family for the family (an incident counts once in each of its families, so the
    sensitivity is the number of families), every year of ``years`` for the year."""
    families = sorted(_labels("tactic_family", "en"))
    codes = countries.all_codes()
    values: dict[str, list[Any]] = {"origin_state": codes, "host_country": codes, "tactic_family": families}
    if "year" in group_by:
        first, last = years or (None, None)
        if first is None or last is None:
            raise publication.PublicationError("give the span of years")
        values["year"] = list(range(first, last + 1))
    cells = publication.domain([values[g] for g in group_by])
    at = [GROUPS.index(g) for g in group_by]
    wanted = set(cells)
    counts = {}
    for key, n in levels(registry_selectors.incidents_for_statistics(user=user).order_by()).items():
        if all((key[d] != disclosure.ALL) == (d in at) for d in range(len(GROUPS))):
            cell = tuple(key[d] for d in at)
            if cell in wanted:  # outside the span of years, or a code no longer a country
                counts[cell] = n
    sensitivity = max(len(families), 1) if "tactic_family" in group_by else 1
    return publication.release(counts, cells, epsilon=epsilon, sensitivity=sensitivity, shown_from=shown_from)


def publications(*, public: bool) -> list[Publication]:
    """What the public page shows (not withdrawn), or every one for the publishers' page."""
    found = Publication.objects.select_related("published_by")
    return list(found.filter(withdrawn_at=None) if public else found)


def dyad_facts(*, user: User, year: int) -> list[dyads.Facts]:
    """What was known at the end of ``year - 1`` about every origin -> host pair the user's statistics
    count: incidents of the three years before, legal matters before, the Freedom in the World
    editions up to ``year`` (an edition rates the year before it) and the regional bodies shared on
    1 January of ``year``."""
    start = dt.date(year, 1, 1)
    incidents = registry_selectors.incidents_for_statistics(user=user).order_by()
    pairs: dict[tuple[str, str], int] = {}
    for origin, host, first in incidents.filter(date_start__lt=start).values_list(
        "origin_state", "host_country", "date_start"
    ):
        n = pairs.setdefault((origin, host), 0)
        pairs[(origin, host)] = n + (1 if first.year >= year - 3 else 0)
    legal = legal_selectors.matters_by_dyad(user, before=start)
    for pair in legal:
        pairs.setdefault(pair, 0)
    ratings = geo_selectors.freedom_ratings(until=year)
    bodies = geo_selectors.bodies_on(start)  # once, not two queries per pair

    def latest(country: str) -> tuple[Any, Any]:
        held = ratings.get(country, {})
        if not held:
            return None, None
        last = max(held)
        return held[last], held.get(last - 3)

    found = []
    for (origin, host), recent in sorted(pairs.items()):
        now, before = latest(origin)
        host_now, _ = latest(host)
        found.append(
            dyads.Facts(
                origin,
                host,
                origin_cl=now.civil_liberties if now else None,
                origin_cl_before=before.civil_liberties if before else None,
                host_status=host_now.status if host_now else None,
                shared_bodies=tuple(sorted(bodies.get(origin, set()) & bodies.get(host, set()))),
                incidents=recent,
                legal=legal.get((origin, host), 0),
            )
        )
    return found


def incidents_in_year(*, user: User, year: int) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    incidents = registry_selectors.incidents_for_statistics(user=user).order_by()
    for origin, host in incidents.filter(date_start__year=year).values_list("origin_state", "host_country"):
        counts[(origin, host)] = counts.get((origin, host), 0) + 1
    return counts


def dyad_watch(*, user: User, today: dt.date | None = None) -> list[dyads.Ranked]:
    """The pairs ranked on what is known now (the coming year's view)."""
    today = today or timezone.localdate()
    return dyads.rank(dyad_facts(user=user, year=today.year + 1), dyads.load())


def freedom_editions() -> list[int]:
    """The Freedom in the World editions imported, oldest first."""
    return geo_selectors.freedom_editions()


def predictor_labels() -> dict[str, str]:
    """The predictors' names in the reader's language (their measures and sources stay as published)."""
    return {
        "origin_repression": _("Domestic repression in the origin state"),
        "crackdown": _("A recent crackdown in the origin state"),
        "autocratic_host": _("The host is not free"),
        "shared_body": _("A regional body in common"),
        "documented_incidents": _("Incidents already documented for this pair"),
        "legal_requests": _("Legal requests from the origin that bite in the host"),
    }


def epsilon_spent() -> float:
    """The privacy budget spent by every differentially private table ever published (a withdrawn
    table was seen: its epsilon stays spent)."""
    return float(sum(e or 0.0 for e in Publication.objects.values_list("epsilon", flat=True)))
