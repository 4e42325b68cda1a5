"""docs/codebook.md is the reference the code cites: each cited section exists and matches the code."""

from __future__ import annotations

import re
from pathlib import Path

from longreach.registry.services import TRANSITIONS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")


def test_every_cited_section_exists() -> None:
    sections = set(re.findall(r"^## (§\d+) ", DOC, re.M))
    cited = {}
    for path in (ROOT / "src" / "longreach").rglob("*.py"):
        for section in re.findall(r"codebook\.md (§\d+)", path.read_text(encoding="utf-8")):
            cited.setdefault(section, path.name)
    assert cited, "the code cites the codebook"
    assert set(cited) - sections == set(), cited


def test_the_case_workflow_table_is_the_one_the_code_enforces() -> None:
    rows = re.findall(r"^\| ([A-Z_]+) \| ([A-Z_, ]+) \|$", DOC, re.M)
    documented = {state: frozenset(s.strip() for s in to.split(",")) for state, to in rows}
    assert documented == dict(TRANSITIONS)
