"""Likely duplicate people among many records: Splink's probabilistic model on its embedded DuckDB,
fed with comparison keys that make a name in any script comparable. No Django.

Splink (Fellegi-Sunter: how much each agreeing or disagreeing field says, learned
from the data without labels) compares columns as strings; on its own it cannot
see that ئىلھام توختى, Ilham Tohti and Илһам Тохти are one name. So each record's
names are analysed first (``parse``: scripts, romanisation, phonetic keys) into:

- ``name_key``: the parts' first phonetic keys in a fixed order (family and
  given names in either order compare alike), compared by Jaro-Winkler levels
  (each written word is analysed once however many records hold it);
- ``family_key`` and ``given_key``: the consonant skeleton of the rarest-looking
  part and of the rest, for blocking and as their own comparisons;

beside the fields that say the most about a person: birth date (exact, or
year), phone number, handle and place (as blind-index values or plain, as the
caller gives them; only equality is used). Pairs are blocked on the name keys,
the birth date and the phone number, so that 100,000 records are never compared
all with all.

Splink also runs on Spark (``splink.backends.spark.SparkAPI``) for an
organisation that outgrows one machine; only the database API given to
``dedupe`` changes (docs/admin-guide.md).
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from longreach.names.parse import NameError_, analyse

_WORDS = re.compile(r"[\s,]+")
MATCH_PROBABILITY = 0.9  # pairs at least this likely are returned
CLUSTER_PROBABILITY = 0.95  # and are joined into one person from this probability


@dataclass(frozen=True)
class Record:
    """One person record as Splink sees it; ``names`` in any scripts (the first is the main name)."""

    id: str
    names: tuple[str, ...]
    birth: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    phone: str = ""  # any stable value: a normalised number or its blind index
    handle: str = ""
    place: str = ""


@dataclass(frozen=True)
class Pair:
    left: str
    right: str
    probability: float
    agreed: tuple[str, ...]  # the fields that agreed (name, birth, phone, handle, place)


@dataclass
class Outcome:
    pairs: list[Pair] = field(default_factory=list)
    clusters: list[list[str]] = field(default_factory=list)  # ids, only clusters of two or more
    seconds_keys: float = 0.0
    seconds_splink: float = 0.0


@lru_cache(maxsize=1 << 17)
def _word(word: str) -> tuple[tuple[str, str], ...]:
    """(first phonetic key, shortest consonant skeleton) of each part of one written word: a list of
    100,000 people holds far fewer distinct words (Muhammad, Tursun, Wang...), each analysed once."""
    try:
        parsed = analyse(word)
    except NameError_:
        return ()
    return tuple(
        (p.keys[0], min(p.skeletons, key=len) if p.skeletons else p.keys[0]) for p in parsed.weighty if p.keys
    )


def keys(name: str) -> tuple[str, str, str]:
    """(name_key, family_key, given_key) of a name in any script; empty strings when it has no part."""
    parts = [k for word in _WORDS.split(name) if word for k in _word(word)]
    if not parts:
        return "", "", ""
    firsts = sorted(k for k, _s in parts)
    skeletons = sorted(s for _k, s in parts)
    # The longest skeleton: family names are longer and rarer than given names more often than not.
    longest = max(skeletons, key=lambda s: (len(s), s))
    rest = " ".join(s for s in skeletons if s != longest) or longest
    return " ".join(firsts), longest, rest


def _rows(records: Sequence[Record]) -> list[dict[str, Any]]:
    rows = []
    for r in records:
        name_key, family, given = keys(r.names[0]) if r.names else ("", "", "")
        also = ""
        for other in r.names[1:3]:
            also = keys(other)[0]
            if also:
                break
        rows.append(
            {
                "unique_id": r.id,
                "name_key": name_key or None,
                "alias_key": also or None,
                "family_key": family or None,
                "given_key": given or None,
                "birth": r.birth or None,
                "birth_year": r.birth[:4] or None,
                "phone": r.phone or None,
                "handle": r.handle or None,
                "place": r.place or None,
            }
        )
    return rows


_SHARED: list[Sequence[Record]] = []


def _rows_of(span: tuple[int, int]) -> list[dict[str, Any]]:
    return _rows(_SHARED[0][span[0] : span[1]])


def comparison_rows(records: Sequence[Record], workers: int = 0) -> list[dict[str, Any]]:
    """The records as Splink's input, keys made on ``workers`` forked processes (0: one per CPU)."""
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(records) < 5000 or "fork" not in multiprocessing.get_all_start_methods():
        return _rows(records)
    size = -(-len(records) // (workers * 4))
    _SHARED[:] = [records]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_rows_of, [(k, k + size) for k in range(0, len(records), size)])
    finally:
        _SHARED.clear()
    return [row for part in parts for row in part]


