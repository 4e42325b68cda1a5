"""Differentially private counts over a fixed domain (OpenDP), without Django."""

from __future__ import annotations

import pytest

from longreach.insight import publication


def test_the_noise_gives_the_epsilon_asked_for() -> None:
    one = publication.scale_for(1.0, 1)
    assert one == pytest.approx(1.0, rel=0.01)  # discrete Laplace: epsilon = sensitivity / scale
    assert publication.scale_for(1.0, 4) == pytest.approx(4 * one, rel=0.01)
    assert publication.scale_for(0.1, 1) == pytest.approx(10 * one, rel=0.01)


@pytest.mark.parametrize(("epsilon", "sensitivity"), [(0, 1), (-1, 1), (11, 1), (1, 0)])
def test_nonsense_budgets_are_refused(epsilon: float, sensitivity: int) -> None:
    with pytest.raises(publication.PublicationError):
        publication.scale_for(epsilon, sensitivity)


def test_every_cell_of_the_domain_is_noised_and_small_ones_hidden() -> None:
    cells = publication.domain([["CN", "IR", "RU"], [2024, 2025]])
    assert len(cells) == 6
    counts = {("CN", 2024): 40, ("IR", 2025): 12}
    # At epsilon 10 the noise is almost never more than zero: the true counts come back.
    table = publication.release(counts, cells, epsilon=10, sensitivity=1, shown_from=5)
    assert table.cells == 6 and table.rows == [(("CN", 2024), 40), (("IR", 2025), 12)]
    assert table.scale < 0.2


def test_noise_at_a_small_epsilon_moves_counts() -> None:
    cells = publication.domain([[f"C{n}" for n in range(200)]])
    counts = {c: 100 for c in cells}
    table = publication.release(counts, cells, epsilon=0.1, sensitivity=1, shown_from=1)
    values = [v for _c, v in table.rows]
    assert len(set(values)) > 10 and 80 < sum(values) / len(values) < 120


def test_counts_outside_the_domain_and_huge_domains_are_refused() -> None:
    with pytest.raises(publication.PublicationError, match="outside the domain"):
        publication.release({("XX",): 3}, [("CN",)], epsilon=1, sensitivity=1, shown_from=5)
    with pytest.raises(publication.PublicationError, match="at most"):
        publication.domain([list(range(2000)), list(range(2000))])


def test_an_empty_domain_releases_nothing() -> None:
    table = publication.release({}, [], epsilon=1, sensitivity=1, shown_from=5)
    assert table.rows == [] and table.cells == 0
