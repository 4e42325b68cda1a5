from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.insight import services


class Command(BaseCommand):
    help = (
        "Early warning. `surges`: count the organisation's incidents (dated to the day) per week for "
        "each origin state, host country and tactic family, judge each week against the weeks before "
        "it, and store and report new surges of the last four weeks for the leads of the compartments "
        "involved. Run it from cron or a systemd timer, e.g. daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        watch = sub.add_parser("surges", help="look for surges and store new ones")
        watch.add_argument("--weeks", type=int, default=156, help="weeks of history judged (default 156)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["weeks"] < 12 or opts["weeks"] > 1040:
            raise CommandError("--weeks: between 12 and 1040")
        found = services.watch(weeks=opts["weeks"])
        self.stdout.write(
            f"{found.series} series of {found.weeks} weeks judged; {found.alarms} weeks rose beyond their "
            f"baseline; {len(found.new)} new surge(s) stored"
        )
        for alert in found.new:
            self.stdout.write(
                f"  {alert.code} week of {alert.week}: {alert.origin_state} -> {alert.host_country}"
                f" {alert.tactic_family or 'all tactics'}: {alert.observed} incidents, about"
                f" {alert.expected:.1f} expected"
            )
