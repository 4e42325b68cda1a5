"""Name matching across scripts: quality and speed against the peers, in the same run.

On the labelled pairs in ``tests/data/names_pairs.jsonl`` (58 public people in
several scripts, their near misses and random pairs of different people; see
``tests/data/names/people.py`` for sources) and ``names_pairs_v2.jsonl`` (46
more, written after the first measurement), for each split (``tune``, the
pairs the scorer was tuned on, and ``frozen``, never looked at while tuning):

- Longreach's ``names.score`` at its default threshold;
- nomenklatura's ``logic-v2`` (the matcher behind OpenSanctions screening) at
  0.7, its match threshold, if installed (``make .venv/.installed-bench``);
- a rapidfuzz baseline: both names transliterated by anyascii, lower-cased,
  compared with ``token_sort_ratio`` / 100, at 0.8.

Printed per split (and with --by-scripts per script pair): precision, recall,
F1 at each one's threshold, and recall at a 1% false-positive rate
(threshold-free). Then pairs per second scoring every pair: cold, the first
round, where each name is analysed when first seen; the same pairs again
(what each matcher remembers counts: nomenklatura caches internally, and
Longreach remembers the likeness of two parts); and new pairs of the
names already analysed (the candidates shuffled), the regime of a
screening against a watchlist analysed once; and the ratios to
nomenklatura. Goals
(issue 17): F1 >= 0.90 with precision >= 0.95, recall >= 0.85 at 1% FPR,
and at least 10x nomenklatura's pairs per second.

Run: .venv/bin/python benchmarks/names.py [--rounds N] [--by-scripts]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from longreach.names import score as longreach  # noqa: E402
from longreach.names.cli import metrics  # noqa: E402
from longreach.names.parse import analyse  # noqa: E402

Scorer = Callable[[str, str], float]


def rows() -> list[dict[str, object]]:
    """Both sets of labelled pairs: the first (names_pairs.jsonl) and the second, written after the
    scorer was measured on the first (names_pairs_v2.jsonl)."""
    found = []
    for label, name in (("v1", "names_pairs.jsonl"), ("v2", "names_pairs_v2.jsonl")):
        path = ROOT / "tests" / "data" / name
        found += [
            {**json.loads(line), "set": label} for line in path.read_text(encoding="utf-8").splitlines()
        ]
    return found


# Each matcher analyses a name the first time it sees it and keeps what it made (as a screening keeps
# its watchlist's keys): the first round is cold, the later ones warm.


def ours() -> tuple[Scorer, float]:
    return (lambda a, b: longreach.compare_names(analyse(a), analyse(b)).score), longreach.THRESHOLD


def rapidfuzz_baseline() -> tuple[Scorer, float]:
    from anyascii import anyascii
    from rapidfuzz import fuzz

    cache: dict[str, str] = {}

    def ascii_of(name: str) -> str:
        if name not in cache:
            cache[name] = anyascii(name).lower()
        return cache[name]

    return (lambda a, b: fuzz.token_sort_ratio(ascii_of(a), ascii_of(b)) / 100.0), 0.8


def nomenklatura() -> tuple[Scorer, float] | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig
    except ImportError:
        return None
    algorithm = get_algorithm("logic-v2")
    if algorithm is None:
        return None
    config = ScoringConfig.defaults()
    entities: dict[str, object] = {}

    def entity(name: str) -> object:
        if name not in entities:
            made = model.make_entity("Person")
            made.id = f"n{len(entities)}"
            made.add("name", name)
            entities[name] = made
        return entities[name]

    def compare(a: str, b: str) -> float:
        return float(algorithm.compare(entity(a), entity(b), config).score)  # type: ignore[arg-type]

    return compare, 0.7


# Pools for a synthetic watchlist: common given and family names in the scripts screened.
GIVEN_LATIN = (
    "Ahmed Ali Omar Yusuf Ibrahim Hassan Khalid Mustafa Karim Samir Tariq Nabil Walid Ziad Fadi Rami "
    "Sami Adel Murat Mehmet Emre Burak Kemal Orhan Selim Cem Deniz Hakan Alexei Sergei Dmitri Ivan "
    "Pavel Oleg Igor Yuri "
    "Nikolai Mikhail Anton Boris Erkin Dilshat Ablikim Rustam Azat Timur Bakhtiyar Ilyas Nurlan Aibek Arman "
    "Reza Hossein Mehdi Saeed Farhad Behrouz Kaveh Dariush Amir Navid Wei Jun Lei Ming Hao Jie Yong Bo Qiang "
    "Fatima Aisha Zeynep Elif Olga Irina Natalia Gulnara Dilnur Mihrigul Parisa Leila Mina Li Na Xiu Mei"
).split()
FAMILY_LATIN = (
    "Haddad Khoury Nasser Saleh Mansour Hamdan Qasim Darwish Abbas Jaber Yilmaz Kaya Demir Sahin Celik Aydin "
    "Ozturk Arslan Dogan Kilic Ivanov Petrov Sidorov Smirnov Kuznetsov Popov Volkov Sokolov Lebedev Kozlov "
    "Tursun Abdulla Kerim Yusup Niyaz Ghopur Osman Rahimi Hosseini Karimi Moradi Jafari Ahmadi Rezaei Nouri "
    "Wang Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Ma Hu Guo Lin He Gao Luo Zheng Liang Xie Song Tang"
).split()
CYRILLIC = (
    "Алексей Сергей Дмитрий Иван Павел Олег Рустам Тимур Нурлан Айбек",
    "Иванов Петров Сидоров Смирнов Кузнецов Попов Волков Каримов Юсупов Ниязов",
)
ARABIC = (
    "أحمد علي عمر يوسف إبراهيم حسن خالد مصطفى كريم سمير",
    "حداد خوري ناصر صالح منصور حمدان قاسم درويش عباس جابر",
)
UYGHUR = (
    "ئەركىن دىلشات ئابلىكىم رۇستەم ئازات تۇرسۇن نۇرمۇھەممەت ئابدۇرېھىم",
    "تۇرسۇن ئابدۇللا كېرىم يۈسۈپ نىياز غوپۇر ئوسمان قادىر",
)
HAN_FAMILY = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
HAN_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国志文斌云飞鹏辉海燕春晓"


_ONSETS = "b d f g h k l m n p r s t v z sh kh ch ts y".split()
_VOWELS = "a e i o u".split()
_TO_CYRILLIC = dict(zip("abdefghiklmnoprstuvyz", "абдефгхиклмнопрстувйз", strict=True))
_TO_CYRILLIC |= {"sh": "ш", "kh": "х", "ch": "ч", "ts": "ц"}
_TO_ARABIC = dict(zip("bdfghklmnprstvyz", "بدفغهكلمنبرستويز", strict=True))
_TO_ARABIC |= {"a": "ا", "e": "", "i": "ي", "o": "و", "u": "و", "sh": "ش", "kh": "خ", "ch": "چ", "ts": "تس"}


def _family(rng: object) -> list[str]:
    """A made-up family name as syllables: real lists hold far more family names than given names."""
    import random

    assert isinstance(rng, random.Random)
    return [part for _ in range(rng.randint(2, 3)) for part in (rng.choice(_ONSETS), rng.choice(_VOWELS))]


def synthetic_names(count: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    made: set[str] = set()
    while len(made) < count:
        kind = rng.random()
        family = _family(rng)
        if kind < 0.35:
            name = f"{rng.choice(GIVEN_LATIN)} {rng.choice(GIVEN_LATIN)} {''.join(family).capitalize()}"
        elif kind < 0.55:
            given = "".join(rng.choice(HAN_GIVEN) for _ in range(rng.randint(1, 2)))
            name = rng.choice(HAN_FAMILY) + given + ("" if rng.random() < 0.7 else rng.choice(HAN_GIVEN))
        elif kind < 0.7:
            given = CYRILLIC[0].split()
            surname = "".join(_TO_CYRILLIC[p] for p in family).capitalize()
            name = f"{rng.choice(given)} {rng.choice(given)[:-1]}ович {surname}ов"
        elif kind < 0.85:
            surname = "".join(_TO_ARABIC[p] for p in family)
            name = f"{rng.choice(ARABIC[0].split())} {rng.choice(ARABIC[0].split())} {surname}"
        else:
            surname = "".join(_TO_ARABIC[p] for p in family).replace("ي", "ى")
            name = f"{rng.choice(UYGHUR[0].split())} {surname}ۇپ"
        made.add(name)
    return sorted(made)


def screening(queries: int, listed: int) -> None:
    """A batch of names against a watchlist, by blocking on the comparison keys."""
    from longreach.names.screen import Entry, Query, Watchlist, screen_many

    watch = synthetic_names(listed, 1)
    batch = synthetic_names(queries, 2)[: queries - queries // 5] + watch[:: max(1, listed // (queries // 5))]
    t = time.perf_counter()
    watchlist = Watchlist.of(Entry(str(k), name) for k, name in enumerate(watch))
    built = time.perf_counter() - t
    t = time.perf_counter()
    hits = sum(1 for found in screen_many(watchlist, [Query(name) for name in batch]) if found)
    screened = time.perf_counter() - t
    print(
        f"\nscreening {len(batch):,} names against {len(watchlist.entries):,} listed names:"
        f" index built in {built:.1f} s, screened in {screened:.1f} s on {os.cpu_count()} processes"
        f" ({len(batch) / screened:,.0f} names/s),"
        f" {hits:,} names with a hit (goal: under 60 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of new pairs timed (the median is printed)"
    )
    parser.add_argument("--by-scripts", action="store_true", help="also print each script pair")
    parser.add_argument("--queries", type=int, default=10_000, help="names screened (0: no screening run)")
    parser.add_argument("--listed", type=int, default=100_000, help="names on the synthetic watchlist")
    args = parser.parse_args()
    if args.queries:
        screening(args.queries, args.listed)
    data = rows()
    names = sorted({str(r["query"]) for r in data} | {str(r["candidate"]) for r in data})
    peers = {"longreach": ours(), "rapidfuzz": rapidfuzz_baseline()}
    nk = nomenklatura()
    if nk is None:
        print("nomenklatura is not installed: make .venv/.installed-bench (it is measured when present)")
    else:
        peers["nomenklatura"] = nk
    queries = [str(r["query"]) for r in data]
    candidates = [str(r["candidate"]) for r in data]
    # Later rounds pair the same names afresh (as a screening meets its watchlist's names with every
    # new query), so that no matcher is timed on answers it remembers from an earlier round.
    shuffled = []
    for k in range(args.rounds):
        again = candidates[:]
        random.Random(k).shuffle(again)
        shuffled.append(again)
    cold: dict[str, float] = {}
    again_rate: dict[str, float] = {}
    warm: dict[str, float] = {}
    scores: dict[str, list[float]] = {}
    for label, (compare, _threshold) in peers.items():
        t = time.perf_counter()
        scores[label] = [compare(q, c) for q, c in zip(queries, candidates, strict=True)]
        cold[label] = len(data) / (time.perf_counter() - t)
        t = time.perf_counter()
        for q, c in zip(queries, candidates, strict=True):
            compare(q, c)
        again_rate[label] = len(data) / (time.perf_counter() - t)
        rounds = []
        for pairing in shuffled:
            t = time.perf_counter()
            for q, c in zip(queries, pairing, strict=True):
                compare(q, c)
            rounds.append(time.perf_counter() - t)
        warm[label] = len(data) / statistics.median(rounds)
    print(f"{len(data):,} labelled pairs, {len(names):,} distinct names")
    for split in ("v1 tune", "v1 frozen", "v2 tune", "v2 frozen"):
        print(f"\n{split}")
        print(f"  {'matcher':<14} {'scripts':<28} {'pairs':>6} {'P':>6} {'R':>6} {'F1':>6} {'R@1%':>6}")
        for label, (_compare, threshold) in peers.items():
            groups: dict[str, list[tuple[float, bool]]] = defaultdict(list)
            for row, s in zip(data, scores[label], strict=True):
                if f"{row['set']} {row['split']}" != split:
                    continue
                groups["all"].append((s, bool(row["match"])))
                if args.by_scripts:
                    groups[str(row["scripts"])].append((s, bool(row["match"])))
            for key in sorted(groups, key=lambda k: (k != "all", k)):
                if not any(m for _s, m in groups[key]):
                    continue  # a script pair with no pair of one person: nothing to find there
                p, r, f1, at1 = metrics(groups[key], threshold)
                cells = " ".join(f"{v:>6.3f}" if v is not None else f"{'-':>6}" for v in (p, r, f1, at1))
                print(f"  {label:<14} {key:<28} {len(groups[key]):>6} {cells}")
    print(
        "\npairs per second: cold (each name analysed on first sight), the same pairs again, and new"
        " pairs of names already analysed (median of --rounds shuffles); then each as a multiple of"
        " nomenklatura's"
    )
    print(f"  {'matcher':<14} {'cold':>10} {'again':>10} {'new pairs':>10}")
    for label in peers:
        ratio = ""
        if "nomenklatura" in peers:
            nk = (cold["nomenklatura"], again_rate["nomenklatura"], warm["nomenklatura"])
            mine = (cold[label], again_rate[label], warm[label])
            ratio = "   " + " / ".join(f"{m / n:.1f}x" for m, n in zip(mine, nk, strict=True))
        print(f"  {label:<14} {cold[label]:>10,.0f} {again_rate[label]:>10,.0f} {warm[label]:>10,.0f}{ratio}")


if __name__ == "__main__":
    main()
