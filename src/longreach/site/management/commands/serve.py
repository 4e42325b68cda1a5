from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from longreach.site.management.commands._serve import serve


class Command(BaseCommand):
    help = "Serve Longreach with waitress (a production WSGI server) and sign tree heads periodically."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--sign-every", type=float, default=600.0, help="seconds between tree-head signatures"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"Longreach listening on http://{opts['host']}:{opts['port']}/")
        serve(opts["host"], opts["port"], opts["threads"], self.stdout, opts["sign_every"])
