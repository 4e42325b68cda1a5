"""``longreach tag FILE.jsonl``: codebook tags and link findings added to each message; no database, no keys.

Reads what ``parse-chat`` writes (any JSON object with a ``text`` string per
line) and writes each object back with:

- ``tags``: the codes the coercion rules found, and ``tag_words``: for each
  code, the words that triggered it; ``tags_quoted``, when there are any,
  the codes found only inside quotation marks;
- ``links``: each link in the text with its host and registrable domain, its
  heuristic flags and any indicators it matches (``--indicators``, STIX 2
  bundles or plain lists);
- ``identifiers``: phone numbers (E.164 with country), @handles, e-mail
  addresses, and the sender's number when the sender is one.

``--evaluate`` instead reads a labelled set (``codes`` on each line) and
prints precision and recall of the rules per language.
Exit 0 when the file was read, 1 naming the line when it cannot be, 2 for
bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from longreach.messages import identifiers, links, tagging

MAX_LINE_BYTES = 4 * 1024 * 1024


class InputError(ValueError):
    pass


def objects(
    fh: IO[bytes], source: str, lenient: bool, skipped: list[str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, raw in enumerate(_lines(fh), 1):
        try:
            if raw is None:
                raise InputError(f"longer than {MAX_LINE_BYTES:,} bytes")
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputError(f"not a JSON object: {exc}") from None
            except RecursionError:
                raise InputError("nested too deeply to be a message") from None
            if not isinstance(obj, dict):
                raise InputError("not a JSON object")
            if not isinstance(obj.get("text"), str):
                raise InputError('no "text" string')
        except InputError as exc:
            where = f"{source}: line {number}: {exc}"
            if not lenient:
                raise InputError(where) from None
            skipped.append(where)
            continue
        yield number, obj


def _lines(fh: IO[bytes]) -> Iterator[bytes | None]:
    """Each line, or None for one longer than MAX_LINE_BYTES (read past, never held whole)."""
    while True:
        line = fh.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = fh.readline(MAX_LINE_BYTES)
            yield None
            continue
        yield line


def enrich(
    obj: dict[str, Any],
    rules: tagging.Rules,
    indicators: links.Indicators | None,
    heuristics: links.Heuristics,
) -> dict[str, Any]:
    text: str = obj["text"]
    tags = rules.tag(text)
    found = identifiers.find(text)
    obj["tags"] = [t.code for t in tags]
    obj["tag_words"] = {t.code: list(t.words) for t in tags}
    quoted = [t.code for t in tags if t.quoted]
    if quoted:  # found only inside quotation marks: the message may report a threat rather than make it
        obj["tags_quoted"] = quoted
    obj["links"] = [links.link_report(link, indicators, heuristics, text) for link in found.links]
    ids: dict[str, Any] = {
        "phones": [{"e164": p.e164, "country": p.country} for p in found.phones],
        "handles": found.handles,
        "emails": found.emails,
    }
    sender = obj.get("sender")
    number = identifiers.phone(sender) if isinstance(sender, str) else None
    if number is not None:
        ids["sender_phone"] = {"e164": number.e164, "country": number.country}
    if indicators is not None:
        hits = {e: [i.label for i in indicators.match_email(e)] for e in found.emails}
        if any(hits.values()):
            ids["email_indicators"] = {e: labels for e, labels in hits.items() if labels}
    obj["identifiers"] = ids
    return obj


# The eight coercion categories the measure is taken over (macro-F1: each counts the same).
COERCION = (
    "FAMILY_THREAT", "DIRECT_THREAT", "INFO_SELF", "INFO_OTHERS", "RECRUITMENT", "RETURN_PRESSURE",
    "SILENCE", "FAMILY_CONTACT_OFFER",
)  # fmt: skip


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def evaluate(rows: Iterator[tuple[int, dict[str, Any]]], rules: tagging.Rules, out: IO[str]) -> None:
    """Precision and recall per language and split, then per tag, and macro-F1 over the coercion tags."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, fp, fn, messages
    per_tag: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # (lang, tag): tp, fp, fn
    controls = alarms = 0  # messages labelled with no code at all, and those the rules tagged anyway
    for number, row in rows:
        want = row.get("codes")
        if not isinstance(want, list) or not all(isinstance(c, str) for c in want):
            raise InputError(f'line {number}: no "codes" list to compare with')
        got = {t.code for t in rules.tag(row["text"])}
        if not want:
            controls += 1
            alarms += bool(got & set(COERCION))
        for key in (
            (str(row.get("lang", "?")), str(row.get("split", "all"))),
            ("all", str(row.get("split", "all"))),
        ):
            c = counts[key]
            c[0] += len(got & set(want))
            c[1] += len(got - set(want))
            c[2] += len(set(want) - got)
            c[3] += 1
        for lang in (str(row.get("lang", "?")), "all"):
            for code in got | set(want):
                t = per_tag[(lang, code)]
                t[0 if code in got and code in want else 1 if code in got else 2] += 1
    out.write(f"{'language':<9} {'split':<9} {'messages':>8} {'precision':>9} {'recall':>7}  tp fp fn\n")
    for (lang, split), (tp, fp, fn, n) in sorted(
        counts.items(), key=lambda kv: (kv[0][1], kv[0][0] == "all", kv[0][0])
    ):
        precision = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
        recall = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
        out.write(f"{lang:<9} {split:<9} {n:>8} {precision:>9} {recall:>7}  {tp} {fp} {fn}\n")
    out.write(f"\n{'tag':<21} {'precision':>9} {'recall':>7} {'F1':>5}  tp fp fn   (all languages)\n")
    for code in sorted({c for _, c in per_tag} | set(COERCION)):
        tp, fp, fn = per_tag.get(("all", code), [0, 0, 0])
        precision = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
        recall = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
        out.write(f"{code:<21} {precision:>9} {recall:>7} {_f1(tp, fp, fn):>5.2f}  {tp} {fp} {fn}\n")
    out.write("\nmacro-F1 over the eight coercion tags: ")
    languages = sorted({lang for lang, _ in per_tag if lang != "all"})
    scores = {
        lang: sum(_f1(*per_tag.get((lang, code), [0, 0, 0])) for code in COERCION) / len(COERCION)
        for lang in ["all", *languages]
    }
    out.write(" ".join(f"{lang} {score:.2f}" for lang, score in scores.items()) + "\n")
    if controls:
        out.write(f"controls (no code): {controls}, given a coercion tag anyway: {alarms}\n")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="longreach tag",
        description="Add codebook tags and link findings to messages read as JSON lines (from parse-chat).",
    )
    parser.add_argument("file", type=Path, help="JSON lines, or - for standard input")
    parser.add_argument("--rules", type=Path, action="append", default=[], help="an extra rules file (TOML)")
    parser.add_argument(
        "--indicators",
        type=Path,
        action="append",
        default=[],
        help="a STIX 2 bundle or a plain list of bad links",
    )
    parser.add_argument(
        "--lenient", action="store_true", help="skip lines that cannot be read, and count them"
    )
    parser.add_argument(
        "--evaluate", action="store_true", help="print precision and recall on a labelled set"
    )
    args = parser.parse_args(argv)
    source = "stdin" if str(args.file) == "-" else str(args.file)
    if source != "stdin" and not args.file.is_file():
        print(f"tag: {args.file}: no such file", file=sys.stderr)
        return 2
    try:
        rules = tagging.load(args.rules)
        indicators = None
        if args.indicators:
            indicators = links.Indicators()
            report = links.LoadReport()
            for path in args.indicators:
                for indicator in links.load_file(path, report, lenient=args.lenient):
                    indicators.add(indicator)
            for problem in report.problems:
                print(f"  {problem}", file=sys.stderr)
        heuristics = links.Heuristics.shipped()
        skipped: list[str] = []
        written = 0
        with sys.stdin.buffer if source == "stdin" else args.file.open("rb") as fh:
            rows = objects(fh, source, args.lenient, skipped)
            if args.evaluate:
                evaluate(rows, rules, sys.stdout)
            else:
                for _, obj in rows:
                    sys.stdout.write(
                        json.dumps(enrich(obj, rules, indicators, heuristics), ensure_ascii=False)
                    )
                    sys.stdout.write("\n")
                    written += 1
    except (tagging.RulesError, links.IndicatorError, InputError) as exc:
        print(f"tag: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise  # the reader stopped reading (``| head``); longreach.cli ends quietly
    except OSError as exc:
        print(f"tag: {source}: cannot be read: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if not args.evaluate:
        summary = f"tag: {source}: {written:,} messages"
        if skipped:
            summary += f"; {len(skipped):,} lines could not be read and were skipped"
        print(summary, file=sys.stderr)
        for line in skipped[:20]:
            print(f"  {line}", file=sys.stderr)
    return 0
