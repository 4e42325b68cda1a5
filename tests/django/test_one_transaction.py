"""Writes and their audit entries commit together or not at all (issue 15, item 2).

``case_assign``, ``identity_reveal`` and ``route_set`` ran outside a transaction: an audit entry that
failed to write left the change made and unrecorded.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest

from longreach.intake import services as intake
from longreach.intake.models import Route
from longreach.keys.context import using_keyring
from longreach.registry import services as registry
from longreach.registry.models import Person, Reveal
from tests.django.test_messages import case_in

# In the test's own transaction each service's atomic block is a savepoint: rolled back, or not there.
pytestmark = pytest.mark.django_db


class LedgerDown(Exception):
    pass


def ledger_down(monkeypatch: pytest.MonkeyPatch, package: Any) -> None:
    """Every module of a services package writes its audit entries through a ledger that fails."""

    def fail(*args: Any, **kwargs: Any) -> None:
        raise LedgerDown()

    modules = [
        importlib.import_module(m.name)
        for m in pkgutil.iter_modules(package.__path__, package.__name__ + ".")
    ]
    patched = [m for m in modules if hasattr(m, "audit_record")]
    assert patched, package.__name__
    for module in patched:
        monkeypatch.setattr(module, "audit_record", fail)


def test_an_assignment_whose_audit_fails_is_not_made(cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    case = case_in(cast, "analyst", "demo-a")
    before = set(case.assigned.values_list("pk", flat=True))
    ledger_down(monkeypatch, registry)
    with using_keyring(cast.keyring("analyst")), pytest.raises(LedgerDown):
        registry.case_assign(user=cast.analyst, case=case, assignees=[cast.lead, cast.analyst])
    assert set(case.assigned.values_list("pk", flat=True)) == before


def test_a_reveal_whose_audit_fails_leaves_no_reveal_row(
    cast: Any, incident: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = Person.objects.filter(compartment=cast.compartments["demo-a"]).first()
    assert person is not None
    ledger_down(monkeypatch, registry)
    with using_keyring(cast.keyring("analyst")), pytest.raises(LedgerDown):
        registry.identity_reveal(user=cast.analyst, record=person, field_name="name", reason="For the letter")
    assert Reveal.objects.count() == 0


def test_a_route_whose_audit_fails_is_not_set(cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ledger_down(monkeypatch, intake)
    with pytest.raises(LedgerDown):
        intake.route_set(compartment=cast.compartments["demo-a"], acting_user="test")
    assert not Route.objects.exists()
