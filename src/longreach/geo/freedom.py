"""Reading Freedom House's *Freedom in the World* ratings from the Excel file it publishes (pure Python,
no Django). Nothing is fetched: an administrator downloads the file and imports it.

The "All data" workbook has one row per country or territory and edition, under a header row that is
not the first row. We need the country, the edition (the report's year), the status (F, PF, NF) and the
aggregate scores: political rights 0-40 (down to -4: the discretionary question on demographic
change subtracts up to four points, as China's -2 shows) and civil liberties 0-60. Territories are
left out; a country name that cannot be matched to ISO 3166 stops the import unless the caller
chooses to skip it, so that a renamed country is noticed rather than silently lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
STATUSES = {"F", "PF", "NF"}

# Freedom House's names that ISO 3166 and pycountry spell differently.
ALIASES = {
    "congo (brazzaville)": "CG",
    "congo (kinshasa)": "CD",
    "republic of the congo": "CG",
    "democratic republic of the congo": "CD",
    "russia": "RU",
    "iran": "IR",
    "syria": "SY",
    "turkey": "TR",
    "türkiye": "TR",
    "laos": "LA",
    "north korea": "KP",
    "south korea": "KR",
    "vietnam": "VN",
    "moldova": "MD",
    "tanzania": "TZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "brunei": "BN",
    "the gambia": "GM",
    "gambia": "GM",
    "micronesia": "FM",
    "eswatini": "SZ",
    "swaziland": "SZ",
    "cabo verde": "CV",
    "cape verde": "CV",
    "taiwan": "TW",
    "st. kitts and nevis": "KN",
    "st. lucia": "LC",
    "st. vincent and the grenadines": "VC",
    "timor-leste": "TL",
    "east timor": "TL",
    "czech republic": "CZ",
    "czechia": "CZ",
    "north macedonia": "MK",
    "macedonia": "MK",
    "myanmar": "MM",
    "burma": "MM",
    "sao tome and principe": "ST",
    "são tomé and príncipe": "ST",
    "cote d'ivoire": "CI",
    "côte d'ivoire": "CI",
    "ivory coast": "CI",
    "united states": "US",
    "united kingdom": "GB",
    "bahamas": "BS",
    "the bahamas": "BS",
    "vatican city": "VA",
}


class FreedomFileError(ValueError):
    """The file cannot be imported; ``where`` names file, sheet, row and column."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


@dataclass(frozen=True)
class Rating:
    country: str  # ISO 3166-1 alpha-2
    edition: int
    status: str
    political_rights: int
    civil_liberties: int


@dataclass
class Read:
    ratings: list[Rating]
    territories: int = 0
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (row, name) skipped by choice


def country_code(name: str) -> str | None:
    key = " ".join(name.split()).strip().lower()
    if key in ALIASES:
        return ALIASES[key]
    try:
        found = pycountry.countries.lookup(name.strip())
    except LookupError:
        return None
    return str(found.alpha_2)


def _header(cells: tuple[Any, ...]) -> dict[str, int] | None:
    names = {str(c).strip().lower(): i for i, c in enumerate(cells) if c is not None}
    country = names.get("country/territory", names.get("country"))
    edition = names.get("edition", names.get("year"))
    if country is None or edition is None or "cl" not in names or "pr" not in names or "status" not in names:
        return None
    found = {
        "country": country,
        "edition": edition,
        "status": names["status"],
        "pr": names["pr"],
        "cl": names["cl"],
    }
    if "c/t" in names:
        found["kind"] = names["c/t"]
    return found


def _int(value: Any, low: int, high: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and low <= value <= high else None


def read(path: Path, *, skip_unknown: bool = False) -> Read:
    """Every country's ratings in the workbook's first sheet that has the columns we need."""
    from openpyxl import load_workbook

    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FreedomFileError(name, f"cannot be read: {exc.strerror}") from None
    if size > MAX_BYTES:
        raise FreedomFileError(name, f"is {size} bytes; at most {MAX_BYTES}")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FreedomFileError(name, f"is not an Excel workbook (.xlsx): {type(exc).__name__}") from None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            for line, cells in enumerate(rows, 1):
                if line > 20:
                    break
                columns = _header(cells)
                if columns:
                    return _rows(rows, columns, f"{name}, sheet {sheet.title!r}", line, skip_unknown)
    finally:
        book.close()
    raise FreedomFileError(
        name,
        "no sheet has a header row with Country/Territory, Edition, Status, PR and CL in its first 20 rows",
    )


def _rows(rows: Any, columns: dict[str, int], where: str, header: int, skip_unknown: bool) -> Read:
    found = Read([])
    seen: set[tuple[str, int]] = set()
    for line, cells in enumerate(rows, header + 1):
        if line - header > MAX_ROWS:
            raise FreedomFileError(where, f"more than {MAX_ROWS} rows")

        def cell(key: str, cells: tuple[Any, ...] = cells) -> Any:
            return cells[columns[key]] if columns[key] < len(cells) else None

        raw_name = cell("country")
        if raw_name is None or not str(raw_name).strip():
            continue  # blank lines and notes under the table
        at = f"{where}, row {line}"
        if "kind" in columns and str(cell("kind") or "").strip().lower() == "t":
            found.territories += 1
            continue
        country = country_code(str(raw_name))
        if country is None:
            if skip_unknown:
                found.unknown.append((line, str(raw_name)))
                continue
            raise FreedomFileError(
                f"{at}, column Country/Territory",
                f"{str(raw_name)[:80]!r} is not a country we can match to ISO 3166 "
                "(--skip-unknown leaves it out)",
            )
        edition = _int(cell("edition"), 1970, 2100)
        status = str(cell("status") or "").strip().upper()
        pr, cl = _int(cell("pr"), -4, 40), _int(cell("cl"), 0, 60)
        for column, ok in (
            ("Edition", edition),
            ("Status", status in STATUSES or None),
            ("PR", pr),
            ("CL", cl),
        ):
            if ok is None:
                expected = {
                    "Edition": "a year",
                    "Status": "F, PF or NF",
                    "PR": "a whole number from -4 to 40",
                    "CL": "a whole number from 0 to 60",
                }[column]
                raise FreedomFileError(f"{at}, column {column}", f"should be {expected}")
        assert edition is not None and pr is not None and cl is not None
        if (country, edition) in seen:
            raise FreedomFileError(at, f"{country} appears twice for the {edition} edition")
        seen.add((country, edition))
        found.ratings.append(Rating(country, edition, status, pr, cl))
    if not found.ratings:
        raise FreedomFileError(where, "has a header but no country rows")
    return found
