"""``longreach names``: compare names across scripts; no database, no keys.

``longreach names match FILE.jsonl`` reads one JSON object per line with at
least ``query`` and ``candidate`` (strings) and writes each object back with
``score`` (0..1) and ``match`` (at the threshold, ``--threshold``), and with
``--explain`` the pairs of parts behind the score. ``longreach names explain
"A" "B"`` prints how two names compare. ``longreach names evaluate FILE``
reads labelled pairs (``match`` true or false) and prints precision, recall,
F1 and the recall at a 1% false-positive rate, overall and per ``scripts``
label. ``longreach names screen BATCH.csv --watchlist LIST`` screens a batch
of names (a CSV with ``name`` and optional ``id``, ``birth_date``,
``nationality``) against a list (CSV, FollowTheMoney JSON lines or the UN
list's XML; see ``lists``) and writes each name with its hits as JSON lines,
or as CSV rows with ``--csv``.

Exit 0 when the input was read, 1 naming the line when it cannot be, 2 for
bad arguments.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from longreach.names import score
from longreach.names.parse import MAX_NAME_CHARS, NameError_

MAX_LINE_BYTES = 64 * 1024


class InputError(ValueError):
    pass


def _rows(
    fh: IO[bytes], source: str, lenient: bool, skipped: list[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, raw in enumerate(iter(lambda: fh.readline(MAX_LINE_BYTES + 1), b""), 1):
        try:
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):
                    raw = fh.readline(MAX_LINE_BYTES)
                raise InputError(f"longer than {MAX_LINE_BYTES:,} bytes")
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputError(f"not a JSON object: {exc}") from None
            except RecursionError:
                raise InputError("nested too deeply") from None
            if not isinstance(obj, dict):
                raise InputError("not a JSON object")
            for field in ("query", "candidate"):
                value = obj.get(field)
                if not isinstance(value, str) or not value.strip():
                    raise InputError(f'no "{field}" name (a non-empty string)')
                if len(value) > MAX_NAME_CHARS:
                    raise InputError(f'"{field}" is longer than {MAX_NAME_CHARS} characters: not a name')
        except InputError as exc:
            where = f"{source}: line {number}: {exc}"
            if not lenient:
                raise InputError(where) from None
            skipped.append(where)
            continue
        yield number, obj


def _match(args: argparse.Namespace, rows: Iterator[tuple[int, dict[str, Any]]], out: IO[str]) -> int:
    written = 0
    for _, obj in rows:
        found = score.compare(obj["query"], obj["candidate"])
        obj["score"] = round(found.score, 3)
        obj["match"] = found.score >= args.threshold
        if args.explain:
            obj["explanation"] = found.as_dict()
        out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        written += 1
    return written


def _evaluate(args: argparse.Namespace, rows: Iterator[tuple[int, dict[str, Any]]], out: IO[str]) -> int:
    scored: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    n = 0
    for number, obj in rows:
        want = obj.get("match")
        if not isinstance(want, bool):
            raise InputError(f'line {number}: no "match" (true or false) to compare with')
        got = score.compare(obj["query"], obj["candidate"]).score
        for key in ("all", str(obj.get("scripts", "?"))):
            scored[key].append((got, want))
        n += 1
    heading = f"{'scripts':<28} {'pairs':>6} {'P':>6} {'R':>6} {'F1':>6} {'R@1%FPR':>8}"
    out.write(f"{heading}  (threshold {args.threshold})\n")
    for key in sorted(scored, key=lambda k: (k != "all", k)):
        p, r, f1, at1 = metrics(scored[key], args.threshold)
        out.write(f"{key:<28} {len(scored[key]):>6} {_f(p)} {_f(r)} {_f(f1)} {_f(at1):>8}\n")
    return n


def _f(value: float | None) -> str:
    return f"{value:>6.3f}" if value is not None else f"{'-':>6}"


def metrics(pairs: list[tuple[float, bool]], threshold: float) -> tuple[float | None, ...]:
    """Precision, recall, F1 at ``threshold``, and recall at the score that lets 1% of non-matches through."""
    tp = sum(1 for s, m in pairs if m and s >= threshold)
    fp = sum(1 for s, m in pairs if not m and s >= threshold)
    fn = sum(1 for s, m in pairs if m and s < threshold)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    negatives = sorted((s for s, m in pairs if not m), reverse=True)
    positives = [s for s, m in pairs if m]
    at1 = None
    if negatives and positives:
        cut = negatives[len(negatives) // 100]  # scores above this let at most 1% of non-matches through
        at1 = sum(1 for s in positives if s > cut) / len(positives)
    return precision, recall, f1, at1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="longreach names", description="Compare people's names across scripts."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("match", "score each query/candidate pair of a JSON lines file"),
        ("evaluate", "precision and recall on labelled pairs"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("file", type=Path, help="JSON lines, or - for standard input")
        p.add_argument(
            "--threshold", type=float, default=score.THRESHOLD, help="score from which a pair matches"
        )
        p.add_argument(
            "--lenient", action="store_true", help="skip lines that cannot be read, and count them"
        )
        if name == "match":
            p.add_argument("--explain", action="store_true", help="add the pairs of parts behind each score")
    screen = sub.add_parser("screen", help="screen a CSV of names against a watchlist")
    screen.add_argument("file", type=Path, help="CSV with a 'name' column (and id, birth_date, nationality)")
    screen.add_argument(
        "--watchlist", type=Path, required=True, action="append", help="CSV, FtM JSON lines or UN XML"
    )
    screen.add_argument(
        "--kind",
        choices=("auto", "csv", "ftm", "un", "interpol"),
        default="auto",
        help="the watchlists' format",
    )
    screen.add_argument(
        "--threshold", type=float, default=score.THRESHOLD, help="score from which a name is a hit"
    )
    screen.add_argument("--limit", type=int, default=10, help="hits kept per name (1 to 100)")
    screen.add_argument(
        "--csv", action="store_true", help="write CSV rows (one per hit) instead of JSON lines"
    )
    explain = sub.add_parser("explain", help="how two names compare, part by part")
    explain.add_argument("first")
    explain.add_argument("second")
    args = parser.parse_args(argv)
    if args.command == "explain":
        try:
            found = score.compare(args.first, args.second)
        except NameError_ as exc:
            print(f"names: {exc}", file=sys.stderr)
            return 1
        print(json.dumps(found.as_dict(), ensure_ascii=False, indent=2))
        return 0
    if args.command == "screen":
        return _screen(args)
    if not 0.0 <= args.threshold <= 1.0:
        print("names: --threshold must be between 0 and 1", file=sys.stderr)
        return 2
    source = "stdin" if str(args.file) == "-" else str(args.file)
    if source != "stdin" and not args.file.is_file():
        print(f"names: {args.file}: no such file", file=sys.stderr)
        return 2
    skipped: list[str] = []
    try:
        with sys.stdin.buffer if source == "stdin" else args.file.open("rb") as fh:
            rows = _rows(fh, source, args.lenient, skipped)
            done = (_match if args.command == "match" else _evaluate)(args, rows, sys.stdout)
    except InputError as exc:
        print(f"names: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise
    except OSError as exc:
        print(f"names: {source}: cannot be read: {exc.strerror or exc}", file=sys.stderr)
        return 1
    summary = f"names: {source}: {done:,} pairs"
    if skipped:
        summary += f"; {len(skipped):,} lines could not be read and were skipped"
    print(summary, file=sys.stderr)
    for line in skipped[:20]:
        print(f"  {line}", file=sys.stderr)
    return 0


def _screen(args: argparse.Namespace) -> int:
    from longreach.names.lists import ListError, read_csv, read_list
    from longreach.names.screen import Query, Watchlist, screen_many

    if not 0.0 <= args.threshold <= 1.0 or not 1 <= args.limit <= 100:
        print("names: --threshold must be between 0 and 1, --limit between 1 and 100", file=sys.stderr)
        return 2
    for path in (args.file, *args.watchlist):
        if not path.is_file():
            print(f"names: {path}: no such file", file=sys.stderr)
            return 2
    try:
        entries = []
        for path in args.watchlist:
            entries.extend(read_list(path, args.kind).entries)
        with args.file.open("rb") as fh:
            batch = read_csv(fh, str(args.file))
    except ListError as exc:
        print(f"names: {exc}", file=sys.stderr)
        return 1
    watchlist = Watchlist.of(entries)
    out = sys.stdout
    writer = csv.writer(out) if args.csv else None
    if writer is not None:
        writer.writerow(["id", "name", "hit_ref", "hit_name", "hit_source", "score", "adjustments"])
    seen: set[tuple[str, str]] = set()
    unique = []
    for entry in batch.entries:
        if (entry.ref, entry.name) not in seen:
            seen.add((entry.ref, entry.name))
            unique.append(entry)
    found = screen_many(
        watchlist,
        [Query(e.name, e.birth, e.nationalities) for e in unique],
        threshold=args.threshold,
        limit=args.limit,
    )
    with_hits = 0
    for entry, hits in zip(unique, found, strict=True):
        with_hits += bool(hits)
        if writer is None:
            row = {"id": entry.ref, "name": entry.name, "hits": [h.as_dict() for h in hits]}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        for hit in hits:
            writer.writerow(
                [entry.ref, entry.name, hit.entry.ref, hit.entry.name, hit.entry.source, f"{hit.score:.3f}",
                 "; ".join(hit.adjustments)]
            )  # fmt: skip
    print(
        f"names: {args.file}: {len(seen):,} names screened against {len(watchlist.entries):,} listed names;"
        f" {with_hits:,} with a hit",
        file=sys.stderr,
    )
    for ref, why in watchlist.refused[:20]:
        print(f"  listed {ref}: left out: {why}", file=sys.stderr)
    return 0
