"""The Fellegi–Sunter model: specification as data, label-free fit, explained scores."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from matchmaker.dedupe.model import explain, field_weights, fit, level_patterns, score
from matchmaker.dedupe.spec import MISSING, BlockingRule, Comparison, Level, ModelSpec, default_spec
from matchmaker.errors import ValidationError


def test_spec_round_trips_through_json() -> None:
    spec = default_spec()
    assert ModelSpec.from_json(spec.to_json()) == spec
    place = spec.comparison("place")
    fitted = replace(
        spec,
        comparisons=tuple(
            replace(c, u_given={"exact": (0.4, 0.01, 0.5, 0.09)}) if c is place else c
            for c in spec.comparisons
        ),
        match_prior=3e-5,
        fitted=True,
        info={"pairs": 10},
    )
    again = ModelSpec.from_json(fitted.to_json())
    assert again == fitted
    assert again.comparison("place").u_table("exact") == (0.4, 0.01, 0.5, 0.09)
    assert again.comparison("place").u_table("different") == place.u_table()


def test_spec_rejects_nonsense() -> None:
    with pytest.raises(ValidationError, match="unknown method"):
        Comparison("name", "magic", (Level("a"), Level("b")))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="unknown key"):
        BlockingRule("x", "soundex")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="low <= high"):
        default_spec().with_thresholds(high=0.5, low=0.9)
    with pytest.raises(ValidationError, match="not valid JSON"):
        ModelSpec.from_json("{")


TRUE_M = {
    "name": [0.6, 0.3, 0.1],
    "phone": [0.9, 0.1],
    "email": [0.85, 0.15],
    "place": [0.8, 0.2],
}
TRUE_U = {
    "name": [0.01, 0.04, 0.95],
    "phone": [0.001, 0.999],
    "email": [0.002, 0.998],
    "place": [0.05, 0.95],
}
MISSING_RATE = {"name": 0.0, "phone": 0.2, "email": 0.5, "place": 0.1}


def _spec(m: dict[str, list[float]], u: dict[str, list[float]]) -> ModelSpec:
    names = {3: ("exact", "close", "different"), 2: ("exact", "different")}
    comps = tuple(
        Comparison(
            field,
            "exact",
            tuple(
                Level(name, None, m=m[field][i], u=u[field][i])
                for i, name in enumerate(names[len(m[field])])
            ),
        )
        for field in m
    )
    return ModelSpec(comparisons=comps, blocking=(), min_pairs_to_fit=10)


def _draw(rng: np.random.Generator, n: int, probs: dict[str, list[float]]) -> dict[str, np.ndarray]:
    out = {}
    for field, p in probs.items():
        codes = rng.choice(len(p), size=n, p=p).astype(np.int8)
        codes[rng.random(n) < MISSING_RATE[field]] = MISSING
        out[field] = codes
    return out


def test_em_recovers_known_parameters_without_labels() -> None:
    rng = np.random.default_rng(42)
    n_match, n_non = 4_000, 36_000
    matches = _draw(rng, n_match, TRUE_M)
    others = _draw(rng, n_non, TRUE_U)
    frame = pd.DataFrame({f: np.r_[matches[f], others[f]] for f in TRUE_M})
    frame.insert(0, "id_a", [f"a{i}" for i in range(len(frame))])
    frame.insert(1, "id_b", [f"b{i}" for i in range(len(frame))])
    flat = {f: [1 / len(v)] * len(v) for f, v in TRUE_M.items()}  # uninformed start for m
    start = replace(_spec(flat, TRUE_U), match_prior=0.01)
    fitted = fit(frame, start, total_pairs=len(frame), n_records=len(frame))
    assert fitted.fitted and fitted.info["converged"]
    assert fitted.match_prior == pytest.approx(n_match / len(frame), rel=0.08)
    for comp in fitted.comparisons:
        got = [lv.m for lv in comp.levels]
        np.testing.assert_allclose(got, TRUE_M[comp.field], atol=0.04)
        assert [lv.u for lv in comp.levels] == TRUE_U[comp.field]  # u held fixed


def test_too_few_pairs_keep_the_priors() -> None:
    spec = _spec(TRUE_M, TRUE_U)
    frame = pd.DataFrame({f: [0, 0] for f in TRUE_M}, dtype=np.int8)
    frame.insert(0, "id_a", ["a", "b"])
    frame.insert(1, "id_b", ["c", "d"])
    fitted = fit(frame, replace(spec, min_pairs_to_fit=100), total_pairs=45, n_records=10)
    assert not fitted.fitted
    assert fitted.comparisons == spec.comparisons
    assert fitted.match_prior == pytest.approx(spec.duplicate_rate * 10 / 45)


def test_level_patterns_count_every_pair_once() -> None:
    spec = _spec(TRUE_M, TRUE_U)
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(_draw(rng, 500, TRUE_U))
    patterns, counts = level_patterns(frame, spec)
    assert counts.sum() == 500
    assert len({tuple(p) for p in patterns}) == len(patterns)


def test_scores_are_explained_by_their_bits() -> None:
    spec = _spec(TRUE_M, TRUE_U)
    frame = pd.DataFrame(
        {"id_a": ["a", "b", "c"], "id_b": ["x", "y", "z"], "row_a": [0, 1, 2], "row_b": [3, 4, 5],
         "name": [0, 2, 1], "phone": [0, 1, MISSING], "email": [0, MISSING, 1], "place": [0, 1, 0]}
    ).astype({f: np.int8 for f in TRUE_M})  # fmt: skip
    scored = score(frame, spec)
    assert list(scored["id_a"]) == ["a", "c", "b"]  # best first
    assert scored["score"].is_monotonic_decreasing
    why = explain(scored, spec)
    prior = math.log2(spec.match_prior / (1 - spec.match_prior))
    bits = why[[f"{f}_bits" for f in TRUE_M]].sum(axis=1)
    np.testing.assert_allclose(bits + prior, scored["match_weight"], atol=5e-3)
    np.testing.assert_allclose(scored["score"], 1 / (1 + 2 ** (-scored["match_weight"])))
    assert why.loc[2, "phone_level"] == "different"
    assert why.loc[1, "phone_level"] == "missing"
    assert why.loc[1, "phone_bits"] == 0.0
    assert list(why.columns[:3]) == ["id_a", "id_b", "score"]


def test_name_conditional_u_counts_place_less_when_names_agree() -> None:
    """Look-alike distinct businesses share a town far more often than random pairs."""
    spec = _spec(TRUE_M, TRUE_U)
    comps = tuple(
        replace(c, given=("name",)) if c.field == "place" else c for c in spec.comparisons
    )
    spec = replace(spec, comparisons=comps)
    rng = np.random.default_rng(7)
    cand = pd.DataFrame(_draw(rng, 3_000, TRUE_U))
    matches = pd.DataFrame(_draw(rng, 600, TRUE_M))
    candidates = pd.concat([cand, matches], ignore_index=True)
    # reference pairs: alike names (name exact), different businesses, same town 60% of the time
    n_ref = 2_000
    reference = pd.DataFrame(
        {
            "name": np.zeros(n_ref, dtype=np.int8),
            "phone": np.ones(n_ref, dtype=np.int8),
            "email": np.full(n_ref, MISSING, dtype=np.int8),
            "place": (rng.random(n_ref) >= 0.6).astype(np.int8),
        }
    )
    # as in a registry: the candidates are a sliver of all pairs (3,000 records)
    fitted = fit(candidates, spec, total_pairs=4_498_500, n_records=3_000, reference=reference)
    place = fitted.comparison("place")
    assert place.u_table("exact")[0] == pytest.approx(0.6, abs=0.05)
    assert place.u_table()[0] == TRUE_U["place"][0]
    weights = field_weights(
        pd.DataFrame(
            {"name": [0, 2], "phone": [MISSING] * 2, "email": [MISSING] * 2, "place": [0, 0]}
        ),
        fitted,
    )
    place_bits_alike, place_bits_unalike = weights[:, 3]
    assert place_bits_alike < place_bits_unalike
