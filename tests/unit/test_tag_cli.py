"""``longreach tag``: tags, links and identifiers added to JSON lines; bad lines named; nothing fetched."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from longreach.messages.tag_cli import MAX_LINE_BYTES, main

DATA = Path(__file__).parent.parent / "data"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]], str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.startswith("{")], err


def test_each_message_gets_tags_the_words_behind_them_links_and_identifiers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket, "socket", None)  # nothing here may touch the network
    messages = tmp_path / "chat.jsonl"
    messages.write_text(
        json.dumps(
            {
                "timestamp": "2019-07-02T21:14:00",
                "sender": "+86 138 0013 8000",
                "text": "Think of your family.",
            }
        )
        + "\n\n"
        + json.dumps(
            {"text": "Update at hxxps://login.update-check[.]example/x or mail support@update-check.example"}
        )
        + "\n",
        encoding="utf-8",
    )
    code, rows, err = run(
        [str(messages), "--indicators", str(DATA / "indicators" / "synthetic_campaign.stix2")], capsys
    )
    assert code == 0 and "2 messages" in err
    assert rows[0]["sender"] == "+86 138 0013 8000"  # what came in goes out unchanged
    assert rows[0]["tags"] == ["FAMILY_THREAT"] and rows[0]["tag_words"] == {
        "FAMILY_THREAT": ["Think of your family"]
    }
    assert rows[1]["links"] == [
        {
            "url": "https://login.update-check.example/x",
            "host": "login.update-check.example",
            "domain": "login.update-check.example",
            "defanged": True,
            "indicators": [
                {
                    "label": "SyntheticSpy",
                    "source": str(DATA / "indicators" / "synthetic_campaign.stix2"),
                    "matched": "update-check.example",
                }
            ],
        }
    ]
    ids = rows[1]["identifiers"]
    assert ids["emails"] == ["support@update-check.example"]  # type: ignore[index]
    assert ids["email_indicators"] == {"support@update-check.example": ["synthetic_campaign", "SyntheticSpy"]}  # type: ignore[index]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (b"not json", "line 2: not a JSON object"),
        (b"[1, 2]", "line 2: not a JSON object"),
        (b'{"text": 5}', 'line 2: no "text" string'),
        (b'{"sender": "x"}', 'line 2: no "text" string'),
        (b'{"text": "\xff"}', "line 2: not a JSON object"),
    ],
)
def test_a_bad_line_is_named_and_lenient_skips_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: bytes, error: str
) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes(b'{"text": "ok"}\n' + line + b'\n{"text": "also ok"}\n')
    code, rows, err = run([str(path)], capsys)
    assert code == 1 and f"m.jsonl: {error}" in err
    code, rows, err = run([str(path), "--lenient"], capsys)
    assert code == 0 and [r["text"] for r in rows] == ["ok", "also ok"] and "1 lines could not be read" in err


def test_an_oversized_line_is_read_past_and_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"text": "' + b"a" * (MAX_LINE_BYTES * 3) + b'"}\n{"text": "after"}\n')
    code, _, err = run([str(path)], capsys)
    assert code == 1 and "line 1: longer than" in err
    code, rows, err = run([str(path), "--lenient"], capsys)
    assert code == 0 and [r["text"] for r in rows] == ["after"]


def test_bad_rules_and_indicator_files_and_missing_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messages = tmp_path / "m.jsonl"
    messages.write_text('{"text": "hi"}\n', encoding="utf-8")
    rules = tmp_path / "r.toml"
    rules.write_text('[NOPE]\nen = ["x"]\n', encoding="utf-8")
    code, _, err = run([str(messages), "--rules", str(rules)], capsys)
    assert code == 1 and "[NOPE]: not a tactic or demand code" in err
    bundle = tmp_path / "b.json"
    bundle.write_text("{", encoding="utf-8")
    code, _, err = run([str(messages), "--indicators", str(bundle)], capsys)
    assert code == 1 and "not valid JSON" in err
    code, _, err = run([str(tmp_path / "absent.jsonl")], capsys)
    assert code == 2 and "no such file" in err


def test_evaluate_prints_precision_and_recall_per_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "labelled.jsonl"
    rows = [
        {"lang": "en", "text": "Think of your family.", "codes": ["FAMILY_THREAT"]},
        {"lang": "en", "text": "Lovely weather.", "codes": ["SILENCE"]},
        {"lang": "ru", "text": "Удали видео.", "codes": []},
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    code = main([str(path), "--evaluate"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[1].split() == ["en", "all", "2", "1.00", "0.50", "1", "0", "1"]
    assert out[2].split() == ["ru", "all", "1", "0.00", "-", "0", "1", "0"]
    assert out[3].split() == ["all", "all", "3", "0.50", "0.50", "1", "1", "1"]
    # Per tag: FAMILY_THREAT found (F1 1.00), SILENCE missed on "Lovely weather" and found on the
    # Russian line where none was expected (F1 0.00); macro-F1 averages all eight coercion tags.
    table = {line.split()[0]: line.split()[1:] for line in out[5:] if line and line.split()[0].isupper()}
    assert table["FAMILY_THREAT"] == ["1.00", "1.00", "1.00", "1", "0", "0"]
    assert table["SILENCE"] == ["0.00", "0.00", "0.00", "0", "1", "1"]
    assert table["RECRUITMENT"] == ["-", "-", "0.00", "0", "0", "0"]
    assert out[-2] == "macro-F1 over the eight coercion tags: all 0.12 en 0.12 ru 0.00"
    assert out[-1] == "controls (no code): 1, given a coercion tag anyway: 1"
    path.write_text('{"text": "x"}\n', encoding="utf-8")
    assert main([str(path), "--evaluate"]) == 1 and 'no "codes" list' in capsys.readouterr().err


def test_parse_chat_piped_into_the_installed_tag_command_needs_no_settings(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text(
        "02/07/2019, 21:14 - +86 138 0013 8000: Come back home, nothing will happen to you.\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LONGREACH_"))}
    exe = Path(sys.executable).parent / "longreach"
    parsed = subprocess.run([exe, "parse-chat", chat], capture_output=True, check=True, env=env)
    tagged = subprocess.run([exe, "tag", "-"], input=parsed.stdout, capture_output=True, check=True, env=env)
    [row] = [json.loads(line) for line in tagged.stdout.splitlines()]
    assert row["tags"] == ["RETURN_PRESSURE"]
    assert row["identifiers"]["phones"] == [] and row["sender"] == "+86 138 0013 8000"
    assert row["identifiers"]["sender_phone"] == {"e164": "+8613800138000", "country": "CN"}


def test_a_tag_found_only_in_quoted_speech_is_listed_as_quoted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    messages = tmp_path / "chat.jsonl"
    lines = [
        {"text": 'The officer told my father: "Think of your family."'},
        {"text": "Think of your family."},
    ]
    messages.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    code, rows, _ = run([str(messages)], capsys)
    assert code == 0
    assert rows[0]["tags"] == ["FAMILY_THREAT"] and rows[0]["tags_quoted"] == ["FAMILY_THREAT"]
    assert rows[1]["tags"] == ["FAMILY_THREAT"] and "tags_quoted" not in rows[1]
