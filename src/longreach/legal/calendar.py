"""Deadlines as an iCalendar file (RFC 5545, written by the icalendar library). No Django.

One all-day event per open deadline, its summary the deadline's title and its
description the rule's source (or "typed in"). No names: a calendar synced to a
phone or a cloud account must not carry who the deadline is about, only the
case and matter codes, which open nothing without Longreach.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Event


@dataclass(frozen=True)
class Entry:
    uid: str  # stable across exports, so a calendar updates an event instead of adding another
    due: dt.date
    summary: str
    description: str


def ics(entries: Iterable[Entry], *, now: dt.datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Longreach//legal deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Longreach deadlines")
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", now)
        event.add("dtstart", entry.due)
        event.add("dtend", entry.due + dt.timedelta(days=1))
        event.add("summary", entry.summary)
        event.add("description", entry.description)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
