from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from nacl.public import PrivateKey
from rich.progress import Progress

from longreach.core.archive import ArchiveError
from longreach.core.secrets_input import parse_private_key, read_secret
from longreach.site.management.commands import _backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `longreach backup` into an empty var folder (LONGREACH_VAR_DIR) and "
        "an empty database. The whole archive is checked before anything is put in place."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="the archive")
        parser.add_argument(
            "--key-stdin", action="store_true", help="read the recovery key from standard input"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            _backup.check_target()
        except _backup.BackupError as exc:
            raise CommandError(f"{exc}; nothing was changed") from exc
        key = parse_private_key(read_secret("Recovery key: ", from_stdin=opts["key_stdin"]))
        with Progress(transient=True, disable=not sys.stderr.isatty()) as bar, open(path, "rb") as source:
            task = bar.add_task("reading and checking", total=path.stat().st_size)
            try:
                stage, manifest = _backup.read_into_stage(source, key, lambda n: bar.advance(task, n))
            except ArchiveError as exc:
                raise CommandError(f"{path}: {exc}; nothing was changed") from exc
        if manifest.get("recovery_public_key") != bytes(PrivateKey(key).public_key).hex():
            raise CommandError(f"{path}: made for another recovery key; nothing was changed")
        try:
            _backup.check_target(manifest.get("engine"), stage)
        except _backup.BackupError as exc:
            shutil.rmtree(stage, ignore_errors=True)
            raise CommandError(f"{exc}; nothing was changed") from exc
        try:
            restored = _backup.install(stage, manifest)
        except (_backup.BackupError, OSError) as exc:
            raise CommandError(f"restore stopped while putting files in place: {exc}") from exc
        call_command("migrate", interactive=False, verbosity=0)
        rows = sum((manifest.get("rows") or {}).values())
        files = ", ".join(f"{n} {store}" for store, n in restored.files.items()) or "no"
        self.stdout.write(
            f"restored the backup of {manifest.get('created')}: {rows:,} database rows, {files} files"
        )
        self._explain_keys(restored.keys)
        self.stdout.write("next: `longreach ledger verify` and `longreach reconcile` should both pass")

    def _explain_keys(self, keys: list[str]) -> None:
        from django.conf import settings

        signing, pepper = Path(settings.SIGNING_KEY_FILE), Path(settings.INTAKE_PEPPER_FILE)
        if "signing" in keys or signing.exists():
            self.stdout.write(f"ledger signing key: {signing}")
        else:
            self.stdout.write(
                f"the ledger signing key was not in the archive: put the original back at {signing}. "
                "Until then the ledger and existing signed heads verify, but no new tree head can be signed."
            )
        if "pepper" in keys or pepper.exists():
            self.stdout.write(f"intake pepper: {pepper}; reporters' receipts work as before")
        else:
            self.stdout.write(
                f"the intake pepper was not in the archive: put the original back at {pepper}. Until then "
                "no receipt can be checked and reporters cannot read replies; the reporting line stays "
                "closed. A new pepper (`longreach intake init`) would make every old receipt useless "
                "for ever."
            )
