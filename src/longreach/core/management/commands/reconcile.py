from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.intake import reconcile as intake
from longreach.vault import reconcile as vault


class Command(BaseCommand):
    help = (
        "Compare stored files (the reporting line's and the evidence vault's) with database rows; "
        "list orphans, missing files, size and checksum mismatches and stale temp files. Never deletes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quick", action="store_true", help="skip hashing every file")

    def handle(self, *args: Any, **opts: Any) -> None:
        found = 0
        for source in (intake, vault):
            for f in source.findings(verify=not opts["quick"]):
                found += 1
                self.stdout.write(f"{f.kind}\t{f.name}\t{f.detail}")
        if found:
            raise CommandError(f"{found} problem(s) found; nothing was deleted (see docs/admin-guide.md)")
        self.stdout.write("files and rows agree")
