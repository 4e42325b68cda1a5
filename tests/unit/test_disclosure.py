"""Small-cell suppression: nothing below the threshold shows, and no hidden cell stands alone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from longreach.registry.disclosure import suppress


def test_primary_and_secondary_suppression() -> None:
    table = {"CN-TR": {"total": 40, "a": 3, "b": 37}, "RU-DE": {"total": 25, "a": 12, "b": 13}}
    out = suppress(table, 10)
    assert out["CN-TR"]["a"] is None  # 3 < 10
    # Alone in its row, 3 could be read off as 40 - 37, so 37 is hidden too.
    assert out["CN-TR"]["b"] is None
    # Column "a" now has one hidden cell; the smallest visible one joins it.
    assert out["RU-DE"]["a"] is None
    assert out["RU-DE"]["total"] == 25


def test_zero_stays_visible_and_threshold_is_checked() -> None:
    assert suppress({"x": {"a": 0, "b": 50}}, 10) == {"x": {"a": 0, "b": 50}}
    try:
        suppress({"x": {"a": 1}}, 0)
    except ValueError:
        pass
    else:
        raise AssertionError("threshold 0 must be refused")


tables = st.dictionaries(
    st.text(min_size=1, max_size=3),
    st.dictionaries(st.sampled_from("abcde"), st.integers(0, 40), min_size=1),
    min_size=1,
    max_size=8,
)


@given(tables, st.integers(1, 20))
def test_no_small_count_and_no_lonely_hidden_cell(table: dict, threshold: int) -> None:
    out = suppress(table, threshold)
    columns = {c for r in out for c in out[r]}
    for r, cells in out.items():
        for c, v in cells.items():
            assert v is None or v == 0 or v >= threshold
            original = table[r].get(c, 0)
            assert v is None or v == original
    lines = [list(cells.items()) for cells in out.values()]
    lines += [[(r, out[r][c]) for r in out] for c in columns]
    for line in lines:
        hidden = [k for k, v in line if v is None]
        visible_nonzero = [k for k, v in line if v not in (None, 0)]
        assert len(hidden) != 1 or not visible_nonzero
