"""Registry files: the JSON bundle, the CSV files and the flat research CSV.

Formats are described in docs/data-format.md. Reading turns a file into
``ImportRecord``s that remember where each value came from (file, line,
column), so ``services.records_import`` can report problems in the words of
the file. Writing produces exactly what reading accepts, so an export
imported into an empty compartment gives the same records.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from longreach.registry import serialise, tabular
from longreach.registry.models import Confidence, Incident, Organisation, Person

FORMAT = "longreach-registry/1"
MAX_JSON_BYTES = 200 * 1024 * 1024
MAX_JSON_DEPTH = 20

KINDS = ("people", "organisations", "cases", "incidents", "sources")


@dataclass
class ImportRecord:
    """One record of an import file and how to name where it came from."""

    kind: str
    data: Mapping[str, Any]
    locate: Callable[[str], str]


class ExchangeError(ValueError):
    """A file cannot be read as registry data; the message names the file and place."""


# JSON ---------------------------------------------------------------------------------


def _depth(value: Any, limit: int) -> int:
    """Nesting depth without recursion, refusing anything deeper than ``limit``."""
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, d = stack.pop()
        deepest = max(deepest, d)
        if d > limit:
            return d
        if isinstance(item, dict):
            stack.extend((v, d + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, d + 1) for v in item)
    return deepest


def read_json(path: Path) -> list[ImportRecord]:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise ExchangeError(
                f"{name}: {size:,} bytes is over the {MAX_JSON_BYTES:,}-byte limit; split the file"
            )
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExchangeError(f"{name}: byte {exc.start} is not UTF-8; save the file as UTF-8") from exc
    except OSError as exc:
        raise ExchangeError(f"{name}: cannot be read: {exc.strerror}") from exc
    try:
        bundle = json.loads(text)
    except RecursionError as exc:
        raise ExchangeError(f"{name}: nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise ExchangeError(
            f"{name}, line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}"
        ) from exc
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise ExchangeError(f'{name}: not a Longreach registry bundle (expected "format": "{FORMAT}")')
    if _depth(bundle, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ExchangeError(f"{name}: nested deeper than {MAX_JSON_DEPTH} levels")
    unknown = set(bundle) - {"format", "exported_at", *KINDS}
    if unknown:
        raise ExchangeError(f"{name}: unknown section(s) {', '.join(sorted(unknown))[:200]}")
    records: list[ImportRecord] = []
    for kind in KINDS:
        items = bundle.get(kind, [])
        if not isinstance(items, list):
            raise ExchangeError(f'{name}: "{kind}" must be a list')
        for i, item in enumerate(items):
            records.append(ImportRecord(kind, item, _json_locator(f"{name}, {kind}[{i}]")))
    return records


def _json_locator(where: str) -> Callable[[str], str]:
    return lambda path: f"{where}.{path}"


def bundle(
    *,
    people: Iterable[Any],
    organisations: Iterable[Any],
    cases: Iterable[Any],
    incidents: Iterable[Any],
    sources: Iterable[Any],
    exported_at: str,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "exported_at": exported_at,
        "people": [serialise.person_dict(p) for p in people],
        "organisations": [serialise.organisation_dict(o) for o in organisations],
        "cases": [serialise.case_dict(c) for c in cases],
        "incidents": [serialise.incident_dict(i) for i in incidents],
        "sources": [serialise.source_dict(s) for s in sources],
    }


# CSV ----------------------------------------------------------------------------------
# Lists inside a cell are joined with "; "; nested lists (perpetrators,
# relatives, citations) are JSON in their cell so nothing is lost.

PEOPLE_COLUMNS = [
    "code", "name", "aliases", "phone", "email", "handle", "location", "notes",
    "residence_country", "community", "immigration_status", "profiles", "is_minor",
]  # fmt: skip
INCIDENT_COLUMNS = ["incident", "case", "title", "narrative", "origin_state", "host_country", "date", "until"]
ACT_COLUMNS = [
    "act", "tactics", "demands", "channels", "act_origin_state", "origin_confidence",
    "act_host_country", "host_confidence", "harm_country", "harm_confidence", "executing_state",
    "executing_confidence", "act_date", "description", "outcome", "targets", "perpetrators", "relatives",
]  # fmt: skip
ACT_RENAMED = {
    "act": "code",
    "act_origin_state": "origin_state",
    "act_host_country": "host_country",
    "act_date": "date",
}
LIST_FIELDS = {"aliases", "profiles", "tactics", "demands", "channels", "targets"}
JSON_FIELDS = {"perpetrators", "relatives"}
SOURCE_COLUMNS = ["code", "source_type", "reliability", "title", "reference", "notes", "date", "citations"]

ORGANISATION_COLUMNS = ["code", "name", "perpetrator_type", "country", "notes"]
CASE_COLUMNS = [
    "code", "client", "state", "urgency", "closure", "origin_state", "host_country", "community",
    "summary", "opened_on",
]  # fmt: skip

CSV_KINDS = {
    "people": PEOPLE_COLUMNS,
    "organisations": ORGANISATION_COLUMNS,
    "cases": CASE_COLUMNS,
    "incidents": INCIDENT_COLUMNS + ACT_COLUMNS,
    "sources": SOURCE_COLUMNS,
}
CSV_REQUIRED = {
    "people": ["code"],
    "organisations": ["code", "name", "perpetrator_type"],
    "cases": ["code", "state", "urgency", "origin_state"],
    "incidents": ["incident", "origin_state", "host_country", "date", "tactics"],
    "sources": ["code", "source_type"],
}


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def incident_rows(incidents: Iterable[Incident]) -> Iterator[dict[str, str]]:
    """One row per act; the incident's columns repeat on each of its rows."""
    for incident in incidents:
        data = serialise.incident_dict(incident)
        head = {c: _cell(data[c]) for c in INCIDENT_COLUMNS if c in data}
        head["incident"] = data["code"]
        for act in data["acts"]:
            row = dict(head)
            for column in ACT_COLUMNS:
                value = act[ACT_RENAMED.get(column, column)]
                if column == "targets":
                    value = [t["person"] for t in value]
                row[column] = _cell(value)
            yield row


