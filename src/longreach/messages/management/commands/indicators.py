"""``longreach indicators``: the organisation's lists of known-bad links, addresses and IPs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.messages import links, services
from longreach.messages.models import Indicator


class Command(BaseCommand):
    help = (
        "Indicators that links in messages are checked against. `import FILE` loads a STIX 2 bundle "
        "(as Amnesty Tech and the Mobile Verification Toolkit publish) or a plain list (one URL, domain, "
        "e-mail or IP address per line); `list` shows what is loaded, by file; `remove FILE` drops one "
        "file's indicators. None is bundled. Messages read later are checked against them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="load a STIX 2 bundle or a plain list")
        load.add_argument("file", type=Path)
        load.add_argument(
            "--lenient", action="store_true", help="skip lines that are not indicators, and count them"
        )
        sub.add_parser("list", help="what is loaded, by file")
        drop = sub.add_parser("remove", help="drop the indicators one file brought")
        drop.add_argument("source", help="the file's name as `list` shows it")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"])(opts)

    def _import(self, opts: dict[str, Any]) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            report = services.indicators_import(path=path, actor="cli", lenient=opts["lenient"])
        except links.IndicatorError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{path.name}: {report.loaded:,} indicators added; {report.skipped:,} entries skipped"
        )
        for problem in report.problems:
            self.stdout.write(f"  {problem}")

    def _list(self, opts: dict[str, Any]) -> None:
        rows = Indicator.objects.values("source", "kind").annotate(n=Count("id")).order_by("source", "kind")
        if not rows:
            self.stdout.write("no indicators loaded")
        for row in rows:
            self.stdout.write(f"{row['source']}\t{row['kind']}\t{row['n']:,}")

    def _remove(self, opts: dict[str, Any]) -> None:
        deleted, _ = Indicator.objects.filter(source=opts["source"]).delete()
        if not deleted:
            raise CommandError(f"no indicators came from {opts['source']!r}")
        audit_record(
            Event.RECORD_UPDATED,
            actor="cli",
            object_type="indicators",
            object_code=opts["source"][:64],
            detail={"removed": deleted},
        )
        self.stdout.write(f"{opts['source']}: {deleted:,} indicators removed")
