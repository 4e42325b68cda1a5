"""Identifiers in messages: numbers to E.164, handles, addresses, and links however they are written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.messages import identifiers
from longreach.messages.identifiers import Link, Phone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+86 138 0013 8000", None, Phone("+8613800138000", "CN")),
        ("+86-138-0013-8000", None, Phone("+8613800138000", "CN")),
        ("0086 138 0013 8000", "TR", Phone("+8613800138000", "CN")),
        ("0533 123 45 67", "TR", Phone("+905331234567", "TR")),
        ("+7 912 345-67-89", None, Phone("+79123456789", "RU")),
        ("+800 1234 5678", None, Phone("+80012345678", "")),
        ("+٩٩٨ ٩٠ ١٢٣ ٤٥ ٦٧", None, Phone("+998901234567", "UZ")),
    ],
)
def test_numbers_become_e164_with_their_country(raw: str, region: str | None, expected: Phone) -> None:
    assert identifiers.phone(raw, region) == expected


@pytest.mark.parametrize(
    "raw", ["", "Officer Wang", "+1", "12", "+86 138 0013 8000 0000 0000 00", "\x00" * 50]
)
def test_what_is_not_a_number_is_none(raw: str) -> None:
    assert identifiers.phone(raw) is None


def test_a_message_gives_every_identifier_once_in_order() -> None:
    found = identifiers.find(
        "Call +86 138-0013-8000 or +8613800138000, mail WANG.Police@Example.cn, read "
        "hxxps://news[.]example[.]co[.]uk/a?b=1. and www.short.ly/x), follow @HomeNews_Official "
        "and @homenews_official. Not links: file.txt, v1.2, report.pdf"
    )
    assert found.phones == [Phone("+8613800138000", "CN")]
    assert found.emails == ["wang.police@example.cn"]
    assert found.handles == ["homenews_official"]
    assert found.links == [
        Link("https://news.example.co.uk/a?b=1", "news.example.co.uk", "example.co.uk", True),
        Link("www.short.ly/x", "www.short.ly", "short.ly", False),
    ]


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("hxxp://evil[.]cn/app.apk", "http://evil.cn/app.apk"),
        ("HXXPS://evil(.)cn", "HTTPs://evil.cn"),
        ("evil[dot]cn", "evil.cn"),
        ("evil {.} cn", "evil.cn"),
        ("https[:]//evil.cn", "https://evil.cn"),
        ("wang[at]example.cn", "wang@example.cn"),
    ],
)
def test_obfuscated_links_are_written_plainly(written: str, plain: str) -> None:
    assert identifiers.defang_undo(written).lower() == plain.lower()


def test_hosts_without_a_public_suffix_only_count_with_a_scheme() -> None:
    assert identifiers.link_of("http://192.168.1.10/login") == Link(
        "http://192.168.1.10/login", "192.168.1.10", "192.168.1.10", False
    )
    assert identifiers.link_of("version.2") is None
    assert identifiers.link_of("https://user:pw@Mail.Example.COM:8443/x").domain == "example.com"  # type: ignore[union-attr]


def test_hostile_text_is_bounded() -> None:
    huge = "a" * 10_000_000 + " http://late.example.com"
    assert identifiers.find(huge).links == []  # past MAX_SCAN_CHARS: not looked for
    assert identifiers.find("\x00" * 100_000 + "@" * 1000 + "[.]" * 1000).phones == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_well_formed_identifiers(text: str) -> None:
    found = identifiers.find(text)
    assert all(p.e164.startswith("+") and p.e164[1:].isdigit() for p in found.phones)
    assert all(
        link.host and link.domain and link.host.endswith(link.domain.split(".")[-1]) for link in found.links
    )
    assert len(found.emails) == len(set(found.emails)) and all("@" in e for e in found.emails)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["+86 138 0013 8000", "+90 533 123 45 67", "+7 912 345 67 89", "+1 202 555 0143"]),
    st.data(),
)
def test_a_number_written_any_common_way_is_one_number(number: str, data: st.DataObject) -> None:
    digits = number[1:].replace(" ", "")
    sep = data.draw(st.sampled_from([" ", "-", ".", ""]))
    groups = data.draw(st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=6))
    out, pos = [], 0
    for g in groups:
        out.append(digits[pos : pos + g])
        pos += g
    out.append(digits[pos:])
    written = "+" + sep.join(p for p in out if p)
    assert identifiers.phone(written) == identifiers.phone(number)
