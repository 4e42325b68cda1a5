"""Where to report, per host country: data with sources, shown to reporters and staff.

The table is a JSON file (``data/where_to_report.json``) so that an NGO can
correct a number without touching code; an administrator can point
LONGREACH_WHERE_TO_REPORT_FILE at their own copy. Entries without a source
are refused when the file is read.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

DEFAULT_FILE = Path(__file__).parent / "data" / "where_to_report.json"
FIELDS = (
    "emergency",
    "police",
    "national_security",
    "national_security_web",
    "cyber",
    "cyber_web",
)


class TableInvalid(ValueError):
    """The where-to-report file is malformed; the message names the entry and field."""


@dataclass(frozen=True)
class Lines:
    country: str
    emergency: str = ""
    police: str = ""
    national_security: str = ""
    national_security_web: str = ""
    cyber: str = ""
    cyber_web: str = ""
    sources: tuple[str, ...] = ()
    checked: str = ""


def _entry(where: str, country: str, raw: Any) -> Lines:
    if not isinstance(raw, dict):
        raise TableInvalid(f"{where}: must be an object")
    unknown = set(raw) - set(FIELDS) - {"sources", "checked"}
    if unknown:
        raise TableInvalid(f"{where}: unknown field {sorted(unknown)[0]!r}")
    for name in FIELDS:
        if not isinstance(raw.get(name, ""), str) or len(raw.get(name, "")) > 300:
            raise TableInvalid(f"{where}.{name}: must be text of at most 300 characters")
    sources = raw.get("sources")
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.startswith("https://") for s in sources)
    ):
        raise TableInvalid(f"{where}.sources: every entry needs at least one https:// source")
    try:
        dt.date.fromisoformat(str(raw.get("checked", "")))
    except ValueError:
        raise TableInvalid(f"{where}.checked: must be the date the entry was checked (YYYY-MM-DD)") from None
    return Lines(
        country=country, sources=tuple(sources), checked=raw["checked"], **{k: raw.get(k, "") for k in FIELDS}
    )


def parse(text: str, name: str = "where_to_report.json") -> dict[str, Lines]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TableInvalid(f"{name}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("format") != "longreach-where-to-report/1":
        raise TableInvalid(f"{name}: format must be longreach-where-to-report/1")
    table: dict[str, Lines] = {}
    for group, spec in (data.get("groups") or {}).items():
        members = spec.get("members", []) if isinstance(spec, dict) else None
        if not isinstance(members, list):
            raise TableInvalid(f"{name}: groups.{group}.members must be a list of country codes")
        for code in members:
            table[code] = _entry(f"{name}: groups.{group}.entry", code, spec.get("entry"))
    for code, raw in (data.get("countries") or {}).items():
        if not (isinstance(code, str) and len(code) == 2 and code.isupper()):
            raise TableInvalid(f"{name}: countries.{code}: not an ISO 3166-1 alpha-2 code")
        table[code] = _entry(f"{name}: countries.{code}", code, raw)
    return table


@functools.lru_cache(maxsize=2)
def _load(path: str) -> dict[str, Lines]:
    return parse(Path(path).read_text(encoding="utf-8"), Path(path).name)


def table() -> dict[str, Lines]:
    return _load(str(getattr(settings, "WHERE_TO_REPORT_FILE", None) or DEFAULT_FILE))


def for_country(code: str) -> Lines | None:
    return table().get(code or "")
