from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from longreach.audit.models import AuditEntry, TreeHead
from longreach.audit.services import as_head, ledger_sign_head
from longreach.audit.verify import verify_ledger
from longreach.keys.models import OrgKeys
from longreach.ledger import heads
from longreach.ledger.merkle import ProofError


class Command(BaseCommand):
    help = "The audit ledger: verify, sign a tree head, export signed tree heads."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="check every entry, node and signed head")
        verify.add_argument("--heads", type=Path, help="also check heads exported earlier to this file")
        sub.add_parser("sign", help="sign the current tree head")
        export = sub.add_parser("export-heads", help="write the public key and all signed heads as JSON")
        export.add_argument("file", type=Path, help="output file, or - for standard output")

    def handle(self, *args: Any, **opts: Any) -> None:
        org = OrgKeys.objects.filter(pk=1).first()
        if org is None:
            raise CommandError("the organisation is not set up")
        public = bytes(org.signing_public_key)
        if opts["action"] == "sign":
            try:
                row = ledger_sign_head()
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"signed tree head at size {row.size}: {bytes(row.root).hex()}")
        elif opts["action"] == "export-heads":
            text = heads.dumps(
                [as_head(r) for r in TreeHead.objects.order_by("size", "timestamp_ms")], public
            )
            if str(opts["file"]) == "-":
                sys.stdout.write(text + "\n")
            else:
                opts["file"].write_text(text + "\n")
                self.stdout.write(f"wrote {opts['file']}")
        else:
            external = self._read_heads(opts["heads"], public) if opts["heads"] else []
            with Progress(transient=True, disable=not sys.stderr.isatty()) as progress:
                task = progress.add_task("verifying", total=AuditEntry.objects.count())
                report = verify_ledger(public, external, lambda n: progress.advance(task, n))
            if not report.ok:
                raise CommandError(f"ledger verification FAILED: {report.problems[0]}")
            self.stdout.write(
                f"ledger OK: {report.entries} entries, {report.heads} signed tree heads checked"
            )

    def _read_heads(self, path: Path, public: bytes) -> list[heads.TreeHead]:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path}: cannot read exported heads: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("heads"), list):
            raise CommandError(f"{path}: not an export of tree heads (no 'heads' list)")
        if data.get("public_key") != public.hex():
            raise CommandError(f"{path}: heads were exported under another signing key")
        out = []
        for i, item in enumerate(data["heads"]):
            try:
                out.append(heads.TreeHead.from_json(item))
            except (ProofError, AttributeError) as exc:
                raise CommandError(f"{path}: head {i}: {exc}") from exc
        return out
