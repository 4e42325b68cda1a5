from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from rich.progress import Progress

from longreach.accounts.errors import ServiceError
from longreach.accounts.models import Compartment
from longreach.accounts.terminal import unlock_user
from longreach.keys.context import using_keyring
from longreach.vault import export, selectors, services
from longreach.vault.models import EvidenceItem


class Command(BaseCommand):
    help = (
        "The evidence vault. `add` keeps files from this machine as evidence (hashed, encrypted, "
        "custody recorded). `export` makes an evidence package under the two-person rule: run it with "
        "--request, have a lead of the compartment approve it under Approvals, then run it with "
        "--approval=CODE --out FILE within 24 hours. `show` prints an item's record and custody."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="keep files as evidence, linked to a case or incident")
        add.add_argument("files", nargs="+", type=Path)
        add.add_argument("--note", default="", help="what the files show")
        exp = sub.add_parser("export", help="request, then write, an evidence package")
        exp.add_argument("--items", default="", help="item codes, separated by commas")
        exp.add_argument("--recipient", default="", help="encrypt the package to this age key (age1...)")
        exp.add_argument("--request", action="store_true", help="ask for approval of this package")
        exp.add_argument("--approval", default="", help="the code of an approved request (used once)")
        exp.add_argument("--out", type=Path, help="the package file to write")
        show = sub.add_parser("show", help="an item's acquisition record and custody history")
        show.add_argument("code")
        for p in (add, exp, show):
            p.add_argument("--user", required=True)
            p.add_argument("--password-stdin", action="store_true")
        for p in (add, exp):
            p.add_argument("--case", default="", help="a case code (add: link to it; export: all its items)")
            p.add_argument("--incident", default="", help="an incident code (likewise)")
        add.add_argument("--compartment", default="", help="compartment slug (when linking to nothing)")

    def handle(self, *args: Any, **opts: Any) -> None:
        user, keyring = unlock_user(opts["user"], from_stdin=opts["password_stdin"])
        with using_keyring(keyring):
            getattr(self, "_" + opts["action"])(user, opts)

    def _target(self, user: Any, opts: dict[str, Any]) -> Any:
        if opts["case"] and opts["incident"]:
            raise CommandError("give --case or --incident, not both")
        kind, code = ("case", opts["case"]) if opts["case"] else ("incident", opts["incident"])
        if not code:
            return None
        try:
            return selectors.target_for_user(user=user, kind=kind, code=code)
        except Http404:
            raise CommandError(f"no {kind} {code!r} that {user.username} can read") from None

    def _add(self, user: Any, opts: dict[str, Any]) -> None:
        target = self._target(user, opts)
        if target is not None:
            compartment = target.compartment
        else:
            compartment = Compartment.objects.filter(slug=opts["compartment"]).first()
            if compartment is None:
                raise CommandError("give --case, --incident or --compartment SLUG")
        for path in opts["files"]:
            if not path.is_file() or path.is_symlink():
                raise CommandError(f"{path}: not a regular file (symbolic links are not followed)")
            if not os.access(path, os.R_OK):
                raise CommandError(f"{path}: cannot be read")
        for path in opts["files"]:
            incoming = services.encrypt_path(path)
            try:
                acquired = services.item_acquire(
                    user=user,
                    compartment=compartment,
                    incoming=incoming,
                    how=EvidenceItem.How.IMPORT,
                    origin="",
                    target=target,
                    note=opts["note"],
                )
            except ServiceError as exc:
                raise CommandError(f"{path}: {exc}") from exc
            item = acquired.item
            state = "already kept as" if acquired.duplicate else "kept as"
            self.stdout.write(f"{path}\t{state} {item.code}\tsha256 {item.sha256}\t{item.size} bytes")

    def _export(self, user: Any, opts: dict[str, Any]) -> None:
        if opts["request"]:
            codes = [c.strip() for c in opts["items"].split(",") if c.strip()]
            target = self._target(user, opts)
            if target is not None:
                codes += [link.item.code for link in selectors.items_linked_to(target)]
            if not codes:
                raise CommandError("name the items with --items, --case or --incident")
            items = list(selectors.items_by_codes(user, codes))
            unknown = sorted(set(codes) - {i.code for i in items})
            if unknown:
                raise CommandError(f"no item {unknown[0]} that {user.username} can read")
            compartments = {i.compartment_id for i in items}
            if len(compartments) != 1:
                raise CommandError("a package holds items of one compartment")
            try:
                action = services.export_request(
                    user=user, compartment=items[0].compartment, items=items, recipient=opts["recipient"]
                )
            except ServiceError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"package request {action.code} ({len(items)} items) is waiting for a lead of "
                f"{items[0].compartment.slug} under Approvals; "
                f"then run with --approval={action.code} --out FILE"
            )
            return
        if not opts["approval"] or opts["out"] is None:
            raise CommandError("run with --request first; then --approval=CODE --out FILE")
        if opts["out"].exists():
            raise CommandError(f"{opts['out']} exists; choose a new file name")
        try:
            action = selectors.export_for_user(user=user, code=opts["approval"])
            prepared = export.prepare(user=user, action=action)
        except Http404:
            raise CommandError(f"no package request {opts['approval'][:20]!r} of {user.username}") from None
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        partial = opts["out"].with_name(opts["out"].name + ".part")
        total = sum(i.size for i in prepared.items)
        try:
            with open(partial, "xb") as fh, Progress(disable=not self.stdout.isatty()) as progress:
                task = progress.add_task("writing the package", total=total)
                for piece in export.chunks(prepared):
                    fh.write(piece)
                    progress.advance(task, len(piece))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, opts["out"])
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self.stdout.write(
            f"package {prepared.package_id}: {len(prepared.items)} items, tree head {prepared.head.size}, "
            f"written to {opts['out']}" + (" (encrypted with age)" if prepared.recipient else "")
        )

    def _show(self, user: Any, opts: dict[str, Any]) -> None:
        try:
            item = selectors.item_for_user(user=user, code=opts["code"])
        except Http404:
            raise CommandError(f"no item {opts['code'][:20]!r} that {user.username} can read") from None
        services.item_viewed(user=user, item=item)
        self.stdout.write(
            f"{item.code}\t{item.status}\tsha256 {item.sha256}\t{item.size} bytes\t{item.sniffed_type}"
        )
        for entry in selectors.custody_entries(item):
            self.stdout.write(
                f"{entry.index}\t{entry.occurred_at.isoformat()}\t{entry.event}\t{entry.actor}\t{entry.detail}"
            )
