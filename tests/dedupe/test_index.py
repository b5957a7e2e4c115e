"""Blocking: candidate pairs, never missing a pair that shares a phone."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.dedupe.index import candidate_pairs, name_alike_pairs, pairs_from_keys
from matchmaker.dedupe.normalise import normalise_phones
from matchmaker.dedupe.prepare import prepare
from matchmaker.dedupe.spec import BlockingRule, default_spec
from tests.dedupe.test_normalise import _formats

NUMBERS = ["81234567890", "81298765432", "85711112222", "87833334444", "8955550000"]
NAMES = ["Berkah Jaya", "CV Berkah Jaya", "Sumber Rejeki", "Toko Makmur", "Kopi Pak Darto"]


def _frame(rows: list[tuple[str, str | None]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = [f"S{i:03d}" for i in range(len(rows))]
    frame = pd.DataFrame(
        {
            "supplier_id": ids,
            "name": [name for name, _ in rows],
            "province": ["Jawa Timur"] * len(rows),
            "city": ["Surabaya"] * len(rows),
            "categories": [["food"]] * len(rows),
        }
    )
    contacts = pd.DataFrame(
        {"profile_id": ids, "phone": [phone for _, phone in rows], "email": [None] * len(rows)}
    )
    return frame, contacts


@st.composite
def registries(draw: st.DrawFn) -> list[tuple[str, str | None]]:
    n = draw(st.integers(min_value=2, max_value=40))
    rows = []
    for _ in range(n):
        name = draw(st.sampled_from(NAMES))
        picks = draw(st.lists(st.sampled_from(NUMBERS), min_size=0, max_size=2, unique=True))
        written = [draw(st.sampled_from(_formats(p))) for p in picks]
        rows.append((name, " / ".join(written) if written else None))
    return rows


@settings(max_examples=60, deadline=None)
@given(registries(), st.integers(min_value=2, max_value=5))
def test_blocking_never_misses_a_pair_sharing_a_phone(
    rows: list[tuple[str, str | None]], cap: int
) -> None:
    frame, contacts = _frame(rows)
    # name rules with tiny block limits: they skip most blocks, phones must still pair
    spec = default_spec()
    rules = [
        r
        if r.key in ("phone", "phone_fuzzy", "email")
        else BlockingRule(r.name, r.key, r.within, cap)
        for r in spec.blocking
    ]
    pairs = candidate_pairs(prepare(frame, contacts), rules)
    found = set(zip(pairs["id_a"], pairs["id_b"], strict=True))
    phones = {
        pid: set(normalise_phones(p))
        for pid, p in zip(contacts["profile_id"], contacts["phone"], strict=True)
    }
    for a, b in combinations(sorted(phones), 2):
        if phones[a] & phones[b]:
            assert (a, b) in found


def test_one_digit_typo_in_a_phone_still_pairs() -> None:
    frame, contacts = _frame([("Berkah Jaya", "0812-3456-7890"), ("Toko Lain", "0812-3456-7899")])
    pairs = candidate_pairs(prepare(frame, contacts), [BlockingRule("phone", "phone_fuzzy")])
    assert list(zip(pairs["id_a"], pairs["id_b"], strict=True)) == [("S000", "S001")]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 15), st.integers(0, 6)), max_size=60),
    st.none() | st.integers(min_value=2, max_value=6),
)
def test_pairs_from_keys_equals_brute_force(
    assignments: list[tuple[int, int]], cap: int | None
) -> None:
    rows = np.asarray([r for r, _ in assignments], dtype=np.int64)
    keys = np.asarray([k for _, k in assignments], dtype=np.int64)
    left, right, _ = pairs_from_keys(rows, keys, max_block_size=cap)
    got = set(zip(left.tolist(), right.tolist(), strict=True))
    members: dict[int, list[int]] = {}
    for r, k in assignments:
        members.setdefault(k, []).append(r)
    expected = set()
    for group in members.values():
        if cap is not None and len(group) > cap:
            continue
        for a, b in combinations(group, 2):
            if a != b:
                expected.add((min(a, b), max(a, b)))
    assert got == expected
    assert all(a < b for a, b in got)


def test_candidate_pairs_are_unique_sorted_and_report_rules() -> None:
    frame, contacts = _frame(
        [
            ("CV Berkah Jaya", "0812-3456-7890"),
            ("Berkah Jaya", "+62 812 3456 7890"),
            ("Kopi Pak Darto", None),
        ]
    )
    pairs = candidate_pairs(prepare(frame, contacts), default_spec().blocking)
    assert list(pairs[["id_a", "id_b"]].itertuples(index=False, name=None)) == [("S000", "S001")]
    assert str(pairs["rule"].iloc[0]).startswith("shared phone")
    assert sum(pairs.attrs["pairs_by_rule"].values()) == len(pairs)


def test_link_mode_keeps_only_cross_group_pairs() -> None:
    frame, contacts = _frame([("Berkah Jaya", "0812-3456-7890")] * 4)
    prepared = prepare(frame, contacts)
    pairs = candidate_pairs(prepared, default_spec().blocking, groups=[0, 0, 1, 1])
    assert set(zip(pairs["id_a"], pairs["id_b"], strict=True)) == {
        ("S000", "S002"),
        ("S000", "S003"),
        ("S001", "S002"),
        ("S001", "S003"),
    }


def test_name_alike_pairs_ignore_place_and_sample_big_blocks() -> None:
    rows: list[tuple[str, str | None]] = [("Berkah Jaya", None)] * 80
    rows += [("Sinar Merapi", None), ("Sinar Merapi Abadi", None)]
    frame, contacts = _frame(rows)
    frame.loc[80, "province"] = "Bali"
    sample = name_alike_pairs(prepare(frame, contacts), block_pairs=100, random_state=1)
    got = set(zip(sample["id_a"], sample["id_b"], strict=True))
    assert ("S080", "S081") in got  # different provinces, alike names
    # "berkah jaya" makes three 80-record blocks (the name, and each word swapped out);
    # each is sampled (at most 100 pairs), not enumerated (3160 pairs)
    assert len(got) <= 3 * 100 + 1
