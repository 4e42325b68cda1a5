from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts.errors import NotAllowed
from longreach.accounts.terminal import unlock_user
from longreach.keys.context import using_keyring
from longreach.names.lists import ListError, read_csv
from longreach.registry import services


class Command(BaseCommand):
    help = (
        "Screen a CSV of names (a 'name' column, and 'id') against the people and organisations coded as "
        "perpetrators in the records: matches are shown by code in compartments you may read and counted "
        "elsewhere. Writes JSON lines, or CSV with --csv. For lists in files, see `longreach names screen`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="who screens (a member who may read cases)")
        parser.add_argument("--password-stdin", action="store_true")
        parser.add_argument("--threshold", type=float, default=None, help="score from which a name is a hit")
        parser.add_argument("--csv", action="store_true", help="write CSV rows (one per hit)")

    def handle(self, *args: Any, **opts: Any) -> None:
        threshold = opts["threshold"]
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold must be between 0 and 1")
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with path.open("rb") as fh:
                batch = read_csv(fh, str(path))
        except ListError as exc:
            raise CommandError(str(exc)) from exc
        names = list(dict.fromkeys((e.ref, e.name) for e in batch.entries))
        user, keyring = unlock_user(opts["user"], from_stdin=opts["password_stdin"])
        with using_keyring(keyring):
            try:
                results = services.perpetrators_screen(user=user, names=names, threshold=threshold)
            except NotAllowed as exc:
                raise CommandError(str(exc)) from exc
        writer = csv.writer(self.stdout) if opts["csv"] else None
        if writer is not None:
            writer.writerow(["id", "name", "record", "kind", "score", "elsewhere"])
        for ref, name, found in results:
            if writer is None:
                row = {
                    "id": ref,
                    "name": name,
                    "hits": [h.as_dict() for h in found.hits],
                    "elsewhere": found.elsewhere,
                }
                self.stdout.write(json.dumps(row, ensure_ascii=False))
                continue
            for hit in found.hits:
                writer.writerow([ref, name, hit.code, hit.kind, f"{hit.score:.3f}", ""])
            if found.elsewhere:
                writer.writerow([ref, name, "", "", "", found.elsewhere])
        with_hits = sum(1 for *_x, f in results if f.hits or f.elsewhere)
        print(f"screened {len(names):,} names; {with_hits:,} with a hit", file=sys.stderr)
