"""Safe CSV reading and writing for imports and exports (pure Python, no Django).

Spreadsheets execute cells that start with ``=``, ``+``, ``-``, ``@`` (and
tab or carriage return): a perpetrator's message pasted into an export could
run a command on a researcher's machine. Exports neutralise such cells;
imports check encoding, size and shape first and name the file, line and
column of the first problem, so nothing is written from a bad file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 100_000
MAX_ROWS = 1_000_000


class TabularError(ValueError):
    """A CSV file cannot be used; ``where`` says file, line and column."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


def neutralise(cell: str) -> str:
    """Make a cell inert in spreadsheets by prefixing a quote when it could be a formula.

    A cell that already starts with a quote gets one more, so ``restore``
    can tell our prefix from the data's own quote.
    """
    return "'" + cell if cell.startswith((*_DANGEROUS, "'")) else cell


def restore(cell: str) -> str:
    """Undo ``neutralise`` on import so an export round-trips exactly."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith((*_DANGEROUS, "'")) else cell


def write(rows: Iterable[dict[str, str]], columns: list[str], out: io.TextIOBase) -> int:
    """Write a header and rows, every cell neutralised; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([neutralise(row.get(c, "")) for c in columns])
        n += 1
    return n


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


def read(
    path: Path,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_cell: int = MAX_CELL,
    max_rows: int = MAX_ROWS,
) -> Iterator[Row]:
    """Rows of a UTF-8 CSV (a BOM is allowed) with exactly known columns.

    Raises TabularError at the first problem: undecodable bytes, a missing or
    unknown column, a row of the wrong width, an oversized cell, too many rows.
    """
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise TabularError(f"{name}, line {line}", "is not UTF-8 text (save the file as UTF-8 CSV)") from exc
    except OSError as exc:
        raise TabularError(name, f"cannot be read: {exc.strerror}") from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise TabularError(f"{name}, line {line}", "contains a NUL byte; this is not a text CSV file")
    # The limit is process-wide in the csv module; one above ours lets our own check name the column.
    csv.field_size_limit(max_cell + 1)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise TabularError(
            f"{name}, line 1", "the file is empty; the first line must name the columns"
        ) from None
    except csv.Error as exc:
        raise TabularError(f"{name}, line 1", f"the header is not valid CSV: {exc}") from exc
    allowed = set(required) | set(optional)
    header = [h.strip() for h in header]
    for i, h in enumerate(header, start=1):
        if h not in allowed:
            raise TabularError(
                f"{name}, line 1, column {i}",
                f"unknown column {h[:60]!r}; expected {', '.join(sorted(allowed))}",
            )
    if len(set(header)) != len(header):
        raise TabularError(f"{name}, line 1", "a column appears twice")
    missing = [c for c in required if c not in header]
    if missing:
        raise TabularError(f"{name}, line 1", f"missing column(s) {', '.join(missing)}")
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = (
                f"a cell is longer than {max_cell:,} characters"
                if "field larger" in str(exc)
                else f"not valid CSV: {exc}"
            )
            raise TabularError(f"{name}, line {reader.line_num}", reason) from exc
        if not cells:
            continue
        count += 1
        if count > max_rows:
            raise TabularError(f"{name}, line {reader.line_num}", f"more than {max_rows:,} rows")
        if len(cells) != len(header):
            raise TabularError(
                f"{name}, line {reader.line_num}", f"has {len(cells)} cells; the header has {len(header)}"
            )
        for i, cell in enumerate(cells, start=1):
            if len(cell) > max_cell:
                raise TabularError(
                    f"{name}, line {reader.line_num}, column {i} ({header[i - 1]})",
                    f"cell longer than {max_cell:,} characters",
                )
        yield Row(reader.line_num, {h: restore(c) for h, c in zip(header, cells, strict=True)})
