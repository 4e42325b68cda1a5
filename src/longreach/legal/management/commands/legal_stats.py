from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts.errors import NotAllowed
from longreach.accounts.terminal import unlock_user
from longreach.legal import services


class Command(BaseCommand):
    help = (
        "De-identified counts of legal matters for publication: per requesting state and host country, "
        "by kind (red notice, diffusion, passport listing...) and status, small cells suppressed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="a researcher, administrator, lead or analyst")
        parser.add_argument("--password-stdin", action="store_true")
        parser.add_argument("--threshold", type=int, default=10, help="smallest count published (default 10)")
        parser.add_argument("--out", type=Path, help="CSV file to write (default: standard output)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["threshold"] < 1:
            raise CommandError("--threshold must be at least 1")
        user, _keyring = unlock_user(opts["user"], from_stdin=opts["password_stdin"])
        out = opts["out"].open("w", encoding="utf-8", newline="") if opts["out"] else self.stdout
        try:
            count = services.matters_statistics(user=user, out=out, threshold=opts["threshold"])
        except NotAllowed as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if opts["out"]:
                out.close()
        if opts["out"]:
            self.stdout.write(f"wrote {count} rows to {opts['out']}")
