"""Benchmarks for the registry, each against a peer measured in the same run.

1. The filtered incident list page (the real view: login session, keyring,
   scoping, filters, paging, template) at N incidents, p95 over repeated
   requests, against the raw SQL query for the same page (count plus the
   page's rows and their tactics). Goal: at most 3×.
2. CSV import throughput (`longreach import` path: parse, validate, resolve,
   seal, version, audit) against a plain `csv` + `bulk_create` loop writing
   the same rows into an unsealed table. Goal: at most 2×.

Runs on SQLite by default (a temporary file) and on PostgreSQL when
LONGREACH_DATABASE_URL points at one (its public schema is dropped and rebuilt first).

Run: make bench   (or .venv/bin/python benchmarks/registry.py [--incidents N] [--import-rows N])
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LONGREACH_MODE", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
_tmp = tempfile.mkdtemp(prefix="longreach-bench-")
os.environ.setdefault("LONGREACH_DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

PASSWORD = "benchmark password 123"  # noqa: S105 (a throwaway database)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def setup_org() -> dict[str, Any]:
    from longreach.accounts import services
    from longreach.audit.services import write_signing_key
    from longreach.keys import services as key_services

    settings.SIGNING_KEY_FILE = Path(_tmp) / "signing.key"
    org = key_services.org_keys_create(signing_public_key=write_signing_key(settings.SIGNING_KEY_FILE))
    analyst = services.user_create(
        username="bench", role="lead", password=PASSWORD, acting_user="bench", linkage_key=org.linkage_key
    )
    comp = services.compartment_create(slug="bench", name="Bench", lead=analyst.user, acting_user="bench")
    private = services.user_unlock(user=analyst.user, password=PASSWORD)
    return {"user": analyst.user, "compartment": comp, "private": private, "totp": analyst.totp}


def fill(org: dict[str, Any], n: int) -> None:
    """N synthetic incidents with one act each, written in bulk (setup, not measured)."""
    from longreach.registry.synthetic import iter_flat

    bulk_load(org, iter_flat(n, seed=3), "B")


def bulk_load(org: dict[str, Any], rows: Any, prefix: str) -> int:
    """Incident, act and link rows by bulk_create: the peer of the import, and the setup."""
    from longreach.keys.context import using_keyring
    from longreach.keys.keyring import Keyring
    from longreach.registry.models import Act, Incident
    from longreach.vocab.models import Term

    term_ids = dict(Term.objects.filter(vocabulary__code="tactic").values_list("code", "pk"))
    channel_ids = dict(Term.objects.filter(vocabulary__code="channel").values_list("code", "pk"))
    from longreach.registry.dates import PartialDate

    with using_keyring(Keyring(org["user"].pk, org["private"])), transaction.atomic():
        batch_i, batch_a, batch_t, batch_c = [], [], [], []
        count = 0
        for i, row in enumerate(rows):
            count += 1
            inc = Incident(
                id=uuid.uuid4(),
                code=f"I-{prefix}{i:07d}",
                compartment=org["compartment"],
                origin_state=row["origin_state"],
                host_country=row["host_country"],
            )
            inc.date = PartialDate.parse(row["date"])
            inc.date_last = inc.date.end
            inc.title = row["title"]
            inc.narrative = ""
            act = Act(
                id=uuid.uuid4(),
                code=f"A-{prefix}{i:07d}",
                compartment=org["compartment"],
                incident=inc,
                origin_state=row["origin_state"],
                origin_confidence=row["origin_confidence"],
                host_country=row["host_country"],
                harm_country=row["host_country"],
            )
            act.description = ""
            act.outcome = ""
            batch_i.append(inc)
            batch_a.append(act)
            batch_t.append(Act.tactics.through(act_id=act.id, term_id=term_ids[row["tactics"]]))
            batch_c.append(Act.channels.through(act_id=act.id, term_id=channel_ids[row["channels"]]))
            if len(batch_i) == 5000:
                flush(batch_i, batch_a, batch_t, batch_c)
        flush(batch_i, batch_a, batch_t, batch_c)
    return count


def flush(*batches: list[Any]) -> None:
    for batch in batches:
        if batch:
            type(batch[0])._default_manager.bulk_create(batch, batch_size=1000)
            batch.clear()


def login(org: dict[str, Any]) -> Client:
    from django_otp.oath import TOTP

    client = Client()
    r = client.post("/login/", {"username": "bench", "password": PASSWORD})
    assert r.status_code == 302, r.content[:300]
    device = org["totp"]
    code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
    r = client.post("/login/code/", {"code": code})
    assert r.status_code == 302 and r["Location"] == "/", r.content[:300]
    return client


FILTERS = [
    {"origin_state": "CN"},
    {"origin_state": "CN", "tactic": "FAMILY_THREAT"},
    {"host_country": "DE", "date_from": "2020-01-01", "date_to": "2023-12-31"},
    {"confidence": "PROBABLE", "channel": "WHATSAPP"},
    {},
]


def raw_page(compartment_id: Any, f: dict[str, str], page: int, per_page: int = 25) -> int:
    """The same page by hand: count, the rows, and their tactics' codes."""
    where, params = ["i.compartment_id = %s"], [compartment_id]
    for name in ("origin_state", "host_country"):
        if name in f:
            where.append(f"i.{name} = %s")
            params.append(f[name])
    if "date_from" in f:
        where.append("i.date_last >= %s")
        params.append(f["date_from"])
    if "date_to" in f:
        where.append("i.date_start <= %s")
        params.append(f["date_to"])
    if "tactic" in f:
        where.append(
            "EXISTS (SELECT 1 FROM registry_act a JOIN registry_act_tactics at ON at.act_id = a.id "
            "JOIN vocab_term t ON t.id = at.term_id WHERE a.incident_id = i.id AND t.code = %s)"
        )
        params.append(f["tactic"])
    if "channel" in f:
        where.append(
            "EXISTS (SELECT 1 FROM registry_act a JOIN registry_act_channels ac ON ac.act_id = a.id "
            "JOIN vocab_term t ON t.id = ac.term_id WHERE a.incident_id = i.id AND t.code = %s)"
        )
        params.append(f["channel"])
    if "confidence" in f:
        where.append(
            "EXISTS (SELECT 1 FROM registry_act a WHERE a.incident_id = i.id AND a.origin_confidence = %s)"
        )
        params.append(f["confidence"])
    clause = " AND ".join(where)
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM registry_incident i WHERE {clause}", params)  # noqa: S608
        cur.fetchone()
        cur.execute(
            "SELECT i.id, i.code, i.title, i.date_start, i.origin_state, i.host_country "  # noqa: S608
            f"FROM registry_incident i WHERE {clause} ORDER BY i.date_start DESC, i.code LIMIT %s OFFSET %s",
            [*params, per_page, (page - 1) * per_page],
        )
        rows = cur.fetchall()
        ids = [r[0] for r in rows]
        if ids:
            marks = ",".join(["%s"] * len(ids))
            cur.execute(
                "SELECT a.incident_id, t.code FROM registry_act a "  # noqa: S608
                "JOIN registry_act_tactics at ON at.act_id = a.id JOIN vocab_term t ON t.id = at.term_id "
                f"WHERE a.incident_id IN ({marks})",
                ids,
            )
            cur.fetchall()
    return len(rows)


