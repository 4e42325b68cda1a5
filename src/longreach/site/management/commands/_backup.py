"""What ``longreach backup`` puts in an archive and how ``longreach restore`` puts it back.

A backup is one consistent moment: the database snapshot is taken first (the
SQLite online backup API; ``pg_dump`` on a snapshot exported from a
repeatable-read transaction), and the stored files copied are exactly those
the snapshot's rows name. Files are written and made durable before any row
names them and never change afterwards, so a file named by the snapshot is
complete whatever the server writes meanwhile.

The signing key and the intake pepper stay out unless asked for: a backup
kept next to the pepper lets whoever holds both test receipts offline.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

import longreach
from longreach.core import archive
from longreach.intake.models import ReportFile
from longreach.vault.models import EvidenceItem, ViewingCopy

SQLITE_ENTRY = "db/longreach.sqlite3"
PG_ENTRY = "db/longreach.pgdump"
KEY_ENTRIES = {"signing": "keys/ledger-signing.key", "pepper": "keys/intake-pepper.key"}
# Files a fresh var folder may already hold before a restore (demo and test settings make a secret).
HARMLESS = {"secret_key"}


class BackupError(Exception):
    """A backup or restore cannot go on; the message says why and what was (not) changed."""


@dataclass
class Snapshot:
    entries: list[archive.Entry] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _tables() -> list[tuple[str, str]]:
    """(label, table) of every model Longreach and its libraries keep."""
    return sorted(
        {
            (m._meta.label, m._meta.db_table)
            for m in apps.get_models(include_auto_created=True)
            if m._meta.managed
        }
    )


def _stored_names(query: Callable[[str, str, str], list[str]]) -> dict[str, list[str]]:
    """The stored file names the rows name, through ``query(table, column, condition)``.

    Not the intake copies of files already moved into the vault, nor the files of deleted
    evidence (their keys are destroyed): reconcile expects neither.
    """

    def column(model: Any, name: str) -> str:
        return str(model._meta.get_field(name).column)

    intake = query(
        ReportFile._meta.db_table,
        column(ReportFile, "stored_name"),
        f'"{column(ReportFile, "evidence")}" IS NULL',
    )
    vault = query(
        EvidenceItem._meta.db_table,
        column(EvidenceItem, "storage_name"),
        f"\"{column(EvidenceItem, 'status')}\" <> '{EvidenceItem.Status.DELETED.value}'",
    )
    vault += query(ViewingCopy._meta.db_table, column(ViewingCopy, "storage_name"), "1 = 1")
    return {"intake": sorted(set(intake)), "vault": sorted(set(vault))}


def _opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: open(path, "rb")


def _file_entries(names: dict[str, list[str]], snap: Snapshot) -> None:
    stores = {"intake": Path(settings.INTAKE_DIR) / "files"}
    if settings.VAULT_STORAGE == "filesystem":
        stores["vault"] = Path(settings.VAULT_DIR) / "files"
    elif names["vault"]:
        snap.notes.append(
            f"the vault's {len(names['vault'])} files live in object storage and are not in this archive: "
            "back up the bucket with your provider's versioning or replication (it holds only ciphertext)"
        )
    for store, folder in stores.items():
        for name in names[store]:
            path = folder / name
            try:
                size = path.stat().st_size
            except FileNotFoundError:
                snap.missing.append(f"{store}/{name}")
                continue
            snap.entries.append(archive.Entry(f"{store}/files/{name}", size, _opener(path)))


@contextmanager
def snapshot(workdir: Path, include_keys: bool) -> Iterator[Snapshot]:
    """The entries of one consistent moment; temporary files live in ``workdir`` until the end."""
    snap = Snapshot()
    if engine() == "sqlite":
        copy = workdir / "db.sqlite3"
        source = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        target = sqlite3.connect(str(copy))
        try:
            source.backup(target)  # the online backup API: a consistent copy while others write
        finally:
            target.close()
            source.close()
        with sqlite3.connect(str(copy)) as db:

            def query(table: str, column: str, where: str) -> list[str]:
                sql = f'SELECT "{column}" FROM "{table}" WHERE {where}'  # noqa: S608 (model names only)
                return [r[0] for r in db.execute(sql)]

            names = _stored_names(query)
            for label, table in _tables():
                snap.rows[label] = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
        snap.entries.append(archive.Entry(SQLITE_ENTRY, copy.stat().st_size, _opener(copy)))
        _file_entries(names, snap)
    else:
        dump = workdir / "db.pgdump"
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            exported = cursor.fetchone()[0]

            def pg_query(table: str, column: str, where: str) -> list[str]:
                cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE {where}')  # noqa: S608 (model names only)
                return [r[0] for r in cursor.fetchall()]

            names = _stored_names(pg_query)
            for label, table in _tables():
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                snap.rows[label] = cursor.fetchone()[0]
            _pg("pg_dump", ["--format=custom", f"--snapshot={exported}", f"--file={dump}"])
        snap.entries.append(archive.Entry(PG_ENTRY, dump.stat().st_size, _opener(dump)))
        _file_entries(names, snap)
    if include_keys:
        for kind, path in (("signing", settings.SIGNING_KEY_FILE), ("pepper", settings.INTAKE_PEPPER_FILE)):
            p = Path(path)
            if p.exists():
                snap.entries.append(archive.Entry(KEY_ENTRIES[kind], p.stat().st_size, _opener(p)))
            else:
                snap.notes.append(f"{p} does not exist, so it is not in the archive")
    yield snap


def _pg(program: str, args: list[str]) -> None:
    """Run a PostgreSQL client program against the configured database."""
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    cmd = [program, "--no-password"]
    if db.get("HOST"):
        cmd.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        cmd.append(f"--port={db['PORT']}")
    if db.get("USER"):
        cmd.append(f"--username={db['USER']}")
    cmd += [*args, f"--dbname={db['NAME']}"]
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            f"{program} is not installed: install PostgreSQL's client programs (Debian: postgresql-client)"
        ) from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{program} failed: {last}")


def backup(
    path: Path, recovery_public: bytes, *, include_keys: bool, progress: Any = None
) -> tuple[archive.Written, Snapshot]:
    """Write the archive to ``path`` (through ``path.part`` and a rename, so no half archive exists)."""
    if path.exists():
        raise BackupError(f"{path} already exists: choose a new name (a backup never overwrites one)")
    part = path.with_name(path.name + ".part")
    work = Path(tempfile.mkdtemp(prefix=".backup-", dir=settings.VAR_DIR))
    try:
        with snapshot(work, include_keys) as snap, open(part, "xb") as out:
            meta = {
                "created": timezone.now().isoformat(timespec="seconds"),
                "engine": engine(),
                "longreach": longreach.__version__,
                "recovery_public_key": recovery_public.hex(),
                "rows": snap.rows,
                "missing": snap.missing,
                "keys": sorted(k for k, v in KEY_ENTRIES.items() if any(e.name == v for e in snap.entries)),
            }
            total = sum(e.size for e in snap.entries)
            written = archive.write(
                out, recovery_public, snap.entries, meta, progress(total) if progress else None
            )
            out.flush()
            os.fsync(out.fileno())
        os.rename(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return written, snap


# Restore ----------------------------------------------------------------------------------------


def _not_empty(folder: Path, allowed: set[str] | None = None) -> list[str]:
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if p.name not in (allowed or set()))


def check_target(manifest_engine: str | None = None, stage: Path | None = None) -> None:
    """The var folder, the stores and the database are empty; BackupError names what is not."""
    problems = []
    var = Path(settings.VAR_DIR)
    leftover = _not_empty(var, HARMLESS | ({stage.name} if stage else set()))
    if leftover:
        problems.append(f"{var} is not empty (it holds {', '.join(leftover[:5])})")
    for folder in (Path(settings.INTAKE_DIR), Path(settings.VAULT_DIR)):
        if not folder.is_relative_to(var) and _not_empty(folder):
            problems.append(f"{folder} is not empty")
    if engine() == "sqlite":
        db = Path(settings.DATABASES["default"]["NAME"])
        if db.exists() and db.stat().st_size > 0:
            problems.append(f"the database {db} already exists")
    else:
        tables = connection.introspection.table_names()
        if tables:
            problems.append(f"the database already has {len(tables)} tables")
    if manifest_engine is not None and manifest_engine != engine():
        problems.append(
            f"the archive holds a {manifest_engine} database, but this installation uses {engine()}"
        )
    if problems:
        raise BackupError("restore needs an empty var folder and an empty database: " + "; ".join(problems))


def read_into_stage(
    source: Any, recovery_private: bytes, progress: Any = None
) -> tuple[Path, dict[str, Any]]:
    """Unpack and check the whole archive in a staging folder inside the var folder (same filesystem)."""
    var = Path(settings.VAR_DIR)
    var.mkdir(parents=True, exist_ok=True)
    stage = var / f".restore-{secrets.token_hex(8)}"
    stage.mkdir(mode=0o700)
    try:
        manifest = archive.read(source, recovery_private, stage, progress)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stage, manifest


@dataclass
class Restored:
    files: dict[str, int] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)


def install(stage: Path, manifest: dict[str, Any]) -> Restored:
    """Move the checked contents of ``stage`` into place; the stage is removed in every case."""
    done = Restored()
    try:
        if engine() == "sqlite":
            db = Path(settings.DATABASES["default"]["NAME"])
            db.parent.mkdir(parents=True, exist_ok=True)
            if db.exists():
                db.unlink()  # an empty file made by an earlier connection
            shutil.move(str(stage / SQLITE_ENTRY), db)
        else:
            _pg("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", str(stage / PG_ENTRY)])
        targets = {"intake": Path(settings.INTAKE_DIR) / "files", "vault": Path(settings.VAULT_DIR) / "files"}
        for store, target in targets.items():
            source = stage / store / "files"
            if not source.exists():
                continue
            target.mkdir(parents=True, exist_ok=True)
            count = 0
            for f in sorted(source.iterdir()):
                shutil.move(str(f), target / f.name)
                count += 1
            done.files[store] = count
        for kind, path in (("signing", settings.SIGNING_KEY_FILE), ("pepper", settings.INTAKE_PEPPER_FILE)):
            staged = stage / KEY_ENTRIES[kind]
            if staged.exists():
                target = Path(path)
                if target.exists():
                    raise BackupError(f"{target} already exists; the archive's copy was not installed")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(staged), target)
                os.chmod(target, 0o600)
                done.keys.append(kind)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return done
