"""The time to draft a legal document with 50 exhibits, against laying out the same HTML alone.

A red notice on a case whose client has a name in Uyghur's Arabic script, five incidents with their
narratives, a review answered, and 50 evidence items each with its chain of custody (acquired and
linked: two ledger events) become a memo, a CCF request and a case summary as PDF through
``legal.services.document_draft``: the access check, the dossier (sealed fields opened, custody read
from the ledger), the templates, and WeasyPrint's layout. The peer is WeasyPrint laying out the very
same HTML with nothing else: what is left of the ratio is Longreach's own work. Median of --rounds.

Runs on SQLite by default (a temporary file), on PostgreSQL when LONGREACH_DATABASE_URL points at one.

Run: make bench   (or .venv/bin/python benchmarks/legal_documents.py [--exhibits N] [--rounds N])
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LONGREACH_MODE", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
_tmp = Path(tempfile.mkdtemp(prefix="longreach-legal-bench-"))
os.environ.setdefault("LONGREACH_DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ["LONGREACH_VAULT_DIR"] = str(_tmp / "vault")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}).enable()

PASSWORD = "benchmark password 123"  # noqa: S105 (a throwaway database)
NARRATIVE = (
    "The client's father was called to the police station in Ghulja and told to ask his son to come "
    "home. Two days later a WeChat message from an unknown number said: think of your family. "
)


def setup(exhibits: int) -> tuple[Any, Any, Any]:
    from longreach.accounts import services as accounts
    from longreach.audit.services import write_signing_key
    from longreach.keys import services as key_services
    from longreach.keys.context import using_keyring
    from longreach.keys.keyring import Keyring
    from longreach.legal import services as legal
    from longreach.registry import services as registry
    from longreach.vault import services as vault

    call_command("migrate", verbosity=0)
    settings.SIGNING_KEY_FILE = _tmp / "signing.key"
    org = key_services.org_keys_create(signing_public_key=write_signing_key(settings.SIGNING_KEY_FILE))
    made = accounts.user_create(
        username="bench", role="lead", password=PASSWORD, acting_user="bench", linkage_key=org.linkage_key
    )
    user = made.user
    compartment = accounts.compartment_create(slug="bench", name="Bench", lead=user, acting_user="bench")
    keyring = Keyring(user.pk, accounts.user_unlock(user=user, password=PASSWORD))
    with using_keyring(keyring):
        person = registry.person_create(user=user, compartment=compartment, data={"name": "ئىلھام توختى"})
        case = registry.case_create(
            user=user,
            compartment=compartment,
            data={"origin_state": "CN", "host_country": "TR", "client": person.code},
        )
        incidents = []
        for k in range(5):
            incidents.append(
                registry.incident_create(
                    user=user,
                    compartment=compartment,
                    data={
                        "case": case.code,
                        "title": f"Relatives questioned, round {k + 1}",
                        "narrative": NARRATIVE * 3,
                        "date": f"2025-0{k + 1}",
                        "origin_state": "CN",
                        "host_country": "TR",
                        "acts": [
                            {
                                "tactics": ["FAMILY_THREAT"],
                                "origin_state": "CN",
                                "host_country": "TR",
                            }
                        ],
                    },
                )
            )
        items = []
        for k in range(exhibits):
            incoming = vault.encrypt_chunks(iter([f"exhibit {k}: {NARRATIVE}".encode()]), name=f"e{k}.txt")
            items.append(
                vault.item_acquire(
                    user=user, compartment=compartment, incoming=incoming, how="upload", target=case
                ).item
            )
        matter = legal.matter_create(
            user=user,
            case=case,
            data={
                "kind": "RED_NOTICE",
                "requesting_state": "CN",
                "host_country": "TR",
                "charges": "组织、领导、参加恐怖组织罪",
                "charge_category": "TERRORISM",
                "penalty": "10 years",
            },
            incidents=[i.code for i in incidents],
            evidence=[i.code for i in items],
        )
        legal.review_answer(
            user=user,
            matter=matter,
            answers={
                "article-3.peaceful-activity": ("yes", "A post about a mosque"),
                "article-3.timing": ("yes", ""),
            },
        )
    return user, matter, keyring


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exhibits", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import weasyprint
    from django.template.loader import render_to_string
    from django.utils import translation

    from longreach.keys.context import using_keyring
    from longreach.legal import selectors
    from longreach.legal import services as legal

    try:
        user, matter, keyring = setup(args.exhibits)
        print(f"{args.exhibits} exhibits, 5 incidents; median of {args.rounds} rounds")
        print(f"  {'document':<12} {'longreach s':>12} {'layout only s':>14} {'ratio':>6} {'pages':>6}")
        with using_keyring(keyring):
            for kind in ("memo", "ccf-request", "summary"):
                ours, peer = [], []
                pages = 0
                for _ in range(args.rounds):
                    t = time.perf_counter()
                    drafted = legal.document_draft(
                        user=user, matter=matter, kind=kind, language="en", as_pdf=True
                    )
                    ours.append(time.perf_counter() - t)
                    assert drafted.pdf is not None
                    # The same page, laid out alone.
                    dossier = selectors.dossier(user=user, matter=matter, language="en")
                    template = f"legal/documents/{'ccf_request_en' if kind == 'ccf-request' else kind}.html"
                    with translation.override("en"):
                        html = render_to_string(
                            "legal/documents/print.html",
                            {
                                "d": dossier,
                                "requests": ("deletion",),
                                "body": template,
                                "language": "en",
                                "dir": "ltr",
                                "title": kind,
                            },
                        )
                    t = time.perf_counter()
                    document = weasyprint.HTML(string=html).render()
                    document.write_pdf()
                    peer.append(time.perf_counter() - t)
                    pages = len(document.pages)
                mine, theirs = statistics.median(ours), statistics.median(peer)
                print(f"  {kind:<12} {mine:>12.2f} {theirs:>14.2f} {mine / theirs:>5.2f}x {pages:>6}")
    finally:
        shutil.rmtree(_tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
