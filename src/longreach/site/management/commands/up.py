from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.site.management.commands._serve import serve


class Command(BaseCommand):
    help = "Migrate, create the demo organisation on an empty database, and serve on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="prepare the database and stop")

    def handle(self, *args: Any, **opts: Any) -> None:
        from longreach.keys.models import OrgKeys

        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        if not OrgKeys.objects.exists():
            if settings.MODE != "demo":
                raise CommandError(
                    "the database is empty: run `longreach setup` (or set LONGREACH_MODE=demo)"
                )
            from longreach.site.demo import demo_create

            path = demo_create()
            self.stdout.write(
                self.style.SUCCESS(f"Demo organisation created. Credentials: {path} (mode 0600)")
            )
        if settings.MODE == "demo":
            _demo_reporting_line()
        port = opts["port"]
        cred = settings.VAR_DIR / "demo-credentials.txt"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"  Open        http://127.0.0.1:{port}/",
                    f"  Report      http://127.0.0.1:{port}/report/   (the public reporting line, no login)",
                    *(
                        [f"  Statistics  http://127.0.0.1:{port}/public/statistics/   (published, no login)"]
                        if settings.PUBLIC_STATISTICS
                        else []
                    ),
                    "  Users       admin lead analyst analyst2 volunteer researcher auditor",
                    f"  Credentials {cred}",
                    "  Log in as analyst: in another terminal, from this folder, run",
                    "      LONGREACH_MODE=demo .venv/bin/longreach totp analyst --password",
                    "  It prints the password and the current six-digit code",
                    "  (run it again for a fresh code).",
                    "",
                ]
            )
        )
        if not opts["no_serve"]:
            self.stdout.write(f"Longreach listening on http://127.0.0.1:{port}/  (Ctrl-C stops it)")
            self.stdout.flush()
            serve("127.0.0.1", port, 8, self.stdout)


def _demo_reporting_line() -> None:
    """A demo made before the reporting line existed gets its pepper and route on the next start."""
    from longreach.accounts.models import Compartment
    from longreach.intake import pepper
    from longreach.intake import services as intake
    from longreach.intake.models import Route

    pepper.ensure()
    demo_a = Compartment.objects.filter(slug="demo-a").first()
    if demo_a is not None and not Route.objects.exists():
        intake.route_set(compartment=demo_a, acting_user="demo-setup")
