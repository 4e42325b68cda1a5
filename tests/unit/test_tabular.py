"""Safe CSV: formula injection neutralised, hostile files refused with file, line and column."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from longreach.registry import tabular
from longreach.registry.tabular import TabularError


def csv_file(tmp_path: Path, content: bytes | str) -> Path:
    f = tmp_path / "in.csv"
    f.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return f


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formulas_are_neutralised_on_export(cell: str) -> None:
    out = io.StringIO()
    tabular.write([{"text": cell}], ["text"], out)
    written = out.getvalue().splitlines()[1]
    assert not written.lstrip('"').startswith(("=", "+", "-", "@", "\t", "\r"))


# NUL never reaches an export: forms refuse it and PostgreSQL cannot store it.
CELL = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=30)


@given(st.lists(CELL, min_size=1, max_size=5))
def test_export_then_import_round_trips_exactly(
    tmp_path_factory: pytest.TempPathFactory, cells: list[str]
) -> None:
    cols = [f"c{i}" for i in range(len(cells))]
    out = io.StringIO()
    tabular.write([dict(zip(cols, cells, strict=True))], cols, out)
    f = tmp_path_factory.mktemp("rt") / "x.csv"
    f.write_text(out.getvalue(), encoding="utf-8", newline="")
    rows = list(tabular.read(f, required=cols))
    if all(c == "" for c in cells) and len(cells) == 1:
        return  # a single empty cell is an empty line, which readers skip
    assert [r.values for r in rows] == [dict(zip(cols, cells, strict=True))]


@pytest.mark.parametrize("cell", ["'=x", "'abc", "''", "'", "=x", "'+1", "plain"])
def test_quotes_in_the_data_survive_the_round_trip(cell: str) -> None:
    assert tabular.restore(tabular.neutralise(cell)) == cell


def test_it_reads_a_bom_and_names_lines(tmp_path: Path) -> None:
    f = csv_file(tmp_path, '\ufeffcode,name\r\nA,Ali\r\n\r\nB,"multi\nline"\r\n')
    rows = list(tabular.read(f, required=["code"], optional=["name"]))
    assert [(r.line, r.values["code"]) for r in rows] == [(2, "A"), (5, "B")]


@pytest.mark.parametrize(
    ("content", "where", "reason"),
    [
        (b"code\nA\n\xff\xfe\n", "line 3", "not UTF-8"),
        (b"", "line 1", "empty"),
        ("code,nope\nA,1\n", "line 1, column 2", "unknown column 'nope'"),
        ("name\nAli\n", "line 1", "missing column(s) code"),
        ("code,code\nA,B\n", "line 1", "appears twice"),
        ("code,name\nA\n", "line 2", "has 1 cells"),
        ('code\n"unterminated\n', "line 2", "not valid CSV"),
        ("code\nA\x00B\n", "line 2", "NUL byte"),
        ("code\n" + "x" * 101 + "\n", "line 2, column 1 (code)", "longer than 100"),
        ("code\n" + "x" * 5000 + "\n", "line 2", "longer than 100"),
        ("code\nA\nB\nC\n", "line 4", "more than 2 rows"),
    ],
)
def test_hostile_files_are_refused_with_the_place(
    tmp_path: Path, content: bytes | str, where: str, reason: str
) -> None:
    f = csv_file(tmp_path, content)
    with pytest.raises(TabularError) as info:
        list(tabular.read(f, required=["code"], optional=["name"], max_cell=100, max_rows=2))
    assert info.value.where == f"{f}, {where}"
    assert reason in info.value.reason


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TabularError, match="cannot be read"):
        list(tabular.read(tmp_path / "absent.csv", required=["code"]))
