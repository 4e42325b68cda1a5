"""accounts.access: the one place that decides who may do what to which record."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.http import Http404

from longreach.accounts import access
from longreach.accounts.errors import NotAllowed
from longreach.accounts.models import Compartment
from longreach.audit.models import AuditEntry
from longreach.intake import selectors as intake_selectors
from longreach.messages import selectors as message_selectors
from longreach.messages.models import Message
from longreach.registry import selectors as registry_selectors
from longreach.vault import selectors as vault_selectors

from .test_messages import CHAT_A, case_in, keep, read

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src" / "longreach"


def test_may_needs_the_role_and_the_membership(cast: Any) -> None:
    a, b = cast.compartments["demo-a"], cast.compartments["demo-b"]
    assert access.may(cast.analyst, "case.write", a)
    assert not access.may(cast.analyst, "case.write", b)  # not a member
    assert not access.may(cast.volunteer, "case.write", a)  # member, wrong role
    assert access.may(cast.volunteer, "triage.view", a.pk)  # a primary key works too
    assert not access.may(cast.researcher, "case.read", a)


def test_administrators_decide_and_manage_anywhere_but_never_read(cast: Any) -> None:
    a = cast.compartments["demo-a"]
    for action in sorted(access.ADMIN_ANY_COMPARTMENT):
        assert access.may(cast.admin, action, a), action
    for action in ("case.read", "evidence.read", "triage.view", "compartment.view", "identity.reveal"):
        assert not access.may(cast.admin, action, a), action
    assert set(access.compartments(cast.admin, "compartment.list")) == set(Compartment.objects.all())
    assert not access.compartments(cast.admin, "case.read").exists()


def test_compartments_lists_exactly_where_the_action_is_allowed(cast: Any) -> None:
    assert list(access.compartments(cast.analyst, "case.read")) == [cast.compartments["demo-a"]]
    assert list(access.compartments(cast.analyst2, "case.read")) == [cast.compartments["demo-b"]]
    assert not access.compartments(cast.volunteer, "case.read").exists()
    assert list(access.compartments(cast.volunteer, "triage.view")) == [cast.compartments["demo-a"]]


def test_require_words_the_refusal_by_role_or_by_membership(cast: Any) -> None:
    a, b = cast.compartments["demo-a"], cast.compartments["demo-b"]
    with pytest.raises(NotAllowed, match="cannot change case records"):
        access.require(cast.volunteer, "case.write", a)
    with pytest.raises(NotAllowed, match="not a member"):
        access.require(cast.analyst, "case.write", b)
    with pytest.raises(NotAllowed, match="does not allow"):
        access.require(cast.researcher, "evidence.read", a)
    with pytest.raises(NotAllowed):
        access.require(None, "case.read", a)
    access.require(cast.analyst, "case.write", a)


def test_an_unknown_action_is_a_programming_error(cast: Any) -> None:
    with pytest.raises(KeyError):
        access.may(cast.analyst, "case.eat", cast.compartments["demo-a"])


def _lookups(cast: Any) -> dict[str, tuple[Callable[..., Any], str]]:
    """Each app's one-record lookup, with a record of demo-b only analyst2 may see."""
    case = case_in(cast, "analyst2", "demo-b")
    item = keep(cast, "analyst2", case, "chat.txt", CHAT_A.encode())
    imp = read(cast, "analyst2", case, item)
    message = Message.objects.filter(chat_import=imp).first()
    assert message is not None
    return {
        "case": (registry_selectors.case_for_user, case.code),
        "evidence": (vault_selectors.item_for_user, item.code),
        "chat-import": (message_selectors.import_for_user, imp.code),
        "message": (message_selectors.message_for_user, message.code),
    }


def test_every_lookup_answers_one_404_and_audits_the_refusal(cast: Any) -> None:
    """Before, reading another compartment's chat import was refused without a trace."""
    for kind, (lookup, code) in _lookups(cast).items():
        assert lookup(user=cast.analyst2, code=code).code == code
        before = AuditEntry.objects.filter(event="authz.denied", object_code=code).count()
        with pytest.raises(Http404) as forbidden:
            lookup(user=cast.analyst, code=code)
        with pytest.raises(Http404) as absent:
            lookup(user=cast.analyst, code="Z" * len(code))
        assert str(forbidden.value) == str(absent.value), kind
        denied = AuditEntry.objects.filter(event="authz.denied", object_code=code)
        assert denied.count() == before + 1, kind
        assert denied.latest("index").object_type == kind


def test_a_report_lookup_takes_keywords_like_every_other(cast: Any) -> None:
    with pytest.raises(TypeError):
        intake_selectors.report_for_user(cast.analyst, "ABC")  # type: ignore[misc]
    with pytest.raises(Http404):
        intake_selectors.report_for_user(user=cast.analyst, code="ABC")


def test_reads_record_no_views_the_handler_does(cast: Any) -> None:
    case = case_in(cast, "analyst", "demo-a")
    registry_selectors.case_for_user(user=cast.analyst, code=case.code)
    assert not AuditEntry.objects.filter(event="record.viewed", object_code=case.code).exists()


# Nothing else decides access: no app filters by membership or checks it by hand.
HAND_WRITTEN = re.compile(
    r"Membership\.objects\.filter\([^)]*\)\.exists|memberships__user\s*=|\.role\s*[!=]=\s*(Role\.ADMIN|\"administrator\")"
)
ALLOWED_FILES = {"accounts/access.py", "accounts/selectors.py"}


def test_no_app_writes_its_own_access_check() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in ALLOWED_FILES or "/migrations/" in rel:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HAND_WRITTEN.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    assert not found, "access is decided in accounts/access.py only:\n" + "\n".join(found)
