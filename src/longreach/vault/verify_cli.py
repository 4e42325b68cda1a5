"""``longreach verify-package PKG --key HEX | --heads FILE``: runs without settings or a database.

A police unit, a court or the CCF checks a package with the organisation's
published signing key and nothing else; they have no Longreach installation
to configure. Exit 0 and a summary when every check passes; exit 1 and one
line naming the first item that fails otherwise; exit 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from longreach.vault.package import PackageInvalid, verify


def _key(args: argparse.Namespace) -> bytes:
    if args.key:
        raw = args.key.strip()
    else:
        try:
            raw = str(json.loads(Path(args.heads).read_text(encoding="utf-8"))["public_key"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SystemExit(f"verify-package: cannot read the public key from {args.heads}: {exc}") from None
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise SystemExit("verify-package: the public key must be 64 hexadecimal characters (Ed25519)")
    return key


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="longreach verify-package",
        description="Check an evidence package offline against the organisation's published signing key.",
    )
    parser.add_argument("package", type=Path)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--key", help="the organisation's Ed25519 public key, in hexadecimal")
    source.add_argument("--heads", help="a tree-head file exported with `longreach ledger export-heads`")
    args = parser.parse_args(argv)
    key = _key(args)
    try:
        result = verify(args.package, key)
    except PackageInvalid as exc:
        print(f"{args.package}: FAILED: {exc}", file=sys.stderr)
        return 1
    print(
        f"{args.package}: OK: package {result.package}, {result.items} items and {result.events} custody "
        f"events, all in the ledger under the tree head of size {result.tree_size} signed by this key"
    )
    return 0
