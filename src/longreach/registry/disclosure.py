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
    hidden = {cell for cell, v in value.items() if 0 < v < threshold}
    lines = [[(r, c) for c in columns] for r in rows] + [[(r, c) for r in rows] for c in columns]
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
    return {r: {c: (None if (r, c) in hidden else value[(r, c)]) for c in columns} for r in rows}
