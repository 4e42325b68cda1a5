"""The shipped codebook and membership data files, and their validators."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from longreach.geo import countries, memberships
from longreach.vocab import codebook

# Freedom House's physical incidents: CODEBOOK.md §2, "direct attacks".
DIRECT_ATTACKS = {
    "ASSASSINATION",
    "ASSAULT",
    "ABDUCTION",
    "DETENTION_HOST",
    "DEPORTATION",
    "RENDITION",
    "EXTRADITION",
}
SHIPPED = json.loads(codebook.SHIPPED.read_text(encoding="utf-8"))


def test_the_shipped_codebook_is_valid_and_complete() -> None:
    vocabs = {v.code: v for v in codebook.load()}
    assert {
        "tactic",
        "demand",
        "channel",
        "perpetrator_type",
        "attribution",
        "relationship",
        "relative_outcome",
        "profile",
        "immigration_status",
        "community",
        "case_state",
        "urgency",
        "referral_type",
        "closure",
        "consent_purpose",
        "task_type",
        "source_reliability",
        "information_credibility",
    } <= set(vocabs)
    tactics = {t.code: t for t in vocabs["tactic"].terms}
    assert len(tactics) == 40
    direct = {c for c, t in tactics.items() if t.family == "DIRECT_ATTACK"}
    assert direct == DIRECT_ATTACKS
    assert all(t.family for t in tactics.values())
    assert [t.code for t in vocabs["urgency"].terms] == ["P0", "P1", "P2", "P3"]
    assert "ORIGIN_STATE_ENQUIRY" in {t.code for t in vocabs["task_type"].terms}


def broken(mutate: Any) -> dict[str, Any]:
    data = copy.deepcopy(SHIPPED)
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format=2), "format 1"),
        (lambda d: d["vocabularies"].update({"Bad-Name": {"terms": []}}), "lower_snake_case"),
        (
            lambda d: d["vocabularies"]["tactic"]["terms"].append(
                dict(d["vocabularies"]["tactic"]["terms"][0])
            ),
            "appears twice",
        ),
        (lambda d: d["vocabularies"]["demand"]["terms"][2].update(code="lower"), "term 3: code 'lower'"),
        (lambda d: d["vocabularies"]["demand"]["terms"][0].update(label=""), "label: must be non-empty"),
        (lambda d: d["vocabularies"]["demand"]["terms"][0].update(label="x" * 3000), "longer than"),
        (lambda d: d["vocabularies"]["tactic"]["terms"][0].update(family="NOPE"), "family NOPE"),
        (
            lambda d: d["vocabularies"]["channel"]["terms"][0].update(labels={"Not a lang": "x"}),
            "language codes",
        ),
        (lambda d: d["vocabularies"]["channel"].pop("terms"), "needs a 'terms' list"),
    ],
)
def test_codebook_errors_name_the_place(mutate: Any, message: str) -> None:
    with pytest.raises(codebook.CodebookError, match=message):
        codebook.parse(broken(mutate))


@pytest.mark.parametrize(
    ("content", "message"), [(b"\xff\xfe", "UTF-8"), (b'{"format": 1,\n "x": }', "line 2")]
)
def test_unreadable_codebook_files_say_where(tmp_path: Path, content: bytes, message: str) -> None:
    f = tmp_path / "c.json"
    f.write_bytes(content)
    with pytest.raises(codebook.CodebookError, match=message):
        codebook.load(f)


def test_country_codes_and_translated_names() -> None:
    assert countries.normalise(" cn ") == "CN"
    assert countries.name("CN") == "China"
    assert countries.name("CN", "zh-hans") == "中国"
    assert countries.name("TR", "ug") != countries.name("TR")
    assert countries.name("RU", "ru") == "Российская Федерация"
    assert len(countries.all_codes()) == 249
    for bad in ("", "XX", "CHN", "1", "c\x00"):
        assert not countries.is_country(bad)
        with pytest.raises(countries.CountryError):
            countries.normalise(bad)


def test_shipped_memberships_are_valid() -> None:
    rows = memberships.load()
    by_org: dict[str, set[str]] = {}
    for r in rows:
        by_org.setdefault(r.organisation, set()).add(r.country)
        assert r.source
    assert by_org["GCC"] == {"SA", "AE", "BH", "KW", "OM", "QA"}
    assert {"CN", "RU", "KZ", "KG", "TJ", "UZ", "IN", "PK", "IR", "BY"} == by_org["SCO"]
    assert {"RU", "BY", "AM", "KZ", "KG", "TJ"} <= by_org["CSTO"]


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ({"country": "XX", "start": "2001-01-01", "source": "s"}, "country"),
        ({"country": "CN", "start": "2001-13-01", "source": "s"}, "not an ISO date"),
        ({"country": "CN", "start": "2001-01-01", "source": ""}, "source citation"),
        ({"country": "CN", "start": "2001-01-01", "end": "2000-01-01", "source": "s"}, "ends before"),
        ({"country": "CN", "start": "2001-01-01", "precision": "week", "source": "s"}, "precision"),
    ],
)
def test_membership_errors_name_the_entry(member: dict[str, str], message: str) -> None:
    data = {"format": 1, "organisations": {"SCO": {"name": "x", "members": [member]}}}
    with pytest.raises(memberships.MembershipDataError, match=f"SCO member 1.*{message}"):
        memberships.parse(data)
