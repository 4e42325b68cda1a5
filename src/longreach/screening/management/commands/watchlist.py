from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from longreach.accounts import access
from longreach.accounts.errors import ServiceError
from longreach.accounts.terminal import unlock_user
from longreach.keys.context import using_keyring
from longreach.names.lists import kind_of
from longreach.screening import selectors, services
from longreach.screening.models import Watchlist


class Command(BaseCommand):
    help = (
        "Watchlists for screening: import a list (CSV, FollowTheMoney JSON lines, the UN consolidated "
        "list XML) into a compartment, refresh it from a newer file, retire it, or list them. Imports "
        "are all or nothing; --dry-run reads and counts without saving."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        common = CommandParser(add_help=False)
        common.add_argument("--user", required=True)
        common.add_argument("--password-stdin", action="store_true")
        imp = sub.add_parser("import", parents=[common], help="import a list into a compartment")
        imp.add_argument("file", type=Path)
        imp.add_argument("--compartment", required=True, help="its slug")
        imp.add_argument("--title", required=True)
        imp.add_argument("--kind", choices=Watchlist.Kind.values, help="default: recognised from the file")
        imp.add_argument("--source", default="", help="where it comes from: an address, a publisher")
        imp.add_argument(
            "--listed-on", default="", help="the list's date as its publisher gives it (YYYY-MM-DD)"
        )
        imp.add_argument("--dry-run", action="store_true")
        # Codes may start with "-": give them as --list=CODE (with the = sign).
        ref = sub.add_parser("refresh", parents=[common], help="replace a list's names from a newer file")
        ref.add_argument("--list", dest="code", required=True, help="the list's code, as --list=CODE")
        ref.add_argument("file", type=Path)
        ref.add_argument("--listed-on", default="")
        ref.add_argument("--dry-run", action="store_true")
        ret = sub.add_parser("retire", parents=[common], help="stop offering a list for screening")
        ret.add_argument("--list", dest="code", required=True, help="the list's code, as --list=CODE")
        sub.add_parser("list", parents=[common], help="the lists you may use")

    def handle(self, *args: Any, **opts: Any) -> None:
        user, keyring = unlock_user(opts["user"], from_stdin=opts["password_stdin"])
        with using_keyring(keyring):
            try:
                getattr(self, f"_{opts['action']}")(user, opts)
            except ServiceError as exc:
                raise CommandError(str(exc)) from exc

    def _date(self, raw: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            raise CommandError(f"--listed-on: {raw[:20]!r} is not a date (YYYY-MM-DD)") from None

    def _import(self, user: Any, opts: dict[str, Any]) -> None:
        compartment = next(
            (c for c in access.compartments(user, "watchlist.manage") if c.slug == opts["compartment"]), None
        )
        if compartment is None:
            raise CommandError(f"no compartment {opts['compartment']!r} where you may keep lists")
        path: Path = opts["file"]
        listed_on = self._date(opts["listed_on"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open("rb") as fh:
            kind = opts["kind"] or kind_of(path.name, fh.read(512))
            fh.seek(0)
            outcome = services.watchlist_import(
                user=user,
                compartment=compartment,
                fh=fh,
                filename=str(path),
                kind=kind,
                title=opts["title"],
                source=opts["source"],
                listed_on=listed_on,
                dry_run=opts["dry_run"],
            )
        done = (
            "dry run, nothing saved" if outcome.watchlist is None else f"imported as {outcome.watchlist.code}"
        )
        self.stdout.write(
            f"{path}: {outcome.names:,} names of {outcome.people:,} people, "
            f"{outcome.skipped:,} records skipped (not people); {done}"
        )

    def _refresh(self, user: Any, opts: dict[str, Any]) -> None:
        watchlist = self._one(user, opts["code"])
        path: Path = opts["file"]
        listed_on = self._date(opts["listed_on"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open("rb") as fh:
            outcome = services.watchlist_refresh(
                user=user,
                watchlist=watchlist,
                fh=fh,
                filename=str(path),
                listed_on=listed_on,
                dry_run=opts["dry_run"],
            )
        done = "dry run, nothing saved" if outcome.watchlist is None else f"now version {watchlist.version}"
        self.stdout.write(
            f"{watchlist.code}: {outcome.names:,} names of {outcome.people:,} people; "
            f"{outcome.added:,} added, {outcome.removed:,} removed; {done}"
        )

    def _retire(self, user: Any, opts: dict[str, Any]) -> None:
        watchlist = services.watchlist_retire(user=user, watchlist=self._one(user, opts["code"]))
        self.stdout.write(f"{watchlist.code}: retired")

    def _list(self, user: Any, opts: dict[str, Any]) -> None:
        for w in selectors.watchlists_for_user(user):
            state = "retired" if w.retired_at else "in use"
            dated = w.listed_on.isoformat() if w.listed_on else "-"
            self.stdout.write(
                f"{w.code}\t{w.compartment.slug}\t{w.kind}\t{w.people}\t{dated}\tv{w.version}\t{state}\t{w.title}"
            )

    def _one(self, user: Any, code: str) -> Watchlist:
        try:
            return selectors.watchlist_for_user(user=user, code=code)
        except Http404 as exc:  # absent and out of reach alike
            raise CommandError(f"no watchlist {code!r} you may use") from exc
