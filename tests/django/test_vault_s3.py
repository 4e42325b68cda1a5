"""The vault on S3-compatible object storage (django-storages), against moto's S3 server over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from longreach.vault.models import EvidenceItem
from tests.django.test_vault import SCREENSHOT, upload

pytestmark = pytest.mark.django_db

BUCKET = "longreach-evidence"


@pytest.fixture
def s3(settings: Any) -> Iterator[Any]:
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "vault": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "location": "vault",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client
    server.stop()


def keys(client: Any) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_evidence_lives_encrypted_in_the_bucket_and_reads_back(
    cast: Any, client_for: Any, incident: Any, s3: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    analyst = client_for("analyst")
    upload(
        analyst,
        incident,
        [("shot.jpg", SCREENSHOT, "image/jpeg"), ("note.txt", b"Call me back", "text/plain")],
    )
    items = list(EvidenceItem.objects.all())
    stored = keys(s3)
    # Two originals and their viewing copies, under random names in the configured folder.
    assert len(stored) == 4 and all(k.startswith("vault/") and k.endswith(".lrf") for k in stored)
    for item in items:
        blob = s3.get_object(Bucket=BUCKET, Key=f"vault/{item.storage_name}")["Body"].read()
        assert b"Call me back" not in blob and len(blob) == item.cipher_size
    shot = next(i for i in items if i.sniffed_type == "image/jpeg")
    got = analyst.get(f"/evidence/{shot.code}/download/")
    assert b"".join(got.streaming_content) == SCREENSHOT
    out = StringIO()
    call_command("reconcile", stdout=out)
    assert "files and rows agree" in out.getvalue()

    # Tampering in the bucket is found by reconcile (no key needed) and refused on download.
    note = next(i for i in items if i.sniffed_type.startswith("text/"))
    key = f"vault/{note.storage_name}"
    blob = bytearray(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    blob[-5] ^= 1
    s3.put_object(Bucket=BUCKET, Key=key, Body=bytes(blob))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("reconcile", stdout=StringIO())
    page = analyst.get(f"/evidence/{note.code}/download/", follow=True)
    assert "altered" in page.content.decode()

    # Deletion removes the object and its viewing copy from the bucket.
    from longreach.accounts.models import PendingAction

    analyst.post(f"/evidence/{shot.code}/do/delete/")
    with django_capture_on_commit_callbacks(execute=True):
        client_for("lead").post(f"/approvals/{PendingAction.objects.get(kind='vault.delete').code}/approve/")
    assert f"vault/{shot.storage_name}" not in keys(s3) and len(keys(s3)) == 2


def run_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LONGREACH_", "DJANGO_"))}
    clean.update(LONGREACH_MODE="test", **env)
    code = "import json, longreach.settings as s; print(json.dumps(s.STORAGES['vault'], default=str))"
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60)


def test_s3_is_configured_from_the_environment(tmp_path: Any) -> None:
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-file\n")
    ok = run_settings(
        LONGREACH_VAULT_STORAGE="s3",
        LONGREACH_VAULT_S3_BUCKET="evidence",
        LONGREACH_VAULT_S3_ENDPOINT_URL="https://s3.example.net",
        LONGREACH_VAULT_S3_ACCESS_KEY_ID="AKIDEXAMPLE",
        LONGREACH_VAULT_S3_SECRET_ACCESS_KEY_FILE=str(secret),
        LONGREACH_VAULT_S3_PREFIX="org-a",
    )
    assert ok.returncode == 0, ok.stderr
    assert '"BACKEND": "storages.backends.s3.S3Storage"' in ok.stdout
    assert '"secret_key": "from-a-file"' in ok.stdout and '"location": "org-a"' in ok.stdout
    missing = run_settings(LONGREACH_VAULT_STORAGE="s3")
    assert (
        missing.returncode != 0
        and "LONGREACH_VAULT_STORAGE=s3 needs LONGREACH_VAULT_S3_BUCKET" in missing.stderr
    )
    wrong = run_settings(LONGREACH_VAULT_STORAGE="ftp")
    assert wrong.returncode != 0 and "must be filesystem or s3, not 'ftp'" in wrong.stderr
