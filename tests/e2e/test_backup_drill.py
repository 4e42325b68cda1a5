"""The backup drill (issue 14): back up while another process writes, restore into a fresh folder,
then compare every row and every file, and check that the restored Longreach works.

On SQLite by default; the same drill runs on PostgreSQL when LONGREACH_DATABASE_URL points at
one (CI's second leg): source and target are then two fresh databases on that server.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXE = str(Path(sys.executable).parent / "longreach")
PG_URL = os.environ.get("LONGREACH_DATABASE_URL", "")
ON_PG = PG_URL.startswith("postgres")

# Rows the running system changes in place, compared by what they mean rather than byte for byte.
MUTABLE = {
    "audit_ledgerstate",  # the ledger's size: grows with every entry
    "django_session",
    "intake_counter",  # rate-limit windows
    "axes_accessattempt",
    "axes_accesslog",
    "django_tasks_database_dbtaskresult",
    "vault_evidenceitem",  # last_event moves with custody
}

WRITER = """
import sys, time, django
django.setup()
from longreach.accounts import services as accounts
from longreach.accounts.models import Compartment, User
from longreach.keys.context import using_keyring
from longreach.keys.keyring import Keyring
from longreach.registry import services as registry
from longreach.vault import services as vault
from tests.django.registry_data import incident_input

user = User.objects.get(username="analyst")
ring = Keyring(user.pk, accounts.user_unlock(user=user, password=sys.argv[1]))
demo_a = Compartment.objects.get(slug="demo-a")
stop_at = time.time() + float(sys.argv[2])
n = 0
with using_keyring(ring):
    while time.time() < stop_at:
        registry.incident_create(user=user, compartment=demo_a, data=incident_input(title=f"drill {n}"))
        if n % 3 == 0:
            body = (f"drill evidence {n} ".encode() * 4000)
            incoming = vault.encrypt_chunks(iter([body]), name=f"e{n}.txt")
            vault.item_acquire(user=user, compartment=demo_a, incoming=incoming, how="upload")
        n += 1
print(n)
"""

RECEIPT = """
import django
django.setup()
from django.test import Client
from tests.django.test_intake_flow import ANSWERS, receipt_from, walk
print(receipt_from(walk(Client(), ANSWERS, [("threat.txt", b"think of your family" * 500)])))
"""

CHECK = """
import hashlib, sys, json, django
django.setup()
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from longreach.accounts import services as accounts
from longreach.accounts.models import User
from longreach.intake import services as intake
from longreach.keys.context import using_keyring
from longreach.keys.keyring import Keyring
from longreach.vault import services as vault
from longreach.vault.models import EvidenceItem

password, receipt = sys.argv[1], sys.argv[2]
client = Client()
r = client.post("/login/", {"username": "analyst", "password": password})
assert r.status_code == 302, r.status_code
device = TOTPDevice.objects.get(user__username="analyst")
totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
r = client.post("/login/code/", {"code": f"{totp.token():06d}"})
home = client.get("/")
user = User.objects.get(username="analyst")
ring = Keyring(user.pk, accounts.user_unlock(user=user, password=password))
checked = 0
with using_keyring(ring):
    for item in EvidenceItem.objects.filter(compartment__slug="demo-a", status="active"):
        got = hashlib.sha256(b"".join(vault.checked_plaintext(item))).hexdigest()
        assert got == item.sha256, item.code
        checked += 1
