"""Evidence packages checked offline: a good one passes; every kind of tampering names the item."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from nacl.signing import SigningKey

from longreach.ledger import heads, merkle
from longreach.vault import package

KEY = SigningKey(bytes(range(32)))
PUBLIC = bytes(KEY.verify_key)
ITEMS = {"E-ONE": b"screenshot bytes " * 50, "E-TWO": b"voice note " * 80}


def leaf(index: int, event: str, code: str, **detail: Any) -> str:
    """Shaped like audit.services.canonical_leaf."""
    entry = {
        "index": index,
        "occurred_at": "2026-11-29T12:00:00.000000+00:00",
        "event": event,
        "actor": "U-1",
        "actor_role": "analyst",
        "compartment": "demo-a",
        "object_type": "evidence",
        "object_code": code,
        "outcome": "ok",
        "detail": detail,
    }
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def build(
    mutate_manifest: Callable[[dict[str, Any]], None] | None = None,
    mutate_files: Callable[[dict[str, bytes]], None] | None = None,
    key: SigningKey = KEY,
) -> bytes:
    log = merkle.MerkleLog()
    leaves: list[str] = []

    def add(event: str, code: str, **detail: Any) -> int:
        text = leaf(len(leaves), event, code, **detail)
        leaves.append(text)
        return log.append(text.encode("utf-8"))

    add("login.success", "U-1")  # other entries share the ledger
    chains: dict[str, list[int]] = {}
    for code, data in ITEMS.items():
        chains[code] = [add(package.ACQUIRED, code, sha256=hashlib.sha256(data).hexdigest(), size=len(data))]
    for code in ITEMS:
        chains[code].append(add("custody.viewed", code, prev=chains[code][-1]))
    for code in ITEMS:
        chains[code].append(add(package.EXPORTED, code, prev=chains[code][-1], package="P-TEST"))
    head = heads.sign(heads.TreeHead(log.size, log.root(), 1_700_000_000_000), bytes(key))
    items = [
        {
            "code": code,
            "path": f"items/{code}/file.bin",
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "custody": [
                {"leaf": leaves[i], "index": i, "proof": [p.hex() for p in log.inclusion_proof(i)]}
                for i in chains[code]
            ],
        }
        for code, data in ITEMS.items()
    ]
    manifest = package.manifest(package="P-TEST", created="2026-11-29T12:00:00Z", tree_head=head, items=items)
    files = {f"items/{code}/file.bin": data for code, data in ITEMS.items()}
    if mutate_manifest:
        mutate_manifest(manifest)
    if mutate_files:
        mutate_files(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(package.MANIFEST, json.dumps(manifest))
        for name, data in files.items():
            zf.writestr(name, data)
    return out.getvalue()


def check(blob: bytes) -> package.Verified:
    return package.verify(io.BytesIO(blob), PUBLIC)


def test_a_good_package_verifies() -> None:
    got = check(build())
    assert (got.package, got.items, got.events) == ("P-TEST", 2, 6)


def _flip(files: dict[str, bytes]) -> None:
    name = "items/E-TWO/file.bin"
    files[name] = files[name][:10] + bytes([files[name][10] ^ 1]) + files[name][11:]


def _drop_middle(m: dict[str, Any]) -> None:
    del m["items"][0]["custody"][1]


def _drop_last(m: dict[str, Any]) -> None:
    del m["items"][1]["custody"][-1]


def _edit_sha(m: dict[str, Any]) -> None:
    m["items"][0]["sha256"] = "0" * 64


def _edit_leaf(m: dict[str, Any]) -> None:
    ev = m["items"][0]["custody"][0]
    ev["leaf"] = ev["leaf"].replace('"size":', '"size":1')


def _other_package(m: dict[str, Any]) -> None:
    m["package"] = "P-OTHER"


def _swap_items(m: dict[str, Any]) -> None:
    m["items"][0]["path"], m["items"][1]["path"] = m["items"][1]["path"], m["items"][0]["path"]


def _truncate(files: dict[str, bytes]) -> None:
    files["items/E-ONE/file.bin"] = files["items/E-ONE/file.bin"][:-1]


def _extra(files: dict[str, bytes]) -> None:
    files["items/E-THREE/evil.exe"] = b"MZ"


def _missing(files: dict[str, bytes]) -> None:
    del files["items/E-TWO/file.bin"]


def _bad_signature(m: dict[str, Any]) -> None:
    m["tree_head"]["root"] = "00" * 32


@pytest.mark.parametrize(
    ("manifest_change", "file_change", "message"),
    [
        (None, _flip, r"item 1 \(E-TWO\): its bytes differ from those recorded at acquisition"),
        (None, _truncate, r"item 0 \(E-ONE\): its bytes differ"),
        (
            _drop_middle,
            None,
            r"item 0 \(E-ONE\), custody event 1: follows ledger entry 3.*removed or reordered",
        ),
        (_drop_last, None, r"item 1 \(E-TWO\): custody must end with the export of this package"),
        (_edit_sha, None, r"item 0 \(E-ONE\): the manifest's SHA-256 differs"),
        (_edit_leaf, None, r"item 0 \(E-ONE\), custody event 0: not in the signed ledger"),
        (_other_package, None, r"item 0 \(E-ONE\): custody must end with the export of this package"),
        (_swap_items, None, r"item 0 \(E-ONE\): its bytes differ"),
        (None, _extra, r"items/E-THREE/evil.exe: a file the manifest does not list"),
        (None, _missing, r"item 1 \(E-TWO\): its file is missing"),
        (_bad_signature, None, r"tree head: tree head signature is not valid"),
    ],
)
def test_tampering_is_named(manifest_change: Any, file_change: Any, message: str) -> None:
    with pytest.raises(package.PackageInvalid, match=message):
        check(build(manifest_change, file_change))


def test_a_head_signed_by_another_key_is_refused() -> None:
    with pytest.raises(package.PackageInvalid, match="signed by key"):
        check(build(key=SigningKey(bytes(range(1, 33)))))


@pytest.mark.parametrize(
    ("blob", "message"),
    [
        (b"not a zip at all", "not a readable zip file"),
        (b"", "not a readable zip file"),
    ],
)
def test_not_a_package(blob: bytes, message: str) -> None:
    with pytest.raises(package.PackageInvalid, match=message):
        check(blob)


def test_manifest_missing_or_malformed() -> None:
    for content, message in (
        (None, "manifest.json is missing"),
        (b"{", "manifest.json is not JSON"),
        (b'{"format": "other"}', "format must be longreach-evidence-package/1"),
        (
            json.dumps({"format": package.FORMAT, "package": "P", "items": [{}], "tree_head": {}}).encode(),
            "tree head",
        ),
    ):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            if content is not None:
                zf.writestr(package.MANIFEST, content)
        with pytest.raises(package.PackageInvalid, match=message):
            check(out.getvalue())


def run_cli(tmp_path: Any, *args: str) -> Any:
    import os
    import subprocess
    import sys
    from pathlib import Path

    exe = Path(sys.executable).parent / "longreach"
    # A third party's machine: no LONGREACH_* or DJANGO_* settings at all.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGREACH_", "DJANGO_"))}
    env["LONGREACH_MODE"] = "production"  # would refuse to start Django without its secrets
    return subprocess.run(
        [str(exe), "verify-package", *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )


def test_command_line_needs_only_the_published_key(tmp_path: Any) -> None:
    good, bad = tmp_path / "good.zip", tmp_path / "bad.zip"
    good.write_bytes(build())
    bad.write_bytes(build(None, _flip))
    r = run_cli(tmp_path, str(good), "--key", PUBLIC.hex())
    assert r.returncode == 0 and "OK: package P-TEST, 2 items and 6 custody events" in r.stdout, r.stderr
    heads_file = tmp_path / "heads.json"
    heads_file.write_text(heads.dumps([], PUBLIC))
    assert run_cli(tmp_path, str(good), "--heads", str(heads_file)).returncode == 0
    r = run_cli(tmp_path, str(bad), "--key", PUBLIC.hex())
    assert r.returncode == 1 and "FAILED: item 1 (E-TWO): its bytes differ" in r.stderr
    r = run_cli(tmp_path, str(good), "--key", "abc")
    assert r.returncode == 1 and "64 hexadecimal characters" in r.stderr
    r = run_cli(tmp_path, str(good))
    assert r.returncode == 2 and "--key" in r.stderr
    r = run_cli(tmp_path, str(tmp_path / "nothing.zip"), "--key", PUBLIC.hex())
    assert r.returncode == 1 and "not a readable zip file" in r.stderr


DOC = __import__("pathlib").Path(__file__).parents[2] / "docs" / "verifying-evidence.md"


def _doc_blocks(language: str) -> list[str]:
    import re
    import textwrap

    text = DOC.read_text(encoding="utf-8")
    return [textwrap.dedent(b) for b in re.findall(rf"```{language}\n(.*?)```", text, re.S)]


def test_the_by_hand_procedure_in_the_docs_works_and_catches_tampering(tmp_path: Any) -> None:
    """docs/verifying-evidence.md: its script and its OpenSSL commands, run as written."""
    import shutil
    import subprocess
    import sys

    script = next(b for b in _doc_blocks("python") if "check_proof.py" in b)
    (tmp_path / "check_proof.py").write_text(script)
    (tmp_path / "good.zip").write_bytes(build())
    (tmp_path / "flipped.zip").write_bytes(build(None, _flip))
    (tmp_path / "cut.zip").write_bytes(build(_drop_middle))

    def run(*args: str) -> Any:
        return subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, timeout=60)

    ok = run(sys.executable, "check_proof.py", "good.zip", "E-TWO")
    assert ok.returncode == 0 and ok.stdout.startswith("OK: E-TWO"), ok.stderr
    bad = run(sys.executable, "check_proof.py", "flipped.zip", "E-TWO")
    assert bad.returncode == 1 and "differ from the acquisition record" in bad.stderr
    cut = run(sys.executable, "check_proof.py", "cut.zip", "E-ONE")
    assert cut.returncode == 1 and "is missing before ledger entry" in cut.stderr

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    ok = run(sys.executable, "check_proof.py", "good.zip", "E-ONE")
    assert ok.returncode == 0
    shell = next(b for b in _doc_blocks("sh") if "openssl pkeyutl" in b)
    shell = shell.replace("KEY=3b6a27bc...", f"KEY={PUBLIC.hex()}")
    verified = subprocess.run(["bash", "-c", shell], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "Signature Verified Successfully" in verified.stdout, verified.stderr
    other = bytes(SigningKey(bytes(range(1, 33))).verify_key).hex()
    refused = subprocess.run(
        ["bash", "-c", shell.replace(PUBLIC.hex(), other)], cwd=tmp_path, capture_output=True, text=True
    )
    assert "Signature Verified Successfully" not in refused.stdout


def test_a_byte_changed_anywhere_fails_with_a_reason_never_a_crash() -> None:
    """Issue 14, item 7: a byte changed inside manifest.json gave BadZipFile's traceback."""
    blob = build()
    manifest_at = blob.index(b'{"format"')
    positions = sorted({*range(0, len(blob), 7), *range(manifest_at, manifest_at + 400)})
    failed = 0
    for at in positions:
        damaged = bytearray(blob)
        damaged[at] ^= 0x5A
        try:
            check(bytes(damaged))
        except package.PackageInvalid as exc:
            assert str(exc) and "\n" not in str(exc)
            failed += 1
    # Bytes the zip format ignores (timestamps, extra fields) may change without harm;
    # everything the manifest or an item is made of must fail.
    assert failed > len(positions) * 0.8


def test_the_command_line_says_failed_for_a_damaged_manifest(tmp_path: Any) -> None:
    blob = bytearray(build())
    blob[blob.index(b'"package"') + 3] ^= 1  # inside the stored manifest: its CRC-32 no longer matches
    (tmp_path / "bad.zip").write_bytes(bytes(blob))
    r = run_cli(tmp_path, str(tmp_path / "bad.zip"), "--key", PUBLIC.hex())
    assert r.returncode == 1 and "FAILED" in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
