"""Deadlines from rules kept as data: every rule, month ends, leap years, bad rules files, the command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from longreach.legal import deadlines
from longreach.legal.cli import main

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("kind", "start", "due"),
    [
        ("ccf-access", "2026-01-15", "2026-05-15"),
        ("ccf-deletion", "2026-01-15", "2026-10-15"),  # the example
        ("ccf-deletion", "2023-05-31", "2024-02-29"),  # into a leap February: its last day
        ("ccf-deletion", "2024-05-31", "2025-02-28"),  # and a common one
        ("ccf-access", "2025-10-31", "2026-02-28"),
        ("ccf-revision", "2023-08-31", "2024-02-29"),
        ("ccf-revision", "2026-12-31", "2027-06-30"),  # across a year, to a 30-day month
        ("echr-application", "2022-02-01", "2022-06-01"),
        ("echr-application", "2023-10-31", "2024-02-29"),
        ("hrc-communication", "2020-02-29", "2025-02-28"),  # five years from a leap day
        ("uk-extradition-part1-appeal", "2026-03-02", "2026-03-08"),  # the day of the order is day 1
        ("uk-extradition-part1-appeal", "2024-02-26", "2024-03-03"),  # over 29 February
        ("uk-extradition-part2-appeal", "2026-12-25", "2027-01-07"),
        ("uk-asylum-appeal", "2026-02-20", "2026-03-06"),  # 14 days after: the day sent is day 0
        ("de-asylum-lawsuit", "2026-12-28", "2027-01-11"),
        ("de-asylum-lawsuit-urgent", "2028-02-25", "2028-03-03"),
        ("us-bia-appeal", "2028-02-01", "2028-03-02"),
        ("tr-deportation-appeal", "2026-12-30", "2027-01-06"),
    ],
)
def test_each_rule_gives_its_date(kind: str, start: str, due: str) -> None:
    assert deadlines.compute(kind, D(start)).due == D(due)


def test_every_rule_is_tested_and_cites_its_source() -> None:
    tested = {  # the parametrised cases above name every rule

        "ccf-access", "ccf-deletion", "ccf-revision", "echr-application", "hrc-communication",
        "uk-extradition-part1-appeal", "uk-extradition-part2-appeal", "uk-asylum-appeal",
        "de-asylum-lawsuit", "de-asylum-lawsuit-urgent", "us-bia-appeal", "tr-deportation-appeal",
    }  # fmt: skip
    rules = deadlines.load()
    assert set(rules) == tested
    for rule in rules.values():
        assert rule.source and rule.verified and rule.url.startswith("https://"), rule.kind


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2900, 12, 31)), st.integers(1, 120))
def test_adding_months_lands_in_the_right_month_on_the_same_day_or_its_last(
    start: dt.date, months: int
) -> None:
    due = deadlines.add_months(start, months)
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == months
    assert due.day == start.day or (due.day < start.day and (due + dt.timedelta(days=1)).day == 1)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2900, 12, 31)))
def test_later_events_never_give_earlier_deadlines(start: dt.date) -> None:
    for rule in deadlines.load().values():
        assert rule.due(start) <= rule.due(start + dt.timedelta(days=1)) and rule.due(start) > start


def _rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ours.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    '[fr-cnda-appeal]\ntitle = "x"\nperiod = "1 month"\ncounting = "after"\nruns_from = "notified"\n'
    'binds = "filing"\nsource = "CESEDA L532-1"\n'
)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (GOOD.replace('source = "CESEDA L532-1"\n', ""), "[fr-cnda-appeal] source: missing"),
        (GOOD.replace('"1 month"', '"a fortnight"'), "period: 'a fortnight' is not"),
        (GOOD.replace('"1 month"', '"0 days"'), "period: between 1 and"),
        (GOOD.replace('"1 month"', '"999 months"'), "period: between 1 and 120 months"),
        (GOOD.replace('"after"', '"before"'), "counting: 'after' or 'starting_with'"),
        (GOOD.replace('"after"', '"starting_with"'), "months run 'after'"),
        (GOOD.replace('"filing"', '"hope"'), "binds: 'decision' or 'filing'"),
        (GOOD + 'colour = "red"\n', "colour: unknown field"),
        (GOOD.replace("[fr-cnda-appeal]", '["FR CNDA"]'), "a rule's name is lower-case"),
        ("[x\n", "ours.toml:"),
        (GOOD.replace("[fr-cnda-appeal]", "[ccf-access]"), "already a rule of the project"),
    ],
)
def test_a_bad_rules_file_is_refused_naming_the_rule_and_field(tmp_path: Path, text: str, error: str) -> None:
    deadlines.load.cache_clear()
    with pytest.raises(deadlines.RuleError, match=error.replace("[", r"\[").replace("(", r"\(")):
        deadlines.load((_rules(tmp_path, text),))


def test_an_organisation_adds_its_own_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _rules(tmp_path, GOOD)
    assert main(["--rules", str(path), "deadline", "fr-cnda-appeal", "--from", "2027-01-31"]) == 0
    assert "fr-cnda-appeal from 2027-01-31 → 2027-02-28" in capsys.readouterr().out


def test_the_command_prints_the_date_and_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "ccf-deletion", "--from", "2026-01-15"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ccf-deletion from 2026-01-15 → 2026-10-15") and "Article 40(2)" in out
    assert main(["deadline", "uk-extradition-part1-appeal", "--from", "2026-03-02", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["due"] == "2026-03-08" and data["on_weekend"] is True and data["source"]
    assert main(["rules"]) == 0 and "echr-application" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["deadline", "nope", "--from", "2026-01-01"], "no rule 'nope'; the rules are: ccf-access"),
        (["deadline", "ccf-access", "--from", "15/01/2026"], "--from: '15/01/2026' is not a date"),
        (["deadline", "ccf-access", "--from", "2026-02-30"], "is not a date"),
        (["deadline", "hrc-communication", "--from", "9999-06-01"], "out of the calendar"),
        (["deadline", "ccf-access", "--from", "x" * 10_000], "is not a date"),
    ],
)
def test_bad_arguments_get_a_clear_error(
    argv: list[str], error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert error in capsys.readouterr().err


def test_a_missing_rules_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deadlines.load.cache_clear()
    assert main(["--rules", str(tmp_path / "none.toml"), "rules"]) == 1
    assert "none.toml: cannot be read" in capsys.readouterr().err


def test_review_grounds_are_met_by_enough_supporting_answers() -> None:
    from longreach.legal import review

    found = {f.ground.id: f for f in review.evaluate("RED_NOTICE", {"article-3.timing": "yes"})}
    assert set(found) == {"article-3", "article-2", "minimum-criteria", "refugee-policy"}
    assert found["article-3"].met and not found["article-2"].met
    below = review.evaluate("RED_NOTICE", {"minimum-criteria.penalty-threshold": "no"})
    assert next(f for f in below if f.ground.id == "minimum-criteria").met  # "no" supports this one
    assert {f.ground.id for f in review.evaluate("TRAVEL_BAN", {})} == set()
    for ground in review.grounds():
        assert ground.citation and ground.questions
