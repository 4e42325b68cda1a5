"""Receipts typed back in any digit form, and triage urgency suggested by the codebook's rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from longreach.crypto.keys import KDF_TEST
from longreach.intake import receipts, urgency

FORMS = {
    "ascii": "0123456789",
    "arabic": "٠١٢٣٤٥٦٧٨٩",
    "persian": "۰۱۲۳۴۵۶۷۸۹",
    "fullwidth": "０１２３４５６７８９",
}


def test_new_receipts_are_twenty_digits_shown_in_fours() -> None:
    r = receipts.new()
    assert len(r) == 20 and r.isdigit() and r.isascii()
    assert receipts.grouped("12345678901234567890") == "1234 5678 9012 3456 7890"
    assert len({receipts.new() for _ in range(200)}) == 200


@given(st.text(alphabet="0123456789", min_size=20, max_size=20), st.sampled_from(sorted(FORMS)), st.data())
def test_any_digit_form_and_separators_read_back_exactly(
    receipt: str, form: str, data: st.DataObject
) -> None:
    typed = "".join(FORMS[form][int(d)] for d in receipt)
    seps = data.draw(
        st.lists(st.sampled_from([" ", "-", "\u2013", "\u00a0", "\u200f", ""]), min_size=5, max_size=5)
    )
    spaced = "".join(typed[i : i + 4] + seps[i // 4] for i in range(0, 20, 4))
    assert receipts.normalise(spaced) == receipt
    assert receipts.normalise(f"  {typed}  ") == receipt


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "1234 5678 9012 3456 789",  # 19 digits
        "1234 5678 9012 3456 78901",  # 21 digits
        "1234 5678 9012 3456 789O",  # a letter O for a zero
        "१२३४ ५६७८ ९०१२ ३४५६ ७८९०",  # Devanagari digits are not offered by our keyboards
        "1234\x00567890123456789",
        "1" * 10_000,
        "1234 5678 9012 3456 7890; DROP TABLE",
    ],
)
def test_anything_else_is_not_a_receipt(typed: str) -> None:
    assert receipts.normalise(typed) is None


def test_lookup_hash_and_reporter_key_depend_on_receipt_and_pepper() -> None:
    r, pepper = "12345678901234567890", b"p" * 32
    h = receipts.open_receipt(r, pepper, KDF_TEST).lookup_hash
    assert h == receipts.open_receipt(r, pepper, KDF_TEST).lookup_hash
    assert h != receipts.open_receipt("12345678901234567891", pepper, KDF_TEST).lookup_hash
    assert h != receipts.open_receipt(r, b"q" * 32, KDF_TEST).lookup_hash
    pair = receipts.open_receipt(r, pepper, KDF_TEST).reporter
    assert pair == receipts.open_receipt(r, pepper, KDF_TEST).reporter
    # The reply key is not the lookup hash: knowing one gives nothing of the other.
    assert pair.private != h and pair.public != h


def test_codebook_levels_and_the_one_level_raise() -> None:
    assert urgency.suggest([]).level == "P3"
    assert urgency.suggest(["PHISHING_NOT_CLICKED"]).level == "P2"
    s = urgency.suggest(["PHISHING_NOT_CLICKED", "ADDRESS_DOXXED"])
    assert (s.level, s.reasons) == ("P1", ("ADDRESS_DOXXED",))
    s = urgency.suggest(["REPEATED_COERCIVE_CONTACT"], ["PRECARIOUS_STATUS", "MINOR_INVOLVED"])
    assert (s.level, s.raised_by) == ("P1", ("MINOR_INVOLVED", "PRECARIOUS_STATUS"))
    assert urgency.suggest(["REMOVAL_WITHIN_72H"], ["MINOR_INVOLVED"]).level == "P0"
    assert urgency.suggest(["REMOVAL_WITHIN_72H"], ["MINOR_INVOLVED"]).raised_by == ()
    assert urgency.facts_from_tactics(["DETENTION_HOST", "SMEAR"]) == {"DETAINED_IN_HOST"}
    with pytest.raises(urgency.UnknownFact):
        urgency.suggest(["IMMEDIATE_DANGR"])


@given(
    st.sets(st.sampled_from(sorted(urgency.RULES))),
    st.sets(st.sampled_from(sorted(urgency.RULES))),
    st.sets(st.sampled_from(sorted(urgency.MODIFIERS))),
)
def test_more_facts_never_lower_urgency(a: set[str], b: set[str], mods: set[str]) -> None:
    rank = urgency.LEVELS.index
    assert rank(urgency.suggest(a | b, mods).level) <= rank(urgency.suggest(a, mods).level)
    assert rank(urgency.suggest(a, mods).level) <= rank(urgency.suggest(a).level)
