from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from longreach.core.archive import ArchiveError
from longreach.keys.models import OrgKeys
from longreach.site.management.commands import _backup


class Command(BaseCommand):
    help = (
        "Write one consistent, encrypted snapshot of the database and the stored files to PATH, "
        "readable only with the organisation's recovery key. Safe while the server runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive to write (it must not exist yet)")
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help="also put the ledger signing key and the intake pepper in the archive "
            "(keep such an archive apart from ordinary backups: with the pepper, receipts can be tested)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        org = OrgKeys.objects.filter(pk=1).first()
        if org is None:
            raise CommandError("the organisation is not set up: there is nothing to back up")
        path: Path = opts["path"]
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder")
        with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:

            def progress(total: int) -> Any:
                task = bar.add_task("backing up", total=total)
                return lambda n: bar.advance(task, n)

            try:
                written, snap = _backup.backup(
                    path, bytes(org.recovery_public_key), include_keys=opts["include_keys"], progress=progress
                )
            except (_backup.BackupError, ArchiveError, OSError) as exc:
                raise CommandError(f"backup failed, nothing was written: {exc}") from exc
        rows = sum(snap.rows.values())
        self.stdout.write(
            f"{path}: {written.entries} files ({written.size / 1_000_000:,.1f} MB) and {rows:,} "
            f"database rows ({_backup.engine()}), encrypted to the recovery key"
        )
        keys = written.manifest.get("keys") or []
        self.stdout.write(
            "keys included: " + ", ".join(keys)
            if keys
            else "the signing key and the intake pepper are NOT included: back them up on their own"
        )
        for name in snap.missing:
            self.stderr.write(f"missing: {name} is named by a row but was not in the store")
        for note in snap.notes:
            self.stderr.write(f"note: {note}")
