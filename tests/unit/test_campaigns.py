"""Near-duplicate detection: keyed MinHash signatures, bands and clusters."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from longreach.messages import campaigns

KEY = bytes(range(32))
TEMPLATE = "Think of your family, {name}. Your parents are getting old and they need you."


def sig(*texts: str, key: bytes = KEY) -> campaigns.Signatures:
    return campaigns.Hasher(key).signatures(list(texts))


def test_a_script_with_a_name_changed_or_a_slip_stays_similar_and_other_text_does_not() -> None:
    s = sig(
        TEMPLATE.format(name="Aziz"),
        TEMPLATE.format(name="Dilnur"),
        "Hello. " + TEMPLATE.format(name="Murat").replace("parents", "prarents"),
        "The weather in Istanbul is lovely this week, shall we meet at the park?",
    )
    assert campaigns.similarity(s[0], s[1]) > 0.7
    assert campaigns.similarity(s[0], s[2]) > 0.5
    assert campaigns.similarity(s[0], s[3]) < 0.2
    assert campaigns.similarity(s[0], s[0]) == 1.0


def test_case_spaces_and_numbers_do_not_matter() -> None:
    s = sig("Come to the embassy on 12 May", "come  to the EMBASSY on 30 may")
    assert (s[0] == s[1]).all()


def test_short_chinese_scripts_survive_a_name_and_a_slip() -> None:
    s = sig(
        "王芳，想想你的家人，你父母年纪大了。",
        "李明，想想你的家人，你父母年纪大了。",
        "王芳，想想你的家人，父你母年纪大了。",
    )
    assert campaigns.similarity(s[0], s[1]) >= campaigns.THRESHOLD  # another name
    assert campaigns.similarity(s[0], s[2]) >= campaigns.THRESHOLD  # a slip


def test_signatures_depend_on_the_key_so_a_guessed_sentence_cannot_be_tested_without_it() -> None:
    a = sig(TEMPLATE, key=KEY)
    b = sig(TEMPLATE, key=bytes(32))
    assert not (a == b).all()
    assert (sig(TEMPLATE, key=KEY) == a).all()  # and they are stable under the same key


def test_empty_and_short_texts() -> None:
    s = sig("", "ab", "\x00\x00", "ok")
    assert (s[0] == campaigns.EMPTY).all() and (s[2] == campaigns.EMPTY).all()
    assert not (s[1] == campaigns.EMPTY).all()  # padded to one shingle
    assert campaigns.similarity(s[0], s[0]) == 0.0
    assert list(campaigns.clusters(s[[0, 2]])) == [-1, -1]
    assert len(campaigns.clusters(sig())) == 0


def test_a_short_key_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="at least 32 bytes"):
        campaigns.Hasher(b"short").signatures(["x"])


def test_batches_give_the_same_signatures_as_one_text_at_a_time(monkeypatch: object) -> None:
    texts = [TEMPLATE.format(name=str(i)) * (1 + i % 5) for i in range(50)]
    together = sig(*texts)
    import pytest

    mp = pytest.MonkeyPatch()
    mp.setattr(campaigns, "BATCH_TEXTS", 3)
    mp.setattr(campaigns, "BATCH_SHINGLES", 7)  # texts cut between batches of shingles
    try:
        assert (sig(*texts) == together).all()
    finally:
        mp.undo()
    assert all((sig(t)[0] == together[i]).all() for i, t in enumerate(texts[:5]))


def test_planted_templates_come_back_as_clusters_among_chatter() -> None:
    rng = random.Random(5)
    words = ["".join(rng.choice("abcdefghijklmnop") for _ in range(rng.randint(2, 8))) for _ in range(3000)]
    texts, truth = [], []
    templates = [
        TEMPLATE,
        "Send us a photo of your passport and your address in {name} before Monday.",
        "回国吧，回来什么事都没有。去{name}的大使馆登记一下。",
        "Возвращайся домой, {name}, тебе ничего не будет. Приходи в посольство.",
    ]
    for _ in range(2000):
        texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(4, 14))))
        truth.append(-1)
    for t, template in enumerate(templates):
        for _ in range(60):
            text = template.format(name=rng.choice(["Aziz", "Dilnur", "Istanbul", "王芳", "Мурат"]))
            if rng.random() < 0.5:
                i = rng.randrange(1, len(text) - 2)
                text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            texts.append(text)
            truth.append(t)
    labels = campaigns.clusters(sig(*texts))
    truth_arr = np.array(truth)
    for t in range(len(templates)):
        mine = labels[truth_arr == t]
        values, counts = np.unique(mine, return_counts=True)
        best = values[counts.argmax()]
        assert counts.max() >= 57, (t, counts)  # 95% of the copies in one cluster
        assert not ((labels == best) & (truth_arr != t)).any()  # and nothing else in it
    background = labels[truth_arr == -1]
    assert len(np.unique(background)) > 1990  # chatter stays apart


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 60), st.lists(st.tuples(st.integers(0, 59), st.integers(0, 59)), max_size=80))
def test_components_match_a_plain_union_find(n: int, edges: list[tuple[int, int]]) -> None:
    edges = [(a % n, b % n) for a, b in edges]
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    want = [find(i) for i in range(n)]
    left = np.array([a for a, _ in edges], dtype=np.int64)
    right = np.array([b for _, b in edges], dtype=np.int64)
    got = campaigns._components(n, left, right) if edges else np.arange(n)
    # Both label each node with the smallest node of its component.
    assert got.tolist() == want


def test_band_keys_are_per_band() -> None:
    s = sig(TEMPLATE, TEMPLATE)
    keys = np.stack([campaigns.band_key(s, band) for band in range(campaigns.BANDS)], axis=1)
    assert keys.shape == (2, campaigns.BANDS) and (keys[0] == keys[1]).all()
    assert len(set(keys[0].tolist())) == campaigns.BANDS
