"""Benchmarks for message parsing, each against a peer measured in the same run.

1. Parsing a WhatsApp export of 1,000,000 lines (Android, day-first 24-hour
   headers; one message in five runs over several lines) with Longreach's
   parser (``longreach parse-chat``'s code: the date order decided from the
   whole file, then a streaming pass) against the ``whatstk`` package
   (``df_from_whatsapp`` with the header format given, its fastest path) on
   the same file. Goal: at least 5x its throughput, with identical message
   counts. Each side runs in a process of its own, so peak memory (RSS) is
   each one's own. A second file adds system lines (encryption notice,
   joins, number changes), which have no sender: the counts show what each
   parser keeps of them.

Run: make bench   (or .venv/bin/python benchmarks/messages.py [--lines N] [--rounds N])
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SENDERS = ["+86 138 0013 8000", "Officer Wang", "Dilnur", "+90 555 000 00 00", "Ayşe", "王警官", "Мурат"]
TEXTS = [
    "Think of your family.",
    "We can reach you wherever you are.",
    "Your mother is well. For now.",
    "Come back and everything will be forgiven.",
    "Tell us who goes to the meetings in Istanbul.",
    "想想你的家人",
    "ok",
    "Why are you doing this?",
]
SYSTEM = [
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or"
    " listen to them. Tap to learn more.",
    "Officer Wang added +90 555 000 00 00",
    "+86 138 0013 8000 changed to +86 139 0000 0001",
    "Dilnur left",
]


def make_chat(path: Path, lines: int, system_share: float, seed: int = 11) -> None:
    rng = random.Random(seed)
    minute = 0
    written = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        while written < lines:
            minute += rng.randint(0, 90)
            day, rest = divmod(minute, 1440)
            date = f"{1 + day % 28:02d}/{1 + day // 28 % 12:02d}/{2019 + day // 336}"
            stamp = f"{date}, {rest // 60:02d}:{rest % 60:02d}"
            if rng.random() < system_share:
                fh.write(f"{stamp} - {rng.choice(SYSTEM)}\n")
                written += 1
                continue
            extra = rng.randint(1, 4) if rng.random() < 0.2 else 0
            fh.write(f"{stamp} - {rng.choice(SENDERS)}: {rng.choice(TEXTS)}\n")
            for _ in range(extra):
                fh.write(f"{rng.choice(TEXTS)}\n")
            written += 1 + extra


# Peak memory of this process since it started (VmHWM): getrusage's maximum would
# include the benchmark's own memory, which the child had until it exec'd.
PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
"""

OURS = (
    PEAK
    + """
import json, sys, time
from longreach.messages import whatsapp
path = sys.argv[1]
t = time.perf_counter()
n = sum(1 for _ in whatsapp.parse(lambda: open(path, "rb")))
print(json.dumps({"seconds": time.perf_counter() - t, "messages": n, "rss_mb": peak_mb()}))
"""
)

PEER = (
    PEAK
    + """
import json, sys, time
from whatstk.whatsapp.parser import df_from_whatsapp
path = sys.argv[1]
t = time.perf_counter()
df = df_from_whatsapp(path, auto_header=False, hformat="%d/%m/%Y, %H:%M - %name:", max_size=None)
print(json.dumps({"seconds": time.perf_counter() - t, "messages": len(df), "rss_mb": peak_mb()}))
"""
)


def run(code: str, path: Path) -> dict[str, float]:
    done = subprocess.run(  # noqa: S603  our own interpreter and our own code
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def compare(path: Path, lines: int, rounds: int, label: str) -> None:
    size = path.stat().st_size / 1e6
    ours, peer = [], []
    for _ in range(rounds):  # taking turns, so both meet the same spells of load
        ours.append(run(OURS, path))
        peer.append(run(PEER, path))
    o = statistics.median(r["seconds"] for r in ours)
    p = statistics.median(r["seconds"] for r in peer)
    print(f"  {label}: {lines:,} lines, {size:,.0f} MB, median of {rounds} rounds")
    print(
        f"    longreach {o:.2f} s ({lines / o:,.0f} lines/s), {int(ours[0]['messages']):,} messages, "
        f"peak RSS {max(r['rss_mb'] for r in ours):,.0f} MB"
    )
    print(
        f"    whatstk   {p:.2f} s ({lines / p:,.0f} lines/s), {int(peer[0]['messages']):,} messages, "
        f"peak RSS {max(r['rss_mb'] for r in peer):,.0f} MB"
    )
    same = "identical counts" if ours[0]["messages"] == peer[0]["messages"] else "counts DIFFER"
    print(f"    throughput ratio {p / o:.1f}x (goal >= 5x), {same}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    try:
        import whatstk  # noqa: F401
    except ImportError:
        raise SystemExit("the peer is missing: .venv/bin/pip install -e '.[bench]'") from None
    folder = Path(tempfile.mkdtemp(prefix="longreach-messages-bench-"))
    try:
        print("Message parsing benchmarks")
        plain = folder / "chat.txt"
        make_chat(plain, args.lines, system_share=0.0)
        compare(plain, args.lines, args.rounds, "WhatsApp export, user messages")
        mixed = folder / "chat-with-system-lines.txt"
        make_chat(mixed, args.lines, system_share=0.02)
        compare(mixed, args.lines, 1, "the same with 2% system lines (no sender)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
