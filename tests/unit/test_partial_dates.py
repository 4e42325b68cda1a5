"""Partial dates never invent a day and print back as given."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from longreach.registry.dates import PartialDate, PartialDateError


@pytest.mark.parametrize(
    ("text", "start", "precision", "approx", "end"),
    [
        ("2017", dt.date(2017, 1, 1), "year", False, dt.date(2017, 12, 31)),
        ("2017-02", dt.date(2017, 2, 1), "month", False, dt.date(2017, 2, 28)),
        ("2016-02", dt.date(2016, 2, 1), "month", False, dt.date(2016, 2, 29)),
        ("2019-07-02", dt.date(2019, 7, 2), "day", False, dt.date(2019, 7, 2)),
        ("~2018-04", dt.date(2018, 4, 1), "month", True, dt.date(2018, 4, 30)),
        (" ~2018 ", dt.date(2018, 1, 1), "year", True, dt.date(2018, 12, 31)),
    ],
)
def test_it_parses_each_precision(
    text: str, start: dt.date, precision: str, approx: bool, end: dt.date
) -> None:
    d = PartialDate.parse(text)
    assert (d.start, d.precision, d.approximate, d.end) == (start, precision, approx, end)
    assert str(d) == text.strip()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "YYYY"),
        ("17", "YYYY"),
        ("2017-13", "real date"),
        ("2017-02-30", "real date"),
        ("1850", "before 1900"),
        ("2017/04/03", "YYYY"),
        ("03.04.2017", "YYYY"),
        ("~~2017", "YYYY"),
        ("2017-04-03T10:00", "YYYY"),
        ("9" * 100, "YYYY"),
    ],
)
def test_it_refuses_what_is_not_a_partial_date(text: str, message: str) -> None:
    with pytest.raises(PartialDateError, match=message):
        PartialDate.parse(text)


def test_it_reads_digits_of_other_scripts() -> None:
    # Reporters type in their own script; the date is stored and printed in ASCII.
    assert str(PartialDate.parse("٢٠١٧-٠٤")) == "2017-04"
    assert str(PartialDate.parse("２０１７")) == "2017"
    # A Solar Hijri year typed in Persian digits is refused, not stored as 1399 CE.
    with pytest.raises(PartialDateError, match="before 1900"):
        PartialDate.parse("۱۳۹۹")


def test_it_refuses_inconsistent_values() -> None:
    with pytest.raises(PartialDateError, match="first day"):
        PartialDate(dt.date(2017, 4, 3), "month")
    with pytest.raises(PartialDateError, match="precision"):
        PartialDate(dt.date(2017, 1, 1), "week")  # type: ignore[arg-type]


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["day", "month", "year"]),
    st.booleans(),
)
def test_printing_and_parsing_round_trip(day: dt.date, precision: str, approx: bool) -> None:
    start = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}[precision]
    d = PartialDate(start, precision, approx)  # type: ignore[arg-type]
    assert PartialDate.parse(str(d)) == d
    assert d.start <= d.end and d.overlaps(d.start, d.start) and d.overlaps(d.end, d.end)
    assert not d.overlaps(d.end + dt.timedelta(days=1), d.end + dt.timedelta(days=9))
