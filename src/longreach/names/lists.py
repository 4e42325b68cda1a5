"""Watchlists and batches of names read from files: CSV, FollowTheMoney JSON lines, the UN list. No Django.

- **CSV** (UTF-8, a header row): ``name`` (required), and any of ``id``,
  ``aliases`` (separated by ``;``), ``birth_date`` (YYYY, YYYY-MM or
  YYYY-MM-DD), ``nationality`` (ISO 3166 alpha-2 codes separated by ``;``),
  ``source``.
- **FollowTheMoney JSON lines** (OpenSanctions exports): one entity per line;
  people (schema ``Person``) with their ``name`` and ``alias`` values,
  ``birthDate`` and ``nationality``/``citizenship``; other schemata are
  skipped and counted.
- **The UN Security Council consolidated list** (its XML): each
  ``INDIVIDUAL`` with its names in parts, its name in the original script,
  its aliases, dates of birth and nationalities.
- **INTERPOL's public red notices** saved as JSON (no network): a page of the
  public list (``_embedded.notices``), one notice's detail, or an array of
  either; each notice's ``forename`` and ``name``, ``date_of_birth``
  (``YYYY/MM/DD`` or ``YYYY``), ``nationalities`` and ``entity_id``.

Reading is all or nothing: the first problem stops it with the file, the
line (or record) and the field, so a list is never half imported.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element  # noqa: S405 (types only; parsing is defusedxml's)

import pycountry
from defusedxml import ElementTree

from longreach.names.parse import MAX_NAME_CHARS
from longreach.names.screen import Entry

MAX_FIELD_CHARS = 4_000
MAX_ENTRIES = 2_000_000
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


class ListError(ValueError):
    """A list cannot be read: the message names the file, the line or record, and the field."""


@dataclass
class Read:
    entries: list[Entry] = field(default_factory=list)
    skipped: int = 0  # records that are not people (FollowTheMoney organisations, vessels...)
    records: int = 0


def read_list(path: Path, kind: str = "auto") -> Read:
    """A watchlist file: ``kind`` is csv, ftm, un or auto (by its name and first bytes)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError as exc:
        raise ListError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    with path.open("rb") as fh:
        return read_stream(fh, str(path), kind_of(path.name, head) if kind == "auto" else kind)


def read_stream(fh: IO[bytes], source: str, kind: str) -> Read:
    """A watchlist from an open file (an upload): ``kind`` is csv, ftm, un or interpol."""
    if kind == "csv":
        return read_csv(fh, source)
    if kind == "ftm":
        return read_ftm(fh, source)
    if kind == "un":
        return read_un(fh, source)
    if kind == "interpol":
        return read_interpol(fh, source)
    raise ListError(f"{source}: unknown kind of list {kind!r} (csv, ftm, un or interpol)")