found = intake.status_check(receipt, session="drill") if receipt else None
print(json.dumps({"home": home.status_code, "evidence": checked, "receipt": found is not None}))
"""


def env_for(var: Path, db: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGREACH_", "DJANGO_"))}
    env.update(
        LONGREACH_MODE="demo",
        LONGREACH_DEMO_INCIDENTS="300",
        LONGREACH_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="longreach.settings",
        PYTHONPATH=str(REPO),
    )
    if db:
        env["LONGREACH_DATABASE_URL"] = db
    return env


def run(var: Path, db: str, *args: str, stdin: str = "", timeout: int = 600) -> str:
    r = subprocess.run(
        [EXE, *args], env=env_for(var, db), input=stdin, capture_output=True, text=True, timeout=timeout
    )
    assert r.returncode == 0, (args, r.stdout[-2000:], r.stderr[-2000:])
    return r.stdout


def python(var: Path, db: str, code: str, *args: str) -> str:
    r = subprocess.run(
        [sys.executable, "-c", code, *args], env=env_for(var, db), capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout.strip().splitlines()[-1]


_MADE: list[str] = []


def _fresh_pg_database() -> str:
    """A new empty database beside the configured one (CI's role may create databases)."""
    import psycopg

    name = f"lr_drill_{secrets.token_hex(4)}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    _MADE.append(name)
    return PG_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(autouse=True)
def _drop_databases() -> Any:
    yield
    if not _MADE:
        return
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        while _MADE:
            conn.execute(f'DROP DATABASE IF EXISTS "{_MADE.pop()}" WITH (FORCE)')


def _rows(db: str, var: Path) -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Every row of every table, keyed by its first column (the primary key)."""
    if db:
        import psycopg

        conn: Any = psycopg.connect(db)
        listing = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    else:
        conn = sqlite3.connect(var / "longreach.sqlite3")
        listing = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    try:
        tables = [r[0] for r in conn.execute(listing)]
        return {
            t: {row[0]: tuple(row) for row in conn.execute(f'SELECT * FROM "{t}"')}  # noqa: S608
            for t in tables
        }
    finally:
        conn.close()


def _files(var: Path) -> dict[str, str]:
    found = {}
    for store in ("intake/files", "vault/files"):
        folder = var / store
        if folder.exists():
            for p in folder.iterdir():
                found[f"{store}/{p.name}"] = hashlib.sha256(p.read_bytes()).hexdigest()
    return found


@pytest.mark.e2e
def test_backup_while_writing_then_restore_compares_every_row_and_file(tmp_path: Path) -> None:
    source_db = _fresh_pg_database() if ON_PG else ""
    target_db = _fresh_pg_database() if ON_PG else ""
    var1, var2 = tmp_path / "var1", tmp_path / "var2"
    run(var1, source_db, "up", "--no-serve")
    text = (var1 / "demo-credentials.txt").read_text()
    creds = configparser.ConfigParser()
    creds.read_string(text[text.index("[admin]") :])
    password = creds["analyst"]["password"]
    recovery = next(
        line.split("=", 1)[1].strip()
        for line in (var1 / "demo-credentials.txt").read_text().splitlines()
        if line.startswith("recovery_private_key")
    )
    receipt = python(var1, source_db, RECEIPT)
    before = {t: len(rows) for t, rows in _rows(source_db, var1).items()}

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, password, "12"],
        env=env_for(var1, source_db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2)  # the writer is busy before the snapshot starts
    started = time.monotonic()
    out = run(var1, source_db, "backup", str(tmp_path / "drill.lrbk"), "--include-keys")
    backup_seconds = time.monotonic() - started
    wrote, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err[-2000:]
    assert "encrypted to the recovery key" in out and "keys included: pepper, signing" in out

    started = time.monotonic()
    restored = run(
        var2, target_db, "restore", str(tmp_path / "drill.lrbk"), "--key-stdin", stdin=recovery + "\n"
    )
    restore_seconds = time.monotonic() - started
    assert "reporters' receipts work as before" in restored
    assert "ledger OK" in run(var2, target_db, "ledger", "verify")
    assert "files and rows agree" in run(var2, target_db, "reconcile")

    # Every restored row is the source's row, byte for byte, and nothing from before the backup is lost.
    source, copy = _rows(source_db, var1), _rows(target_db, var2)
    compared = 0
    for table, rows in copy.items():
        assert len(rows) >= before.get(table, 0) or table in MUTABLE, table
        if table in MUTABLE:
            continue
        for pk, row in rows.items():
            assert source[table].get(pk) == row, (table, pk)
            compared += 1
    assert len(copy["registry_incident"]) > before["registry_incident"]  # the writer's rows were caught too
    files = _files(var2)
    source_files = _files(var1)
    assert files and all(source_files[name] == digest for name, digest in files.items())

    checked = json.loads(python(var2, target_db, CHECK, password, receipt))
    assert checked["home"] == 200 and checked["receipt"] is True and checked["evidence"] > 0
    print(
        f"\ndrill: {compared:,} rows and {len(files)} files compared; writer made {wrote.strip()} incidents "
        f"meanwhile; backup {backup_seconds:.1f} s, restore {restore_seconds:.1f} s"
    )


@pytest.mark.e2e
def test_restore_refuses_damaged_foreign_and_occupied_targets_and_changes_nothing(tmp_path: Path) -> None:
    source_db = _fresh_pg_database() if ON_PG else ""
    var1 = tmp_path / "var1"
    run(var1, source_db, "up", "--no-serve")
    recovery = next(
        line.split("=", 1)[1].strip()
        for line in (var1 / "demo-credentials.txt").read_text().splitlines()
        if line.startswith("recovery_private_key")
    )
    good = tmp_path / "good.lrbk"
    run(var1, source_db, "backup", str(good))
    blob = good.read_bytes()
    # The backup command's own refusals: it never overwrites, and names what is wrong.
    for args, message in (
        ([str(good)], "already exists"),
        ([str(tmp_path / "no-such-folder" / "x.lrbk")], "is not a folder"),
    ):
        r = subprocess.run(
            [EXE, "backup", *args], env=env_for(var1, source_db), capture_output=True, text=True, timeout=300
        )
        assert r.returncode != 0 and message in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert good.read_bytes() == blob
    cases = {
        "cut.lrbk": (blob[: len(blob) // 2], "damaged or cut off"),
        "flipped.lrbk": (blob[:-5000] + bytes([blob[-5000] ^ 1]) + blob[-4999:], "damaged or cut off"),
        "other.zip": (b"PK\x03\x04" + blob[4:], "not a Longreach backup"),
    }
    for name, (data, _message) in cases.items():
        (tmp_path / name).write_bytes(data)
    target_db = _fresh_pg_database() if ON_PG else ""
    var2 = tmp_path / "var2"
    for name, (_data, message) in cases.items():
        r = subprocess.run(
            [EXE, "restore", str(tmp_path / name), "--key-stdin"],
            env=env_for(var2, target_db),
            input=recovery + "\n",
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode != 0 and message in r.stderr and "nothing was changed" in r.stderr, (
            name,
            r.stderr,
        )
        assert "Traceback" not in r.stderr
        leftover = [p.name for p in var2.iterdir() if p.name != "secret_key"] if var2.exists() else []
        assert leftover == [], (name, leftover)
    for path, key, message in (
        (tmp_path / "missing.lrbk", recovery, "no such file"),
        (good, "not-a-key", "64 hexadecimal characters"),
    ):
        r = subprocess.run(
            [EXE, "restore", str(path), "--key-stdin"],
            env=env_for(var2, target_db),
            input=key + "\n",
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert r.returncode != 0 and message in r.stderr and "Traceback" not in r.stderr, r.stderr
    foreign = "11" * 32
    r = subprocess.run(
        [EXE, "restore", str(good), "--key-stdin"],
        env=env_for(var2, target_db),
        input=foreign + "\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode != 0 and "another organisation" in r.stderr
    # Into a var folder that already holds a Longreach: refused before the key is even asked for.
    r = subprocess.run(
        [EXE, "restore", str(good), "--key-stdin"],
        env=env_for(var1, source_db),
        input=recovery + "\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode != 0 and "needs an empty var folder" in r.stderr and "nothing was changed" in r.stderr