def plain_rows(records: Iterable[Any], to_dict: Any) -> Iterator[dict[str, str]]:
    """One CSV row per record, from the same dict as the JSON bundle (lists joined, nested lists as JSON)."""
    for r in records:
        yield {k: _cell(v) for k, v in to_dict(r).items()}


def write_csv(kind: str, rows: Iterable[dict[str, str]], out: io.TextIOBase) -> int:
    return tabular.write(rows, CSV_KINDS[kind], out)


def _csv_kind(path: Path) -> str:
    """The kind whose columns hold every header column and whose required ones are all there."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
            header = next(csv.reader([fh.readline(10_000)]), [])
    except (OSError, csv.Error) as exc:
        raise ExchangeError(f"{path}, line 1: cannot read the header: {exc}") from exc
    columns = {c.strip() for c in header}
    for kind, allowed in CSV_KINDS.items():
        if columns <= set(allowed) and set(CSV_REQUIRED[kind]) <= columns:
            return kind
    raise ExchangeError(
        f"{path}, line 1: the columns match no registry CSV (people, organisations, cases, incidents, "
        "sources); see docs/data-format.md"
    )


def _value(column: str, cell: str) -> Any:
    if column in JSON_FIELDS or column == "citations":
        return cell  # parsed by the caller, which knows where it is
    if column in LIST_FIELDS:
        return [v.strip() for v in cell.split(";") if v.strip()]
    return cell


def read_csv(path: Path) -> list[ImportRecord]:
    kind = _csv_kind(path)
    columns = CSV_KINDS[kind]
    required = CSV_REQUIRED[kind]
    try:
        rows = list(tabular.read(path, required=required, optional=[c for c in columns if c not in required]))
    except tabular.TabularError as exc:
        raise ExchangeError(str(exc)) from exc

    def locator(lines: dict[str, int], columns_of: dict[str, str]) -> Any:
        def locate(field_path: str) -> str:
            parts = field_path.split(".")
            if field_path.startswith("acts[") and "]" in field_path:
                act = field_path.split("]")[0].split("[")[1]
                leaf = parts[1].split("[")[0] if len(parts) > 1 else "act"
                line = lines.get(f"act{act}", lines["row"])
                return f"{path}, line {line}, column {columns_of.get(leaf, leaf)}"
            return f"{path}, line {lines['row']}, column {parts[0].split('[')[0]}"

        return locate

    records: list[ImportRecord] = []
    if kind == "incidents":
        grouped: dict[str, list[tabular.Row]] = {}
        for row in rows:
            grouped.setdefault(row.values.get("incident", ""), []).append(row)
        for code, group in grouped.items():
            first = group[0].values
            data: dict[str, Any] = {"code": code}
            for c in INCIDENT_COLUMNS[1:]:
                if first.get(c):
                    data[c] = first[c]
            acts: list[dict[str, Any]] = []
            lines = {"row": group[0].line}
            for n, row in enumerate(group):
                lines[f"act{n}"] = row.line
                act: dict[str, Any] = {}
                for column in ACT_COLUMNS:
                    cell = row.values.get(column, "")
                    if not cell:
                        continue
                    name = ACT_RENAMED.get(column, column)
                    if column in JSON_FIELDS:
                        try:
                            act[name] = json.loads(cell)
                        except json.JSONDecodeError:
                            act[name] = f"not JSON: {cell[:40]}"
                    elif column == "targets":
                        act[name] = [{"person": v} for v in _value(column, cell)]
                    else:
                        act[name] = _value(column, cell)
                acts.append(act)
            data["acts"] = acts
            renames = {v: k for k, v in ACT_RENAMED.items()}
            records.append(ImportRecord("incidents", data, locator(lines, renames)))
    else:
        for row in rows:
            data = {c: _value(c, v) for c, v in row.values.items() if v != ""}
            if kind == "sources" and "citations" in data:
                try:
                    data["citations"] = json.loads(data["citations"])
                except json.JSONDecodeError:
                    data["citations"] = "not JSON"
            records.append(ImportRecord(kind, data, locator({"row": row.line}, {})))
    return records


def read_file(path: Path) -> list[ImportRecord]:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return read_json(path)
    if suffix == ".csv":
        return read_csv(path)
    raise ExchangeError(f"{path}: give a .json bundle or a .csv file")


# The flat research CSV ------------------------------------------------------------------

FLAT_COLUMNS = [
    "incident", "case", "date", "date_precision", "date_approximate", "until", "origin_state",
    "host_country", "harm_countries", "executing_states", "physical", "tactic_families", "tactics",
    "demands", "channels", "perpetrator_types", "attribution", "acts", "targets", "relatives",
    "relatives_minor", "case_state", "case_urgency", "community",
]  # fmt: skip

CONFIDENCE_ORDER = list(Confidence.values)  # strongest first


def flat_rows(incidents: Iterable[Any], families: dict[str, str]) -> Iterator[dict[str, str]]:
    """One row per incident, coded fields only: what a researcher counts.

    ``attribution`` is the strongest confidence any act gives for the origin
    state; ``physical`` follows Freedom House (any direct-attack tactic).
    """
    for i in incidents:
        acts = list(i.acts.all())
        tactics = sorted({t.code for a in acts for t in a.tactics.all()})
        confidences = [a.origin_confidence for a in acts] or ["UNKNOWN"]
        yield {
            "incident": i.code,
            "case": i.case.code if i.case else "",
            "date": str(i.date),
            "date_precision": i.date_precision,
            "date_approximate": _cell(i.date_approximate),
            "until": str(i.until) if i.until else "",
            "origin_state": i.origin_state,
            "host_country": i.host_country,
            "harm_countries": _cell(sorted({a.harm_country for a in acts})),
            "executing_states": _cell(sorted({a.executing_state for a in acts if a.executing_state})),
            "physical": _cell(any(families.get(t) == "DIRECT_ATTACK" for t in tactics)),
            "tactic_families": _cell(sorted({families.get(t, "") for t in tactics} - {""})),
            "tactics": _cell(tactics),
            "demands": _cell(sorted({d.code for a in acts for d in a.demands.all()})),
            "channels": _cell(sorted({c.code for a in acts for c in a.channels.all()})),
            "perpetrator_types": _cell(
                sorted({p.perpetrator_type for a in acts for p in a.perpetrators.all()})
            ),
            "attribution": min(confidences, key=CONFIDENCE_ORDER.index),
            "acts": str(len(acts)),
            "targets": str(len({t.pk for a in acts for t in a.targets.all()})),
            "relatives": str(sum(len(a.relatives.all()) for a in acts)),
            "relatives_minor": str(sum(1 for a in acts for r in a.relatives.all() if r.is_minor)),
            "case_state": i.case.state if i.case else "",
            "case_urgency": i.case.urgency if i.case else "",
            "community": i.case.community if i.case else "",
        }


def ftm_entities(
    *, people: Iterable[Person], organisations: Iterable[Organisation]
) -> Iterator[dict[str, Any]]:
    """People and organisations as FollowTheMoney entities (the data model of Aleph and OpenSanctions),
    one JSON object each: ``Person`` with its names, aliases, phone, e-mail and country of residence;
    ``Organization`` with its name and country. Ids are "longreach-" and the record's code, so an entity
    exported twice is the same entity. Property values are lists of strings, as FtM wants them."""

    def props(**values: Any) -> dict[str, list[str]]:
        found = {}
        for key, value in values.items():
            items = value if isinstance(value, list) else [value]
            kept = [str(v) for v in items if isinstance(v, str) and v.strip()]
            if kept:
                found[key] = kept
        return found

    for person in people:
        yield {
            "id": f"longreach-{person.code}",
            "schema": "Person",
            "properties": props(
                name=person.name or person.code,
                alias=list(person.aliases or []),
                phone=person.phone,
                email=person.email,
                country=(person.residence_country or "").lower(),
            ),
        }
    for organisation in organisations:
        yield {
            "id": f"longreach-{organisation.code}",
            "schema": "Organization",
            "properties": props(name=organisation.name, country=(organisation.country or "").lower()),
        }


# Freedom House's incident coding ----------------------------------------------------------------
#
# Freedom House counts direct, physical incidents: the origin state's agents (or a host acting for
# them) physically reached a person abroad (Out of Sight, Not Out of Reach, 2021, and its yearly
# updates). Its published tables count incidents by origin government, host country, year and tactic;
# the tactics it names are assassination (including attempts), assault (including physical
# intimidation), detention, unlawful deportation and rendition (abduction and forcible return), and
# disappearance. The codebook's direct-attack tactics map onto them below. The codebook's abduction
# covers kidnapping and enforced disappearance abroad: with a rendition in the same incident the person
# was seized and returned (rendition); without one, seized and not known to be returned (disappearance).
# No incident-level file or codebook is published, so the other columns are those its aggregates imply.

FH_TACTICS = {
    "ASSASSINATION": "assassination",
    "ASSAULT": "assault",
    "DETENTION_HOST": "detention",
    "DEPORTATION": "unlawful deportation",
    "EXTRADITION": "unlawful deportation",
    "RENDITION": "rendition",
    "ABDUCTION": "disappearance",
}
# The most serious first: an incident's tactic in the one-tactic-per-incident tables.
FH_ORDER = ("assassination", "rendition", "disappearance", "unlawful deportation", "detention", "assault")


def fh_tactics(codes: set[str]) -> list[str]:
    """An incident's codebook tactics in Freedom House's terms, the most serious first."""
    tactics = {FH_TACTICS[c] for c in codes if c in FH_TACTICS}
    if "rendition" in tactics:
        tactics.discard("disappearance")  # seized and returned: one rendition
    return [t for t in FH_ORDER if t in tactics]


FH_TARGETS = {
    "ACTIVIST": "activist",
    "POLITICAL_OPPOSITION": "activist",
    "JOURNALIST": "journalist",
    "HUMAN_RIGHTS_DEFENDER": "human rights defender",
    "FORMER_OFFICIAL": "former insider",
    "RELIGIOUS_FIGURE": "religious figure",
}
# Host involvement Freedom House reports as collaboration: the host detained, deported or extradited.
FH_HOST_ACTS = frozenset({"DETENTION_HOST", "DEPORTATION", "EXTRADITION"})
FH_COLUMNS = [
    "incident", "year", "origin_state", "host_country", "tactic", "tactics", "target_category",
    "host_collaboration", "interpol", "mass_event", "attribution",
]  # fmt: skip


def fh_rows(incidents: Iterable[Any]) -> Iterator[dict[str, str]]:
    """One row per physical incident in Freedom House's terms (incidents with no direct-attack tactic
    are not Freedom House incidents and are left out)."""
    for i in incidents:
        acts = list(i.acts.all())
        codes = {t.code for a in acts for t in a.tactics.all()}
        tactics = fh_tactics(codes)
        if not tactics:
            continue
        targets = {p.pk: p for a in acts for p in a.targets.all()}
        categories = sorted(
            {FH_TARGETS.get(t.code, "other") for p in targets.values() for t in p.profiles.all()}
        )
        confidences = [a.origin_confidence for a in acts] or ["UNKNOWN"]
        yield {
            "incident": i.code,
            "year": str(i.date_start.year),
            "origin_state": i.origin_state,
            "host_country": i.host_country,
            "tactic": tactics[0],
            "tactics": _cell(tactics),
            "target_category": _cell(categories or ["unknown"]),
            "host_collaboration": _cell(bool(codes & FH_HOST_ACTS)),
            "interpol": _cell(any(c.startswith("INTERPOL_") for c in codes)),
            "mass_event": _cell(len(targets) >= 3),
            "attribution": min(confidences, key=CONFIDENCE_ORDER.index),
        }


FH_TABLE_COLUMNS = ["table", "origin_state", "host_country", "year", "tactic", "incidents"]


def fh_tables(rows: Iterable[dict[str, str]]) -> Iterator[dict[str, str]]:
    """The aggregate tables in the shape Freedom House publishes: incidents by origin government, by
    host country, by origin and host, by year and by tactic (each incident under its one tactic)."""
    from collections import Counter

    tables: dict[str, Counter[tuple[str, ...]]] = {
        name: Counter() for name in ("origin", "host", "origin-host", "year", "tactic", "total")
    }
    keys = {
        "origin": ("origin_state",),
        "host": ("host_country",),
        "origin-host": ("origin_state", "host_country"),
        "year": ("year",),
        "tactic": ("tactic",),
        "total": (),
    }
    for row in rows:
        for name, fields in keys.items():
            tables[name][tuple(row[f] for f in fields)] += 1
    for name, counts in tables.items():
        for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            out = dict.fromkeys(FH_TABLE_COLUMNS, "")
            out.update(dict(zip(keys[name], key, strict=True)))
            out["table"], out["incidents"] = name, str(n)
            yield out
