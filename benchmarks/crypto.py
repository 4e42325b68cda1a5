"""Benchmarks for the crypto envelope and the Merkle ledger.

1. Sealing and opening 100,000 field values through Longreach's envelope
   (typed encoding, associated data, padding, versioned header) against raw
   libsodium XChaCha20-Poly1305 calls on the same plaintexts. Goal: ≤ 1.5×.
2. Merkle inclusion and consistency proof generation at 1k, 100k and 1M
   leaves. Goal: flat (logarithmic) as the tree grows.

Run: make bench   (or .venv/bin/python benchmarks/crypto.py [--fields N] [--max-leaves N])
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections.abc import Callable

from nacl import bindings, utils

from longreach.crypto import envelope, values
from longreach.ledger import merkle


def best_of(runs: int, fn: Callable[[], None]) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_fields(n: int) -> None:
    rng = random.Random(7)
    texts = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ئۇيغۇر中文") for _ in range(rng.randint(5, 80)))
        for _ in range(n)
    ]
    key = envelope.new_key()
    rows = [str(i) for i in range(n)]
    aads = [envelope.binding("field", "registry.person", "name", r, "c0ffee") for r in rows]

    sealed: list[bytes] = []
    raw_sealed: list[tuple[bytes, bytes]] = []
    plains = [t.encode("utf-8") for t in texts]

    def ours_seal() -> None:
        sealed.clear()
        for text, row in zip(texts, rows, strict=True):
            aad = envelope.binding("field", "registry.person", "name", row, "c0ffee")
            sealed.append(envelope.seal(key, values.encode("text", text), aad, 1))

    def ours_open() -> None:
        for blob, aad in zip(sealed, aads, strict=True):
            values.decode("text", envelope.open_sealed(lambda v: key, blob, aad))

    def raw_seal() -> None:
        raw_sealed.clear()
        for p, aad in zip(plains, aads, strict=True):
            nonce = utils.random(24)
            raw_sealed.append(
                (nonce, bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(p, aad, nonce, key))
            )

    def raw_open() -> None:
        for (nonce, ct), aad in zip(raw_sealed, aads, strict=True):
            bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(ct, aad, nonce, key).decode("utf-8")

    results = {}
    for name, fn in [
        ("seal", ours_seal),
        ("raw seal", raw_seal),
        ("open", ours_open),
        ("raw open", raw_open),
    ]:
        results[name] = best_of(3, fn)
    print(f"\nSealed fields: {n:,} values (best of 3 runs)")
    print(f"  {'':14}{'Longreach':>12}{'raw libsodium':>16}{'ratio':>8}")
    for op in ("seal", "open"):
        ours, raw = results[op], results[f"raw {op}"]
        print(
            f"  {op:14}{ours:>11.3f}s{raw:>15.3f}s{ours / raw:>7.2f}×"
            f"   ({n / ours:,.0f}/s vs {n / raw:,.0f}/s)"
        )
    both = (results["seal"] + results["open"]) / (results["raw seal"] + results["raw open"])
    print(f"  overall ratio {both:.2f}× (goal ≤ 1.5×)")


def bench_merkle(max_leaves: int) -> None:
    sizes = [s for s in (1_000, 100_000, 1_000_000) if s <= max_leaves]
    log = merkle.MerkleLog()
    rng = random.Random(11)
    print("\nMerkle proofs (mean of 2,000 random proofs per size)")
    print(f"  {'leaves':>10}{'build':>10}{'inclusion':>14}{'consistency':>14}{'proof len':>11}")
    built = 0
    first_incl = None
    for size in sizes:
        t0 = time.perf_counter()
        for i in range(built, size):
            log.append(i.to_bytes(8, "big"))
        build = time.perf_counter() - t0
        built = size
        idx = [rng.randrange(size) for _ in range(2000)]
        olds = [rng.randrange(1, size) for _ in range(2000)]
        t0 = time.perf_counter()
        proof: list[bytes] = []
        for i in idx:
            proof = log.inclusion_proof(i)
        incl = (time.perf_counter() - t0) / len(idx)
        t0 = time.perf_counter()
        for o in olds:
            log.consistency_proof(o)
        cons = (time.perf_counter() - t0) / len(olds)
        root = log.root()
        merkle.verify_inclusion(merkle.leaf_hash(idx[-1].to_bytes(8, "big")), idx[-1], size, proof, root)
        first_incl = first_incl or incl
        print(f"  {size:>10,}{build:>9.2f}s{incl * 1e6:>11.1f} µs{cons * 1e6:>11.1f} µs{len(proof):>11}")
    if first_incl and len(sizes) > 1:
        print(
            f"  inclusion proof time at {sizes[-1]:,} vs {sizes[0]:,} leaves: {incl / first_incl:.2f}× "
            f"(leaves grew {sizes[-1] // sizes[0]:,}×; "
            f"log2 of the size grew {math.log2(sizes[-1]) / math.log2(sizes[0]):.1f}×)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fields", type=int, default=100_000)
    parser.add_argument("--max-leaves", type=int, default=1_000_000)
    args = parser.parse_args()
    bench_fields(args.fields)
    bench_merkle(args.max_leaves)


if __name__ == "__main__":
    main()
