"""Small-cell suppression for published counts (docs/codebook.md §10), without Django.

Primary suppression hides every non-zero count below the threshold.
Secondary suppression then makes sure no row or column has exactly one
hidden cell, because a single hidden cell could be recovered by subtracting
the visible ones from a published total: in each such line the smallest
visible non-zero cell is hidden too, until nothing changes. Zeros stay
visible (they reveal nothing about a person).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)


def suppress(table: Mapping[R, Mapping[C, int]], threshold: int = 10) -> dict[R, dict[C, int | None]]:
    """The table with hidden cells as None."""
    if threshold < 1:
        raise ValueError("the threshold must be at least 1")
    rows = list(table)
    columns = sorted({c for r in rows for c in table[r]}, key=str)
    value = {(r, c): int(table[r].get(c, 0)) for r in rows for c in columns}
    if any(v < 0 for v in value.values()):
        raise ValueError("counts cannot be negative")
    lines = [[(r, c) for c in columns] for r in rows] + [[(r, c) for r in rows] for c in columns]
    hidden = _hidden(value, lines, threshold)
    return {r: {c: (None if (r, c) in hidden else value[(r, c)]) for c in columns} for r in rows}


Cell = TypeVar("Cell", bound=Hashable)


def _hidden(value: Mapping[Cell, int], lines: list[list[Cell]], threshold: int) -> set[Cell]:
    """Primary suppression (every non-zero count under the threshold), then, until nothing changes, in
    each line with exactly one hidden cell the smallest visible non-zero one is hidden too."""
    hidden = {cell for cell, v in value.items() if 0 < v < threshold}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            candidates = [cell for cell in line if cell not in hidden and value[cell] > 0]
            if candidates:
                hidden.add(min(candidates, key=lambda cell: (value[cell], str(cell))))
                changed = True
    return hidden


ALL = "*"  # the coordinate of a margin: every value of that dimension


def suppress_levels(
    cells: Mapping[tuple[Hashable, ...], int], threshold: int
) -> dict[tuple[Hashable, ...], int | None]:
    """The same rule for a table of any number of dimensions published with its margins at every level.

    ``cells`` maps coordinates (one per dimension, ``ALL`` where a cell is a margin over that dimension)
    to counts, e.g. ("CN", "TR", 2024) and its margins ("CN", ALL, 2024), (ALL, ALL, ALL)...; absent
    cells are zero. A line is the cells that share every coordinate but one, with the margin over that
    one. Every query grouped by any of the dimensions is a set of these cells, so one pattern of hidden
    cells holds for all of them: no line ends with exactly one hidden cell, whichever query its cells
    and its margin came from."""
    if threshold < 1:
        raise ValueError("the threshold must be at least 1")
    if any(v < 0 for v in cells.values()):
        raise ValueError("counts cannot be negative")
    width = {len(key) for key in cells}
    if len(width) > 1:
        raise ValueError("every cell needs one coordinate per dimension")
    lines: list[list[tuple[Hashable, ...]]] = []
    for dim in range(next(iter(width), 0)):
        grouped: dict[tuple[Hashable, ...], list[tuple[Hashable, ...]]] = {}
        for key in cells:
            grouped.setdefault(key[:dim] + key[dim + 1 :], []).append(key)
        lines += [line for line in grouped.values() if len(line) > 1]
    hidden = _hidden(cells, lines, threshold)
    return {key: (None if key in hidden else v) for key, v in cells.items()}
