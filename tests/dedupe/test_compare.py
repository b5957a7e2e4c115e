"""Comparisons: graded levels per field and a name similarity that weighs rare words more."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.dedupe.compare import compare, name_similarity, token_similarity
from matchmaker.dedupe.prepare import prepare
from matchmaker.dedupe.spec import MISSING, default_spec

COMMON = ["berkah", "jaya", "makmur", "sumber", "abadi", "sentosa"]


def _tokens(names: list[tuple[str, ...]]) -> pd.Series:
    return pd.Series(names, dtype=object)


def _background(n: int = 300) -> list[tuple[str, ...]]:
    """Many names made of the same few common words (as Indonesian business names are)."""
    rng = np.random.default_rng(0)
    return [tuple(rng.choice(COMMON, size=2, replace=False)) for _ in range(n)]


def test_rare_agreement_weighs_more_than_common_agreement() -> None:
    names = [
        *_background(),
        ("berkah", "jaya", "abadi"),  # shares two common words with the next,
        ("berkah", "jaya", "sentosa"),  # differs in a common one
        ("merapi", "toba", "abadi"),  # shares two rare words with the next,
        ("merapi", "toba", "sentosa"),  # differs in a common one
        ("berkah", "jaya", "kenanga"),  # shares two common words with the next,
        ("berkah", "jaya", "cendana"),  # differs in a rare one
    ]
    n = len(names)
    rows_a = np.asarray([n - 6, n - 4, n - 2])
    sims = name_similarity(_tokens(names), rows_a, rows_a + 1)
    common_shared, rare_shared, rare_differs = sims
    assert rare_shared > common_shared > rare_differs


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from([*COMMON, "merapi", "toba", "kopi"]), min_size=0, max_size=4),
        min_size=2,
        max_size=12,
    ),
    st.data(),
)
def test_name_similarity_is_symmetric_bounded_and_exact_only_for_equal_sets(
    raw: list[list[str]], data: st.DataObject
) -> None:
    names = [tuple(dict.fromkeys(r)) for r in raw]
    tokens = _tokens(names)
    n = len(names)
    a = np.asarray(data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=10)))
    b = np.asarray(data.draw(st.lists(st.integers(0, n - 1), min_size=len(a), max_size=len(a))))
    ab = name_similarity(tokens, a, b)
    ba = name_similarity(tokens, b, a)
    np.testing.assert_allclose(ab, ba, equal_nan=True)
    for k, (i, j) in enumerate(zip(a, b, strict=True)):
        if not names[i] or not names[j]:
            assert np.isnan(ab[k])
            continue
        assert 0.0 <= ab[k] <= 1.0
        if set(names[i]) == set(names[j]):
            assert ab[k] == 1.0


def test_token_similarity_typos_and_abbreviations() -> None:
    sims = token_similarity(
        ["rejeki", "sumber", "sejahtera", "jaya", "putra"],
        ["rejki", "smbr", "sej", "java", "merapi"],
    )
    assert sims[0] > 0.85  # typo
    assert sims[1] == 0.85  # consonant skeleton
    assert sims[2] == 0.85  # truncation
    assert sims[3] == 0.0  # different words, one letter apart but short
    assert sims[4] == 0.0


def _pair_frame(rows: list[dict[str, object]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.DataFrame(
        {
            "supplier_id": [f"S{i}" for i in range(len(rows))],
            "name": [r["name"] for r in rows],
            "province": [r.get("province", "Jawa Tengah") for r in rows],
            "annual_revenue_idr": [r.get("revenue", float("nan")) for r in rows],
            "city": [r.get("city") for r in rows],
            "categories": [r.get("categories", ["food"]) for r in rows],
        }
    )
    contacts = pd.DataFrame(
        {
            "profile_id": frame["supplier_id"],
            "phone": [r.get("phone") for r in rows],
            "email": [r.get("email") for r in rows],
        }
    )
    return frame, contacts


def _levels(rows: list[dict[str, object]]) -> dict[str, str]:
    frame, contacts = _pair_frame(rows)
    prepared = prepare(frame, contacts)
    pairs = pd.DataFrame({"id_a": ["S0"], "id_b": ["S1"], "row_a": [0], "row_b": [1]})
    spec = default_spec()
    out = compare(prepared, pairs, spec)
    return {c.field: c.level_name(int(out[c.field].to_numpy()[0])) for c in spec.comparisons}


def test_levels_of_a_typical_duplicate() -> None:
    levels = _levels(
        [
            {"name": "CV Sumber Rejeki Bpk. Slamet", "phone": "0812-3456-7890",
             "email": "sumber@example.com", "city": "Kota Semarang", "categories": ["food"],
             "revenue": 1_200_000_000.0},
            {"name": "Sumber Rezeki, CV", "phone": "+62 812 3456 7890",
             "email": "SUMBER@example.com", "city": "Semarang", "categories": ["food", "herbal"],
             "revenue": 1_000_000_000.0},
        ]
    )  # fmt: skip
    assert levels == {
        "name": "exact",
        "owner": "missing",
        "phone": "exact",
        "email": "exact",
        "place": "exact",
        "revenue": "close",
        "categories": "overlap",
    }


def test_levels_close_different_and_missing() -> None:
    levels = _levels(
        [
            {"name": "Batik Merapi Abadi", "phone": "0812-3456-7890", "city": "Sleman",
             "email": "batik@example.com", "revenue": 3e8},
            {"name": "Batik Merapy Abadi", "phone": "0812-3456-7891", "city": None,
             "categories": ["handicraft"], "revenue": 2e9},
        ]
    )  # fmt: skip
    assert levels["name"] == "close"
    assert levels["phone"] == "close"  # one digit apart
    assert levels["email"] == "missing"
    assert levels["place"] == "same_province"  # city missing on one side
    assert levels["categories"] == "different"
    assert levels["revenue"] == "different"
    levels = _levels([{"name": "Kopi Toba", "province": "Bali"}, {"name": "Toko Mebel Jati"}])
    assert levels["name"] == "different"
    assert levels["place"] == "different"
    assert levels["phone"] == "missing"


def test_common_exact_names_get_a_negative_frequency_adjustment() -> None:
    rows: list[dict[str, object]] = [{"name": "Berkah Jaya"} for _ in range(30)]
    rows += [
        {"name": "Batik Merapi"},
        {"name": "Batik Merapi"},
    ]
    frame, contacts = _pair_frame(rows)
    prepared = prepare(frame, contacts)
    pairs = pd.DataFrame(
        {"id_a": ["S0", "S30"], "id_b": ["S1", "S31"], "row_a": [0, 23], "row_b": [1, 24]}
    )
    # rows are sorted by id ("S0", "S1", "S10", …), so look the positions up
    row_of = {pid: i for i, pid in enumerate(prepared["id"])}
    pairs["row_a"] = [row_of[x] for x in pairs["id_a"]]
    pairs["row_b"] = [row_of[x] for x in pairs["id_b"]]
    out = compare(prepared, pairs, default_spec())
    assert (out["name"] == 0).all()
    common, rare = out["name_tf"].tolist()
    assert common < 0 < rare


def test_missing_is_its_own_code() -> None:
    frame, contacts = _pair_frame([{"name": "Toko A"}, {"name": "Toko B"}])
    prepared = prepare(frame, contacts)
    pairs = pd.DataFrame({"id_a": ["S0"], "id_b": ["S1"], "row_a": [0], "row_b": [1]})
    out = compare(prepared, pairs, default_spec())
    assert int(out["phone"].to_numpy()[0]) == MISSING
    assert np.isnan(out["phone_sim"].to_numpy()[0])
