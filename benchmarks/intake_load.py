"""Bounded load on the public intake over loopback, against a plain Django form post of the same size.

A real server (``longreach serve``: waitress, SQLite or PostgreSQL) takes
R concurrent reporters for S seconds; each reporter loads the form, then
sends the last step with one F MB file, and starts again with a fresh
session. Afterwards the database, the file store and every file's
decryption are checked, and the counts must agree:

    reports submitted = receipts issued = reports stored = files verified

The peer is a Django form with a FileField on the same server, saving the
file with FileSystemStorage (benchmarks/intake_peer_urls.py), driven by the
same reporters for the same time. Goal: intake p95 at most 2x the peer's.

The global reports-per-minute limit is raised for the run (it exists to stop
floods, which is what a load test is); everything else is production code
with the production receipt KDF.

Both runs store every file they are sent (about 20 GB at the defaults on a
two-core machine); the temporary folder is removed at the end unless --keep.

Run: .venv/bin/python benchmarks/intake_load.py [--reporters 50] [--mb 5] [--seconds 120]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).parent / "longreach")
PASSWORD = "benchmark password 123"  # noqa: S105 (a throwaway organisation)

SETUP = f"from tests.intake_org import create; create({PASSWORD!r}, 'bench')"

VERIFY = f"""
import django, hashlib, json
django.setup()
from longreach.accounts import services as accounts
from longreach.accounts.models import User
from longreach.intake import services
from longreach.intake.models import Report, ReportFile
from longreach.keys.context import using_keyring
from longreach.keys.keyring import Keyring
lead = User.objects.get(username="lead")
ok = bad = 0
with using_keyring(Keyring(lead.pk, accounts.user_unlock(user=lead, password="{PASSWORD}"))):
    for row in ReportFile.objects.select_related("report__compartment"):
        meta = services._file_meta(row, services._intake_private(row.report))
        got = services.file_read(user=lead, row=row)
        digest = hashlib.sha256()
        for chunk in got.chunks:
            digest.update(chunk)
        ok, bad = (ok + 1, bad) if digest.hexdigest() == meta["sha256"] else (ok, bad + 1)
print(json.dumps({{"reports": Report.objects.count(), "files_verified": ok, "files_bad": bad}}))
"""


def env_for(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGREACH_", "DJANGO_"))}
    env.update(
        LONGREACH_MODE="test",
        LONGREACH_KDF="interactive",  # the production receipt KDF, not the test suite's minimum
        LONGREACH_VAR_DIR=str(var),
        LONGREACH_INTAKE_REPORTS_PER_MINUTE="1000000",
        LONGREACH_INTAKE_MAX_FILE_MB="50",
        DJANGO_SETTINGS_MODULE="benchmarks.intake_peer_settings",
        PYTHONPATH=str(ROOT),
    )
    if os.environ.get("LONGREACH_DATABASE_URL"):
        env["LONGREACH_DATABASE_URL"] = os.environ["LONGREACH_DATABASE_URL"]
    return env


def python(var: Path, code: str) -> str:
    r = subprocess.run(  # noqa: S603 (our own code)
        [sys.executable, "-c", code], env=env_for(var), capture_output=True, text=True, timeout=3600
    )
    if r.returncode:
        raise SystemExit(r.stderr)
    return r.stdout


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    submitted: int = 0
    receipts: int = 0
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def multipart(fields: dict[str, str], payload: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="evidence.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + payload
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def one_post(
    port: int, path: str, fields: Callable[[bytes], dict[str, str]], payload: bytes
) -> tuple[float, bytes]:
    """Load the form (cookies, CSRF token), post it with the file; (seconds for the post, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", path)
    r = conn.getresponse()
    page = r.read()
    cookies = "; ".join(c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or [])
    body, ctype = multipart(fields(page), payload)
    origin = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    conn.request("POST", path, body, {"Content-Type": ctype, "Cookie": cookies, "Origin": origin})
    r = conn.getresponse()
    answer = r.read()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, answer if r.status == 200 else b""


def token(page: bytes) -> str:
    m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return m.group(1).decode() if m else ""


def intake_fields(page: bytes) -> dict[str, str]:
    nonce = re.search(rb'name="nonce" value="([0-9a-f]{32})"', page)
    return {
        "csrfmiddlewaretoken": token(page),
        "nonce": nonce.group(1).decode() if nonce else "",
        "step": "send",
        "go": "next",
        "host_country": "DE",
        "danger": "no",
        "origin_state": "CN",
        "tactics": "FAMILY_THREAT",
        "story": "synthetic load test report",
    }


def peer_fields(page: bytes) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": token(page),
        "host_country": "DE",
        "origin_state": "CN",
        "story": "synthetic",
    }


