"""After a scripted session, no secret or plaintext appears in logs or audit rows."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import serializers
from django.test import Client

from longreach.audit.models import AuditEntry
from longreach.keys.context import using_keyring
from tests.conftest import PASSWORD, login
from tests.sealedapp.models import Record

MARKERS = [
    "Gulnar-Secret-Name",
    "+905321112233",
    "Sincan Street 12",
    "think of your family",
    "0554 111 22 33",
]


def test_a_scripted_session_leaves_no_plaintext_behind(cast: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = Client(REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="VictimPhone/1.0")
    client.post("/login/", {"username": "analyst", "password": "Gulnar-Secret-Name"})
    login(client, cast.analyst)
    with using_keyring(cast.keyring("analyst")):
        rec = Record(
            compartment=cast.compartments["demo-a"],
            text=MARKERS[0],
            data={"address": MARKERS[2], "msg": MARKERS[3]},
            phone=MARKERS[1],
        )
        rec.save()
        assert Record.objects.get(pk=rec.pk).text == MARKERS[0]
    r = client.post("/account/tokens/", {"name": "script", "password": PASSWORD})
    token = r.context["new_token"]
    Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token[:-4]}AAAA")
    client.get(f"/compartments/{cast.compartments['demo-a'].code}/")
    client_for_b = login(Client(), cast.analyst2)
    client_for_b.get(f"/compartments/{cast.compartments['demo-a'].code}/")
    client.post(
        "/account/",
        {
            "old_password": PASSWORD,
            "new_password": "Gulnar-Secret-Name 2",
            "new_password2": "Gulnar-Secret-Name 2",
        },
    )

    secrets = [
        *MARKERS,
        PASSWORD,
        "Gulnar-Secret-Name 2",
        token,
        token.split("_", 2)[2],  # the whole secret (it may itself hold "_")
        "203.0.113.77",
        "VictimPhone",
        cast.privates["analyst"].hex(),
    ]
    logs = caplog.text
    audit = serializers.serialize("json", AuditEntry.objects.all())
    assert AuditEntry.objects.count() > 20
    for s in secrets:
        assert s not in logs, f"{s!r} leaked into logs"
        assert s not in audit, f"{s!r} leaked into the audit trail"
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT text, data, phone FROM sealedapp_record")
        stored = b"".join(bytes(c) for row in cur.fetchall() for c in row)
    for s in MARKERS:
        assert s.encode() not in stored
