"""``longreach indicators``: the organisation's lists of known-bad links, addresses and IPs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from longreach.audit.models import Event
from longreach.audit.services import audit_record
from longreach.geo import freedom
from longreach.geo import services as geo_services
from longreach.messages import links, services
from longreach.messages.models import Indicator


class Command(BaseCommand):
    help = (
        "Indicators that links in messages are checked against. `import FILE` loads a STIX 2 bundle "
        "(as Amnesty Tech and the Mobile Verification Toolkit publish) or a plain list (one URL, domain, "
        "e-mail or IP address per line); `list` shows what is loaded, by file; `remove FILE` drops one "
        "file's indicators. None is bundled. Messages read later are checked against them. "
        "`import-fiw FILE.xlsx` loads Freedom House's Freedom in the World ratings (the 'All data' "
        "workbook, downloaded by hand: nothing is fetched) for the dyad watch; all or nothing, "
        "--dry-run checks the file and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="load a STIX 2 bundle or a plain list")
        load.add_argument("file", type=Path)
        load.add_argument(
            "--lenient", action="store_true", help="skip lines that are not indicators, and count them"
        )
        fiw = sub.add_parser(
            "import-fiw", help="load Freedom in the World ratings from Freedom House's .xlsx"
        )
        fiw.add_argument("file", type=Path)
        fiw.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
        fiw.add_argument(
            "--skip-unknown", action="store_true", help="leave out names that match no ISO 3166 country"
        )
        sub.add_parser("list", help="what is loaded, by file")
        drop = sub.add_parser("remove", help="drop the indicators one file brought")
        drop.add_argument("source", help="the file's name as `list` shows it")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"].replace("-", "_"))(opts)

    def _import_fiw(self, opts: dict[str, Any]) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            done = geo_services.freedom_import(
                path=path, actor="cli", skip_unknown=opts["skip_unknown"], dry_run=opts["dry_run"]
            )
        except freedom.FreedomFileError as exc:
            raise CommandError(f"{exc}; nothing was imported") from None
        verb = "would import" if opts["dry_run"] else "imported"
        self.stdout.write(
            f"{path.name}: {verb} {done.ratings:,} ratings of {done.countries} countries, editions "
            f"{done.editions[0]}-{done.editions[-1]} ({done.replaced:,} replace ratings already held); "
            f"{done.territories} territories left out"
        )
        for line, name in done.skipped:
            self.stdout.write(f"  row {line}: {name!r} matches no ISO 3166 country; left out")

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
