"""The researcher's dataset released k-anonymous on origin, host, year and community (pure Python)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.insight import dataset


def row(
    origin: str = "CN", host: str = "TR", year: int | None = 2024, community: str | None = "UY", **more: Any
):
    base: dict[str, Any] = {
        "origin_state": origin,
        "host_country": host,
        "year": year,
        "community": community,
        "harm_countries": [host],
        "executing_states": [],
        "physical": False,
        "tactic_families": ["COERCION_BY_PROXY"],
        "tactics": ["FAMILY_THREAT"],
        "demands": [],
        "channels": ["WHATSAPP"],
        "perpetrator_types": ["ORIGIN_POLICE"],
        "attribution": "PROBABLE",
        "acts": 1,
        "targets": 1,
        "relatives": 1,
        "relatives_minor": 0,
        "relationships": ["MOTHER"],
        "relative_outcomes": ["DETAINED"],
    }
    base.update(more)
    return base


def classes(released: dataset.Release) -> Counter[tuple[Any, ...]]:
    keys = ("origin_state", "host_country", "year_from", "year_to", "community")
    return Counter(tuple(r[q] for q in keys) for r in released.rows)


def test_common_rows_are_released_as_they_are() -> None:
    out = dataset.release([row() for _ in range(5)], k=5)
    assert out.withheld == 0 and len(out.rows) == 5 and out.generalised == {}
    assert [r["row"] for r in out.rows] == [1, 2, 3, 4, 5]
    first = out.rows[0]
    assert first["host_country"] == "TR" and first["harm_countries"] == ["TR"] and first["community"] == "UY"
    assert first["year_from"] == first["year_to"] == 2024 and "year" not in first


def test_the_community_goes_first() -> None:
    out = dataset.release([row(community=c) for c in ("UY", "UY", "KZ", "TB")], k=4)
    assert out.withheld == 0 and out.generalised == {"community": 4}
    assert {r["community"] for r in out.rows} == {None} and {r["host_country"] for r in out.rows} == {"TR"}


def test_then_the_year_widens_to_a_band_of_three() -> None:
    out = dataset.release([row(year=y) for y in (2017, 2018, 2019, 2019)], k=4)
    assert {(r["year_from"], r["year_to"]) for r in out.rows} == {(2017, 2019)}  # bands from 1900
    assert out.generalised == {"community": 4, "year_band": 4}
    assert all(r["host_country"] == "TR" for r in out.rows)


def test_a_rare_host_is_withheld_with_the_columns_that_would_name_it_again() -> None:
    rows = [row() for _ in range(5)] + [row(host="JP", executing_states=["JP"]) for _ in range(2)]
    rows += [row(host="KZ") for _ in range(3)]
    out = dataset.release(rows, k=5)
    assert out.withheld == 0 and out.generalised["host_country"] == 5
    hidden = [r for r in out.rows if r["host_country"] is None]
    assert len(hidden) == 5 and {r["year_from"] for r in hidden} == {2024}
    assert all(r["harm_countries"] is None and r["executing_states"] is None for r in hidden)
    assert "JP" not in repr(out.rows) and "KZ" not in repr(out.rows)


def test_the_year_goes_last_and_the_rarest_are_left_out() -> None:
    rows = [row(host=h, year=y) for h, y in [("JP", 2010), ("KZ", 2014), ("DE", 2019), ("US", 2024)]]
    rows += [row(origin="RW", host="BE")]
    out = dataset.release(rows, k=4)
    assert out.withheld == 1  # the only incident from RW cannot hide among three others
    assert all(r["origin_state"] == "CN" for r in out.rows)
    assert {(r["host_country"], r["year_from"], r["community"]) for r in out.rows} == {(None, None, None)}


def test_every_released_combination_is_shared_by_k_rows_example() -> None:
    rows = [
        row(origin=o, host=h, year=y) for o in ("CN", "IR") for h in ("TR", "DE", "JP") for y in (2020, 2021)
    ]
    rows *= 2
    out = dataset.release(rows, k=3)
    assert all(n >= 3 for n in classes(out).values())
    assert len(out.rows) + out.withheld == len(rows)


quasi = st.fixed_dictionaries(
    {
        "origin": st.sampled_from(["CN", "IR", "RU", "EG"]),
        "host": st.sampled_from(["TR", "DE", "JP", "US", "KZ"]),
        "year": st.one_of(st.none(), st.integers(2015, 2024)),
        "community": st.one_of(st.none(), st.sampled_from(["UY", "TB", "HK"])),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(quasi, max_size=120), st.integers(1, 8))
def test_every_released_combination_is_shared_by_at_least_k_rows(found: list[dict[str, Any]], k: int) -> None:
    rows = [row(q["origin"], q["host"], q["year"], q["community"]) for q in found]
    out = dataset.release(rows, k)
    assert all(n >= k for n in classes(out).values())
    assert len(out.rows) + out.withheld == len(rows)
    # Nothing is generalised that did not need to be: a row whose exact class is big enough stays exact.
    first = Counter((r["origin_state"], r["host_country"], r["year"], r["community"]) for r in rows)
    assert sum(1 for r in out.rows if r["community"] is not None) == sum(
        n for key, n in first.items() if n >= k and key[3] is not None
    )
    for r in out.rows:
        if r["host_country"] is None:
            assert r["harm_countries"] is None and r["executing_states"] is None
        if r["year_from"] is not None:
            assert r["year_to"] - r["year_from"] in (0, dataset.BAND - 1)
    assert sorted(r["row"] for r in out.rows) == list(range(1, len(out.rows) + 1))


def test_k_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        dataset.release([row()], 0)


def test_select_places_only_what_it_can() -> None:
    rows = [row(year=2020)] * 3 + [row(year=2022, host="DE")] * 3
    rows += [row(year=2023, host="JP"), row(year=2024, host="JP"), row(year=2025, host="JP")]
    rows += [row(origin="IR", year=y) for y in (2010, 2016, 2024)]
    rows = dataset.release(rows, 3).rows
    assert len(dataset.select(rows, host_country="DE")) == 3
    assert len(dataset.select(rows, host_country="JP")) == 3  # banded 2023-2025
    assert len(dataset.select(rows, year_from=2021)) == 6  # the band lies within; the withheld year not
    assert len(dataset.select(rows, year_from=2024)) == 0  # 2023-2025 cannot be placed after 2024
    assert len(dataset.select(rows, tactic_family="COERCION_BY_PROXY")) == len(rows)
    assert len(dataset.select(rows, origin_state="IR")) == 3
    assert dataset.select(rows, origin_state="EG") == []


def test_csv_has_the_columns_blank_where_withheld_and_lists_joined() -> None:
    out = dataset.release([row(tactics=["A", "B"])] * 2 + [row(host="JP"), row(host="KZ")], 2)
    text = dataset.to_csv(out.rows)
    read = list(csv.DictReader(io.StringIO(text)))
    assert list(read[0]) == list(dataset.COLUMNS)
    assert {r["host_country"] for r in read} == {"TR", ""}
    assert read[0]["tactics"] in ("A; B", "FAMILY_THREAT") and read[0]["physical"] == "false"


def test_parquet_keeps_types_nulls_lists_and_metadata() -> None:
    out = dataset.release([row()] * 2 + [row(host="JP"), row(host="KZ")], 2)
    body = dataset.to_parquet(out.rows, metadata={"longreach.k": "2"})
    table = pq.read_table(io.BytesIO(body))
    assert table.column_names == list(dataset.COLUMNS)
    assert table.schema.metadata[b"longreach.k"] == b"2"
    data = table.to_pylist()
    assert data[0]["tactics"] == ["FAMILY_THREAT"] and isinstance(data[0]["year_from"], int)
    assert sum(r["host_country"] is None and r["harm_countries"] is None for r in data) == 2
    assert (
        dataset.to_parquet([], metadata={})
        and pq.read_table(io.BytesIO(dataset.to_parquet([], metadata={}))).num_rows == 0
    )
