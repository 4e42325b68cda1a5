"""``longreach legal``: deadlines from the rules, with no settings, database or keys.

longreach legal deadline ccf-deletion --from 2026-01-15
longreach legal deadline uk-extradition-part1-appeal --from 2026-03-02 --json
longreach legal rules
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from longreach.legal import deadlines


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="longreach legal", description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, action="append", default=[], help="an extra rules file")
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("deadline", help="the deadline of a rule for an event on a date")
    one.add_argument("kind", help="the rule, e.g. ccf-deletion (longreach legal rules lists them)")
    one.add_argument("--from", dest="start", required=True, help="the date of the event, YYYY-MM-DD")
    one.add_argument("--json", action="store_true")
    sub.add_parser("rules", help="the rules and their sources")
    args = parser.parse_args(argv)
    try:
        rules = deadlines.load(tuple(args.rules))
    except deadlines.RuleError as exc:
        print(f"legal: {exc}", file=sys.stderr)
        return 1
    if args.command == "rules":
        for rule in rules.values():
            counted = f"{rule.counting.replace('_', ' ')} {rule.runs_from}"
            print(f"{rule.kind}\t{rule.period} ({counted})\t{rule.source}")
        return 0
    try:
        start = dt.date.fromisoformat(args.start)
    except ValueError:
        print(f"legal: --from: {args.start[:40]!r} is not a date (YYYY-MM-DD)", file=sys.stderr)
        return 2
    try:
        found = deadlines.compute(args.kind, start, rules)
    except KeyError:
        print(f"legal: no rule {args.kind[:60]!r}; the rules are: {', '.join(rules)}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"legal: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(found.as_dict(), ensure_ascii=False))
        return 0
    print(f"{found.rule.kind} from {found.start.isoformat()} → {found.due.isoformat()}")
    counted = f"{found.rule.counting.replace('_', ' ')} {found.rule.runs_from}"
    print(f"  {found.rule.title}: {found.rule.period} {counted}")
    print(f"  source: {found.rule.source}")
    if found.rule.verified:
        print(f"  verified: {found.rule.verified}")
    if found.on_weekend:
        print("  note: this falls on a weekend; whether it moves to the next working day depends on the rule")
    return 0
