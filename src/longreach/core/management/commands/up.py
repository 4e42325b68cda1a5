from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.core.management.commands._serve import serve


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
            from longreach.core.demo import demo_create

            path = demo_create()
            self.stdout.write(
                self.style.SUCCESS(f"Demo organisation created. Credentials: {path} (mode 0600)")
            )
        port = opts["port"]
        cred = settings.VAR_DIR / "demo-credentials.txt"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"  Open        http://127.0.0.1:{port}/",
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
