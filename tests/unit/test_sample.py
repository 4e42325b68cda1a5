"""What inspection keeps of a streamed file: its edges always, the whole only when wanted and small."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.core.uploads import Sample
from longreach.vault import inspect

EDGE = Sample.EDGE


def feed(sample: Sample, data: bytes, cuts: list[int]) -> tuple[bytes, bytes, bytes | None]:
    pos = 0
    for cut in sorted(cuts):
        sample.add(data[pos:cut])
        pos = cut
    sample.add(data[pos:])
    return sample.finish()


@settings(max_examples=60, deadline=None)
@given(
    size=st.sampled_from([0, 1, EDGE - 1, EDGE, EDGE + 1, 3 * EDGE + 17]),
    limit=st.sampled_from([0, EDGE // 2, 2 * EDGE, 10 * EDGE]),
    wanted=st.booleans(),
    cuts=st.lists(st.integers(min_value=0, max_value=3 * EDGE + 17), max_size=8),
)
def test_it_keeps_the_edges_and_the_body_only_when_wanted_and_small(
    size: int, limit: int, wanted: bool, cuts: list[int]
) -> None:
    data = bytes(i * 7 % 251 for i in range(size))
    seen: list[bytes] = []

    def wants(head: bytes) -> bool:
        seen.append(head)
        return wanted

    head, tail, body = feed(Sample(limit, wants), data, [c for c in cuts if c <= size])
    assert head == data[:EDGE] and tail == data[-EDGE:] if data else head == tail == b""
    assert body == (data if wanted and 0 < limit and size <= limit else None)
    assert all(s == data[:EDGE] for s in seen) and len(seen) <= 1


def test_without_a_limit_nothing_but_the_edges_is_kept() -> None:
    head, tail, body = feed(Sample(), b"x" * (5 * EDGE), [EDGE, 2 * EDGE])
    assert (len(head), len(tail), body) == (EDGE, EDGE, None)


def test_a_zip_hidden_at_the_end_of_a_file_too_large_to_hold_is_still_flagged() -> None:
    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * (4 * EDGE)
    hidden = photo + b"PK\x03\x04" + b"\x00" * 40 + b"PK\x05\x06" + b"\x00" * 18
    head, tail, body = feed(Sample(EDGE, lambda head: True), hidden, [EDGE, 3 * EDGE])
    assert body is None
    flags = inspect.type_flags(
        name="a.jpg", declared="", sniffed="image/jpeg", head=head, tail=tail, body=body
    )
    assert "contains:zip" in flags
