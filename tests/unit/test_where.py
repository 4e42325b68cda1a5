"""The where-to-report table: the shipped file reads, and every malformed entry is named."""

from __future__ import annotations

import json
from typing import Any

import pytest

from longreach.intake import where


def test_shipped_table_is_sourced_and_dated() -> None:
    table = where.parse(where.DEFAULT_FILE.read_text(encoding="utf-8"))
    assert table["GB"].emergency == "999" and table["AU"].emergency == "000"
    assert table["AT"].emergency == "112"  # from the EU group
    assert table["DE"].emergency == "110 · 112"  # its own entry replaces the group's
    # The main host countries of the communities Longreach serves all have an entry of their own.
    hosts = ["TR", "KZ", "KG", "DE", "NL", "SE", "NO", "FR", "JP", "AU", "CA", "US", "GB"]
    for code in hosts:
        assert table[code].emergency and table[code].sources, code
    assert all(lines.sources and lines.checked for lines in table.values())
    # Numbers only in the number fields: the words around them are translated, words here would not be.
    for code in hosts:
        assert not any(c.isalpha() for c in table[code].emergency + table[code].police), code


def doc(**countries: Any) -> str:
    return json.dumps({"format": "longreach-where-to-report/1", "countries": countries})


GOOD = {"emergency": "112", "sources": ["https://example.org/a"], "checked": "2026-01-02"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "line 1, column 2"),
        (json.dumps({"format": "other"}), "format must be longreach-where-to-report/1"),
        (doc(gb=GOOD), "countries.gb: not an ISO 3166-1 alpha-2 code"),
        (
            doc(FR={**GOOD, "sources": []}),
            "countries.FR.sources: every entry needs at least one https:// source",
        ),
        (doc(FR={**GOOD, "sources": ["http://x"]}), "countries.FR.sources"),
        (doc(FR={**GOOD, "checked": "yesterday"}), "countries.FR.checked"),
        (doc(FR={**GOOD, "fax": "1"}), "countries.FR: unknown field 'fax'"),
        (doc(FR={**GOOD, "police": 17}), "countries.FR.police: must be text"),
        (doc(FR={**GOOD, "police": "1" * 301}), "countries.FR.police: must be text of at most 300"),
        (doc(FR=[]), "countries.FR: must be an object"),
    ],
)
def test_malformed_tables_name_the_entry_and_field(text: str, message: str) -> None:
    with pytest.raises(where.TableInvalid, match=message.replace("(", r"\(").replace(".", r"\.")):
        where.parse(text, "mine.json")
