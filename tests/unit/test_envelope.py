"""The crypto envelope and typed value encodings: exact round-trips, loud failures."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.crypto import CryptoError, envelope, values

KEY = bytes(range(32))
AAD = envelope.binding("field", "registry.person", "name", "row-1", "comp-1")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def roundtrip(kind: values.Kind, value: object) -> object:
    blob = envelope.seal(KEY, values.encode(kind, value), AAD, 3)
    return values.decode(kind, envelope.open_sealed(lambda v: KEY, blob, AAD))


@settings(max_examples=200, deadline=None)
@given(st.text() | st.none())
def test_it_round_trips_any_text_exactly(value: str | None) -> None:
    assert roundtrip("text", value) == value


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_it_round_trips_any_json_value_with_its_type(value: object) -> None:
    out = roundtrip("json", value)
    assert out == value
    assert type(out) is type(value)


@settings(max_examples=100, deadline=None)
@given(st.dates() | st.none())
def test_it_round_trips_dates(value: dt.date | None) -> None:
    assert roundtrip("date", value) == value


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("json", 0),
        ("json", False),
        ("json", ""),
        ("json", None),
        ("text", ""),
        ("text", None),
        ("json", 0.0),
        ("json", -0.0),
        ("json", []),
        ("json", {}),
        ("text", "𝔘𝔶𝔤𝔥𝔲𝔯 🏳️ ئۇيغۇر"),
        ("text", "x" * 1_000_000),
        ("text", "\x00\u202e\ufeff"),
    ],
)
def test_it_keeps_edge_values_distinct(kind: values.Kind, value: object) -> None:
    out = roundtrip(kind, value)
    assert out == value and type(out) is type(value)


def test_it_distinguishes_zero_false_empty_and_none() -> None:
    outs = [roundtrip("json", v) for v in (0, False, "", None)]
    assert [repr(o) for o in outs] == ["0", "False", "''", "None"]


def test_it_refuses_to_open_with_other_associated_data() -> None:
    blob = envelope.seal(KEY, b"secret", AAD, 1)
    other = envelope.binding("field", "registry.person", "name", "row-2", "comp-1")
    with pytest.raises(CryptoError, match="moved from another row"):
        envelope.open_sealed(lambda v: KEY, blob, other)


def test_it_refuses_to_open_with_another_key() -> None:
    blob = envelope.seal(KEY, b"secret", AAD, 1)
    with pytest.raises(CryptoError):
        envelope.open_sealed(lambda v: bytes(32), blob, AAD)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=100), st.data())
def test_it_detects_any_flipped_byte(plain: bytes, data: st.DataObject) -> None:
    blob = bytearray(envelope.seal(KEY, plain, AAD, 1))
    i = data.draw(st.integers(0, len(blob) - 1))
    blob[i] ^= data.draw(st.integers(1, 255))
    with pytest.raises(CryptoError):
        envelope.open_sealed(lambda v: KEY, bytes(blob), AAD)


def test_it_binds_the_key_version_in_the_header() -> None:
    blob = bytearray(envelope.seal(KEY, b"x", AAD, 1))
    blob[4] = 2  # claim version 2 with the same key
    with pytest.raises(CryptoError):
        envelope.open_sealed(lambda v: KEY, bytes(blob), AAD)


@pytest.mark.parametrize("blob", [b"", b"\x01", b"\x02" + bytes(60), bytes(10)])
def test_it_reports_truncated_or_foreign_blobs(blob: bytes) -> None:
    with pytest.raises(CryptoError):
        envelope.open_sealed(lambda v: KEY, blob, AAD)


def test_it_pads_so_lengths_reveal_only_a_bucket() -> None:
    assert len(envelope.seal(KEY, b"a", AAD, 1)) == len(envelope.seal(KEY, b"a" * 20, AAD, 1))


def test_it_refuses_values_of_the_wrong_type() -> None:
    with pytest.raises(TypeError):
        values.encode("text", 5)
    with pytest.raises(TypeError):
        values.encode("date", dt.datetime(2020, 1, 1))
    with pytest.raises(TypeError):
        values.encode("json", float("nan"))
    with pytest.raises(TypeError):
        values.encode("json", {1, 2})


def test_it_refuses_a_value_stored_under_another_type() -> None:
    with pytest.raises(CryptoError, match="type tag"):
        values.decode("date", values.encode("text", "2020-01-01"))


def test_bindings_cannot_collide_by_shifting_separators() -> None:
    assert envelope.binding("ab", "c") != envelope.binding("a", "bc")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_padding_is_exactly_libsodiums(data: bytes) -> None:
    from nacl import bindings

    padded = envelope._pad(data)
    assert padded == bindings.sodium_pad(data, envelope.PAD_BLOCK)
    assert envelope._unpad(padded) == data


@pytest.mark.parametrize("bad", [b"", b"\x00" * 32, b"abc" + b"\x00" * 29, b"\x80" + b"\x00" * 40])
def test_bad_padding_is_refused(bad: bytes) -> None:
    from longreach.crypto import CryptoError as Err

    with pytest.raises(Err, match="padding"):
        envelope._unpad(bad)
