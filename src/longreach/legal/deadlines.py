"""Deadlines of legal proceedings, computed from rules kept as data with their sources. No Django.

``rules/deadlines.toml`` holds each rule: its period (days, weeks or calendar
months), whether the day of the event counts (``starting_with``) or not
(``after``), the event it runs from, who it binds, and the text it comes from.
An organisation adds its own host jurisdictions' rules in a file of the same
shape (``load(extra=...)``); a jurisdiction without a sourced rule takes a
date typed in by the user, marked as such, never a guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

RULES = Path(__file__).with_name("rules") / "deadlines.toml"
_PERIOD = re.compile(r"^(\d{1,4}) (day|days|week|weeks|month|months)$")
_KIND = re.compile(r"^[a-z0-9][a-z0-9-]{1,60}$")
MAX_DAYS = 3660
MAX_MONTHS = 120


class RuleError(ValueError):
    """A rules file that cannot be used: the message names the file, the rule and the field."""


@dataclass(frozen=True)
class Rule:
    kind: str
    title: str
    amount: int
    unit: str  # day, week, month
    counting: str  # after, starting_with
    runs_from: str
    binds: str  # decision, filing
    source: str
    url: str = ""
    verified: str = ""

    @property
    def period(self) -> str:
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"

    def due(self, start: dt.date) -> dt.date:
        """The last day on which the thing can still be done (or decided)."""
        if self.unit == "month":
            return add_months(start, self.amount)
        days = self.amount * (7 if self.unit == "week" else 1)
        return start + dt.timedelta(days=days - 1 if self.counting == "starting_with" else days)


@dataclass(frozen=True)
class Deadline:
    rule: Rule
    start: dt.date
    due: dt.date

    @property
    def on_weekend(self) -> bool:
        return self.due.weekday() >= 5

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.rule.kind,
            "from": self.start.isoformat(),
            "due": self.due.isoformat(),
            "period": self.rule.period,
            "counting": self.rule.counting,
            "runs_from": self.rule.runs_from,
            "binds": self.rule.binds,
            "title": self.rule.title,
            "source": self.rule.source,
            "url": self.rule.url,
            "verified": self.rule.verified,
            "on_weekend": self.on_weekend,
        }


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` plus calendar months; a day the last month lacks becomes its last day (31 August plus
    six months is 28 February, or 29 in a leap year)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise ValueError(f"{start.isoformat()} plus {months} months is out of the calendar")
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _rule(kind: str, data: object, where: str) -> Rule:
    if not _KIND.match(kind):
        raise RuleError(f"{where}: [{kind[:40]}]: a rule's name is lower-case letters, digits and hyphens")
    if not isinstance(data, dict):
        raise RuleError(f"{where}: [{kind}]: not a table")
    for field in ("title", "period", "counting", "runs_from", "binds", "source"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise RuleError(f"{where}: [{kind}] {field}: missing (every rule cites its source)")
    unknown = set(data) - {"title", "period", "counting", "runs_from", "binds", "source", "url", "verified"}
    if unknown:
        raise RuleError(f"{where}: [{kind}] {sorted(unknown)[0]}: unknown field")
    found = _PERIOD.match(data["period"])
    if found is None:
        raise RuleError(
            f"{where}: [{kind}] period: {data['period'][:40]!r} is not 'N days', 'N weeks' or 'N months'"
        )
    amount, unit = int(found[1]), found[2].rstrip("s")
    limit = MAX_MONTHS if unit == "month" else MAX_DAYS // (7 if unit == "week" else 1)
    if not 1 <= amount <= limit:
        raise RuleError(f"{where}: [{kind}] period: between 1 and {limit} {unit}s")
    if data["counting"] not in ("after", "starting_with"):
        raise RuleError(f"{where}: [{kind}] counting: 'after' or 'starting_with'")
    if data["binds"] not in ("decision", "filing"):
        raise RuleError(f"{where}: [{kind}] binds: 'decision' or 'filing'")
    if unit == "month" and data["counting"] == "starting_with":
        raise RuleError(f"{where}: [{kind}] counting: months run 'after' the event (same day, months later)")
    return Rule(
        kind,
        data["title"].strip(),
        amount,
        unit,
        data["counting"],
        data["runs_from"].strip(),
        data["binds"],
        data["source"].strip(),
        str(data.get("url", "")).strip(),
        str(data.get("verified", "")).strip(),
    )


def read(path: Path) -> dict[str, Rule]:
    """The rules of one file; the first problem stops it, naming the file, the rule and the field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise RuleError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: {exc}") from None
    return {kind: _rule(kind, value, str(path)) for kind, value in data.items()}


@cache
def load(extra: tuple[Path, ...] = ()) -> dict[str, Rule]:
    """The project's rules, then an organisation's own files (which may add rules, never replace one:
    a cited rule is not silently changed)."""
    rules = read(RULES)
    for path in extra:
        for kind, rule in read(path).items():
            if kind in rules:
                raise RuleError(f"{path}: [{kind}]: already a rule of the project; give yours another name")
            rules[kind] = rule
    return rules


def compute(kind: str, start: dt.date, rules: dict[str, Rule] | None = None) -> Deadline:
    """The deadline of rule ``kind`` for an event on ``start``."""
    known = rules if rules is not None else load()
    rule = known.get(kind)
    if rule is None:
        raise KeyError(kind)
    return Deadline(rule, start, rule.due(start))


# What meets a deadline: a filing is met by something filed after the event it runs from, a body's
# decision by its decision.
MEETS = {"filing": frozenset({"SUBMITTED", "APPEALED"}), "decision": frozenset({"DECISION"})}
SOON_DAYS = 14


@dataclass(frozen=True)
class Due:
    """One deadline of a proceeding: computed from a rule and an event, or typed in by a user."""

    title: str
    due: dt.date
    start: dt.date | None = None
    rule: Rule | None = None  # None: typed in by a user (no sourced rule for that jurisdiction)
    met_on: dt.date | None = None

    @property
    def typed(self) -> bool:
        return self.rule is None

    def state(self, today: dt.date) -> str:
        """met, overdue, soon (within SOON_DAYS) or later."""
        if self.met_on is not None:
            return "met"
        if self.due < today:
            return "overdue"
        return "soon" if (self.due - today).days <= SOON_DAYS else "later"


def schedule(
    rule_kinds: Sequence[str], events: Sequence[tuple[str, dt.date]], rules: dict[str, Rule]
) -> list[Due]:
    """The deadlines that the events of a proceeding have started, under its rules: each rule runs from
    the latest event it names (events are stored with upper-case names; rules name them in lower case),
    and is met by the first fitting event on or after that day."""
    found = []
    for kind in rule_kinds:
        rule = rules.get(kind)
        if rule is None:
            continue
        starts = [on for what, on in events if what.lower() == rule.runs_from]
        if not starts:
            continue
        start = max(starts)
        met = min((on for what, on in events if what in MEETS[rule.binds] and on >= start), default=None)
        found.append(Due(rule.title, rule.due(start), start, rule, met))
    return sorted(found, key=lambda d: d.due)
