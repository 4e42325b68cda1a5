"""Every kind of two-person approval is described in its own words, with a link to what it concerns,
on the approvals page and the home page (never the membership template's "Add  to demo-a")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from longreach.accounts import approvals
from longreach.accounts.models import PendingAction

pytestmark = pytest.mark.django_db

PARAMS: dict[str, dict[str, Any]] = {
    approvals.MEMBERSHIP_ADD: {},
    approvals.BULK_EXPORT: {"format": "json"},
    approvals.VAULT_EXPORT: {"items": ["E-AAAA1111", "E-BBBB2222"], "recipient": ""},
    approvals.VAULT_DELETE: {"item": "E-AAAA1111"},
    approvals.LEGAL_REFERRAL: {
        "matter": "L-AAAA1111",
        "consent": "K-1",
        "parts": ["memo"],
        "referral_type": "X",
    },
}


def test_every_registered_kind_has_its_own_words_and_a_link(cast: Any) -> None:
    import longreach.legal.services  # noqa: F401  (each app registers its kinds on import)
    import longreach.registry.services  # noqa: F401
    import longreach.vault.services  # noqa: F401

    assert set(approvals._REGISTRY) == set(PARAMS)  # a new kind needs words here and in the template
    seen = set()
    for kind, params in PARAMS.items():
        p = PendingAction(
            kind=kind,
            compartment=cast.compartments["demo-a"],
            target_user=cast.users["volunteer"],
            params=params,
            requested_by=cast.users["analyst"],
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
        text = render_to_string("accounts/_pending_what.html", {"p": p})
        assert "does not describe" not in text and "href=" in text, kind
        seen.add(text.split("<")[0].strip()[:25])
    assert len(seen) == len(PARAMS)  # five different descriptions
    assert "Add volunteer to demo-a" in render_to_string(
        "accounts/_pending_what.html",
        {
            "p": PendingAction(
                kind=approvals.MEMBERSHIP_ADD,
                compartment=cast.compartments["demo-a"],
                target_user=cast.users["volunteer"],
                params={},
            )
        },
    )
