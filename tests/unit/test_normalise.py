"""Normalisers and blind indexes: one spelling per identifier, clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.crypto import blind, normalise
from longreach.crypto.normalise import NormaliseError


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+86 138 0013 8000", None, "+8613800138000"),
        ("0086-138-0013-8000", "TR", "+8613800138000"),
        ("(0532) 123 45 67", "TR", "+905321234567"),
        ("+٩٠ ٥٣٢ ١٢٣ ٤٥ ٦٧", None, "+905321234567"),
        ("＋８６ １３８ ００１３ ８０００", None, "+8613800138000"),
    ],
)
def test_it_normalises_phone_numbers_to_e164(raw: str, region: str | None, expected: str) -> None:
    assert normalise.phone(raw, region) == expected


def test_it_names_the_country_of_a_number() -> None:
    assert normalise.phone_region("+8613800138000") == "CN"


@pytest.mark.parametrize("raw", ["", "   ", "hello", "12", "+999 1", "1" * 3000])
def test_it_refuses_what_is_not_a_phone_number(raw: str) -> None:
    with pytest.raises(NormaliseError):
        normalise.phone(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Ali.K@Example.COM", "ali.k@example.com"), ("mailto:x@bücher.de", "x@xn--bcher-kva.de")],
)
def test_it_normalises_email(raw: str, expected: str) -> None:
    assert normalise.email(raw) == expected


@pytest.mark.parametrize("raw", ["no-at", "a@b", "a@@b.c", "a b@c.d"])
def test_it_refuses_bad_email(raw: str) -> None:
    with pytest.raises(NormaliseError):
        normalise.email(raw)


def test_it_normalises_handles_and_urls() -> None:
    assert normalise.handle("@Ali_K") == "ali_k"
    assert normalise.url("HTTPS://Example.COM:443/a?b=1#frag") == "https://example.com/a?b=1"
    assert normalise.url("example.com") == "http://example.com/"
    assert normalise.url("http://пример.рф:8080/x") == "http://xn--e1afmkfd.xn--p1ai:8080/x"
    with pytest.raises(NormaliseError):
        normalise.handle("@bad handle!")
    with pytest.raises(NormaliseError):
        normalise.url("javascript:alert(1)")
    with pytest.raises(NormaliseError):
        normalise.url("http://[::1")


def test_it_normalises_names_across_spacing_case_and_width() -> None:
    assert normalise.name("  ABDUREHIM   Kérim ") == normalise.name("abdurehim kérim")
    assert normalise.name("ＡＢＣ") == "abc"
    assert normalise.name("ئابدۇرېھىم\u200f  كېرىم") == "ئابدۇرېھىم كېرىم"
    assert normalise.name("Gül") != normalise.name("Gul")  # letters, not decoration
    with pytest.raises(NormaliseError):
        normalise.name("!!!")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_name_normalisation_is_idempotent(raw: str) -> None:
    try:
        once = normalise.name(raw)
    except NormaliseError:
        return
    assert normalise.name(once) == once


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_normalisers_never_fail_with_anything_but_a_normalise_error(raw: str) -> None:
    for fn in normalise.NORMALISERS.values():
        try:
            fn(raw)
        except NormaliseError:
            pass


def test_blind_indexes_depend_on_key_kind_and_value() -> None:
    k1, k2 = bytes(32), bytes([1]) * 32
    a = blind.blind_index(k1, "phone", "+8613800138000")
    assert len(a) == 32 and a == blind.blind_index(k1, "phone", "+8613800138000")
    assert a != blind.blind_index(k2, "phone", "+8613800138000")
    assert a != blind.blind_index(k1, "handle", "+8613800138000")
    with pytest.raises(ValueError):
        blind.blind_index(b"short", "phone", "x")