def bench_list(org: dict[str, Any], repeats: int) -> tuple[float, float]:
    from urllib.parse import urlencode

    client = login(org)
    cid = org["compartment"].pk
    ours: list[float] = []
    peer: list[float] = []
    for _ in range(repeats):
        for f in FILTERS:
            for page in (1, 3):
                query = urlencode({**f, "page": page})
                t0 = time.perf_counter()
                r = client.get(f"/incidents/?{query}")
                ours.append(time.perf_counter() - t0)
                assert r.status_code == 200
                t0 = time.perf_counter()
                raw_page(cid if connection.vendor != "sqlite" else cid.hex, f, page)
                peer.append(time.perf_counter() - t0)
    return p95(ours), p95(peer)


def write_csv(path: Path, n: int) -> None:
    from longreach.registry import tabular
    from longreach.registry.exchange import CSV_KINDS
    from longreach.registry.synthetic import iter_flat

    with path.open("w", encoding="utf-8", newline="") as fh:
        tabular.write(iter_flat(n, seed=9), CSV_KINDS["incidents"], fh)


def bench_import(org: dict[str, Any], n: int) -> tuple[float, float]:
    from longreach.keys.context import using_keyring
    from longreach.keys.keyring import Keyring
    from longreach.registry import exchange, services

    path = Path(_tmp) / "incidents.csv"
    write_csv(path, n)
    # Peer: csv.DictReader and bulk_create of the same incidents, acts and tactic/channel links
    # (sealing included, as the columns are sealed), without checks, versions or audit.
    t0 = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh:
        loaded = bulk_load(org, csv.DictReader(fh), "P")
    peer = time.perf_counter() - t0
    assert loaded == n
    t0 = time.perf_counter()
    with using_keyring(Keyring(org["user"].pk, org["private"])):
        records = exchange.read_file(path)
        report = services.records_import(user=org["user"], compartment=org["compartment"], records=records)
    ours = time.perf_counter() - t0
    assert report.counts["incidents"] == n, report
    return n / ours, n / peer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=4)
    args = parser.parse_args()
    vendor = connection.vendor
    if vendor == "postgresql":
        # A clean schema each run (flush would also empty the vocabularies the migrations loaded).
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    org = setup_org()
    print(f"Registry benchmarks on {vendor}")
    t0 = time.perf_counter()
    fill(org, args.incidents)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # fresh statistics for both sides, as a live database would have
    print(f"  setup: {args.incidents:,} incidents written in {time.perf_counter() - t0:.1f} s (not measured)")
    ours, peer = bench_list(org, args.repeats)
    print(
        f"  incident list page, p95 over {args.repeats * len(FILTERS) * 2} requests: "
        f"view {ours * 1000:.1f} ms, raw SQL {peer * 1000:.1f} ms, ratio {ours / peer:.1f}x (goal <= 3x)"
    )
    ours_rate, peer_rate = bench_import(org, args.import_rows)
    print(
        f"  CSV import of {args.import_rows:,} incidents: longreach import {ours_rate:,.0f} rows/s, "
        f"csv + bulk_create {peer_rate:,.0f} rows/s, ratio {peer_rate / ours_rate:.1f}x (goal <= 2x)"
    )


if __name__ == "__main__":
    main()
