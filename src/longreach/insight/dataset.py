"""The researcher's dataset: one row per incident, coded fields only, released k-anonymous (pure Python).

What an outsider may already know about someone's incident is where they fled from, where they live,
the year and their community: those are the quasi-identifiers. A released row shares its combination
of them with at least k-1 other released rows, so knowing them points at no fewer than k incidents.
A rarer row is generalised a step at a time (``STEPS``: the community withheld, the year widened to a
band of three, the host country withheld with the countries the harm landed in and the states that
executed it, which would name the host again, then the year withheld) and a row still rarer is left
out and counted, never shown. Rows are pooled only with rows generalised the same way.
Generalisation is decided over everything the user's statistics count, before any filter, so
narrowing a view cannot make a class smaller than k.

The rows are microdata for analysis, not tables to publish: within a class the coded details are
shown as they are. Counts to publish come from the suppressed statistics.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

QUASI = ("origin_state", "host_country", "year", "community")
BAND = 3  # years in a band: 1900-1902, ..., 2023-2025, 2026-2028

EXACT, BANDED, WITHHELD = 0, 1, 2

# Each step generalises more; a row is released at the first step where its class holds at least k
# rows. The community goes first (the coarsest cut researchers use), then the year widens to a band of
# three, then the host country goes (which matters most in transnational repression), then the year.
# The origin state is never withheld: without it a row says nothing about transnational repression.
STEPS: tuple[dict[str, int], ...] = (
    {},
    {"community": WITHHELD},
    {"community": WITHHELD, "year": BANDED},
    {"community": WITHHELD, "host_country": WITHHELD},
    {"community": WITHHELD, "host_country": WITHHELD, "year": BANDED},
    {"community": WITHHELD, "host_country": WITHHELD, "year": WITHHELD},
)

# Columns that would give a withheld quasi-identifier back.
GOES_WITH = {"host_country": ("harm_countries", "executing_states")}

LISTS = (
    "harm_countries",
    "executing_states",
    "tactic_families",
    "tactics",
    "demands",
    "channels",
    "perpetrator_types",
    "relationships",
    "relative_outcomes",
)
NUMBERS = ("year_from", "year_to", "acts", "targets", "relatives", "relatives_minor")
COLUMNS = (
    "row",
    "year_from",
    "year_to",
    "origin_state",
    "host_country",
    "community",
    "harm_countries",
    "executing_states",
    "physical",
    "tactic_families",
    "tactics",
    "demands",
    "channels",
    "perpetrator_types",
    "attribution",
    "acts",
    "targets",
    "relatives",
    "relatives_minor",
    "relationships",
    "relative_outcomes",
)


@dataclass(frozen=True)
class Release:
    """The released rows (withheld values are None), how many rows were withheld whole, and how many
    released rows had each quasi-identifier withheld."""

    k: int
    rows: list[dict[str, Any]]
    withheld: int
    generalised: Mapping[str, int] = field(default_factory=dict)


def _years(year: int | None, level: int) -> tuple[int | None, int | None]:
    if year is None or level == WITHHELD:
        return None, None
    if level == BANDED:
        first = year - (year - 1900) % BAND
        return first, first + BAND - 1
    return year, year


def _key(row: Mapping[str, Any], step: Mapping[str, int]) -> tuple[Any, ...]:
    return (
        row.get("origin_state"),
        None if step.get("host_country") else row.get("host_country"),
        _years(row.get("year"), step.get("year", EXACT)),
        None if step.get("community") else row.get("community"),
    )


def _sort_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    # Withheld values sort last; the order says nothing about when a record was made.
    def last(value: Any) -> tuple[bool, str]:
        return (value is None, "" if value is None else f"{value:>8}")

    return (
        tuple(last(row[c]) for c in ("origin_state", "host_country", "year_from", "year_to", "community")),
        tuple(row.get("tactics") or ()),
        tuple(row.get("demands") or ()),
        row.get("attribution") or "",
        row.get("acts") or 0,
    )


def release(rows: Iterable[Mapping[str, Any]], k: int) -> Release:
    """Rows generalised along STEPS until every released combination of QUASI holds at least ``k``.
    Rows come with ``year``; released rows have ``year_from`` and ``year_to`` (equal when exact)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    pending = list(rows)
    released: list[dict[str, Any]] = []
    generalised: Counter[str] = Counter()
    for step in STEPS:
        sizes = Counter(_key(r, step) for r in pending)
        kept = []
        for r in pending:
            if sizes[_key(r, step)] < k:
                kept.append(r)
                continue
            out = {c: r.get(c) for c in COLUMNS if c not in ("row", "year_from", "year_to")}
            out["year_from"], out["year_to"] = _years(r.get("year"), step.get("year", EXACT))
            for q, level in step.items():
                if level == WITHHELD:
                    if q != "year":  # the year's columns are set above
                        out[q] = None
                    for column in GOES_WITH.get(q, ()):
                        out[column] = None
                generalised["year_band" if (q, level) == ("year", BANDED) else q] += 1
            released.append(out)
        pending = kept
    released.sort(key=_sort_key)
    for n, r in enumerate(released, 1):
        r["row"] = n
    return Release(k, released, len(pending), dict(generalised))


def select(
    rows: Sequence[Mapping[str, Any]],
    *,
    origin_state: str = "",
    host_country: str = "",
    tactic_family: str = "",
    year_from: int | None = None,
    year_to: int | None = None,
) -> list[Mapping[str, Any]]:
    """Released rows within a view's filters. A row matches years asked for only when all of its span
    lies within them, and a withheld year or host only a view that does not ask for them: such a row
    cannot be placed."""
    out = []
    for r in rows:
        if origin_state and r["origin_state"] != origin_state:
            continue
        if host_country and r["host_country"] != host_country:
            continue
        if tactic_family and tactic_family not in (r["tactic_families"] or ()):
            continue
        if year_from is not None and (r["year_from"] is None or r["year_from"] < year_from):
            continue
        if year_to is not None and (r["year_to"] is None or r["year_to"] > year_to):
            continue
        out.append(r)
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def to_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """CSV with a header; lists joined with "; ", withheld values empty. Every value is a code, a
    number or a boolean, so no cell can start a spreadsheet formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([_cell(r.get(c)) for c in COLUMNS])
    return out.getvalue()


def to_parquet(rows: Sequence[Mapping[str, Any]], *, metadata: Mapping[str, str]) -> bytes:
    """Parquet with typed columns (lists as lists, withheld values null) and ``metadata`` (k, when,
    what was withheld) in the file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types: dict[str, Any] = {c: pa.string() for c in COLUMNS}
    types.update({c: pa.list_(pa.string()) for c in LISTS})
    types.update({c: pa.int32() for c in (*NUMBERS, "row")})
    types["physical"] = pa.bool_()
    schema = pa.schema([(c, types[c]) for c in COLUMNS], metadata=dict(metadata))
    columns = {
        c: [list(r[c]) if c in LISTS and r.get(c) is not None else r.get(c) for r in rows] for c in COLUMNS
    }
    table = pa.Table.from_pydict(columns, schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()
