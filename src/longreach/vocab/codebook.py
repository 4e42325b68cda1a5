"""Reading and checking the codebook data file (pure Python, no Django).

The shipped vocabularies (tactics, demands, channels...) are data, not code:
``data/codebook.json`` holds them, a migration loads them, and organisations
add or retire terms later without a release. This module validates a file and
names the exact place of any mistake.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).parent / "data" / "codebook.json"
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_]{0,63}$")
VOCAB = re.compile(r"^[a-z][a-z_]{0,39}$")
LANG = re.compile(r"^[a-z]{2,3}(-[a-z]{2,4})?$")
MAX_TEXT = 2000


class CodebookError(ValueError):
    """The file is not a valid codebook; the message says where and why."""


@dataclass(frozen=True)
class TermData:
    vocabulary: str
    code: str
    label: str
    definition: str = ""
    family: str = ""
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VocabularyData:
    code: str
    label: str
    definition: str
    terms: list[TermData]


def _text(value: Any, where: str, *, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise CodebookError(f"{where}: must be {'non-empty ' if required else ''}text")
    if len(value) > MAX_TEXT:
        raise CodebookError(f"{where}: longer than {MAX_TEXT} characters")
    return value.strip()


def parse(data: Any, name: str = "codebook") -> list[VocabularyData]:
    if (
        not isinstance(data, dict)
        or data.get("format") != 1
        or not isinstance(data.get("vocabularies"), dict)
    ):
        raise CodebookError(f"{name}: expected an object with format 1 and 'vocabularies'")
    out = []
    for vcode, vdata in data["vocabularies"].items():
        where = f"{name}: vocabulary {vcode!r}"
        if not VOCAB.match(vcode):
            raise CodebookError(f"{where}: codes are lower_snake_case")
        if not isinstance(vdata, dict) or not isinstance(vdata.get("terms"), list):
            raise CodebookError(f"{where}: needs a 'terms' list")
        seen: set[str] = set()
        terms = []
        for i, tdata in enumerate(vdata["terms"]):
            tw = f"{where}, term {i + 1}"
            if not isinstance(tdata, dict):
                raise CodebookError(f"{tw}: must be an object")
            code = tdata.get("code")
            if not isinstance(code, str) or not CODE.match(code):
                raise CodebookError(f"{tw}: code {code!r} must be UPPER_SNAKE_CASE")
            if code in seen:
                raise CodebookError(f"{tw}: code {code} appears twice")
            seen.add(code)
            labels = tdata.get("labels", {})
            if not isinstance(labels, dict) or not all(isinstance(k, str) and LANG.match(k) for k in labels):
                raise CodebookError(f"{tw} ({code}): labels must map language codes to text")
            terms.append(
                TermData(
                    vocabulary=vcode,
                    code=code,
                    label=_text(tdata.get("label"), f"{tw} ({code}) label", required=True),
                    definition=_text(tdata.get("definition"), f"{tw} ({code}) definition", required=False),
                    family=_text(tdata.get("family"), f"{tw} ({code}) family", required=False),
                    labels={
                        k: _text(v, f"{tw} ({code}) label [{k}]", required=True) for k, v in labels.items()
                    },
                )
            )
        out.append(
            VocabularyData(
                code=vcode,
                label=_text(vdata.get("label"), f"{where} label", required=True),
                definition=_text(vdata.get("definition"), f"{where} definition", required=False),
                terms=terms,
            )
        )
    codes = {v.code: {t.code for t in v.terms} for v in out}
    for v in out:
        for t in v.terms:
            if t.family and t.family not in codes.get(f"{v.code}_family", set()):
                raise CodebookError(f"{name}: {v.code} {t.code}: family {t.family} is not in {v.code}_family")
    return out


def load(path: Path = SHIPPED) -> list[VocabularyData]:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: cannot be read as UTF-8: {exc}") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CodebookError(f"{path}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    return parse(data, str(path))
