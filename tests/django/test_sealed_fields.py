"""Sealed fields and blind indexes on a real model and database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from longreach.crypto import CryptoError
from longreach.keys.context import KeyringLocked, using_keyring
from longreach.keys.keyring import KeyAccessDenied
from tests.sealedapp.models import Record


def make(cast: Any, compartment: str = "demo-a", user: str = "analyst", **values: Any) -> Record:
    defaults = {"text": "t", "data": {"k": 1}, "when": dt.date(2019, 7, 2), "phone": "+8613800138000"}
    defaults.update(values)
    with using_keyring(cast.keyring(user)):
        rec = Record(compartment=cast.compartments[compartment], **defaults)
        rec.save()
    return rec


def raw_row(pk: Any) -> tuple[Any, ...]:
    with connection.cursor() as cur:
        cur.execute(
            'SELECT text, data, "when", phone, phone_index FROM sealedapp_record WHERE id = %s',
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
        return cur.fetchone()


def test_it_stores_only_ciphertext(cast: Any) -> None:
    rec = make(cast, text="Mihrigul in Istanbul", data={"address": "Fatih"})
    row = raw_row(rec.pk)
    blob = b"".join(bytes(c) for c in row[:4])
    for secret in (b"Mihrigul", b"Istanbul", b"Fatih", b"8613800138000", b"2019"):
        assert secret not in blob
    assert len(row[4]) == 32


def test_it_reads_back_exactly_for_a_member(cast: Any) -> None:
    rec = make(cast, text="", data=0, when=None)
    with using_keyring(cast.keyring("lead")):
        got = Record.objects.get(pk=rec.pk)
        assert (got.text, got.data, got.when) == ("", 0, None)
        assert got.data is not False


def test_it_refuses_to_read_without_unlocked_keys(cast: Any) -> None:
    rec = make(cast)
    got = Record.objects.get(pk=rec.pk)
    with pytest.raises(KeyringLocked):
        _ = got.text


def test_it_refuses_a_reader_from_another_compartment(cast: Any) -> None:
    rec = make(cast)
    with using_keyring(cast.keyring("analyst2")):
        got = Record.objects.get(pk=rec.pk)
        with pytest.raises(KeyAccessDenied):
            _ = got.text


def test_it_fails_loudly_when_ciphertext_is_swapped_between_rows(cast: Any) -> None:
    a = make(cast, text="alpha")
    b = make(cast, text="bravo")
    Record.objects.filter(pk=b.pk).update(text=Record.objects.get(pk=a.pk).__dict__["text"])
    with using_keyring(cast.keyring("analyst")):
        got = Record.objects.get(pk=b.pk)
        with pytest.raises(CryptoError, match="moved from another row"):
            _ = got.text


def test_it_fails_loudly_when_a_row_is_moved_to_another_compartment(cast: Any) -> None:
    rec = make(cast)
    Record.objects.filter(pk=rec.pk).update(compartment=cast.compartments["demo-b"])
    with using_keyring(cast.keyring("analyst2")):
        got = Record.objects.get(pk=rec.pk)
        with pytest.raises((CryptoError, KeyAccessDenied)):
            _ = got.text


def test_it_refuses_queries_on_plaintext(cast: Any) -> None:
    with pytest.raises(TypeError, match="blind index"):
        list(Record.objects.filter(text="alpha"))


def test_it_refuses_values_of_the_wrong_type_at_assignment(cast: Any) -> None:
    with pytest.raises(TypeError):
        Record(compartment=cast.compartments["demo-a"], when="2020-01-01")


def test_blind_indexes_find_the_same_number_however_written(cast: Any) -> None:
    rec = make(cast, phone="+86 138-0013-8000")
    field = Record._meta.get_field("phone_index")
    with using_keyring(cast.keyring("analyst")):
        wanted = field.index_for(cast.compartments["demo-a"].pk, "+86 (138) 0013-8000")
    assert Record.objects.filter(phone_index=wanted).get().pk == rec.pk


def test_compartment_indexes_differ_but_linkage_indexes_match(cast: Any) -> None:
    a = make(cast, phone="+8613800138000")
    b = make(cast, compartment="demo-b", user="analyst2", phone="+86 13800138000")
    assert a.phone_index != b.phone_index
    assert a.sender_index == b.sender_index != ""


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.text() | st.none(),
    data=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
        max_leaves=10,
    ),
    when=st.dates() | st.none(),
)
def test_it_round_trips_every_value_through_the_database(cast: Any, text: Any, data: Any, when: Any) -> None:
    rec = make(cast, text=text, data=data, when=when, phone=None)
    with using_keyring(cast.keyring("lead")):
        got = Record.objects.get(pk=rec.pk)
        assert got.text == text and type(got.text) is type(text)
        assert got.data == data and type(got.data) is type(data)
        assert got.when == when


def test_it_round_trips_astral_and_very_long_text(cast: Any) -> None:
    for value in ["𝔘 🏳️‍🌈 ئۇيغۇر 中文", "y" * 500_000, "\u202eevil", "0", "False"]:
        rec = make(cast, text=value, phone=None)
        with using_keyring(cast.keyring("analyst")):
            assert Record.objects.get(pk=rec.pk).text == value
