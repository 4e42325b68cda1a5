"""The pure parts of legal documents: layout fetches nothing, text direction, the document specs, the
review's filing words. No database."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from longreach.legal import documents, pdf, review


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802  the standard library's name
        _Counting.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Counting.hits = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_a_document_fetches_nothing_from_the_network_or_the_disk(server: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET SERVER FILE")
    html = f"""<html><head><link rel="stylesheet" href="{server}/a.css">
    <style>@import url("{server}/b.css"); body {{ background: url("{server}/c.png") }}
    @font-face {{ font-family: X; src: url("{server}/d.woff") }}</style></head>
    <body><img src="{server}/e.png"><img src="file://{secret}"><object data="file://{secret}"></object>
    <iframe src="file://{secret}"></iframe><p>Body text</p></body></html>"""
    out = pdf.to_pdf(html, title="t")
    assert _Counting.hits == []
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out)).pages)
    assert "Body text" in text and "TOP SECRET" not in text
    assert PdfReader(io.BytesIO(out)).metadata.title == "t"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ئىلھام توختى", "rtl"),
        ("محمد 2021", "rtl"),
        ("گزارش", "rtl"),
        ("Ilham Tohti", "ltr"),
        ("陈全国", "ltr"),
        ("Илһам", "ltr"),
        ("2021 — محمد", "rtl"),  # digits and punctuation have no direction of their own
        ("", "ltr"),
    ],
)
def test_direction_follows_the_first_strong_letter(text: str, expected: str) -> None:
    assert pdf.direction(text) == expected


@given(st.text(max_size=200))
def test_direction_is_always_one_of_two(text: str) -> None:
    assert pdf.direction(text) in ("ltr", "rtl")


def test_a_document_is_drafted_in_a_language_it_may_be_drafted_in() -> None:
    ui = ("en", "ug", "ar")
    assert documents.language_for("ccf-request", "", ui, "ug") == "en"
    assert documents.language_for("ccf-request", "fr", ui, "ug") == "fr"
    assert documents.language_for("memo", "", ui, "ug") == "ug"
    with pytest.raises(documents.DocumentError, match="language: 'ug'"):
        documents.language_for("ccf-request", "ug", ui, "en")
    with pytest.raises(documents.DocumentError, match="language: 'fr'"):
        documents.language_for("memo", "fr", ui, "en")
    with pytest.raises(documents.DocumentError, match="document:"):
        documents.spec("affidavit" * 100)


def test_the_parts_shared_are_checked_and_ordered() -> None:
    assert documents.shared_parts(["incidents", "name"]) == ("name", "incidents")
    with pytest.raises(documents.DocumentError, match="at least one"):
        documents.shared_parts([])
    with pytest.raises(documents.DocumentError, match="'passwords'"):
        documents.shared_parts(["facts", "passwords"])
    assert documents.IDENTITY_PARTS < set(documents.SHAREABLE)
    assert set(documents.FRENCH_KINDS) and all(documents.FRENCH_KINDS.values())


def test_every_shipped_ground_is_named_and_worded_in_every_language() -> None:
    from django.conf import settings

    languages = ["fr", *(code for code, _name in settings.LANGUAGES if code != "en")]
    for ground in review.grounds():
        assert ground.named and ground.named_in("en") == ground.named, ground.id
        for question in ground.questions:
            assert question.claim, question.id
        for language in languages:
            assert ground.title_in(language) != ground.title, (language, ground.id)
            assert ground.named_in(language) != ground.named, (language, ground.id)
            for question in ground.questions:
                assert question.text_in(language) != question.text, (language, question.id)
                assert question.claim_in(language) != question.claim, (language, question.id)
    article_3 = next(g for g in review.grounds() if g.id == "article-3")
    assert article_3.named == "Article 3 of INTERPOL's Constitution"
    assert article_3.named_in("fr") == "l'article 3 du Statut d'INTERPOL"
    assert article_3.named_in("zh-hans") == "《国际刑警组织章程》第3条"
    assert review.words("xx") == {} and review.words("../../etc/passwd") == {}


def test_an_organisations_grounds_without_filing_words_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text(
        '[g]\ntitle = "T"\ncitation = "C"\n[[g.questions]]\nid = "q"\ntext = "Q?"\nsupports = "yes"\n'
    )
    (ground,) = review.grounds(path)
    assert ground.named_in("en") == "C" and ground.title_in("fr") == "T"
    assert ground.questions[0].claim_in("fr") == "Q?"
    path = tmp_path / "named.toml"  # grounds() keeps what it read per path
    question = '[[g.questions]]\nid = "q"\ntext = "Q"\nsupports = "no"\n'
    path.write_text('[g]\ntitle = "T"\ncitation = "C"\nnamed = 3\n' + question)
    with pytest.raises(review.ReviewRulesError, match=r"\[g\] named: text"):
        review.grounds(path)
    path = tmp_path / "claim.toml"
    path.write_text('[g]\ntitle = "T"\ncitation = "C"\n' + question + "claim = []\n")
    with pytest.raises(review.ReviewRulesError, match=r"questions\[0\].claim: text"):
        review.grounds(path)


def test_a_bad_translation_file_is_named_with_its_key(tmp_path: Path) -> None:
    (tmp_path / "review.ug.toml").write_text("[article-3]\ntitle = 3\n")
    with pytest.raises(review.ReviewRulesError, match=r"review.ug.toml: \[article-3\] title: text"):
        review.words("ug", tmp_path)
    (tmp_path / "review.ru.toml").write_text('[article-3.questions.timing]\nclaim = ["x"]\n')
    with pytest.raises(review.ReviewRulesError, match=r"\[article-3.questions.timing\] claim: text"):
        review.words("ru", tmp_path)
    (tmp_path / "review.tr.toml").write_text("[article-3\n")
    with pytest.raises(review.ReviewRulesError, match="review.tr.toml"):
        review.words("tr", tmp_path)
