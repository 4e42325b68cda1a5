"""Benchmarks for the evidence vault, each against a peer measured in the same run.

1. Store and read back ~1 GB of mixed files (photos, voice notes, videos,
   PDFs, chat exports) through the vault's real path: encrypt while hashing,
   inspect, store durably, write the row and its custody event; then
   download each (custody event, authenticated decryption), hashing it.
   Viewing-copy jobs are queued but not run (the server runs them on its
   worker thread, outside the request). The peer is raw
   libsodium secretstream (PyNaCl bindings) plus hashlib SHA-256 on the same
   bytes: encrypt to a file with fsync, then read, decrypt and hash. The two
   sides take turns file by file, and the median of three rounds is compared.
   Goal: at most 1.5x the peer's time. Peak memory (RSS) is printed too.
2. Verifying a package of 10,000 items (``longreach verify-package``'s
   code: signed head, every custody event's inclusion proof, every item's
   bytes), against only hashing the same items' bytes out of the zip.

Runs on SQLite by default (a temporary file) and on PostgreSQL when
LONGREACH_DATABASE_URL points at one (its public schema is dropped and rebuilt
first). The temporary folder is removed at the end unless --keep is given.

Run: make bench   (or .venv/bin/python benchmarks/vault.py [--total-mb N] [--rounds N] [--package-items N])
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LONGREACH_MODE", "test")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
_tmp = Path(tempfile.mkdtemp(prefix="longreach-vault-bench-"))
os.environ.setdefault("LONGREACH_DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ["LONGREACH_VAULT_DIR"] = str(_tmp / "vault")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from nacl import bindings as sodium  # noqa: E402

# Viewing copies are made by the server's job worker, after the request; here the
# jobs are queued and not run, so the figures are those of storing and reading.
override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}).enable()

PASSWORD = "benchmark password 123"  # noqa: S105 (a throwaway database)
CHUNK = 64 * 1024

# (kind, header, smallest, largest size in bytes, share of the total)
MIX = [
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", 200_000, 5_000_000, 0.25),
    ("voice.wav", b"RIFF\x00\x00\x00\x00WAVEfmt ", 100_000, 3_000_000, 0.10),
    ("video.mp4", b"\x00\x00\x00\x18ftypmp42", 30_000_000, 150_000_000, 0.45),
    ("letter.pdf", b"%PDF-1.7\n", 100_000, 8_000_000, 0.10),
    ("chat.txt", b"", 20_000, 2_000_000, 0.10),
]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_files(folder: Path, total: int, seed: int = 7) -> list[Path]:
    """Synthetic evidence: real headers, random bodies (incompressible, like media)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    files: list[Path] = []
    for kind, header, low, high, share in MIX:
        budget = int(total * share)
        n = 0
        while budget > 0:
            size = min(budget, rng.randint(low, high))
            path = folder / f"{n:04d}-{kind}"
            with open(path, "wb") as fh:
                if kind == "chat.txt":
                    line = "02/07/2019, 21:14 - +86 138 0000 %04d: Think of your family.\n"
                    text = "".join(line % rng.randint(0, 9999) for _ in range(size // 60 + 1))
                    fh.write(text.encode()[:size])
                else:
                    fh.write(header)
                    left = size - len(header)
                    while left > 0:
                        piece = os.urandom(min(left, 4 * 1024 * 1024))
                        fh.write(piece)
                        left -= len(piece)
            files.append(path)
            budget -= size
            n += 1
    rng.shuffle(files)
    return files


def setup_org() -> dict[str, Any]:
    from longreach.accounts import services
    from longreach.audit.services import write_signing_key
    from longreach.keys import services as key_services

    settings.SIGNING_KEY_FILE = _tmp / "signing.key"
    org = key_services.org_keys_create(signing_public_key=write_signing_key(settings.SIGNING_KEY_FILE))
    lead = services.user_create(
        username="bench", role="lead", password=PASSWORD, acting_user="bench", linkage_key=org.linkage_key
    )
    second = services.user_create(
        username="second",
        role="administrator",
        password=PASSWORD,
        acting_user="bench",
        linkage_key=org.linkage_key,
    )
    comp = services.compartment_create(slug="bench", name="Bench", lead=lead.user, acting_user="bench")
    private = services.user_unlock(user=lead.user, password=PASSWORD)
    return {"user": lead.user, "second": second.user, "compartment": comp, "private": private}


class Ours:
    """The vault's real path for one file: store (encrypt, inspect, row, custody), then download it."""

    def __init__(self, org: dict[str, Any], round_: int) -> None:
        from longreach.accounts import services as accounts
        from longreach.keys.keyring import Keyring

        # A compartment per round: the same bytes again in one compartment are the same item.
        self.compartment = accounts.compartment_create(
            slug=f"round-{round_}", name=f"Round {round_}", lead=org["user"], acting_user="bench"
        )
        self.user = org["user"]
        self.keyring = Keyring(org["user"].pk, org["private"])

    def __call__(self, path: Path) -> None:
        from longreach.keys.context import using_keyring
        from longreach.vault import services

        with using_keyring(self.keyring):
            incoming = services.encrypt_path(path)
            item = services.item_acquire(
                user=self.user, compartment=self.compartment, incoming=incoming, how="import"
            ).item
            digest = hashlib.sha256()
            for piece in services.item_download(user=self.user, item=item).chunks:
                digest.update(piece)
        if digest.hexdigest() != item.sha256:
            raise SystemExit(f"{item.code}: read back differs")


class Peer:
    """Raw secretstream + SHA-256 for one file: encrypt it to disk (fsync), then decrypt and hash it back."""

    def __init__(self, out: Path) -> None:
        self.out = out
        out.mkdir(exist_ok=True)
        self.n = 0

    def __call__(self, path: Path) -> None:
        key = sodium.crypto_secretstream_xchacha20poly1305_keygen()
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        header = sodium.crypto_secretstream_xchacha20poly1305_init_push(state, key)
        digest = hashlib.sha256()
        self.n += 1
        target = self.out / f"{self.n}.bin"
        with open(path, "rb") as src, open(target, "wb") as dst:
            dst.write(header)
            block = src.read(CHUNK)
            while True:
                following = src.read(CHUNK)
                tag = (
                    sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
                    if not following
                    else sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
                )
                digest.update(block)
                dst.write(sodium.crypto_secretstream_xchacha20poly1305_push(state, block, None, tag))
                if not following:
                    break
                block = following
            dst.flush()
            os.fsync(dst.fileno())
        expected = digest.hexdigest()
        abytes = sodium.crypto_secretstream_xchacha20poly1305_ABYTES
        state = sodium.crypto_secretstream_xchacha20poly1305_state()
        digest = hashlib.sha256()
        with open(target, "rb") as src:
            sodium.crypto_secretstream_xchacha20poly1305_init_pull(
                state, src.read(sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES), key
            )
            for sealed in iter(lambda: src.read(CHUNK + abytes), b""):
                plain, _tag = sodium.crypto_secretstream_xchacha20poly1305_pull(state, sealed, None)
                digest.update(plain)
        if digest.hexdigest() != expected:
            raise SystemExit("peer read back differs")


def store_and_read(
    org: dict[str, Any], files: list[Path], rounds: int
) -> tuple[list[float], list[float], dict[Path, float], dict[Path, float]]:
    """Both sides file by file, taking turns to go first, so they share the machine's spells of load.

    Disk sync times on a shared machine swing by half between minutes; run
    side by side, both sides meet the same swings.
    """
    ours_runs: list[float] = []
    peer_runs: list[float] = []
    ours_files: dict[Path, float] = dict.fromkeys(files, 0.0)
    peer_files: dict[Path, float] = dict.fromkeys(files, 0.0)
    for round_ in range(rounds):
        ours, peer = Ours(org, round_), Peer(_tmp / "peer")
        ours_runs.append(0.0)
        peer_runs.append(0.0)
        os.sync()
        for n, path in enumerate(files):
            sides = ((ours, ours_files, ours_runs), (peer, peer_files, peer_runs))
            for side, spent, runs in sides[:: 1 if n % 2 else -1]:
                t = time.perf_counter()
                side(path)
                took = time.perf_counter() - t
                spent[path] += took
                runs[-1] += took
        shutil.rmtree(_tmp / "peer")
    return ours_runs, peer_runs, ours_files, peer_files


def build_package(org: dict[str, Any], n: int, target: Path) -> float:
    """N small items acquired and exported through the real path (setup: timed, not compared)."""
    from longreach.accounts import services as accounts
    from longreach.keys.context import using_keyring
    from longreach.keys.keyring import Keyring
    from longreach.vault import export, services

    keyring = Keyring(org["user"].pk, org["private"])
    t0 = time.perf_counter()
    items = []
    with using_keyring(keyring):
        for k in range(n):
            body = f"message {k}: we can reach you wherever you are\n".encode() * 20
            incoming = services.encrypt_chunks([body], name=f"message-{k}.txt", declared_type="text/plain")
            items.append(
                services.item_acquire(
                    user=org["user"], compartment=org["compartment"], incoming=incoming, how="import"
                ).item
            )
        action = services.export_request(user=org["user"], compartment=org["compartment"], items=items)
        accounts.pending_approve(action=action, acting_user=org["second"])
        prepared = export.prepare(user=org["user"], action=action)
        with open(target, "wb") as fh:
            for piece in export.chunks(prepared):
                fh.write(piece)
    return time.perf_counter() - t0


def verify_times(target: Path, key: bytes, repeats: int = 3) -> tuple[float, float, int]:
    from longreach.vault import package

    best_ours, best_peer, events = float("inf"), float("inf"), 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = package.verify(target, key)
        best_ours = min(best_ours, time.perf_counter() - t0)
        events = result.events
        t0 = time.perf_counter()
        with zipfile.ZipFile(target) as zf:
            for info in zf.infolist():
                if info.filename.startswith("items/"):
                    hashlib.sha256(zf.read(info)).hexdigest()
        best_peer = min(best_peer, time.perf_counter() - t0)
    return best_ours, best_peer, events


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--total-mb", type=int, default=1024)
    parser.add_argument("--package-items", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="store-and-read-back rounds per side")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    try:
        vendor = connection.vendor
        if vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        call_command("migrate", verbosity=0)
        org = setup_org()
        print(f"Vault benchmarks on {vendor} (temporary folder {_tmp})")
        t0 = time.perf_counter()
        files = make_files(_tmp / "incoming", args.total_mb * 1024 * 1024)
        total = sum(p.stat().st_size for p in files)
        print(
            f"  setup: {len(files)} files, {total / 1e6:,.0f} MB written in {time.perf_counter() - t0:.1f} s"
        )
        before = rss_mb()
        ours_runs, peer_runs, ours_files, peer_files = store_and_read(org, files, args.rounds)
        peer_s, ours_s = statistics.median(peer_runs), statistics.median(ours_runs)
        mb = total / 1e6
        print(
            f"  store + read back {mb:,.0f} MB, median of {args.rounds} rounds: "
            f"vault {ours_s:.1f} s ({mb / ours_s:,.0f} MB/s), "
            f"secretstream + SHA-256 {peer_s:.1f} s ({mb / peer_s:,.0f} MB/s), "
            f"ratio {ours_s / peer_s:.2f}x (goal <= 1.5x)"
        )
        print(
            "    rounds: vault "
            + ", ".join(f"{t:.1f}" for t in ours_runs)
            + " s; peer "
            + ", ".join(f"{t:.1f}" for t in peer_runs)
            + " s"
        )
        for label, chosen in (
            ("files of 8 MB and more", [p for p in files if p.stat().st_size >= 8_000_000]),
            ("files under 8 MB", [p for p in files if p.stat().st_size < 8_000_000]),
        ):
            o, q = sum(ours_files[p] for p in chosen), sum(peer_files[p] for p in chosen)
            per = (o - q) / len(chosen) / args.rounds * 1000 if chosen else 0
            print(
                f"    {label}: {len(chosen)} files, {sum(p.stat().st_size for p in chosen) / 1e6:,.0f} MB, "
                f"ratio {o / q:.2f}x ({per:.1f} ms more per file)"
            )
        print(f"  peak memory (RSS): {rss_mb():,.0f} MB after the vault run, {before:,.0f} MB before it")
        shutil.rmtree(_tmp / "incoming")
        target = _tmp / "package.zip"
        built = build_package(org, args.package_items, target)
        from longreach.keys.models import OrgKeys

        key = bytes(OrgKeys.get().signing_public_key)
        ours_v, peer_v, events = verify_times(target, key)
        size = target.stat().st_size / 1e6
        print(
            f"  package of {args.package_items:,} items ({size:,.1f} MB, {events:,} custody events; "
            f"acquired and exported in {built:.1f} s): verify {ours_v:.2f} s, "
            f"hashing the items alone {peer_v:.2f} s, ratio {ours_v / peer_v:.1f}x"
        )
    finally:
        if not args.keep:
            shutil.rmtree(_tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
