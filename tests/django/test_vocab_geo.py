"""Vocabularies and memberships in the database: loaded by migration, changed by administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.audit.models import AuditEntry
from longreach.geo import selectors as geo
from longreach.vocab import codebook, selectors, services
from longreach.vocab.models import Term, Vocabulary
from longreach.vocab.sync import sync
from tests.django.test_commands import run
from tests.unit.test_codebook_data import DIRECT_ATTACKS


def test_the_migration_loaded_every_shipped_term(db: Any) -> None:
    shipped = codebook.load()
    assert Term.objects.count() == sum(len(v.terms) for v in shipped)
    assert selectors.physical_tactics() == DIRECT_ATTACKS
    report = sync(Vocabulary, Term, shipped)
    assert (report.vocabularies_added, report.terms_added, report.terms_updated) == (0, 0, 0)


@pytest.mark.parametrize("lang", ["zh-hans", "ug", "ru", "tr", "ar", "fa"])
def test_every_shipped_term_has_a_label_in_every_language(db: Any, lang: str) -> None:
    missing = [
        f"{t.vocabulary.code}.{t.code}"
        for t in Term.objects.select_related("vocabulary")
        if not t.labels.get(lang)
    ]
    assert not missing
    with translation.override(lang):
        assert Term.objects.get(vocabulary__code="relationship", code="MOTHER").display() != "Mother"


def test_administrators_add_retire_and_restore_terms(cast: Any) -> None:
    term = services.term_add(
        vocabulary="channel", code="VK", label="VKontakte", labels={"ru": "ВКонтакте"}, acting_user=cast.admin
    )
    assert ("VK", "VKontakte") in selectors.catalogue().choices["channel"]
    with translation.override("ru"):
        assert term.display() == "ВКонтакте"
    services.term_retire(term=term, acting_user=cast.admin)
    assert "VK" not in dict(selectors.catalogue().choices["channel"])
    assert selectors.term(vocabulary="channel", code="VK").retired_at is not None
    services.term_restore(term=term, acting_user=cast.admin)
    assert "VK" in dict(selectors.catalogue().choices["channel"])
    assert AuditEntry.objects.filter(event__startswith="term.").count() == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vocabulary": "nope", "code": "X", "label": "x"}, "no vocabulary"),
        ({"vocabulary": "channel", "code": "bad code", "label": "x"}, "UPPER_SNAKE_CASE"),
        ({"vocabulary": "channel", "code": "SMS", "label": "x"}, "already has"),
        ({"vocabulary": "channel", "code": "X", "label": " "}, "label"),
        ({"vocabulary": "channel", "code": "X", "label": "x", "labels": {"ru": ""}}, "labels for ru"),
        ({"vocabulary": "tactic", "code": "X", "label": "x", "family": "NOPE"}, "family"),
        ({"vocabulary": "channel", "code": "X", "label": "x", "definition": "d" * 3000}, "definition"),
    ],
)
def test_bad_terms_are_refused_with_the_reason(cast: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ServiceError, match=message):
        services.term_add(acting_user=cast.admin, **kwargs)


@pytest.mark.parametrize("who", ["lead", "analyst", "researcher", "auditor"])
def test_only_administrators_change_vocabularies(cast: Any, who: str) -> None:
    with pytest.raises(NotAllowed):
        services.term_add(vocabulary="channel", code="VK", label="VK", acting_user=cast.users[who])


def test_the_vocab_command(cast: Any) -> None:
    assert "tactic" in run("vocab", "list")
    assert "ASSASSINATION" in run("vocab", "list", "tactic")
    assert "added channel VK" in run(
        "vocab", "add", "channel", "VK", "--label", "VKontakte", "--labels", '{"ru": "ВК"}'
    )
    assert "retired" in run("vocab", "retire", "channel", "VK")
    assert "VK" in run("vocab", "list", "channel", "--all")
    assert "VK " not in run("vocab", "list", "channel")
    assert "0 vocabularies and 0 terms added" in run("vocab", "sync")
    for args, message in [
        (["vocab", "list", "nope"], "no vocabulary"),
        (["vocab", "retire", "channel", "NOPE"], "no term"),
        (["vocab", "retire", "channel", "VK"], "already retired"),
        (["vocab", "add", "channel", "X", "--label", "x", "--labels", "{bad"], "not JSON"),
        (["vocab", "add", "channel", "X", "--label", "x", "--labels", "[1]"], "JSON object"),
        (["vocab", "sync", "/nonexistent.json"], "cannot be read"),
    ]:
        with pytest.raises(CommandError, match=message):
            run(*args)


def test_memberships_answer_by_date(db: Any) -> None:
    assert geo.members_of(organisation="SCO", on=dt.date(2010, 1, 1)) == ["CN", "KG", "KZ", "RU", "TJ", "UZ"]
    assert "IR" in geo.members_of(organisation="SCO", on=dt.date(2024, 1, 1))
    assert "BY" not in geo.members_of(organisation="SCO", on=dt.date(2024, 1, 1))
    assert "UZ" in geo.members_of(organisation="CSTO", on=dt.date(2008, 6, 1))
    assert "UZ" not in geo.members_of(organisation="CSTO", on=dt.date(2015, 1, 1))
    assert geo.shared_bodies(origin="CN", host="KZ", on=dt.date(2020, 1, 1)) == ["SCO"]
    assert geo.shared_bodies(origin="RU", host="KZ", on=dt.date(2020, 1, 1)) == ["CSTO", "SCO"]
    assert geo.shared_bodies(origin="CN", host="TR", on=dt.date(2020, 1, 1)) == []
    call_command("migrate", "geo", verbosity=0)  # loading again changes nothing
