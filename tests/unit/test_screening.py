"""Screening a batch of names against a watchlist, and reading watchlists from files. No database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from longreach.names.cli import main
from longreach.names.lists import ListError, read_list
from longreach.names.screen import Entry, Query, Watchlist, screen_many

LISTED = [
    Entry("CN-1", "Chen Quanguo", "1955-11", frozenset({"CN"}), "test"),
    Entry("CN-1", "陈全国", "1955-11", frozenset({"CN"}), "test"),
    Entry("UG-1", "ئىلھام توختى", "1969-10-25", frozenset({"CN"}), "test"),
    Entry("RU-1", "Рамзан Кадыров", "1976-10-05", frozenset({"RU"}), "test"),
    Entry("RU-2", "Ахмат Кадыров", "1951", frozenset({"RU"}), "test"),
    Entry("SA-1", "Saud al-Qahtani", "1978-07-07", frozenset({"SA"}), "test"),
    Entry("X-1", "Muhammad Salih", "", frozenset(), "test"),
]


def test_a_batch_finds_the_same_person_in_another_script_and_nobody_else() -> None:
    watchlist = Watchlist.of(LISTED)
    assert [h.entry.ref for h in watchlist.screen("Ch'en Ch'üan-kuo")] == ["CN-1", "CN-1"]
    assert [h.entry.ref for h in watchlist.screen("Ilham Tohti")] == ["UG-1"]
    assert [h.entry.ref for h in watchlist.screen("Ramzan Kadyrov")] == ["RU-1"]  # not his father
    assert watchlist.screen("Muhammad Ali") == []  # a common given name is not enough
    assert watchlist.screen("Jane Doe") == []
    hit = watchlist.screen("سعود القحطاني")[0]
    assert hit.entry.ref == "SA-1" and hit.as_dict()["why"]["pairs"]  # type: ignore[index]


def test_a_batch_on_forked_workers_finds_what_one_process_finds() -> None:
    watchlist = Watchlist.of(LISTED)
    names = ["Ch'en Ch'üan-kuo", "Ilham Tohti", "Ramzan Kadyrov", "Jane Doe", "سعود القحطاني"] * 60
    queries = [Query(n, "1976-10-05" if k % 2 else "", frozenset({"RU"})) for k, n in enumerate(names)]
    one = screen_many(watchlist, queries, workers=1)
    two = screen_many(watchlist, queries, workers=2)
    assert [[(h.entry.ref, h.score) for h in hits] for hits in one] == [
        [(h.entry.ref, h.score) for h in hits] for hits in two
    ]
    assert 0 < sum(1 for hits in two if hits) < len(queries)  # birth dates and nationalities tell


def test_birth_date_and_nationality_raise_or_lower_a_hit() -> None:
    watchlist = Watchlist.of(LISTED)
    plain = watchlist.screen("Ramzan Kadirov")[0].score  # a vowel spelled otherwise: a little under 1
    same = watchlist.screen("Ramzan Kadirov", birth="1976-10-05", nationalities=["RU"])[0]
    assert plain < 1.0 and same.score > plain
    assert same.adjustments == ("same birth date", "a nationality in common")
    other = watchlist.screen("Ramzan Kadirov", birth="1990", nationalities=["FR"], threshold=0.0)[0]
    assert other.score < plain
    assert other.adjustments == ("born 1990, listed as born 1976", "no nationality in common")
    assert watchlist.screen("Ramzan Kadirov", birth="1990") == []  # below the threshold once lowered


def test_names_that_cannot_be_read_are_left_out_and_said() -> None:
    watchlist = Watchlist.of([Entry("A", "x" * 400), Entry("B", "!!!"), Entry("C", "Ilham Tohti")])
    assert [e.ref for e in watchlist.entries] == ["C"]
    assert [ref for ref, _why in watchlist.refused] == ["A", "B"]
    assert watchlist.screen("") == [] and watchlist.screen("...") == []


def test_blocking_finds_what_comparing_every_pair_finds_on_the_labelled_set() -> None:
    from longreach.names import score

    data = Path(__file__).parent.parent / "data" / "names_pairs.jsonl"
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()]
    names = sorted({r["candidate"] for r in rows} | {r["query"] for r in rows})
    watchlist = Watchlist.of(Entry(str(k), n) for k, n in enumerate(names))
    for row in rows:
        if row["match"] and score.compare(row["query"], row["candidate"]).match:
            found = {h.entry.name for h in watchlist.screen(row["query"], limit=100)}
            assert row["candidate"] in found, row


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_lists_are_read_from_csv_followthemoney_and_the_un_xml(tmp_path: Path) -> None:
    csv_list = write(
        tmp_path,
        "list.csv",
        "id,name,aliases,birth_date,nationality,source\n"
        "A1,Chen Quanguo,陈全国;Ch'en Ch'üan-kuo,1955-11,CN,OFAC\n",
    )
    read = read_list(csv_list)
    assert [e.name for e in read.entries] == ["Chen Quanguo", "陈全国", "Ch'en Ch'üan-kuo"]
    assert read.entries[0].nationalities == frozenset({"CN"}) and read.entries[0].birth == "1955-11"
    ftm = write(
        tmp_path,
        "list.jsonl",
        json.dumps(
            {
                "id": "p1",
                "schema": "Person",
                "properties": {
                    "name": ["Saud al-Qahtani"],
                    "alias": ["سعود القحطاني"],
                    "birthDate": ["1978-07-07"],
                    "nationality": ["sa"],
                },
            }
        )
        + "\n"
        + json.dumps({"id": "c1", "schema": "Company", "properties": {"name": ["Acme"]}})
        + "\n",
    )  # fmt: skip
    read = read_list(ftm)
    assert [e.name for e in read.entries] == ["Saud al-Qahtani", "سعود القحطاني"] and read.skipped == 1
    un = write(
        tmp_path,
        "un.xml",
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><REFERENCE_NUMBER>QDi.006</REFERENCE_NUMBER>"
        "<FIRST_NAME>AIMAN</FIRST_NAME><SECOND_NAME>MUHAMMED</SECOND_NAME><THIRD_NAME>RABI</THIRD_NAME>"
        "<FOURTH_NAME>AL-ZAWAHIRI</FOURTH_NAME>"
        "<NAME_ORIGINAL_SCRIPT>أيمن محمد ربيع الظواهري</NAME_ORIGINAL_SCRIPT>"
        "<NATIONALITY><VALUE>Egypt</VALUE></NATIONALITY>"
        "<INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Ayman al-Zawahari</ALIAS_NAME>"
        "</INDIVIDUAL_ALIAS>"
        "<INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Doctor</ALIAS_NAME></INDIVIDUAL_ALIAS>"
        "<INDIVIDUAL_DATE_OF_BIRTH><DATE>1951-06-19</DATE></INDIVIDUAL_DATE_OF_BIRTH></INDIVIDUAL></INDIVIDUALS>"
        "<ENTITIES><ENTITY><FIRST_NAME>SOME GROUP</FIRST_NAME></ENTITY></ENTITIES></CONSOLIDATED_LIST>",
    )
    read = read_list(un)
    assert [e.name for e in read.entries] == [
        "AIMAN MUHAMMED RABI AL-ZAWAHIRI",
        "أيمن محمد ربيع الظواهري",
        "Ayman al-Zawahari",
    ]
    assert read.entries[0].ref == "QDi.006" and read.entries[0].nationalities == frozenset({"EG"})
    assert read.skipped == 1
    assert Watchlist.of(read.entries).screen("Ayman al-Zawahiri")[0].entry.ref == "QDi.006"


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("a.csv", "id,label\n1,x\n", "line 1: no 'name' column"),
        ("a.csv", "name,birth_date\nA B,31/12/1970\n", "line 2: birth_date: '31/12/1970' is not a date"),
        ("a.csv", "name,nationality\nA B,Narnia\n", "line 2: nationality: 'Narnia' is not a country"),
        ("a.csv", "name\n" + "x" * 5000 + "\n", "line 2: a field is longer than 4,000 characters"),
        ("a.csv", "name\n,\n", "more fields than the header"),
        ("a.csv", 'name\n"\n', "line"),
        ("a.jsonl", "{not json\n", "line 1: not a JSON object"),
        (
            "a.jsonl",
            '{"schema": "Person", "properties": {"name": "A"}}\n',
            "line 1: name: must be a list of strings",
        ),
        ("a.jsonl", '{"schema": "Person", "properties": {}}\n', "line 1: name: a person with no name"),
        (
            "a.jsonl",
            '{"schema": "Person", "properties": {"name": ["A"], "birthDate": ["soon"]}}\n',
            "not a date",
        ),
        ("a.xml", "<CONSOLIDATED_LIST><INDIVIDUAL>", "not the UN list's XML"),
        (
            "a.xml",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
            "<CONSOLIDATED_LIST>&a;</CONSOLIDATED_LIST>",
            "refused",
        ),
    ],
)
def test_a_bad_list_stops_with_the_file_the_line_and_the_field(
    tmp_path: Path, name: str, text: str, error: str
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(ListError, match=".") as caught:
        read_list(path)
    assert str(path) in str(caught.value) and error in str(caught.value)


def test_a_list_in_another_encoding_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("name\nGülen\n".encode("latin-1"))
    with pytest.raises(ListError, match="not UTF-8"):
        read_list(path)


def test_the_screen_command_writes_hits_as_json_lines_or_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = write(
        tmp_path,
        "list.csv",
        "id,name,birth_date,nationality\nUG-1,ئىلھام توختى,1969-10-25,CN\nRU-1,Рамзан Кадыров,,RU\n",
    )
    batch = write(tmp_path, "batch.csv", "id,name,birth_date\nv1,Ilham Tohti,1969-10-25\nv2,Jane Doe,\n")
    assert main(["screen", str(batch), "--watchlist", str(listed)]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["id"] == "v1" and rows[0]["hits"][0]["ref"] == "UG-1" and rows[1]["hits"] == []
    assert "2 names screened against 2 listed names; 1 with a hit" in err
    assert main(["screen", str(batch), "--watchlist", str(listed), "--csv"]) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines()[0].startswith("id,name,hit_ref") and "UG-1" in out.splitlines()[1]
    bad = write(tmp_path, "bad.csv", "label\nx\n")
    assert main(["screen", str(bad), "--watchlist", str(listed)]) == 1
    assert "no 'name' column" in capsys.readouterr().err
    assert main(["screen", str(batch), "--watchlist", str(tmp_path / "missing.csv")]) == 2
    assert main(["screen", str(batch), "--watchlist", str(listed), "--limit", "0"]) == 2


INTERPOL_PAGE = {
    "total": 2,
    "_embedded": {
        "notices": [
            {
                "forename": "RAMZAN",
                "name": "KADYROV",
                "date_of_birth": "1976/10/05",
                "entity_id": "2099/1",
                "nationalities": ["RU"],
            },
            {
                "forename": "QUANGUO",
                "name": "CHEN",
                "date_of_birth": "1955",
                "entity_id": "2099/2",
                "nationalities": ["CN"],
            },
        ]
    },
}
INTERPOL_DETAIL = {
    "forename": "ILHAM",
    "name": "TOHTI",
    "date_of_birth": "1969/10/25",
    "entity_id": "2099/3",
    "nationalities": ["CN"],
    "arrest_warrants": [{"issuing_country_id": "CN", "charge": "separatism"}],
}


def test_interpol_public_red_notices_saved_as_json_are_a_watchlist(tmp_path: Path) -> None:
    from longreach.names.lists import kind_of

    page = tmp_path / "red.json"
    page.write_text(json.dumps([INTERPOL_PAGE, INTERPOL_DETAIL]), encoding="utf-8")
    assert kind_of("red.json", page.read_bytes()[:512]) == "interpol"
    read = read_list(page, "interpol")
    assert [(e.ref, e.name, e.birth) for e in read.entries] == [
        ("2099/1", "RAMZAN KADYROV", "1976-10-05"),
        ("2099/2", "QUANGUO CHEN", "1955"),
        ("2099/3", "ILHAM TOHTI", "1969-10-25"),
    ]
    watchlist = Watchlist.of(read.entries)
    assert [h.entry.ref for h in watchlist.screen("ئىلھام توختى")] == ["2099/3"]
    assert [h.entry.ref for h in watchlist.screen("陈全国")] == ["2099/2"]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "item 1: not a notice or a page of notices"),
        ('{"_embedded": {"notices": "x"}}', "_embedded.notices: must be a list"),
        ('{"name": "DOE"}', "entity_id: missing"),
        ('{"entity_id": "1", "name": 7}', "name: must be text"),
        ('{"entity_id": "1", "name": "DOE", "date_of_birth": "yesterday"}', "date_of_birth"),
        ('{"entity_id": "1", "name": "DOE", "nationalities": "RU"}', "nationalities: must be a list"),
        ('{"entity_id": "1"}', "no name"),
    ],
)
def test_a_bad_interpol_file_is_refused_naming_the_notice(tmp_path: Path, content: str, error: str) -> None:
    path = tmp_path / "red.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ListError, match=error):
        read_list(path, "interpol")
