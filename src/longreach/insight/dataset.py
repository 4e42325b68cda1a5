"""The researcher's dataset: one row per incident, coded fields only, released k-anonymous (pure Python).

What an outsider may already know about someone's incident is where they fled from, where they live,
the year and their community: those are the quasi-identifiers. A released row shares its combination
of them with at least k-1 other released rows, so knowing them points at no fewer than k incidents.
A rarer row is generalised a step at a time (the host country withheld, with the countries the harm
landed in and the states that executed it, which would name the host again; then the community; then
the year) and a row still rarer is withheld and counted, never shown. Generalisation is decided over
everything the user's statistics count, before any filter, so narrowing a view cannot make a class
smaller than k.

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

# Each step withholds more quasi-identifiers; a row is released at the first step where its class
# holds at least k rows. The origin state is never withheld: without it a row says nothing about
# transnational repression.
STEPS: tuple[frozenset[str], ...] = (
    frozenset(),
    frozenset({"host_country"}),
    frozenset({"host_country", "community"}),
    frozenset({"host_country", "community", "year"}),
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
NUMBERS = ("year", "acts", "targets", "relatives", "relatives_minor")
COLUMNS = (
    "row",
    "year",
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


def _key(row: Mapping[str, Any], hidden: frozenset[str]) -> tuple[Any, ...]:
    return tuple(None if q in hidden else row.get(q) for q in QUASI)


def _sort_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    # Withheld values sort last; the order says nothing about when a record was made.
    return (
        tuple((row[q] is None, "" if row[q] is None else str(row[q])) for q in QUASI),
        tuple(row.get("tactics") or ()),
        tuple(row.get("demands") or ()),
        row.get("attribution") or "",
        row.get("acts") or 0,
    )


def release(rows: Iterable[Mapping[str, Any]], k: int) -> Release:
    """Rows generalised along STEPS until every released combination of QUASI holds at least ``k``."""
    if k < 1:
        raise ValueError("k must be at least 1")
    pending = list(rows)
    released: list[dict[str, Any]] = []
    generalised: Counter[str] = Counter()
    for hidden in STEPS:
        sizes = Counter(_key(r, hidden) for r in pending)
        kept = []
        for r in pending:
            if sizes[_key(r, hidden)] >= k:
                out = {c: r.get(c) for c in COLUMNS if c != "row"}
                for q in hidden:
                    out[q] = None
                    for column in GOES_WITH.get(q, ()):
                        out[column] = None
                    generalised[q] += 1
                released.append(out)
            else:
                kept.append(r)
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
    """Released rows within a view's filters. A row whose year or host is withheld matches only a
    view that does not ask for them: it cannot be placed."""
    out = []
    for r in rows:
        if origin_state and r["origin_state"] != origin_state:
            continue
        if host_country and r["host_country"] != host_country:
            continue
        if tactic_family and tactic_family not in (r["tactic_families"] or ()):
            continue
        if year_from is not None and (r["year"] is None or r["year"] < year_from):
            continue
        if year_to is not None and (r["year"] is None or r["year"] > year_to):
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
