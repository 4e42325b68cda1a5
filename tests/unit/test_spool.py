"""The sealed spool behaves as a file and keeps only ciphertext on disk."""

from __future__ import annotations

import io
import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.core.spool import SealedSpool, open_spool


def test_what_is_written_reads_back_and_the_disk_holds_no_plaintext(tmp_path: Path) -> None:
    marker = b"MARKER-the-reporter-wrote-this " * 40_000
    folder = tmp_path / "spool"
    folder.mkdir()
    spool = open_spool(str(folder))
    spool.write(marker)
    spool.flush()
    raw = spool.raw
    assert isinstance(raw, SealedSpool)
    on_disk = os.pread(raw._file.fileno(), len(marker) + 10, 0)
    assert len(on_disk) == len(marker) and b"MARKER" not in on_disk
    spool.seek(0)
    assert spool.read() == marker
    assert list(folder.iterdir()) == []  # unnamed: nothing to find by listing the folder
    spool.close()


def test_it_serves_as_a_waitress_buffer() -> None:
    from waitress import buffers

    original = buffers.TempfileBasedBuffer.newfile
    try:
        buffers.TempfileBasedBuffer.newfile = lambda self: open_spool()  # type: ignore[method-assign]
        buf = buffers.OverflowableBuffer(1000)
        chunks = [bytes([i % 256]) * 700 for i in range(20)]
        for c in chunks:
            buf.append(c)
        assert isinstance(buf.buf, buffers.TempfileBasedBuffer)
        assert buf.get(1400, skip=True) == chunks[0] + chunks[1]
        body = buf.getfile()
        assert body.read() == b"".join(chunks[2:])
    finally:
        buffers.TempfileBasedBuffer.newfile = original  # type: ignore[method-assign]


ops = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.binary(max_size=300)),
        st.tuples(st.just("seek"), st.integers(0, 700)),
        st.tuples(st.just("read"), st.integers(-1, 400)),
        st.tuples(st.just("readline"), st.integers(-1, 50)),
        st.tuples(st.just("truncate"), st.integers(0, 500)),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(ops)
def test_it_matches_an_ordinary_file_for_any_sequence_of_operations(steps: list[tuple[str, object]]) -> None:
    ours, plain = open_spool(), io.BytesIO()
    for op, arg in steps:
        if op == "write":
            assert ours.write(arg) == plain.write(arg)  # type: ignore[arg-type]
        elif op == "seek":
            assert ours.seek(arg) == plain.seek(arg)  # type: ignore[arg-type]
        elif op == "read":
            assert ours.read(arg) == plain.read(arg)  # type: ignore[arg-type]
        elif op == "readline":
            assert ours.readline(arg) == plain.readline(arg)  # type: ignore[arg-type]
        else:
            ours.truncate(arg)  # type: ignore[arg-type]
            plain.truncate(arg)  # type: ignore[arg-type]
        assert ours.tell() == plain.tell()
    ours.seek(0)
    assert ours.read() == plain.getvalue()
    ours.close()