def kind_of(filename: str, head: bytes) -> str:
    """The kind of a list from its name and first bytes: XML is the UN's, JSON lines FollowTheMoney."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if b'"entity_id"' in head or b'"_embedded"' in head or text.startswith(b"["):
        return "interpol"
    if text.startswith(b"<"):
        return "un"
    if text.startswith(b"{") or Path(filename).suffix in (".jsonl", ".ndjson", ".json"):
        return "ftm"
    return "csv"


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ListError(f"{where}: no name")
    if len(value) > MAX_NAME_CHARS:
        raise ListError(f"{where}: a name is at most {MAX_NAME_CHARS} characters")
    return " ".join(value.split())


def _birth(value: str, where: str) -> str:
    value = value.strip()
    if value and not _DATE.match(value):
        raise ListError(f"{where}: {value[:40]!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def countries(values: list[str], where: str, strict: bool = True) -> frozenset[str]:
    """ISO codes of countries given by code or name; an unknown one stops a CSV (typed by a person) and
    is left out of a published list (whose spellings, "Iran (Islamic Republic of)", vary)."""
    found = set()
    for raw in values:
        value = raw.strip()
        if not value:
            continue
        country = pycountry.countries.get(alpha_2=value.upper()) if len(value) == 2 else None
        if country is None:
            country = pycountry.countries.get(alpha_3=value.upper()) if len(value) == 3 else None
        if country is None:
            try:
                country = pycountry.countries.lookup(value)
            except LookupError:
                if strict:
                    raise ListError(f"{where}: {value[:40]!r} is not a country") from None
                continue
        found.add(country.alpha_2)
    return frozenset(found)


def _add(read: Read, entry: Entry) -> None:
    if len(read.entries) >= MAX_ENTRIES:
        raise ListError(f"more than {MAX_ENTRIES:,} names: split the list")
    read.entries.append(entry)


def read_csv(fh: IO[bytes], source: str) -> Read:
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    rows = csv.DictReader(text)
    read = Read()
    try:
        header = [h.strip().lower() for h in rows.fieldnames or []]
        if "name" not in header:
            raise ListError(f"{source}: line 1: no 'name' column (columns: {', '.join(header) or 'none'})")
        rows.fieldnames = header
        for row in rows:
            line = rows.line_num
            where = f"{source}: line {line}"
            if None in row:
                raise ListError(f"{where}: more fields than the header has")
            if any(len(v or "") > MAX_FIELD_CHARS for v in row.values()):
                raise ListError(f"{where}: a field is longer than {MAX_FIELD_CHARS:,} characters")
            read.records += 1
            ref = (row.get("id") or "").strip() or f"line-{line}"
            birth = _birth(row.get("birth_date") or "", f"{where}: birth_date")
            nationalities = countries((row.get("nationality") or "").split(";"), f"{where}: nationality")
            names = [_name(row.get("name"), f"{where}: name")]
            names += [
                _name(a, f"{where}: aliases") for a in (row.get("aliases") or "").split(";") if a.strip()
            ]
            for name in names:
                _add(read, Entry(ref, name, birth, nationalities, (row.get("source") or "").strip()))
    except UnicodeDecodeError as exc:
        raise ListError(f"{source}: not UTF-8 text (byte {exc.start})") from None
    except csv.Error as exc:
        raise ListError(f"{source}: line {rows.line_num}: {exc}") from None
    return read


def read_ftm(fh: IO[bytes], source: str) -> Read:
    read = Read()
    for number, raw in enumerate(_lines(fh, source), 1):
        where = f"{source}: line {number}"
        if not raw.strip():
            continue
        try:
            entity = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise ListError(f"{where}: not a JSON object ({exc.__class__.__name__})") from None
        if not isinstance(entity, dict) or not isinstance(entity.get("properties", {}), dict):
            raise ListError(f"{where}: not a FollowTheMoney entity")
        read.records += 1
        if entity.get("schema") != "Person":
            read.skipped += 1
            continue
        props = entity.get("properties") or {}
        ref = str(entity.get("id") or f"line-{number}")
        births = [b for b in _strings(props.get("birthDate"), f"{where}: birthDate") if b]
        birth = _birth(births[0][:10], f"{where}: birthDate") if births else ""
        nationalities = countries(
            _strings(props.get("nationality"), f"{where}: nationality")
            + _strings(props.get("citizenship"), f"{where}: citizenship"),
            f"{where}: nationality",
            strict=False,
        )
        names = _strings(props.get("name"), f"{where}: name") + _strings(
            props.get("alias"), f"{where}: alias"
        )
        if not names:
            raise ListError(f"{where}: name: a person with no name")
        for name in dict.fromkeys(names):
            _add(read, Entry(ref, _name(name, f"{where}: name"), birth, nationalities, source))
    return read


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ListError(f"{where}: must be a list of strings")
    return value


def _lines(fh: IO[bytes], source: str) -> Iterator[bytes]:
    limit = 1024 * 1024
    for number, line in enumerate(iter(lambda: fh.readline(limit + 1), b""), 1):
        if len(line) > limit and not line.endswith(b"\n"):
            raise ListError(f"{source}: line {number}: longer than {limit:,} bytes")
        yield line


def read_un(fh: IO[bytes], source: str) -> Read:
    """The UN consolidated list's individuals (entities are organisations: skipped and counted)."""
    read = Read()
    try:
        for _event, element in ElementTree.iterparse(fh, events=("end",), forbid_dtd=True):
            if element.tag == "ENTITY":
                read.records += 1
                read.skipped += 1
                element.clear()
            elif element.tag == "INDIVIDUAL":
                read.records += 1
                _un_individual(read, element, source)
                element.clear()
    except ElementTree.ParseError as exc:
        raise ListError(f"{source}: not the UN list's XML: {exc}") from None
    except ValueError as exc:  # defusedxml's refusals (DTDs, entities)
        raise ListError(f"{source}: refused: {exc}") from None
    return read


