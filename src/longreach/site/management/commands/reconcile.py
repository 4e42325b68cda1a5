from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.intake import reconcile as intake
from longreach.vault import reconcile as vault


class Command(BaseCommand):
    help = (
        "Compare stored files (the reporting line's and the evidence vault's) with database rows; "
        "list orphans, stray files, missing files, size and checksum mismatches. Never deletes a "
        "stored file; removes temp uploads abandoned longer than --temp-age minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quick", action="store_true", help="skip hashing every file")
        parser.add_argument(
            "--temp-age",
            type=int,
            default=None,
            metavar="MINUTES",
            help="remove temp uploads not written to for this long "
            "(default LONGREACH_TEMP_MAX_AGE_MINUTES, 60)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        minutes = opts["temp_age"]
        if minutes is not None and minutes < 1:
            raise CommandError("--temp-age must be at least 1 minute")
        max_age = minutes * 60 if minutes is not None else settings.TEMP_UPLOAD_MAX_AGE_SECONDS
        for source in (intake, vault):
            for f in source.sweep(max_age):
                self.stdout.write(f"{f.kind}\t{f.name}\t{f.detail}")
        found = 0
        for source in (intake, vault):
            for f in source.findings(verify=not opts["quick"]):
                found += 1
                self.stdout.write(f"{f.kind}\t{f.name}\t{f.detail}")
        if found:
            raise CommandError(
                f"{found} problem(s) found; no stored file was deleted (see docs/admin-guide.md)"
            )
        self.stdout.write("files and rows agree")
