"""Backup archives: what goes in comes out, and any damage is refused before anything is used."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.public import PrivateKey

from longreach.core import archive

KEY = PrivateKey.generate()
PRIVATE, PUBLIC = bytes(KEY), bytes(KEY.public_key)


def entries(files: dict[str, bytes]) -> list[archive.Entry]:
    return [archive.Entry(n, len(b), lambda b=b: io.BytesIO(b)) for n, b in files.items()]


def make(files: dict[str, bytes], public: bytes = PUBLIC) -> bytes:
    out = io.BytesIO()
    archive.write(out, public, entries(files), {"engine": "sqlite"})
    return out.getvalue()


FILES = {
    "db/longreach.sqlite3": b"SQLite format 3\0" + bytes(range(256)) * 500,
    "vault/files/a.lrf": b"x" * 70_000,
}


def test_it_round_trips_and_holds_no_plaintext(tmp_path: Path) -> None:
    blob = make(FILES)
    assert b"SQLite format" not in blob and b"vault/files" not in blob
    manifest = archive.read(io.BytesIO(blob), PRIVATE, tmp_path)
    assert manifest["engine"] == "sqlite" and len(manifest["entries"]) == 2
    for name, data in FILES.items():
        assert (tmp_path / name).read_bytes() == data


@settings(max_examples=30, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"[a-z]{1,8}(/[a-z0-9_]{1,8}){0,2}", fullmatch=True),
        st.binary(max_size=3000),
        max_size=6,
    )
)
def test_any_set_of_files_round_trips(files: dict[str, bytes]) -> None:
    # A name cannot be both a file and a folder in one tree.
    names = sorted(files)
    if any(b.startswith(a + "/") for a in names for b in names):
        return
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        archive.read(io.BytesIO(make(files)), PRIVATE, Path(tmp))
        for name, data in files.items():
            assert (Path(tmp) / name).read_bytes() == data


def test_another_organisations_key_opens_nothing(tmp_path: Path) -> None:
    other = PrivateKey.generate()
    blob = make(FILES, bytes(other.public_key))
    stage = tmp_path / "stage"
    stage.mkdir()
    with pytest.raises(archive.ArchiveError, match="another organisation"):
        archive.read(io.BytesIO(blob), PRIVATE, stage)
    assert list(stage.iterdir()) == []


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda b: b[: len(b) // 2], "damaged or cut off"),
        (lambda b: b[:-1], "damaged or cut off"),
        (lambda b: b[:-200] + bytes([b[-200] ^ 1]) + b[-199:], "damaged or cut off"),
        (lambda b: b[:3000] + bytes([b[3000] ^ 1]) + b[3001:], "damaged or cut off"),
        (lambda b: b"PK\x03\x04" + b[4:], "not a Longreach backup"),
        (lambda b: b"", "not a Longreach backup"),
        (lambda b: b + b"more", "damaged or cut off"),
    ],
)
def test_damage_is_refused_with_a_reason(tmp_path: Path, damage: object, message: str) -> None:
    blob = damage(make(FILES))  # type: ignore[operator]
    with pytest.raises(archive.ArchiveError, match=message):
        archive.read(io.BytesIO(blob), PRIVATE, tmp_path)


def test_unsafe_names_are_refused_on_both_sides(tmp_path: Path) -> None:
    for name in ("../etc/passwd", "/abs", "a/../../b", "a//b"):
        with pytest.raises(archive.ArchiveError, match="not a safe name"):
            make({name: b"x"})


def test_a_file_that_shrinks_while_backed_up_is_an_error() -> None:
    lying = archive.Entry("a", 100, lambda: io.BytesIO(b"short"))
    with pytest.raises(archive.ArchiveError, match="shrank"):
        archive.write(io.BytesIO(), PUBLIC, [lying], {})


def test_a_header_that_claims_a_huge_key_is_refused_before_reading_it(tmp_path: Path) -> None:
    blob = archive.MAGIC + (2**31).to_bytes(4, "big") + b"x" * 100
    with pytest.raises(archive.ArchiveError, match="header is damaged"):
        archive.read(io.BytesIO(blob), PRIVATE, tmp_path)
    with pytest.raises(archive.ArchiveError, match="cut off in its header"):
        archive.read(io.BytesIO(archive.MAGIC + b"\0"), PRIVATE, tmp_path)
