from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts.errors import NotAllowed
from longreach.accounts.models import Compartment
from longreach.accounts.terminal import unlock_user
from longreach.keys.context import using_keyring
from longreach.registry import exchange, services


class Command(BaseCommand):
    help = (
        "Import registry records (a JSON bundle or CSV files of people, incidents, sources) into a "
        "compartment. All or nothing: every file is checked first; --dry-run writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--compartment", required=True, help="the compartment's slug")
        parser.add_argument("--user", required=True, help="who imports (a member who may write cases)")
        parser.add_argument("--password-stdin", action="store_true")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        compartment = Compartment.objects.filter(slug=opts["compartment"]).first()
        if compartment is None:
            raise CommandError(f"no compartment {opts['compartment']!r}")
        records: list[exchange.ImportRecord] = []
        for path in opts["files"]:
            try:
                records.extend(exchange.read_file(path))
            except exchange.ExchangeError as exc:
                raise CommandError(f"{exc}; nothing was imported") from exc
        user, keyring = unlock_user(opts["user"], from_stdin=opts["password_stdin"])
        with using_keyring(keyring):
            try:
                report = services.records_import(
                    user=user, compartment=compartment, records=records, dry_run=opts["dry_run"]
                )
            except services.ImportFailed as exc:
                for problem in exc.problems:
                    self.stderr.write(problem)
                raise CommandError(str(exc)) from exc
            except NotAllowed as exc:
                raise CommandError(str(exc)) from exc
        done = ", ".join(f"{n} {kind}" for kind, n in report.counts.items() if n) or "nothing"
        verb = "would import" if report.dry_run else "imported"
        self.stdout.write(f"{verb} {done} into {compartment.slug}")
        if report.renamed:
            self.stdout.write(f"{report.renamed} code(s) were already taken here and got new ones")
