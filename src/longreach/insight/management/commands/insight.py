from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.insight import dyads, selectors, services
from longreach.insight.models import SurgeAlert

MIN_INCIDENTS = 20  # in a tested year: fewer, and precision at k says nothing


class Command(BaseCommand):
    help = (
        "Early warning. `surges`: count per week the organisation's incidents (dated to the day) for "
        "each origin state, host country and tactic family, new reports for each compartment and "
        "suggested urgency, and each campaign's messages; judge each week against the weeks before it, "
        "and store and report new surges of the last four weeks for the leads of the compartments "
        "involved. `longreach up` runs it once a day by itself (LONGREACH_SURGE_WATCH_HOURS); run it "
        "from cron instead when the server is not started with `up`. `backtest`: rank origin -> host "
        "pairs by the dyad watch's index on what was known at the end of each past year, and count how "
        "many of the top k had an incident the next year, against ranking by past incidents alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        watch = sub.add_parser("surges", help="look for surges and store new ones")
        watch.add_argument("--weeks", type=int, default=156, help="weeks of history judged (default 156)")
        back = sub.add_parser("backtest", help="test the dyad watch's index on the organisation's history")
        back.add_argument("--user", required=True, help="whose statistics are counted (a researcher: all)")
        back.add_argument(
            "--from", dest="first", type=int, help="first year tested (default: five years ago)"
        )
        back.add_argument("--to", dest="last", type=int, help="last year tested (default: last year)")
        back.add_argument("--k", type=int, default=10, help="the top pairs that count (default 10)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "backtest":
            self._backtest(opts)
            return
        if opts["weeks"] < 12 or opts["weeks"] > 1040:
            raise CommandError("--weeks: between 12 and 1040")
        found = services.watch(weeks=opts["weeks"])
        self.stdout.write(
            f"{found.series} series of {found.weeks} weeks judged; {found.alarms} weeks rose beyond their "
            f"baseline; {len(found.new)} new surge(s) stored"
        )
        for alert in found.new:
            self.stdout.write(
                f"  {alert.code} week of {alert.week}: {_what(alert)}, about {alert.expected:.1f} expected"
            )

    def _backtest(self, opts: dict[str, Any]) -> None:
        from django.utils import timezone

        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None or not allowed(user, "stats.view"):
            raise CommandError(f"{opts['user']!r} is not an active user who may see statistics")
        this_year = timezone.localdate().year
        last = opts["last"] or this_year - 1
        first = opts["first"] or last - 4
        if not 1990 <= first <= last < this_year or last - first > 30:
            raise CommandError(
                f"--from and --to: past years, from 1990, at most 30 of them (not {first}-{last})"
            )
        if not 1 <= opts["k"] <= 100:
            raise CommandError("--k: from 1 to 100")
        years = list(range(first, last + 1))
        happened = {y: selectors.incidents_in_year(user=user, year=y) for y in years}
        thin = [y for y in years if sum(happened[y].values()) < MIN_INCIDENTS]
        if len(thin) > len(years) // 2:
            raise CommandError(
                f"not enough history to backtest: {len(thin)} of {len(years)} years have fewer than "
                f"{MIN_INCIDENTS} incidents ({', '.join(map(str, thin))}). Until they do, the dyad watch "
                "is a transparent index, not a validated forecast."
            )
        result = dyads.backtest(
            years,
            lambda y: selectors.dyad_facts(user=user, year=y),
            lambda y: happened[y],
            dyads.load(),
            k=opts["k"],
        )
        self.stdout.write(f"year\tpairs\twith incidents\tindex top {result.k}\tpast incidents top {result.k}")
        for y in result.years:
            self.stdout.write(f"{y.year}\t{y.pairs}\t{y.with_incidents}\t{y.index_hits}\t{y.baseline_hits}")
        self.stdout.write(
            f"precision at {result.k}: index {result.index_precision:.2f}, past incidents alone "
            f"{result.baseline_precision:.2f}"
            + (f" ({len(thin)} thin year(s): {', '.join(map(str, thin))})" if thin else "")
        )


def _what(alert: SurgeAlert) -> str:
    if alert.stream == SurgeAlert.Stream.REPORTS:
        level = f" of urgency {alert.urgency}" if alert.urgency else ""
        return (
            f"{alert.observed} new reports{level} to {alert.compartment.slug if alert.compartment else '?'}"
        )
    if alert.stream == SurgeAlert.Stream.CAMPAIGN:
        return f"{alert.observed} messages of campaign {alert.campaign_code}"
    family = alert.tactic_family or "all tactics"
    return f"{alert.observed} incidents {alert.origin_state} -> {alert.host_country} {family}"
