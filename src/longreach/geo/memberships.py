"""Dated memberships of regional bodies (SCO, GCC, CSTO) read from data (no Django).

A reviewer asks "was Iran in the SCO when this red notice was issued?", so
every membership has a start, an optional end, the precision of each date and
the source that states it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from longreach.geo.countries import CountryError, normalise

SHIPPED = Path(__file__).parent / "data" / "regional_memberships.json"
PRECISIONS = ("day", "month", "year")


class MembershipDataError(ValueError):
    """The data file is invalid; the message names the organisation, entry and field."""


@dataclass(frozen=True)
class MembershipData:
    organisation: str
    organisation_name: str
    country: str
    start: dt.date
    start_precision: str
    end: dt.date | None
    end_precision: str
    source: str


def _date(value: Any, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise MembershipDataError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from exc


def parse(data: Any, name: str = "memberships") -> list[MembershipData]:
    if (
        not isinstance(data, dict)
        or data.get("format") != 1
        or not isinstance(data.get("organisations"), dict)
    ):
        raise MembershipDataError(f"{name}: expected an object with format 1 and 'organisations'")
    out = []
    for org, odata in data["organisations"].items():
        if not isinstance(odata, dict) or not isinstance(odata.get("members"), list) or not odata.get("name"):
            raise MembershipDataError(f"{name}: {org}: needs a 'name' and a 'members' list")
        for i, m in enumerate(odata["members"]):
            where = f"{name}: {org} member {i + 1}"
            if not isinstance(m, dict):
                raise MembershipDataError(f"{where}: must be an object")
            try:
                country = normalise(m.get("country", ""))
            except CountryError as exc:
                raise MembershipDataError(f"{where}: country: {exc}") from exc
            start = _date(m.get("start"), f"{where} start")
            end = _date(m["end"], f"{where} end") if m.get("end") else None
            precision, end_precision = m.get("precision", "day"), m.get("end_precision", "day" if end else "")
            if precision not in PRECISIONS or (end and end_precision not in PRECISIONS):
                raise MembershipDataError(f"{where}: precision must be one of {', '.join(PRECISIONS)}")
            if end and end < start:
                raise MembershipDataError(f"{where}: ends before it starts")
            source = m.get("source")
            if not isinstance(source, str) or not source.strip():
                raise MembershipDataError(f"{where}: every membership needs a source citation")
            out.append(
                MembershipData(
                    org, odata["name"], country, start, precision, end, end_precision, source.strip()
                )
            )
    return out


def load(path: Path = SHIPPED) -> list[MembershipData]:
    try:
        return parse(json.loads(path.read_text(encoding="utf-8")), str(path))
    except json.JSONDecodeError as exc:
        raise MembershipDataError(f"{path}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
