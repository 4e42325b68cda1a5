"""Indicators (STIX 2 bundles, plain lists) and link heuristics: judged from the text of a link alone."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.messages import identifiers, links

DATA = Path(__file__).parent.parent / "data" / "indicators"


def link(text: str) -> identifiers.Link:
    [found] = identifiers.find(text).links
    return found


def loaded(*names: str) -> tuple[links.Indicators, links.LoadReport]:
    report = links.LoadReport()
    indicators = links.Indicators()
    for name in names:
        for indicator in links.load_file(DATA / name, report):
            indicators.add(indicator)
    return indicators, report


def test_a_stix_bundle_gives_domains_urls_ips_and_addresses_labelled_by_what_they_indicate() -> None:
    indicators, report = loaded("synthetic_campaign.stix2")
    assert report.loaded == 5 and report.skipped == 1
    assert "a pattern this version does not match on" in report.problems[0]
    sub = indicators.match(link("see https://login.update-check.example/x"))
    assert [(i.kind, i.value, i.label) for i in sub] == [("host", "update-check.example", "SyntheticSpy")]
    url = indicators.match(link("hxxps://files.example[.]net/app/install.apk"))
    assert [(i.kind, i.label) for i in url] == [("url", "SyntheticSpy")]
    assert [i.kind for i in indicators.match(link("http://203.0.113.9/a"))] == ["ip"]
    assert [i.label for i in indicators.match(link("https://own-label.example/"))] == ["Own name"]
    assert [i.kind for i in indicators.match_email("Support@Update-Check.example")] == ["email", "host"]
    assert indicators.match(link("https://update-check.example.org/")) == []  # another domain entirely


def test_a_plain_list_and_its_mistakes_are_named_by_line(tmp_path: Path) -> None:
    indicators, report = loaded("synthetic_list.txt")
    assert report.loaded == 4 and len(indicators) == 4
    assert indicators.match(link("http://short.example/abc/"))  # the trailing slash does not matter
    assert indicators.match(link("https://a.b.phish-login.example.org/"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"good.example\nnot a domain\n\xff\n" + b"x" * 5000 + b"\n")
    with pytest.raises(
        links.IndicatorError, match=r"bad.txt: line 2: not a URL, domain, e-mail or IP address"
    ):
        links.load_file(bad, links.LoadReport())
    report = links.LoadReport()
    assert [i.value for i in links.load_file(bad, report, lenient=True)] == ["good.example"]
    assert (
        report.skipped == 3
        and "line 3: not UTF-8" in report.problems[1]
        and "line 4: longer" in report.problems[2]
    )


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b'{"objects": [', "not valid JSON"),
        (b'{"type": "bundle"}', "not a STIX 2 bundle"),
        (b'{"objects": [1, 2]} trailing', "not valid JSON"),
        (b'{"objects": ["\xff"]}', "not UTF-8|not valid JSON"),
    ],
)
def test_a_broken_bundle_gets_a_clear_error(tmp_path: Path, content: bytes, error: str) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(content)
    with pytest.raises(links.IndicatorError, match=error):
        links.load_file(path, links.LoadReport())


def test_a_deeply_nested_bundle_is_skipped_without_recursion(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_bytes(b'{"objects": [' + b"[" * 10_000 + b"]" * 10_000 + b"]}")
    report = links.LoadReport()
    assert links.load_file(path, report) == []
    assert report.skipped == 1 and report.problems == ["object 1: not a STIX object"]


@pytest.mark.parametrize(
    ("url", "imitated"),
    [
        ("https://g00gle.com/login", "google.com"),
        ("https://facebok.com", "facebook.com"),
        ("hxxps://accounts-google[.]com-security[.]info/login", "google.com"),
        ("https://rfa-uyghur.org/news", "rfa.org"),
        ("https://uyghurcongres.org", "uyghurcongress.org"),
        ("https://gооgle.com/", "google.com"),  # Cyrillic о
        ("https://xn--ggle-55da.com/", "google.com"),  # the same, as the browser sends it
        ("https://whatsapp.com-verify.example/", "whatsapp.com"),
        ("https://www.google.com/maps", ""),
        ("https://news.bbc.co.uk/a", ""),
        ("https://example.org/", ""),
        ("https://amnesty.org.uk/", ""),  # hmm: the same name under another suffix is flagged below
    ],
)
def test_look_alikes_of_trusted_domains_are_flagged(url: str, imitated: str) -> None:
    h = links.Heuristics.shipped()
    got = h.imitates(link(url))
    if url == "https://amnesty.org.uk/":
        assert got == "amnesty.org"  # the real name in another domain: flagged for a person to judge
    else:
        assert got == imitated


def test_shorteners_app_packages_archives_sent_with_passwords_and_bare_ips() -> None:
    h = links.Heuristics.shipped()
    assert [f.code for f in h.flags(link("https://bit.ly/3xYz"))] == ["shortener"]
    assert [f.as_dict() for f in h.flags(link("http://203.0.113.5/Update.APK"))] == [
        {"code": "app_package", "detail": "apk"},
        {"code": "ip_host"},
    ]
    text = "the report: https://files.example.org/report.zip 密码 1234"
    assert [f.code for f in h.flags(link(text), text)] == ["archive_with_password"]
    assert h.flags(link("https://files.example.org/report.zip"), "no secret here") == []
    assert h.flags(link("https://example.org/apk"), "") == []  # a path that is not a file name


def test_an_organisation_can_add_its_own_trusted_domains() -> None:
    h = links.Heuristics.shipped(extra_community={"ourcommunity.example"})
    assert h.imitates(link("https://ourcommunlty.example/join")) == "ourcommunity.example"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_well_formed_findings_and_touches_no_network(text: str) -> None:
    h = links.Heuristics.shipped()
    indicators, _ = loaded("synthetic_list.txt")
    original = socket.socket
    socket.socket = None  # type: ignore[assignment,misc]
    try:
        for found in identifiers.find(text).links:
            report = links.link_report(found, indicators, h, text)
            json.dumps(report)
            assert report["host"] == found.host
    finally:
        socket.socket = original  # type: ignore[misc]


def test_url_keys_compare_without_scheme_case_or_trailing_slash() -> None:
    assert links.url_key("HTTPS://Files.Example.NET/App/") == "files.example.net/App"
    assert links.indicator_for("", "x", "s") is None
    assert links.indicator_for("a b.example", "x", "s") is None
    assert links.indicator_for("2001:db8::1", "x", "s") == links.Indicator("ip", "2001:db8::1", "x", "s")


def test_stix_from_a_stream_yields_indicators_one_at_a_time() -> None:
    objects = [
        {"type": "indicator", "id": f"indicator--{n}", "pattern": f"[domain-name:value = 'd{n}.example']"}
        for n in range(1000)
    ]
    report = links.LoadReport()
    got = list(links.load_stix(io.BytesIO(json.dumps({"objects": objects}).encode()), "mem.json", report))
    assert len(got) == 1000 and got[0].label == "mem" and report.skipped == 0