def _text(element: Element, tag: str) -> str:
    found = element.find(tag)
    return " ".join((found.text or "").split()) if found is not None else ""


def _un_individual(read: Read, element: Element, source: str) -> None:
    ref = _text(element, "REFERENCE_NUMBER") or _text(element, "DATAID")
    where = f"{source}: individual {ref or read.records}"
    parts = [_text(element, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    names = [" ".join(p for p in parts if p)]
    original = _text(element, "NAME_ORIGINAL_SCRIPT")
    if original:
        names.append(original)
    for alias in element.findall("INDIVIDUAL_ALIAS"):
        quality, alias_name = _text(alias, "QUALITY"), _text(alias, "ALIAS_NAME")
        if alias_name and quality.lower() != "low":  # the UN marks weak aliases "Low"
            names.append(alias_name)
    births = []
    for dob in element.findall("INDIVIDUAL_DATE_OF_BIRTH"):
        date, year = _text(dob, "DATE"), _text(dob, "YEAR")
        if date or year:
            births.append(_birth((date or year)[:10], f"{where}: date of birth"))
    nationalities = countries(
        [v.text or "" for v in element.findall("NATIONALITY/VALUE")], f"{where}: nationality", strict=False
    )
    names = [n for n in dict.fromkeys(names) if n]
    if not names:
        raise ListError(f"{where}: no name")
    for name in names:
        _add(
            read,
            Entry(ref, _name(name, f"{where}: name"), births[0] if births else "", nationalities, source),
        )


MAX_JSON_BYTES = 200 * 1024 * 1024


def read_interpol(fh: IO[bytes], source: str) -> Read:
    """INTERPOL's public red notices saved as one JSON document (see the module's notes)."""
    raw = fh.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise ListError(f"{source}: larger than {MAX_JSON_BYTES // (1024 * 1024)} MB")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ListError(f"{source}: not JSON ({exc.__class__.__name__})") from None
    pages = data if isinstance(data, list) else [data]
    read = Read()
    for number, page in enumerate(pages, 1):
        where = f"{source}: item {number}"
        if not isinstance(page, dict):
            raise ListError(f"{where}: not a notice or a page of notices")
        embedded = page.get("_embedded")
        notices = embedded.get("notices") if isinstance(embedded, dict) and "notices" in embedded else [page]
        if not isinstance(notices, list):
            raise ListError(f"{where}: _embedded.notices: must be a list")
        for k, notice in enumerate(notices):
            _interpol_notice(read, notice, f"{where}: notice {k + 1}")
    return read


def _interpol_notice(read: Read, notice: Any, where: str) -> None:
    if not isinstance(notice, dict):
        raise ListError(f"{where}: not a notice")
    read.records += 1
    ref = str(notice.get("entity_id") or "").strip()
    if not ref:
        raise ListError(f"{where}: entity_id: missing")
    where = f"{where} ({ref[:20]})"
    parts = []
    for key in ("forename", "name"):
        value = notice.get(key)
        if value is not None and not isinstance(value, str):
            raise ListError(f"{where}: {key}: must be text")
        if value and value.strip():
            parts.append(value)
    name = _name(" ".join(parts), f"{where}: name")
    born = notice.get("date_of_birth")
    if born is not None and not isinstance(born, str):
        raise ListError(f"{where}: date_of_birth: must be text")
    birth = _birth((born or "").replace("/", "-")[:10], f"{where}: date_of_birth")
    nationalities = notice.get("nationalities") or []
    nationalities = countries(
        _strings(nationalities, f"{where}: nationalities"), f"{where}: nationalities", strict=False
    )
    _add(read, Entry(ref, name, birth, nationalities, "INTERPOL red notice"))
