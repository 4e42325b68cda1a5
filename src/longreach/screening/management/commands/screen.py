from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts import access
from longreach.accounts.errors import ServiceError
from longreach.accounts.terminal import unlock_user
from longreach.keys.context import using_keyring
from longreach.names.lists import ListError, read_csv
from longreach.registry import services as registry
from longreach.screening import selectors, services


class Command(BaseCommand):
    help = (
        "Screen a CSV of names (a 'name' column, and id, aliases, birth_date, nationality) against the "
        "people and organisations coded as perpetrators in the records: matches are shown by code in "
        "compartments you may read and counted elsewhere. With --compartment, also against that "
        "compartment's watchlists (--watchlist CODE) and the screening is kept there, sealed, to be "
        "reviewed in the browser. Writes JSON lines, or CSV with --csv. For lists in files and no "
        "database, see `longreach names screen`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="who screens (a member who may read cases)")
        parser.add_argument("--password-stdin", action="store_true")
        parser.add_argument("--threshold", type=float, default=None, help="score from which a name is a hit")
        parser.add_argument("--csv", action="store_true", help="write CSV rows (one per hit)")
        parser.add_argument("--compartment", default="", help="keep the screening in this compartment (slug)")
        parser.add_argument(
            "--watchlist", action="append", default=[], help="a list of the compartment to screen against"
        )
        parser.add_argument("--no-registry", action="store_true", help="only the watchlists, not the records")

    def handle(self, *args: Any, **opts: Any) -> None:
        threshold = opts["threshold"]
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold must be between 0 and 1")
        if (opts["watchlist"] or opts["no_registry"]) and not opts["compartment"]:
            raise CommandError("--watchlist and --no-registry need --compartment (lists belong to one)")
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with path.open("rb") as fh:
                batch = read_csv(fh, str(path))
        except ListError as exc:
            raise CommandError(str(exc)) from exc
        user, keyring = unlock_user(opts["user"], from_stdin=opts["password_stdin"])
        with using_keyring(keyring):
            try:
                if opts["compartment"]:
                    rows = self._kept(user, services.batch_from(batch), opts)
                else:
                    rows = self._records_only(user, batch, threshold)
            except ServiceError as exc:
                raise CommandError(str(exc)) from exc
        self._write(rows, opts["csv"])

    def _records_only(self, user: Any, batch: Any, threshold: float | None) -> list[dict[str, Any]]:
        names = list(dict.fromkeys((e.ref, e.name) for e in batch.entries))
        found = registry.perpetrators_screen(user=user, names=names, threshold=threshold)
        return [
            {
                "id": ref,
                "name": name,
                "hits": [{"source": "registry", **h.as_dict()} for h in screened.hits],
                "elsewhere": screened.elsewhere,
            }
            for ref, name, screened in found
        ]

    def _kept(self, user: Any, batch: list[services.Query], opts: dict[str, Any]) -> list[dict[str, Any]]:
        compartment = next(
            (c for c in access.compartments(user, "screening.run") if c.slug == opts["compartment"]), None
        )
        if compartment is None:
            raise CommandError(f"no compartment {opts['compartment']!r} where you may screen")
        lists = list(selectors.watchlists_for_user(user, current=True).filter(code__in=opts["watchlist"]))
        missing = set(opts["watchlist"]) - {w.code for w in lists}
        if missing:
            raise CommandError(f"no current watchlist {', '.join(sorted(missing))} you may use")
        screening = services.screening_run(
            user=user,
            compartment=compartment,
            batch=batch,
            watchlists=lists,
            registry=not opts["no_registry"],
            threshold=opts["threshold"],
            workers=0,  # a command: the lists are screened on every CPU
        )
        print(f"kept as screening {screening.code} in {compartment.slug}", file=sys.stderr)
        return selectors.rows_out(user=user, screening=screening)

    def _write(self, rows: list[dict[str, Any]], as_csv: bool) -> None:
        if not as_csv:
            for row in rows:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
        else:
            writer = csv.writer(self.stdout)
            writer.writerow(["id", "name", "source", "record", "kind", "score", "elsewhere"])
            for row in rows:
                for hit in row["hits"]:
                    record = hit.get("code") or hit.get("ref") or ""
                    writer.writerow(
                        [
                            row["id"],
                            row["name"],
                            hit.get("source", ""),
                            record,
                            hit.get("kind", ""),
                            f"{hit['score']:.3f}",
                            "",
                        ]
                    )
                if row["elsewhere"]:
                    writer.writerow([row["id"], row["name"], "", "", "", "", row["elsewhere"]])
        with_hits = sum(1 for r in rows if r["hits"] or r["elsewhere"])
        print(f"screened {len(rows):,} names; {with_hits:,} with a hit", file=sys.stderr)
