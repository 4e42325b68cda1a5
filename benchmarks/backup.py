"""Backup and restore of a large organisation, against plain unencrypted copies of the same data.

Builds an organisation with N incidents (default 100,000) and about M MB of evidence
(default 1,000) on SQLite, then times, each in its own process as an operator runs them:

- ``longreach backup`` (consistent snapshot, SHA-256 of every entry, encryption to the
  recovery key) against the peer: SQLite's backup API to a file plus GNU ``tar`` of the
  evidence files, with no hashing and no encryption;
- ``longreach restore`` (read, decrypt, check every entry in a staging folder, install,
  migrate) against the peer: ``tar -x`` of that tar file.

Incidents beyond the first few hundred are copies of those rows with new keys and codes
(written in bulk, so that building 100,000 takes a minute, not an hour); their sealed
fields are not readable in the copies, which the backup neither needs nor checks.

Run: .venv/bin/python benchmarks/backup.py [--incidents N] [--evidence-mb M] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).parent / "longreach")

BUILD = r"""
import os, sys, secrets, django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("migrate", verbosity=0)
from longreach.accounts import services
from longreach.accounts.roles import Role
from longreach.audit.services import write_signing_key
from longreach.keys import services as keys
from longreach.keys.context import using_keyring
from longreach.keys.keyring import Keyring
from longreach.registry import services as registry
from longreach.registry.models import Incident
from longreach.vault import services as vault
from tests.django.registry_data import incident_input

target, evidence_mb = int(sys.argv[1]), int(sys.argv[2])
org = keys.org_keys_create(signing_public_key=write_signing_key(settings.SIGNING_KEY_FILE))
made = services.user_create(username="analyst", role=Role.LEAD, password="bench passphrase 12345",
                            acting_user="bench", linkage_key=org.linkage_key)
comp = services.compartment_create(slug="bench", name="Bench", lead=made.user, acting_user="bench")
ring = Keyring(made.user.pk, services.user_unlock(user=made.user, password="bench passphrase 12345"))
with using_keyring(ring):
    for n in range(min(target, 300)):
        registry.incident_create(user=made.user, compartment=comp, data=incident_input(title=f"bench {n}"))
    for n in range(max(1, evidence_mb // 10)):
        body = os.urandom(10_000_000)
        vault.item_acquire(user=made.user, compartment=comp, how="upload",
                           incoming=vault.encrypt_chunks(iter([body]), name=f"video-{n}.mp4"))
base = list(Incident.objects.values())
have = len(base)
batch = []
while have < target:
    row = dict(base[have % len(base)])
    row["id"] = __import__("uuid").uuid4()
    row["code"] = "I-" + secrets.token_hex(6).upper()
    batch.append(Incident(**row))
    have += 1
    if len(batch) == 5000:
        Incident.objects.bulk_create(batch)
        batch = []
Incident.objects.bulk_create(batch)
print(org.recovery_private_key.hex())
"""


def env(var: Path) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith(("LONGREACH_", "DJANGO_"))}
    out.update(
        LONGREACH_MODE="test",
        LONGREACH_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="longreach.settings",
        PYTHONPATH=str(ROOT),
    )
    return out


def timed(cmd: list[str], var: Path, stdin: str = "") -> float:
    start = time.perf_counter()
    r = subprocess.run(cmd, env=env(var), input=stdin, capture_output=True, text=True)  # noqa: S603
    if r.returncode != 0:
        raise SystemExit(f"{cmd[:3]} failed: {r.stderr[-2000:]}")
    return time.perf_counter() - start


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--evidence-mb", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="longreach-backup-bench-"))
    var1, var2, peer = tmp / "var1", tmp / "var2", tmp / "peer"
    try:
        var1.mkdir(mode=0o700)
        start = time.perf_counter()
        r = subprocess.run(  # noqa: S603
            [sys.executable, "-c", BUILD, str(args.incidents), str(args.evidence_mb)],
            env=env(var1),
            capture_output=True,
            text=True,
        )
        if r.returncode != 0:
            raise SystemExit(r.stderr[-3000:])
        recovery = r.stdout.strip().splitlines()[-1]
        print(
            f"built {args.incidents:,} incidents and ~{args.evidence_mb:,} MB of evidence "
            f"in {time.perf_counter() - start:.0f} s; var folder {size_of(var1) / 1e6:,.0f} MB"
        )

        archive = tmp / "backup.lrbk"
        ours_backup = timed([EXE, "backup", str(archive)], var1)
        peer.mkdir()
        start = time.perf_counter()
        import sqlite3

        with sqlite3.connect(var1 / "longreach.sqlite3") as src, sqlite3.connect(peer / "db.sqlite3") as dst:
            src.backup(dst)
        subprocess.run(["tar", "-cf", str(peer / "files.tar"), "-C", str(var1), "vault/files"], check=True)  # noqa: S603, S607
        peer_backup = time.perf_counter() - start

        ours_restore = timed([EXE, "restore", str(archive), "--key-stdin"], var2, recovery + "\n")
        out = tmp / "peer-out"
        out.mkdir()
        start = time.perf_counter()
        subprocess.run(["tar", "-xf", str(peer / "files.tar"), "-C", str(out)], check=True)  # noqa: S603, S607
        shutil.copy(peer / "db.sqlite3", out / "db.sqlite3")
        peer_restore = time.perf_counter() - start

        print(f"archive {archive.stat().st_size / 1e6:,.0f} MB")
        print(
            f"backup : longreach {ours_backup:6.1f} s   peer (sqlite backup + tar) {peer_backup:6.1f} s   "
            f"ratio {ours_backup / peer_backup:.2f}x"
        )
        print(
            f"restore: longreach {ours_restore:6.1f} s   peer (tar -x + copy)       {peer_restore:6.1f} s   "
            f"ratio {ours_restore / peer_restore:.2f}x"
        )
        print(
            "longreach's times include starting Python and Django, SHA-256 of every entry, encryption "
            "and authentication, and (restore) the schema migration check; the peer does none of these."
        )
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
