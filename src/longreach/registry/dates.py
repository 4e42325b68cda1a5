"""Partial dates: "2017", "2017-04", "2017-04-03", with a leading "~" for approximate.

Testimony rarely gives a day ("spring 2017", "after Ramadan"), and analysts
must never invent one. A partial date is stored as its first day, the
precision that was known (day, month or year) and whether it is approximate.
It sorts and filters like a date and prints back exactly as it was given.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "month", "year"]
PRECISIONS: tuple[Precision, ...] = ("day", "month", "year")

_PATTERN = re.compile(r"^(~)?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


class PartialDateError(ValueError):
    """Not a partial date; the message says what is accepted."""


@dataclass(frozen=True, order=True)
class PartialDate:
    start: dt.date
    precision: Precision = "day"
    approximate: bool = False

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise PartialDateError(f"precision must be one of {', '.join(PRECISIONS)}")
        if (self.precision != "day" and self.start.day != 1) or (
            self.precision == "year" and self.start.month != 1
        ):
            raise PartialDateError(
                f"a {self.precision}-precision date must start on the first day of its {self.precision}"
            )

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        if not isinstance(text, str) or len(text) > 16:
            raise PartialDateError("a date is YYYY, YYYY-MM or YYYY-MM-DD, optionally starting with ~")
        m = _PATTERN.match(text.strip())
        if m is None:
            raise PartialDateError(
                f"{text!r} is not YYYY, YYYY-MM or YYYY-MM-DD (optionally starting with ~)"
            )
        approx, year, month, day = m.groups()
        try:
            start = dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise PartialDateError(f"{text!r} is not a real date: {exc}") from exc
        if start.year < 1900:
            raise PartialDateError(
                f"{text!r} is before 1900: give a Gregorian year "
                "(convert Solar Hijri or other calendars first)"
            )
        precision: Precision = "day" if day else "month" if month else "year"
        return cls(start, precision, bool(approx))

    @property
    def end(self) -> dt.date:
        """The last day the date can mean, for range filters."""
        if self.precision == "day":
            return self.start
        if self.precision == "month":
            return self.start.replace(day=calendar.monthrange(self.start.year, self.start.month)[1])
        return self.start.replace(month=12, day=31)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        return self.start <= last and self.end >= first

    def __str__(self) -> str:
        return ("~" if self.approximate else "") + self.start.strftime(_FORMATS[self.precision])
