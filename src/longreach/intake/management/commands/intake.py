from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts.models import Compartment
from longreach.geo import countries
from longreach.intake import pepper, services, where
from longreach.intake.models import Route


class Command(BaseCommand):
    help = "The public reporting line: create its pepper, route reports to compartments, check the table."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="create the pepper file (once; back it up apart from the database)")
        route = sub.add_parser("route", help="send reports to a compartment")
        route.add_argument("compartment", help="compartment slug")
        route.add_argument("--origin", default="", help="only reports about this origin state (ISO code)")
        sub.add_parser("routes", help="list where reports go")
        sub.add_parser("check-table", help="read the where-to-report table and report the first problem")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action == "init":
            created = pepper.ensure()
            path = settings.INTAKE_PEPPER_FILE
            self.stdout.write(
                f"created {path}: back it up apart from the database" if created else f"{path} already exists"
            )
        elif action == "route":
            compartment = Compartment.objects.filter(slug=opts["compartment"]).first()
            if compartment is None:
                raise CommandError(f"no compartment {opts['compartment']!r}")
            origin = opts["origin"].upper()
            if origin and origin not in dict(countries.choices()):
                raise CommandError(f"--origin {opts['origin']!r} is not an ISO 3166-1 alpha-2 country code")
            services.route_set(compartment=compartment, origin_state=origin, acting_user="cli")
            self.stdout.write(f"reports about {origin or 'any other origin'} go to {compartment.slug}")
        elif action == "routes":
            for r in Route.objects.select_related("compartment").order_by("origin_state"):
                self.stdout.write(f"{r.origin_state or '*'}\t{r.compartment.slug}")
        else:
            try:
                n = len(where.table())
            except (where.TableInvalid, OSError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"where-to-report table: {n} countries, every entry sourced")
