"""Reading Freedom in the World's Excel file: header found below the title, territories left out,
names matched to ISO codes, every bad cell named by row and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from longreach.geo import freedom

HEADER = [
    "Country/Territory",
    "Region",
    "C/T",
    "Edition",
    "Status",
    "PR rating",
    "CL rating",
    "PR",
    "CL",
    "Total",
]


def workbook(tmp_path: Path, rows: list[list[Any]], *, title_rows: int = 1) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "FIW13-25"
    for _ in range(title_rows):
        sheet.append(["Freedom in the World 2013-2025 Raw Data"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "All_data_FIW_2013-2025.xlsx"
    book.save(path)
    return path


def test_ratings_are_read_under_the_title_with_names_matched(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            ["China", "Asia", "c", 2025, "NF", 7, 6, -2, 11, 9],
            ["Türkiye", "Europe", "c", 2025, "NF", 5, 5, 16, 17, 33],
            ["Congo (Kinshasa)", "Africa", "c", 2024, "NF", 7, 6, 3, 16, 19],
            ["Hong Kong", "Asia", "t", 2025, "PF", 5, 4, 9, 32, 41],
            [None, None, None, None, None, None, None, None, None, None],
            ["Germany", "Europe", "c", 2025.0, "F", 1, 1, 39, 55, 94],
        ],
    )
    read = freedom.read(path)
    by = {(r.country, r.edition): r for r in read.ratings}
    assert set(by) == {("CN", 2025), ("TR", 2025), ("CD", 2024), ("DE", 2025)}
    assert by[("DE", 2025)].civil_liberties == 55 and by[("TR", 2025)].status == "NF"
    assert read.territories == 1


def test_political_rights_may_fall_below_zero_but_not_below_minus_four(tmp_path: Path) -> None:
    china = workbook(tmp_path, [["China", "Asia", "c", 2025, "NF", 7, 6, -2, 11, 9]])
    assert freedom.read(china).ratings[0].political_rights == -2
    path = workbook(tmp_path, [["China", "Asia", "c", 2025, "NF", 7, 6, -5, 11, 9]])
    with pytest.raises(
        freedom.FreedomFileError, match=r"row 3, column PR: should be a whole number from -4 to 40"
    ):
        freedom.read(path)


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (["Atlantis", "X", "c", 2025, "F", 1, 1, 40, 60, 100], "column Country/Territory"),
        (["China", "Asia", "c", "twenty", "NF", 7, 6, 1, 11, 12], "column Edition"),
        (["China", "Asia", "c", 2025, "Free", 7, 6, 1, 11, 12], "column Status"),
        (["China", "Asia", "c", 2025, "NF", 7, 6, 1, 61, 62], "column CL"),
        (["China", "Asia", "c", 2025, "NF", 7, 6, True, 11, 12], "column PR"),
    ],
)
def test_a_bad_cell_stops_the_import_and_is_named(tmp_path: Path, row: list[Any], where: str) -> None:
    path = workbook(tmp_path, [["Germany", "Europe", "c", 2025, "F", 1, 1, 39, 55, 94], row])
    with pytest.raises(freedom.FreedomFileError) as err:
        freedom.read(path)
    assert "All_data_FIW_2013-2025.xlsx, sheet 'FIW13-25', row 4" in str(err.value) and where in str(
        err.value
    )


def test_unknown_names_can_be_skipped_and_are_listed(tmp_path: Path) -> None:
    path = workbook(
        tmp_path,
        [
            ["Atlantis", "X", "c", 2025, "F", 1, 1, 40, 60, 100],
            ["Germany", "Europe", "c", 2025, "F", 1, 1, 39, 55, 94],
        ],
    )
    read = freedom.read(path, skip_unknown=True)
    assert read.unknown == [(3, "Atlantis")] and [r.country for r in read.ratings] == ["DE"]


def test_the_same_country_twice_in_an_edition_is_refused(tmp_path: Path) -> None:
    row = ["Germany", "Europe", "c", 2025, "F", 1, 1, 39, 55, 94]
    with pytest.raises(freedom.FreedomFileError, match="appears twice"):
        freedom.read(workbook(tmp_path, [row, row]))


def test_files_that_are_not_the_workbook_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "fiw.xlsx"
    text.write_text("Country,CL\nChina,11\n")
    with pytest.raises(freedom.FreedomFileError, match="not an Excel workbook"):
        freedom.read(text)
    with pytest.raises(freedom.FreedomFileError, match="cannot be read"):
        freedom.read(tmp_path / "missing.xlsx")
    book = Workbook()
    book.active.append(["Name", "Score"])
    other = tmp_path / "other.xlsx"
    book.save(other)
    with pytest.raises(freedom.FreedomFileError, match="no sheet has a header row"):
        freedom.read(other)
    with pytest.raises(freedom.FreedomFileError, match="no country rows"):
        freedom.read(workbook(tmp_path, []))
