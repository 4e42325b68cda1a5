"""The evidence vault through its pages: upload, custody, download, links, deletion, packages."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from longreach.accounts import services as accounts
from longreach.accounts.models import PendingAction
from longreach.audit.models import AuditEntry
from longreach.audit.services import ledger_sign_head
from longreach.audit.verify import verify_ledger
from longreach.keys.context import using_keyring
from longreach.keys.models import OrgKeys
from longreach.registry import services as registry
from longreach.vault import package
from longreach.vault.models import EvidenceItem, EvidenceLink, ViewingCopy

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SyntheticCam"  # Make
    exif[0x0110] = "Model 7"  # Model
    gps = {1: "N", 2: (39.0, 28.0, 12.0), 3: "E", 4: (75.0, 59.0, 24.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def wav(seconds: float = 0.05, rate: int = 8000) -> bytes:
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x10" * int(seconds * rate))
    return out.getvalue()


VOICE = wav()
SCREENSHOT = jpeg_with_exif()
CHAT = b"12/03/2024, 21:14 - +86 138 0000 0000: Think of your family.\n" * 50


def upload(client: Any, incident: Any, files: list[tuple[str, bytes, str]], note: str = "") -> Any:
    return client.post(
        f"/evidence/add/incident/{incident.code}/",
        {"files": [SimpleUploadedFile(n, b, content_type=t) for n, b, t in files], "note": note},
    )


@pytest.fixture
def three(cast: Any, client_for: Any, incident: Any) -> list[EvidenceItem]:
    analyst = client_for("analyst")
    r = upload(
        analyst,
        incident,
        [
            ("screenshot.jpg", SCREENSHOT, "image/jpeg"),
            ("voice.wav", VOICE, "audio/wav"),
            ("chat.txt", CHAT, "text/plain"),
        ],
        note="Messages from the officer",
    )
    assert r.status_code == 302 and r["Location"] == f"/incidents/{incident.code}/"
    return list(EvidenceItem.objects.order_by("size"))


def custody(item: EvidenceItem) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(object_code=item.code, event__startswith="custody.").order_by("index")
    )


def test_upload_keeps_hashes_types_metadata_and_custody(
    cast: Any, three: list[EvidenceItem], vault_files: Path
) -> None:
    by_name = {}
    with using_keyring(cast.keyring("analyst")):
        for item in three:
            by_name[item.sealed["name"]] = item
    shot, voice, chat = by_name["screenshot.jpg"], by_name["voice.wav"], by_name["chat.txt"]
    assert shot.sha256 == hashlib.sha256(SCREENSHOT).hexdigest() and shot.size == len(SCREENSHOT)
    assert (shot.sniffed_type, voice.sniffed_type) == ("image/jpeg", "audio/wav")
    assert chat.sniffed_type.startswith("text/")  # libmagic may call a comma-rich chat text/csv
    assert not shot.flags and not voice.flags and not chat.flags
    with using_keyring(cast.keyring("analyst")):
        meta = shot.sealed["metadata"]
        assert meta["exif"]["Make"] == "SyntheticCam" and meta["exif"]["Model"] == "Model 7"
        assert meta["gps"] == {"latitude": 39.47, "longitude": 75.99}
        assert voice.sealed["metadata"]["seconds"] == pytest.approx(0.05, abs=0.01)
        assert shot.links.get().note == "Messages from the officer"
    for item in three:
        stored = (vault_files / item.storage_name).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == item.cipher_sha256 and len(stored) == item.cipher_size
        assert b"Think of your family" not in stored and b"SyntheticCam" not in stored
        events = custody(item)
        # Tests run jobs at once: the viewing copy follows the acquisition and the link.
        assert [e.event for e in events] == ["custody.acquired", "custody.linked", "custody.derived"]
        assert events[2].actor == "system" and events[2].detail["prev"] == events[1].index
        assert events[0].detail["sha256"] == item.sha256 and events[0].detail["size"] == item.size
        assert events[0].detail["how"] == "upload" and events[0].actor == cast.analyst.code
        assert events[1].detail == {
            "to": f"incident:{item.links.get().incident.code}",
            "prev": events[0].index,
        }
        assert item.last_event == events[2].index
    assert not list((vault_files.parent / "tmp").iterdir())  # nothing left in the clear or half-written


def test_same_bytes_are_kept_once_per_compartment(
    cast: Any, client_for: Any, incident: Any, three: Any, vault_files: Path
) -> None:
    with using_keyring(cast.keyring("analyst")):
        case = registry.case_create(
            user=cast.analyst, compartment=cast.compartments["demo-a"], data={"origin_state": "CN"}
        )
    acquired = AuditEntry.objects.filter(event="custody.acquired").count()
    r = client_for("analyst").post(
        f"/evidence/add/case/{case.code}/", {"files": [SimpleUploadedFile("again.jpg", SCREENSHOT)]}
    )
    assert r.status_code == 302
    assert EvidenceItem.objects.count() == 3
    item = EvidenceItem.objects.get(sha256=hashlib.sha256(SCREENSHOT).hexdigest())
    assert sorted(link.target_kind for link in item.links.all()) == ["case", "incident"]
    # The second copy was stored, refused by the database, and undone: no event, no file.
    assert AuditEntry.objects.filter(event="custody.acquired").count() == acquired
    assert AuditEntry.objects.filter(event="custody.linked", object_code=item.code).exists()
    kept = [*EvidenceItem.objects.values_list("storage_name", flat=True)]
    kept += ViewingCopy.objects.values_list("storage_name", flat=True)
    assert sorted(p.name for p in vault_files.iterdir()) == sorted(kept)
    assert verify_ledger(bytes(OrgKeys.get().signing_public_key)).ok


def test_item_page_shows_custody_with_proofs_and_records_the_view(
    cast: Any, client_for: Any, three: list[EvidenceItem]
) -> None:
    item = three[0]
    ledger_sign_head()
    page = client_for("analyst").get(f"/evidence/{item.code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert item.sha256 in text and "Evidence acquired" in text and "The head's signature is valid." in text
    assert "included (" in text
    events = custody(item)
    assert events[-1].event == "custody.viewed" and events[-1].detail["prev"] == events[-2].index


def test_download_is_an_attachment_and_matches_the_original(
    cast: Any, client_for: Any, three: list[EvidenceItem]
) -> None:
    item = next(i for i in three if i.sniffed_type == "image/jpeg")
    r = client_for("analyst").get(f"/evidence/{item.code}/download/")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == SCREENSHOT
    assert r["Content-Type"] == "application/octet-stream" and r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"].startswith("attachment") and "screenshot.jpg" in r["Content-Disposition"]
    assert "sandbox" in r["Content-Security-Policy"]
    assert custody(item)[-1].event == "custody.downloaded"


@pytest.mark.parametrize("damage", ["flip", "truncate", "missing"])
def test_damaged_stored_files_are_refused_with_a_reason(
    cast: Any, client_for: Any, three: list[EvidenceItem], vault_files: Path, damage: str
) -> None:
    item = three[-1]
    path = vault_files / item.storage_name
    blob = bytearray(path.read_bytes())
    if damage == "flip":
        blob[len(blob) // 2] ^= 1
        path.write_bytes(bytes(blob))
    elif damage == "truncate":
        path.write_bytes(bytes(blob[:-100]))
    else:
        path.unlink()
    analyst = client_for("analyst")
    r = analyst.get(f"/evidence/{item.code}/download/", follow=True)
    expected = "missing" if damage == "missing" else "altered (checksum mismatch)"
    assert expected in r.content.decode()
    assert custody(item)[-1].event != "custody.downloaded"


def test_a_file_altered_past_its_first_chunk_sends_nothing_and_says_so(
    cast: Any, client_for: Any, incident: Any, vault_files: Path
) -> None:
    """Issue 14, item 6: a byte changed near the end used to stream as 200 OK up to that chunk."""
    analyst = client_for("analyst")
    body = bytes(range(256)) * 8192  # 2 MB: 32 chunks
    upload(analyst, incident, [("long.bin", body, "application/octet-stream")])
    item = EvidenceItem.objects.get()
    path = vault_files / item.storage_name
    blob = bytearray(path.read_bytes())
    blob[-1000] ^= 0x40
    path.write_bytes(bytes(blob))
    r = analyst.get(f"/evidence/{item.code}/download/")
    assert r.status_code == 302 and not getattr(r, "streaming", False)
    last = custody(item)[-1]
    assert last.event == "custody.check_failed" and last.detail["problem"] == "checksum"
    assert not any(e.event == "custody.downloaded" for e in custody(item))
    page = analyst.get(f"/evidence/{item.code}/").content.decode()
    assert "failed its integrity check" in page and "nothing was sent" in page


def test_a_file_key_swapped_between_items_opens_nothing(cast: Any, three: list[EvidenceItem]) -> None:
    from longreach.crypto import CryptoError
    from longreach.vault import services

    a, b = three[0], three[1]
    blob = EvidenceItem.objects.filter(pk=b.pk).values_list("file_key", flat=True).get()
    EvidenceItem.objects.filter(pk=a.pk).update(file_key=blob)
    with using_keyring(cast.keyring("analyst")), pytest.raises(CryptoError):
        list(services.plaintext(EvidenceItem.objects.get(pk=a.pk)))


@pytest.mark.parametrize("who", ["analyst2", "volunteer", "researcher", "auditor", "admin"])
def test_people_outside_the_compartment_get_not_found(
    cast: Any, client_for: Any, three: list[EvidenceItem], who: str
) -> None:
    item = three[0]
    client = client_for(who)
    for url in (f"/evidence/{item.code}/", f"/evidence/{item.code}/download/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/evidence/{item.code}/do/delete/").status_code == 404
    assert client.post(f"/evidence/{item.code}/do/link/", {"kind": "case", "code": "C-1"}).status_code == 404
    assert [e.event for e in custody(item)] == ["custody.acquired", "custody.linked", "custody.derived"]


def test_links_carry_a_note_and_stay_in_their_compartment(
    cast: Any, client_for: Any, three: list[EvidenceItem]
) -> None:
    item = three[0]
    analyst = client_for("analyst")
    with using_keyring(cast.keyring("analyst")):
        case = registry.case_create(
            user=cast.analyst, compartment=cast.compartments["demo-a"], data={"origin_state": "CN"}
        )
    with using_keyring(cast.keyring("analyst2")):
        other = registry.case_create(
            user=cast.analyst2, compartment=cast.compartments["demo-b"], data={"origin_state": "CN"}
        )
    r = analyst.post(
        f"/evidence/{item.code}/do/link/", {"kind": "case", "code": case.code, "note": "Shows the number"}
    )
    assert "Linked to" in analyst.get(r["Location"]).content.decode()
    page = analyst.post(f"/evidence/{item.code}/do/link/", {"kind": "case", "code": other.code}, follow=True)
    assert f"no case {other.code} that you can read" in page.content.decode()
    for hostile in ("\x00", "x" * 5000, "../../etc", "C-' OR 1=1"):
        page = analyst.post(f"/evidence/{item.code}/do/link/", {"kind": "case", "code": hostile}, follow=True)
        assert page.status_code == 200 and "that you can read" in page.content.decode()
    page = analyst.post(f"/evidence/{item.code}/do/link/", {"kind": "planet", "code": case.code}, follow=True)
    assert "choose what to link to" in page.content.decode()
    link = EvidenceLink.objects.get(item=item, case=case)
    with using_keyring(cast.keyring("analyst")):
        assert link.note == "Shows the number"
    analyst.post(f"/evidence/{item.code}/do/unlink/", {"link": str(link.pk)})
    assert not EvidenceLink.objects.filter(pk=link.pk).exists()
    events = custody(item)
    assert [e.event for e in events if e.event != "custody.viewed"][-2:] == [
        "custody.linked",
        "custody.unlinked",
    ]
    assert events[-1].detail["to"] == f"case:{case.code}"


def test_deletion_needs_a_second_person_and_destroys_the_key(
    cast: Any,
    client_for: Any,
    three: list[EvidenceItem],
    vault_files: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    item = three[0]
    analyst = client_for("analyst")
    analyst.post(f"/evidence/{item.code}/do/delete/")
    action = PendingAction.objects.get(kind="vault.delete")
    assert EvidenceItem.objects.get(pk=item.pk).status == "active"
    again = analyst.post(f"/evidence/{item.code}/do/delete/", follow=True)
    assert "already waiting" in again.content.decode()
    with pytest.raises(accounts.NotAllowed):
        accounts.pending_approve(action=action, acting_user=cast.analyst)
    with pytest.raises(accounts.NotAllowed):
        accounts.pending_approve(action=action, acting_user=cast.volunteer)
    lead = client_for("lead")
    with django_capture_on_commit_callbacks(execute=True):
        lead.post(f"/approvals/{action.code}/approve/")
    item = EvidenceItem.objects.get(pk=item.pk)
    assert item.status == "deleted" and item.deleted_at is not None
    with using_keyring(cast.keyring("analyst")):
        assert item.file_key == "" and item.sealed == {"name": "", "metadata": {}}
    assert not (vault_files / item.storage_name).exists()
    assert not item.copies.exists() and len(list(vault_files.iterdir())) == 4  # two items and their copies
    last = custody(item)[-1]
    assert (
        last.event == "custody.deleted"
        and last.detail["sha256"] == item.sha256
        and last.actor == cast.lead.code
    )
    r = analyst.get(f"/evidence/{item.code}/download/", follow=True)
    assert "its file key was destroyed" in r.content.decode()
    page = analyst.get(f"/evidence/{item.code}/").content.decode()
    assert "the file key was destroyed" in page and item.sha256 in page


def test_a_refused_deletion_is_recorded_in_custody(
    cast: Any, client_for: Any, three: list[EvidenceItem]
) -> None:
    item = three[0]
    client_for("analyst").post(f"/evidence/{item.code}/do/delete/")
    action = PendingAction.objects.get(kind="vault.delete")
    client_for("lead").post(f"/approvals/{action.code}/reject/")
    assert EvidenceItem.objects.get(pk=item.pk).status == "active"
    assert [e.event for e in custody(item)][-2:] == [
        "custody.deletion_requested",
        "custody.deletion_cancelled",
    ]


def request_package(
    client: Any, incident: Any, items: list[EvidenceItem], recipient: str = ""
) -> PendingAction:
    r = client.post(
        f"/evidence/package/incident/{incident.code}/",
        {"items": [i.code for i in items], "recipient": recipient},
    )
    assert r.status_code == 302 and r["Location"] == "/evidence/packages/", r.content[:300]
    return PendingAction.objects.filter(kind="vault.export").latest("requested_at")


def signing_public_key() -> bytes:
    return bytes(OrgKeys.get().signing_public_key)


def test_a_package_is_approved_downloaded_once_and_verifies(
    cast: Any, client_for: Any, incident: Any, three: list[EvidenceItem]
) -> None:
    analyst = client_for("analyst")
    action = request_package(analyst, incident, three)
    early = analyst.post(f"/evidence/packages/{action.code}/download/", follow=True)
    assert "has not been approved by a second person" in early.content.decode()
    client_for("lead").post(f"/approvals/{action.code}/approve/")
    assert "Download the package" in analyst.get("/evidence/packages/").content.decode()
    r = analyst.post(f"/evidence/packages/{action.code}/download/")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    blob = b"".join(r.streaming_content)
    result = package.verify(io.BytesIO(blob), signing_public_key())
    assert result.items == 3 and result.events >= 9
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        names = zf.namelist()
        assert {
            "manifest.json",
            "docs/manifest.html",
            "docs/README.txt",
            "docs/verifying-evidence.md",
        } <= set(names)
        assert zf.read("docs/verifying-evidence.md").startswith(b"# Verifying a Longreach evidence package")
        shot = next(n for n in names if n.endswith("screenshot.jpg"))
        assert zf.read(shot) == SCREENSHOT
        html = zf.read("docs/manifest.html").decode()
        assert "screenshot.jpg" in html and "<script" not in html
    for item in three:
        assert custody(item)[-1].event == "custody.exported"
    again = analyst.post(f"/evidence/packages/{action.code}/download/", follow=True)
    assert "was already used" in again.content.decode()
    # One byte changed anywhere in an item is found and named.
    at = blob.index(SCREENSHOT) + 100
    bad = blob[:at] + bytes([blob[at] ^ 1]) + blob[at + 1 :]
    with pytest.raises(package.PackageInvalid, match="differ"):
        package.verify(io.BytesIO(bad), signing_public_key())


def test_a_package_for_a_recipient_is_encrypted_with_age(
    cast: Any, client_for: Any, incident: Any, three: list[EvidenceItem]
) -> None:
    from pyrage import decrypt, x25519

    identity = x25519.Identity.generate()
    analyst = client_for("analyst")
    bad = analyst.post(
        f"/evidence/package/incident/{incident.code}/",
        {"items": [three[0].code], "recipient": "age1nonsense"},
        follow=True,
    )
    assert "must be an age public key" in bad.content.decode()
    action = request_package(analyst, incident, three[:2], recipient=str(identity.to_public()))
    client_for("lead").post(f"/approvals/{action.code}/approve/")
    r = analyst.post(f"/evidence/packages/{action.code}/download/")
    assert r["Content-Disposition"].endswith('.zip.age"')
    sealed = b"".join(r.streaming_content)
    assert sealed.startswith(b"age-encryption.org/v1") and b"manifest.json" not in sealed
    result = package.verify(io.BytesIO(decrypt(sealed, [identity])), signing_public_key())
    assert result.items == 2


def test_package_requests_refuse_foreign_and_deleted_items(
    cast: Any, client_for: Any, incident: Any, three: list[EvidenceItem]
) -> None:
    analyst = client_for("analyst")
    for wanted in ([], ["E-NOTREAL1"], [three[0].code, "\x00"]):
        r = analyst.post(f"/evidence/package/incident/{incident.code}/", {"items": wanted}, follow=True)
        text = r.content.decode()
        assert "choose at least one item" in text or "not in this compartment" in text
    assert not PendingAction.objects.filter(kind="vault.export").exists()


def test_viewing_copies_are_made_in_a_job_hashed_and_shown_safely(
    cast: Any, client_for: Any, three: list[EvidenceItem]
) -> None:
    from longreach.vault.models import ViewingCopy

    analyst = client_for("analyst")
    by_type = {i.sniffed_type.split("/")[0]: i for i in three}
    shot, voice, chat = by_type["image"], by_type["audio"], by_type["text"]
    assert {c.item_id: c.kind for c in ViewingCopy.objects.all()} == {
        shot.pk: "image",
        voice.pk: "waveform",
        chat.pk: "text",
    }
    image = analyst.get(f"/evidence/{shot.code}/copy/image/")
    assert image["Content-Type"] == "image/png" and image["X-Content-Type-Options"] == "nosniff"
    assert b"SyntheticCam" not in image.content and b"Exif" not in image.content  # metadata stripped
    derived = custody(shot)[2]
    assert (
        derived.detail["kind"] == "image"
        and derived.detail["sha256"] == hashlib.sha256(image.content).hexdigest()
    )
    assert custody(shot)[-1].event == "custody.viewed" and custody(shot)[-1].detail["copy"] == "image"
    page = analyst.get(f"/evidence/{shot.code}/").content.decode()
    assert f'src="/evidence/{shot.code}/copy/image/"' in page
    page = analyst.get(f"/evidence/{chat.code}/").content.decode()
    assert (
        '<pre class="viewing-copy" dir="auto">12/03/2024, 21:14 - +86 138 0000 0000: Think of your family.'
        in page
    )
    page = analyst.get(f"/evidence/{voice.code}/").content.decode()
    assert '<svg class="waveform"' in page
    assert analyst.get(f"/evidence/{voice.code}/copy/waveform/").status_code == 404
    assert client_for("analyst2").get(f"/evidence/{shot.code}/copy/image/").status_code == 404


def test_a_job_from_a_stopped_process_is_reported_and_can_be_made_again(
    cast: Any, client_for: Any, three: list[EvidenceItem]
) -> None:
    import base64

    from nacl.public import PrivateKey, SealedBox

    from longreach.vault import services

    item = next(i for i in three if i.sniffed_type == "image/jpeg")
    item.copies.all().delete()
    old = base64.b64encode(SealedBox(PrivateKey.generate().public_key).encrypt(b"k" * 32)).decode()
    assert services.viewing_copy_run(item_id=str(item.pk), sealed_key=old) == "none:stale-job"
    analyst = client_for("analyst")
    page = analyst.get(f"/evidence/{item.code}/").content.decode()
    assert (
        "The server restarted before the viewing copy was made." in page and "Make the viewing copy" in page
    )
    analyst.post(f"/evidence/{item.code}/do/copy/")
    item.refresh_from_db(fields=["copy_state"])
    assert item.copy_state == "made" and item.copies.get().kind == "image"
    again = analyst.post(f"/evidence/{item.code}/do/copy/", follow=True)
    assert "already has its viewing copy" in again.content.decode()


def _rezip(blob: bytes, change: Any) -> bytes:
    import json

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            dst.writestr(info.filename, data)
    return out.getvalue()


def test_a_real_package_edited_after_export_is_refused_by_name(
    cast: Any, client_for: Any, incident: Any, three: list[EvidenceItem]
) -> None:
    from nacl.signing import SigningKey

    from longreach.ledger import heads

    analyst = client_for("analyst")
    client_for("analyst").get(f"/evidence/{three[0].code}/")  # one more custody event to remove later
    action = request_package(analyst, incident, three)
    client_for("lead").post(f"/approvals/{action.code}/approve/")
    blob = b"".join(analyst.post(f"/evidence/packages/{action.code}/download/").streaming_content)
    key = signing_public_key()
    package.verify(io.BytesIO(blob), key)

    def drop_event(m: dict[str, Any]) -> None:
        del m["items"][0]["custody"][2]

    def forge_head(m: dict[str, Any]) -> None:
        head = heads.TreeHead.from_json(m["tree_head"])
        forged = heads.sign(
            heads.TreeHead(head.size, head.root, head.timestamp_ms), bytes(SigningKey.generate())
        )
        m["tree_head"] = forged.to_json()

    def forge_head_claiming_our_key(m: dict[str, Any]) -> None:
        real_id = m["tree_head"]["key_id"]
        forge_head(m)
        m["tree_head"]["key_id"] = real_id

    def edit_acquisition(m: dict[str, Any]) -> None:
        m["items"][1]["custody"][0]["leaf"] = m["items"][1]["custody"][0]["leaf"].replace(
            '"how":"upload"', '"how":"import"'
        )

    for change, message in (
        (drop_event, r"custody event 2: follows ledger entry .* removed or reordered"),
        (forge_head, r"tree head: tree head was signed by key [0-9a-f]{16}, not [0-9a-f]{16}"),
        (forge_head_claiming_our_key, r"tree head: tree head signature is not valid"),
        (edit_acquisition, r"item 1 \(E-[0-9A-Z]{8}\), custody event 0: not in the signed ledger"),
    ):
        with pytest.raises(package.PackageInvalid, match=message):
            package.verify(io.BytesIO(_rezip(blob, change)), key)
