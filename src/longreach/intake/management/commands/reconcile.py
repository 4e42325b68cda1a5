from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.intake.reconcile import findings


class Command(BaseCommand):
    help = "Compare stored files with database rows; list orphans, missing files and checksum mismatches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quick", action="store_true", help="skip hashing every file")

    def handle(self, *args: Any, **opts: Any) -> None:
        found = 0
        for f in findings(verify=not opts["quick"]):
            found += 1
            self.stdout.write(f"{f.kind}\t{f.name}\t{f.detail}")
        if found:
            raise CommandError(f"{found} problem(s) found; nothing was deleted (see docs/admin-guide.md)")
        self.stdout.write("files and rows agree")
