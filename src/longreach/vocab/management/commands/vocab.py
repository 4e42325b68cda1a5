from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts.errors import ServiceError
from longreach.vocab import selectors, services
from longreach.vocab.codebook import CodebookError
from longreach.vocab.codebook import load as load_codebook
from longreach.vocab.models import Term, Vocabulary
from longreach.vocab.sync import sync


class Command(BaseCommand):
    help = "Codebook vocabularies: list, add, retire, restore terms; sync from a codebook file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ls = sub.add_parser("list", help="vocabularies, or the terms of one")
        ls.add_argument("vocabulary", nargs="?")
        ls.add_argument("--all", action="store_true", help="include retired terms")
        add = sub.add_parser("add")
        add.add_argument("vocabulary")
        add.add_argument("code")
        add.add_argument("--label", required=True)
        add.add_argument("--definition", default="")
        add.add_argument("--family", default="")
        add.add_argument("--labels", default="{}", help='JSON, e.g. {"ug": "...", "ru": "..."}')
        for name in ("retire", "restore"):
            p = sub.add_parser(name)
            p.add_argument("vocabulary")
            p.add_argument("code")
        s = sub.add_parser("sync", help="add missing terms and update shipped wording from a codebook file")
        s.add_argument("file", nargs="?", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        try:
            if action == "list":
                self._list(opts["vocabulary"], opts["all"])
            elif action == "add":
                try:
                    labels = json.loads(opts["labels"])
                except json.JSONDecodeError as exc:
                    raise CommandError(f"--labels is not JSON: {exc.msg} at column {exc.colno}") from exc
                if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
                    raise CommandError('--labels must be a JSON object of texts, e.g. {"ug": "..."}')
                term = services.term_add(
                    vocabulary=opts["vocabulary"],
                    code=opts["code"],
                    label=opts["label"],
                    definition=opts["definition"],
                    family=opts["family"],
                    labels=labels,
                    acting_user="cli",
                )
                self.stdout.write(f"added {term.vocabulary.code} {term.code}")
            elif action in ("retire", "restore"):
                found = Term.objects.filter(vocabulary__code=opts["vocabulary"], code=opts["code"]).first()
                if found is None:
                    raise CommandError(f"no term {opts['code']!r} in vocabulary {opts['vocabulary']!r}")
                (services.term_retire if action == "retire" else services.term_restore)(
                    term=found, acting_user="cli"
                )
                self.stdout.write(f"{action}d {found.vocabulary.code} {found.code}")
            else:
                data = load_codebook(opts["file"]) if opts["file"] else load_codebook()
                r = sync(Vocabulary, Term, data)
                self.stdout.write(
                    f"{r.vocabularies_added} vocabularies and {r.terms_added} terms added, "
                    f"{r.terms_updated} updated"
                )
        except (ServiceError, CodebookError) as exc:
            raise CommandError(str(exc)) from exc

    def _list(self, vocabulary: str | None, include_retired: bool) -> None:
        if not vocabulary:
            for v in selectors.vocabularies():
                self.stdout.write(f"{v.code:26} {v.terms.count():4}  {v.label}")
            return
        if not Vocabulary.objects.filter(code=vocabulary).exists():
            raise CommandError(f"no vocabulary {vocabulary!r}; `longreach vocab list` shows them")
        for t in selectors.terms(vocabulary=vocabulary, include_retired=include_retired):
            flag = " (retired)" if t.retired_at else ""
            self.stdout.write(f"{t.code:30} {t.label}{flag}")
