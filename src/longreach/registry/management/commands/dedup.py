from __future__ import annotations

import csv
import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts import access
from longreach.accounts.terminal import unlock_user
from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.keys.context import using_keyring
from longreach.names import dedup
from longreach.registry import name_tokens, selectors


class Command(BaseCommand):
    help = (
        "Find likely duplicate people in the compartments you may read (or one of them): names compared "
        "across scripts and spellings, with phone numbers, handles, e-mail addresses and places, by "
        "Splink's probabilistic model on DuckDB. Writes one line per likely pair (codes, probability, "
        "what agreed, the latest judgement if any) as JSON lines or CSV; nothing is merged. Judge pairs "
        "on the person pages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True)
        parser.add_argument("--password-stdin", action="store_true")
        parser.add_argument("--compartment", default="", help="only this compartment (slug)")
        parser.add_argument(
            "--threshold", type=float, default=dedup.MATCH_PROBABILITY, help="match probability (0.5 to 1)"
        )
        parser.add_argument("--csv", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not 0.5 <= opts["threshold"] <= 1.0:
            raise CommandError("--threshold must be between 0.5 and 1")
        user, keyring = unlock_user(opts["user"], from_stdin=opts["password_stdin"])
        readable = access.compartments(user, "case.read")
        if opts["compartment"]:
            readable = readable.filter(slug=opts["compartment"])
        if not readable.exists():
            raise CommandError(
                "no compartment you may read"
                + (f" named {opts['compartment']!r}" if opts["compartment"] else "")
            )
        with using_keyring(keyring):
            people = list(selectors.people_for_user(user=user).filter(compartment__in=readable))
            records = [
                dedup.Record(
                    p.code,
                    tuple(name_tokens.names_of(p)),
                    phone=p.phone_index or "",
                    handle=p.handle_index or p.email_index or "",
                    place=" ".join(x for x in (p.residence_country, (p.location or "").strip().lower()) if x),
                )
                for p in people
                if name_tokens.names_of(p)
            ]
            found = dedup.dedupe(records, threshold=opts["threshold"])
            judged = selectors.latest_judgements(
                codes={c for pair in found.pairs for c in (pair.left, pair.right)}
            )
        audit_record(
            Event.RECORD_VIEWED,
            actor=user,
            object_type="dedup",
            detail={"people": len(records), "pairs": len(found.pairs)},
        )
        rows: list[dict[str, Any]] = [
            {
                "left": pair.left,
                "right": pair.right,
                "probability": round(pair.probability, 4),
                "agreed": list(pair.agreed),
                "judged": judged.get((min(pair.left, pair.right), max(pair.left, pair.right)), ""),
            }
            for pair in sorted(found.pairs, key=lambda p: (-p.probability, p.left, p.right))
        ]
        if opts["csv"]:
            writer = csv.writer(self.stdout)
            writer.writerow(["left", "right", "probability", "agreed", "judged"])
            for row in rows:
                writer.writerow(
                    [row["left"], row["right"], row["probability"], ";".join(row["agreed"]), row["judged"]]
                )
        else:
            for row in rows:
                self.stdout.write(json.dumps(row))
        print(
            f"dedup: {len(records):,} people, {len(rows):,} likely pairs, {len(found.clusters):,} groups"
            f" (keys {found.seconds_keys:.1f} s, Splink {found.seconds_splink:.1f} s)",
            file=sys.stderr,
        )