def drive(
    port: int,
    path: str,
    fields: Callable[[bytes], dict[str, str]],
    ok: Callable[[bytes], bool],
    reporters: int,
    seconds: float,
    payload: bytes,
) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds

    def reporter() -> None:
        while time.monotonic() < deadline:
            try:
                elapsed, body = one_post(port, path, fields, payload)
            except OSError:
                with tally.lock:
                    tally.submitted += 1
                    tally.failures += 1
                continue
            with tally.lock:
                tally.submitted += 1
                if ok(body):
                    tally.receipts += 1
                    tally.latencies.append(elapsed)
                else:
                    tally.failures += 1

    threads = [threading.Thread(target=reporter) for _ in range(reporters)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally


def receipt_shown(body: bytes) -> bool:
    return len(re.findall(rb"<span>(\d{4})</span>", body)) == 5


def pct(samples: list[float], q: int) -> float:
    if not samples:
        return float("nan")
    return statistics.quantiles(samples, n=100)[q - 1] if len(samples) >= 2 else samples[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reporters", type=int, default=50)
    ap.add_argument("--mb", type=float, default=5.0)
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--threads", type=int, default=16, help="waitress worker threads (both runs)")
    ap.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (it holds every file sent)"
    )
    args = ap.parse_args()
    var = Path(tempfile.mkdtemp(prefix="longreach-intake-bench-"))
    try:
        run(args, var)
    finally:
        if args.keep:
            print(f"kept {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)


def run(args: argparse.Namespace, var: Path) -> None:
    if os.environ.get("LONGREACH_DATABASE_URL"):
        python(
            var,
            "import django; django.setup()\nfrom django.db import connection\n"
            "with connection.cursor() as c: c.execute('DROP SCHEMA public CASCADE; CREATE SCHEMA public')",
        )
    python(var, SETUP)
    port = int(
        python(var, "import socket\ns=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
    )
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [EXE, "serve", "--port", str(port), "--threads", str(args.threads)],
        env=env_for(var),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/report/")
                break
            except OSError:
                time.sleep(0.5)
        payload = os.urandom(int(args.mb * 1_000_000))
        database = "PostgreSQL" if os.environ.get("LONGREACH_DATABASE_URL") else "SQLite"
        print(
            f"{args.reporters} reporters, {args.mb:g} MB each post, {args.seconds:g} s per run, "
            f"waitress {args.threads} threads, database {database}"
        )
        intake = drive(
            port, "/report/form/", intake_fields, receipt_shown, args.reporters, args.seconds, payload
        )
        peer = drive(
            port, "/bench/peer/", peer_fields, lambda b: b"upload" in b, args.reporters, args.seconds, payload
        )
    finally:
        server.terminate()
        server.wait(timeout=60)
    stored = __import__("json").loads(python(var, VERIFY).strip().splitlines()[-1])
    recon = subprocess.run(  # noqa: S603 (our own command)
        [EXE, "reconcile"], env=env_for(var), capture_output=True, text=True
    )
    reconciled = recon.stdout.strip().splitlines()[-1] if recon.stdout else recon.stderr.strip()
    print(f"{'':24}{'intake':>12}{'peer':>12}")
    print(f"{'posts sent':24}{intake.submitted:>12}{peer.submitted:>12}")
    print(f"{'succeeded':24}{intake.receipts:>12}{peer.receipts:>12}")
    print(f"{'failed':24}{intake.failures:>12}{peer.failures:>12}")
    for q in (50, 95):
        print(
            f"{f'p{q} post latency (s)':24}{pct(intake.latencies, q):>12.3f}{pct(peer.latencies, q):>12.3f}"
        )
    print(
        f"reports stored {stored['reports']}, files verified {stored['files_verified']} "
        f"(bad {stored['files_bad']}), reconcile: {reconciled}"
    )
    agree = intake.receipts == stored["reports"] == stored["files_verified"] and stored["files_bad"] == 0
    print(f"receipts = reports stored = files verified: {'yes' if agree else 'NO'}")
    ratio = pct(intake.latencies, 95) / pct(peer.latencies, 95)
    print(f"intake p95 / peer p95 = {ratio:.2f}x (goal: at most 2x)")
    if not agree:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
