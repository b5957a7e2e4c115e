"""The reciprocal scorer (gradient, learning, prior) and candidate retrieval (oracle)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import check_grad
from scipy.special import expit

from matchmaker.errors import NotFittedError, ValidationError
from matchmaker.features import SIGNAL_NAMES
from matchmaker.ranking import CandidateIndex, ReciprocalScorer, build_embeddings
from matchmaker.ranking.scorer import ReciprocalObjective, log1mexp

N_FEAT = len(SIGNAL_NAMES)
COL = {n: k for k, n in enumerate(SIGNAL_NAMES)}


def _planted(n=4000, seed=0):
    """Good pairs need category match (Imer side) and volume over MOQ (supplier side)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, N_FEAT))
    a = -0.5 + 2.0 * x[:, COL["category_match"]]
    b = 0.5 + 1.5 * x[:, COL["volume_vs_moq"]]
    good = rng.random(n) < expit(a) * expit(b)
    accepted = np.where(rng.random(n) < 0.5, (rng.random(n) < expit(b)).astype(float), np.nan)
    return x, good, accepted


def test_log1mexp_is_accurate():
    x = np.array([-1e-10, -0.1, -0.7, -5.0, -50.0])
    np.testing.assert_allclose(log1mexp(x), np.log(-np.expm1(x)), rtol=1e-9, atol=1e-15)
    assert log1mexp(np.array([-50.0]))[0] == pytest.approx(-np.exp(-50.0), rel=1e-9)


def test_learns_each_side_of_a_planted_reciprocal_signal():
    x, good, accepted = _planted()
    scorer = ReciprocalScorer(l2=1.0).fit(x, good, accepted=accepted)
    wa = dict(zip(scorer.imer_.features, scorer.imer_.weights, strict=True))
    wb = dict(zip(scorer.supplier_.features, scorer.supplier_.weights, strict=True))
    assert wa["category_match"] > 1.0
    assert wb["volume_vs_moq"] > 0.8
    # noise features stay small
    assert abs(wa["distance_home"]) < 0.3
    assert scorer.fitted_on_history_ and scorer.n_train_ == len(x)
    # and the score ranks good pairs higher
    s = scorer.log_score(x)
    assert s[good].mean() > s[~good].mean()


def test_the_objective_gradient_is_exact():
    rng = np.random.default_rng(1)
    n, na, nb = 300, 7, 5
    good = (rng.random(n) < 0.3).astype(float)
    accepted = (rng.random(n) < 0.7).astype(float)
    objective = ReciprocalObjective(
        za=rng.normal(size=(n, na)), zb=rng.normal(size=(n, nb)), good=good,
        weight=rng.uniform(0.5, 1.5, n), accepted=accepted,
        accept_weight=np.where(rng.random(n) < 0.5, 1.0, 0.0),
        prior_a=rng.normal(size=na), prior_b=rng.normal(size=nb), l2=0.7,
    )  # fmt: skip
    for seed in range(3):
        theta = np.random.default_rng(seed).normal(scale=0.5, size=objective.size)
        err = check_grad(lambda t: objective(t)[0], lambda t: objective(t)[1], theta)
        assert err < 1e-4 * max(1.0, float(np.linalg.norm(objective(theta)[1])))


def test_strong_l2_keeps_the_prior():
    x, good, accepted = _planted(n=500)
    prior = ReciprocalScorer().prior(x)
    shrunk = ReciprocalScorer(l2=1e6).fit(x, good, accepted=accepted)
    np.testing.assert_allclose(shrunk.imer_.weights, prior.imer_.weights, atol=1e-3)
    np.testing.assert_allclose(shrunk.supplier_.weights, prior.supplier_.weights, atol=1e-3)


def test_state_round_trip_and_errors():
    x, good, accepted = _planted(n=500)
    scorer = ReciprocalScorer().fit(x, good, accepted=accepted)
    again = ReciprocalScorer.from_dict(scorer.to_dict())
    np.testing.assert_allclose(again.log_score(x), scorer.log_score(x))
    with pytest.raises(NotFittedError):
        ReciprocalScorer().log_score(x)
    with pytest.raises(ValidationError, match="shape"):
        ReciprocalScorer().fit(x[:, :3], good)
    bad = x.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValidationError, match="NaN"):
        ReciprocalScorer().fit(bad, good)


