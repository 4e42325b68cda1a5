"""The dashboard at 100,000 incidents against the raw SQL GROUP BY queries for the same aggregates.

Ours: the real page (login session, scoping, the incident list's filters, every chart's GROUP BY,
the SVG charts and maps, the template), timed per request. The peer: the same aggregates written by
hand in SQL (over time by year and tactic family, origin states, host countries, flows, tactics,
demands, targets' profiles, relatives' outcomes, physical or not, cases by state and by urgency),
run on the same database, in the same run. p95 of the requests, for no filter and for three filters;
goal (issue 19): at most 2x. Also the statistics API's full table (every level, suppressed together)
as a researcher, against the sixteen GROUP BY queries that make it.

Runs on SQLite by default (a temporary file) and on PostgreSQL when LONGREACH_DATABASE_URL points at
one (its public schema is dropped and rebuilt first).

Run: make bench   (or .venv/bin/python benchmarks/insight.py [--incidents N] [--repeats N])
"""

# ruff: noqa: S608  (SQL built from constants here; every value is a %s parameter)
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The registry benchmark's database, organisation and bulk loader (its import sets Django up).
import registry as base  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

FILTERS = [
    {},
    {"origin_state": "CN"},
    {"host_country": "DE", "date_from": "2020-01-01"},
    {"tactic_family": "DIRECT_ATTACK"},
]


def where(f: dict[str, str], alias: str = "i") -> tuple[str, list[Any]]:
    clauses, params = [f"{alias}.compartment_id = %s"], []
    for name in ("origin_state", "host_country"):
        if name in f:
            clauses.append(f"{alias}.{name} = %s")
            params.append(f[name])
    if "date_from" in f:
        clauses.append(f"{alias}.date_last >= %s")
        params.append(f["date_from"])
    if "tactic_family" in f:
        clauses.append(
            f"EXISTS (SELECT 1 FROM registry_act a2 JOIN registry_act_tactics t2 ON t2.act_id = a2.id "
            f"JOIN vocab_term v2 ON v2.id = t2.term_id WHERE a2.incident_id = {alias}.id AND v2.family = %s)"
        )
        params.append(f["tactic_family"])
    return " AND ".join(clauses), params


def raw(compartment_id: Any, f: dict[str, str]) -> int:
    """Every aggregate of the dashboard, by hand."""
    clause, params = where(f)
    by_term = (
        "SELECT v.code, COUNT(DISTINCT a.incident_id) FROM registry_incident i "
        "JOIN registry_act a ON a.incident_id = i.id JOIN registry_act_{m2m} x ON x.act_id = a.id "
        "JOIN vocab_term v ON v.id = x.term_id WHERE {w} GROUP BY v.code"
    )
    year = (
        "CAST(strftime('%%Y', i.date_start) AS INTEGER)"
        if connection.vendor == "sqlite"
        else "EXTRACT(YEAR FROM i.date_start)"
    )
    queries = [
        f"SELECT COUNT(*) FROM registry_incident i WHERE {clause}",
        f"SELECT MIN(i.date_start), MAX(i.date_start) FROM registry_incident i WHERE {clause}",
        f"SELECT {year}, v.family, COUNT(DISTINCT a.incident_id) FROM registry_incident i "
        "JOIN registry_act a ON a.incident_id = i.id JOIN registry_act_tactics x ON x.act_id = a.id "
        f"JOIN vocab_term v ON v.id = x.term_id WHERE {clause} GROUP BY 1, 2",
        f"SELECT i.origin_state, COUNT(*) FROM registry_incident i WHERE {clause} GROUP BY 1",
        f"SELECT i.host_country, COUNT(*) FROM registry_incident i WHERE {clause} GROUP BY 1",
        f"SELECT i.origin_state, i.host_country, COUNT(*) FROM registry_incident i WHERE {clause} "
        "GROUP BY 1, 2",
        by_term.format(m2m="tactics", w=clause),
        by_term.format(m2m="demands", w=clause),
        "SELECT v.code, COUNT(DISTINCT a.incident_id) FROM registry_incident i "
        "JOIN registry_act a ON a.incident_id = i.id JOIN registry_act_targets t ON t.act_id = a.id "
        "JOIN registry_person_profiles p ON p.person_id = t.person_id "
        f"JOIN vocab_term v ON v.id = p.term_id WHERE {clause} GROUP BY v.code",
        "SELECT v.code, COUNT(DISTINCT r.id) FROM registry_incident i "
        "JOIN registry_act a ON a.incident_id = i.id JOIN registry_relative r ON r.act_id = a.id "
        "LEFT JOIN registry_relative_outcomes o ON o.relative_id = r.id "
        f"LEFT JOIN vocab_term v ON v.id = o.term_id WHERE {clause} GROUP BY v.code",
        "SELECT phys, COUNT(*) FROM (SELECT EXISTS (SELECT 1 FROM registry_act a JOIN registry_act_tactics x "
        "ON x.act_id = a.id JOIN vocab_term v ON v.id = x.term_id WHERE a.incident_id = i.id "
        f"AND v.family = 'DIRECT_ATTACK') AS phys FROM registry_incident i WHERE {clause}) s GROUP BY phys",
        "SELECT state, COUNT(*) FROM registry_case WHERE compartment_id = %s GROUP BY state",
        "SELECT urgency, COUNT(*) FROM registry_case WHERE compartment_id = %s AND state <> 'CLOSED' "
        "GROUP BY urgency",
    ]
    found = 0
    with connection.cursor() as cur:
        for sql in queries:
            args = (
                [compartment_id]
                if sql.count("%s") == 1 and "registry_case" in sql
                else [compartment_id, *params]
            )
            cur.execute(sql, args)
            found += len(cur.fetchall())
    return found


def main() -> None:
    from urllib.parse import urlencode

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    org = base.setup_org()
    t0 = time.perf_counter()
    base.fill(org, args.incidents)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"Insight on {connection.vendor}: {args.incidents:,} incidents"
        f" written in {time.perf_counter() - t0:.1f} s"
    )
    client = base.login(org)
    cid = org["compartment"].pk if connection.vendor != "sqlite" else org["compartment"].pk.hex
    print(f"  {'filters':<52} {'page p95 ms':>12} {'raw SQL p95 ms':>15} {'ratio':>6}")
    worst = 0.0
    for f in FILTERS:
        ours, peer = [], []
        for _ in range(args.repeats):
            t = time.perf_counter()
            r = client.get("/insight/?" + urlencode(f))
            ours.append(time.perf_counter() - t)
            assert r.status_code == 200, r.content[:300]
            t = time.perf_counter()
            raw(cid, f)
            peer.append(time.perf_counter() - t)
        mine, theirs = base.p95(ours), base.p95(peer)
        worst = max(worst, mine / theirs)
        print(
            f"  {urlencode(f) or '(none)':<52} {mine * 1000:>12.0f} {theirs * 1000:>15.0f}"
            f" {mine / theirs:>5.2f}x"
        )
    print(f"  worst ratio {worst:.2f}x (goal <= 2x)")


if __name__ == "__main__":
    main()
