"""Differentially private counts for a public page (pure Python, no Django): OpenDP's discrete Laplace
mechanism over a domain fixed before the data is looked at.

Which cells exist says something about the data, so noise is added to every cell of the domain (every
country, every year of the span the publisher chose, every tactic family), including the empty ones;
only then are small noisy counts hidden and negative ones clipped, which is post-processing and costs
no privacy. The unit protected is one incident: a table where an incident counts in several cells
(one per tactic family) has that many times the sensitivity, and the noise grows to match.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import opendp.prelude as dp

dp.enable_features("contrib")  # OpenDP's vetted-but-not-yet-proven measurements, the Laplace among them

MAX_CELLS = 2_000_000  # a domain beyond this is refused: memory, and a table nobody could read


class PublicationError(ValueError):
    """The release cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class NoisyTable:
    epsilon: float
    sensitivity: int
    scale: float  # of the discrete Laplace noise
    shown_from: int  # noisy counts below this are not shown
    cells: int  # in the domain, all noised
    rows: list[tuple[tuple[Hashable, ...], int]]  # shown cells and their noisy counts, largest first


def domain(dimensions: Sequence[Sequence[Hashable]]) -> list[tuple[Hashable, ...]]:
    size = 1
    for values in dimensions:
        size *= len(values)
    if size > MAX_CELLS:
        raise PublicationError(f"{size} cells: at most {MAX_CELLS}; group by fewer dimensions or fewer years")
    return list(itertools.product(*dimensions))


def scale_for(epsilon: float, sensitivity: int) -> float:
    """The smallest noise scale that gives ``epsilon`` when one incident moves the counts by
    ``sensitivity`` in total (an L1 distance)."""
    if not 0 < epsilon <= 10:
        raise PublicationError("epsilon must be above 0 and at most 10")
    if sensitivity < 1:
        raise PublicationError("sensitivity must be at least 1")
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    return float(
        dp.binary_search_param(lambda s: space >> dp.m.then_laplace(scale=s), d_in=sensitivity, d_out=epsilon)
    )


def release(
    counts: Mapping[tuple[Hashable, ...], int],
    cells: Sequence[tuple[Hashable, ...]],
    *,
    epsilon: float,
    sensitivity: int,
    shown_from: int,
) -> NoisyTable:
    """Every cell of ``cells`` noised once (a cell outside it must not be in ``counts``); cells whose
    noisy count is at least ``shown_from`` are kept."""
    outside = set(counts) - set(cells)
    if outside:
        raise PublicationError(f"{len(outside)} counted cell(s) fall outside the domain")
    scale = scale_for(epsilon, sensitivity)
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    measurement = space >> dp.m.then_laplace(scale=scale)
    if measurement.map(sensitivity) > epsilon + 1e-9:  # the library's own accounting, checked
        raise PublicationError("the noise found does not give the epsilon asked for")
    noisy = measurement([int(counts.get(cell, 0)) for cell in cells]) if cells else []
    shown = [(cell, value) for cell, value in zip(cells, noisy, strict=True) if value >= max(shown_from, 1)]
    shown.sort(key=lambda cv: (-cv[1], tuple(str(v) for v in cv[0])))
    return NoisyTable(epsilon, sensitivity, scale, shown_from, len(cells), shown)
