from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from longreach.accounts import access
from longreach.accounts.errors import NotAllowed
from longreach.accounts.models import Compartment
from longreach.accounts.terminal import unlock_user
from longreach.keys.context import using_keyring
from longreach.registry import exchange, services

# Coded fields only, no names or narratives: not bulk exports of content, so no second person.
CODED_ONLY = ("flat", "fh-incidents", "fh-tables")


class Command(BaseCommand):
    help = (
        "Export a compartment's registry: a JSON bundle of everything, a CSV of people, organisations, "
        "cases, incidents (one row per act) or sources, its people and organisations as FollowTheMoney "
        "entities (JSON lines, for Aleph and OpenSanctions tools), the flat research CSV (one row per "
        "incident, coded fields only), or Freedom House's coding: one row per physical incident "
        "(fh-incidents) or its aggregate tables (fh-tables). JSON, CSV and FollowTheMoney hold content, "
        "so they are bulk "
        "exports under the two-person rule: run with --request first, have a lead of the compartment or "
        "an administrator approve it under Approvals, then run again with --approval=CODE within 24 hours."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--compartment", required=True)
        parser.add_argument("--user", required=True)
        parser.add_argument("--password-stdin", action="store_true")
        parser.add_argument(
            "--format", choices=["json", "csv", "ftm", "flat", "fh-incidents", "fh-tables"], default="json"
        )
        parser.add_argument(
            "--kind", choices=list(exchange.CSV_KINDS), default="incidents", help="for --format csv"
        )
        parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--request", action="store_true", help="ask for approval of this export")
        parser.add_argument("--approval", default="", help="the code of an approved request (once)")

    def handle(self, *args: Any, **opts: Any) -> None:
        compartment = Compartment.objects.filter(slug=opts["compartment"]).first()
        if compartment is None:
            raise CommandError(f"no compartment {opts['compartment']!r}")
        user, keyring = unlock_user(opts["user"], from_stdin=opts["password_stdin"])
        if not access.may(user, "case.read", compartment):
            raise CommandError(f"{user.username} cannot read {compartment.slug}")
        kind = opts["kind"] if opts["format"] == "csv" else opts["format"]
        if opts["request"]:
            action = services.bulk_export_request(
                user=user, compartment=compartment, fmt=opts["format"], kind=kind
            )
            self.stdout.write(
                f"bulk export request {action.code} is waiting for a second person (a lead of "
                f"{compartment.slug} or an administrator) under Approvals; "
                f"then run with --approval={action.code} (with the = sign: a code may start with -)"
            )
            return
        if opts["format"] not in CODED_ONLY:
            if not opts["approval"]:
                raise CommandError(
                    "a JSON, CSV or FollowTheMoney export holds content: run with --request, "
                    "have it approved, then --approval=CODE"
                )
            try:
                services.bulk_export_use(
                    user=user, compartment=compartment, code=opts["approval"], fmt=opts["format"], kind=kind
                )
            except NotAllowed as exc:
                raise CommandError(str(exc)) from exc
        out = opts["out"].open("w", encoding="utf-8", newline="") if opts["out"] else sys.stdout
        try:
            with using_keyring(keyring):
                count = services.records_export(
                    user=user,
                    compartment=compartment,
                    fmt=opts["format"],
                    kind=opts["kind"],
                    out=out,
                    exported_at=timezone.now().isoformat(timespec="seconds"),
                )
        finally:
            if opts["out"]:
                out.close()
        if opts["out"]:
            self.stdout.write(f"exported {count} record(s) from {compartment.slug} to {opts['out']}")