def test_build_embeddings_reproduces_the_weighted_sum():
    from matchmaker.features import Factor

    rng = np.random.default_rng(0)
    f1 = Factor("category_match", "q", rng.normal(size=(5, 3)).astype(np.float32), "k1",
                rng.normal(size=(7, 3)).astype(np.float32))  # fmt: skip
    f2 = Factor("shared_categories", "q", f1.imer, "k2",
                rng.normal(size=(7, 3)).astype(np.float32))  # fmt: skip
    f3 = Factor("supplier_rating", "one", np.ones((5, 1), np.float32), "r",
                rng.normal(size=(7, 1)).astype(np.float32))  # fmt: skip
    w = {"category_match": 2.0, "shared_categories": -1.0, "supplier_rating": 0.5}
    q, k = build_embeddings([f1, f2, f3], w)
    expected = sum(w[f.signal] * (f.imer @ f.supplier.T) for f in (f1, f2, f3))
    np.testing.assert_allclose(q @ k.T, expected, rtol=1e-5, atol=1e-5)
    assert q.shape[1] == 4  # the two factors sharing the Imer vector were merged


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 12),
    st.integers(1, 40),
    st.integers(1, 10),
    st.integers(0, 10_000),
    st.booleans(),
)
def test_search_equals_brute_force(n_q, n_items, n, seed, block):
    rng = np.random.default_rng(seed)
    queries = rng.normal(size=(n_q, 4)).astype(np.float32)
    items = rng.normal(size=(n_items, 4)).astype(np.float32)
    members = (rng.random((n_items, 5)) < 0.4).astype(np.float32)
    primary = np.array([int(np.flatnonzero(r)[0]) if r.any() else -1 for r in members])
    qblocks = (rng.random((n_q, 5)) < 0.5).astype(np.float32)
    allowed = rng.random(n_items) < 0.8
    index = CandidateIndex(queries, items, qblocks, members, primary, block=block)
    qq, it = index.search(np.arange(n_q), n, allowed=allowed)
    scores = queries @ items.T
    for q in range(n_q):
        got = set(it[qq == q].tolist())
        in_block = (members[:, qblocks[q] > 0].sum(axis=1) > 0) if block else np.ones(n_items, bool)
        pool = np.flatnonzero(allowed & in_block)
        if block and len(pool) < n:  # topped up from outside the block
            outside = np.flatnonzero(allowed & ~in_block)
            need = n - len(pool)
            extra = outside[np.argsort(-scores[q, outside], kind="stable")[:need]]
            assert set(pool.tolist()) <= got
            assert len(got) == min(n, int(allowed.sum()))
            # the top-up picks the best outside items (up to ties)
            assert min(scores[q, list(got - set(pool.tolist()))], default=np.inf) >= (
                scores[q, extra].min() - 1e-5 if len(extra) else -np.inf
            )
            continue
        assert got <= set(pool.tolist())
        expected = pool[np.argsort(-scores[q, pool], kind="stable")[:n]]
        # same scores (the set may differ only among exact ties)
        np.testing.assert_allclose(
            np.sort(scores[q, list(got)]), np.sort(scores[q, expected]), rtol=1e-5
        )


def test_search_excludes_given_items():
    rng = np.random.default_rng(3)
    q = rng.normal(size=(2, 3)).astype(np.float32)
    items = rng.normal(size=(6, 3)).astype(np.float32)
    ones = np.ones((6, 2), np.float32)
    index = CandidateIndex(q, items, np.ones((2, 2)), ones, np.zeros(6, np.int64))
    qq, it = index.search(np.array([0, 1]), 6, exclude={0: np.array([1, 4])})
    assert set(it[qq == 0].tolist()) == {0, 2, 3, 5}
    assert set(it[qq == 1].tolist()) == set(range(6))


def test_compression_is_exact_at_full_rank_and_close_below():
    from matchmaker.ranking import compress_embeddings, compression_transforms

    rng = np.random.default_rng(5)
    # scores of true rank 6 embedded in 20 dimensions
    q = (rng.normal(size=(300, 6)) @ rng.normal(size=(6, 20))).astype(np.float32)
    k = rng.normal(size=(500, 20)).astype(np.float32)
    q6, k6 = compress_embeddings(q, k, 8)
    assert q6.shape[1] <= 8
    np.testing.assert_allclose(q6 @ k6.T, q @ k.T, rtol=1e-3, atol=1e-3)
    q3, k3 = compress_embeddings(q, k, 3)
    err3 = np.linalg.norm(q3 @ k3.T - q @ k.T)
    q5, k5 = compress_embeddings(q, k, 5)
    err5 = np.linalg.norm(q5 @ k5.T - q @ k.T)
    assert err5 < err3 < np.linalg.norm(q @ k.T)
    assert compression_transforms(q, k, 64) is None  # nothing to compress