def settings(raw: bool = False) -> Any:
    """The model: name keys by Jaro-Winkler levels, the rest by equality. ``raw`` compares the names as
    written instead (Splink alone, for the benchmark)."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    name = "name_raw" if raw else "name_key"
    comparisons: list[Any] = [
        cl.JaroWinklerAtThresholds(name, [0.95, 0.88]),
        cl.ExactMatch("birth"),
        cl.ExactMatch("phone"),
        cl.ExactMatch("handle"),
        cl.ExactMatch("place"),
    ]
    blocking: list[Any] = [block_on("phone"), block_on("birth")]
    if raw:
        blocking += [block_on("name_raw")]
    else:
        comparisons.insert(1, cl.ExactMatch("family_key"))
        blocking += [block_on("family_key", "given_key"), block_on("name_key"), block_on("alias_key")]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_intermediate_calculation_columns=True,
    )


def run_splink(rows: list[dict[str, Any]], model: Any, threshold: float = MATCH_PROBABILITY) -> Outcome:
    """Train (u by random sampling, m by expectation maximisation on two blocks) and predict."""
    import time

    from splink import Linker, block_on
    from splink.backends.duckdb import DuckDBAPI
    from splink.internals.exceptions import SplinkException

    started = time.perf_counter()
    db = DuckDBAPI()
    linker = Linker(db.register(rows), model, log_level="ERROR")
    # A small or sparse set (a new organisation's first records) gives some rules no pair to learn
    # from: that step is skipped and the model keeps Splink's starting values for what it would have
    # learned, which still rank pairs by how many fields agree.
    steps: list[Callable[[], object]] = [
        lambda: linker.training.estimate_probability_two_random_records_match(
            [block_on("phone"), block_on("birth", "family_key" if "family_key" in rows[0] else "name_raw")],
            recall=0.7,
        ),
        lambda: linker.training.estimate_u_using_random_sampling(max_pairs=2e6),
        lambda: linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth")),
        lambda: linker.training.estimate_parameters_using_expectation_maximisation(block_on("phone")),
    ]
    for step in steps:
        try:
            step()
        except (SplinkException, ZeroDivisionError):
            continue
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=CLUSTER_PROBABILITY
    )
    outcome = Outcome()
    name_column = "gamma_name_raw" if "name_raw" in rows[0] else "gamma_name_key"
    columns = {"name": name_column, "birth": "gamma_birth", "phone": "gamma_phone", "handle": "gamma_handle"}
    columns["place"] = "gamma_place"
    for row in predictions.as_record_list():
        agreed = tuple(f for f, column in columns.items() if (row.get(column) or 0) > 0)
        outcome.pairs.append(
            Pair(str(row["unique_id_l"]), str(row["unique_id_r"]), float(row["match_probability"]), agreed)
        )
    groups: dict[Any, list[str]] = {}
    for row in clusters.as_record_list():
        groups.setdefault(row["cluster_id"], []).append(str(row["unique_id"]))
    outcome.clusters = sorted(sorted(g) for g in groups.values() if len(g) > 1)
    outcome.seconds_splink = time.perf_counter() - started
    return outcome


def dedupe(records: Iterable[Record], *, threshold: float = MATCH_PROBABILITY, workers: int = 0) -> Outcome:
    """Likely duplicates among ``records``: pairs at ``threshold`` or more, and clusters."""
    import time

    listed = list(records)
    if len(listed) < 2:
        return Outcome()
    started = time.perf_counter()
    rows = comparison_rows(listed, workers)
    made = time.perf_counter() - started
    outcome = run_splink(rows, settings(), threshold)
    outcome.seconds_keys = made
    return outcome
