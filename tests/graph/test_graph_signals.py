"""Graph signals: oracle checks, hand-computed rates, no leakage past as_of."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.errors import ValidationError
from matchmaker.graph.signals import (
    ALL_GRAPH_FEATURES,
    GRAPH_FEATURES,
    GraphSignalConfig,
    graph_pair_features,
)

from .factories import T0, registry


def _all_pairs(reg: Any) -> pd.DataFrame:
    sup = reg.suppliers["supplier_id"].tolist()
    imr = reg.imers["imer_id"].tolist()
    return pd.DataFrame([(s, i) for i in imr for s in sup], columns=["supplier_id", "imer_id"])


def _random_registry(seed: int, n_s: int = 7, n_i: int = 6, n_e: int = 18) -> Any:
    rng = np.random.default_rng(seed)
    sup = [f"S{k}" for k in range(n_s)]
    imr = [f"I{k}" for k in range(n_i)]
    statuses = ["proposed", "accepted", "declined", "active", "ended"]
    rows = []
    for k in range(n_e):
        extra: dict[str, Any] = {}
        status = str(rng.choice(statuses))
        if status == "ended" and rng.random() < 0.7:
            extra["rating"] = float(rng.integers(1, 6))
        rows.append((str(rng.choice(sup)), str(rng.choice(imr)), status, k, extra))
    return registry(sup, imr, rows)


def _dense_oracle(
    reg: Any, cfg: GraphSignalConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], list[str]]:
    """Walk and co-partnership scores with dense matrices and loops."""
    from matchmaker.graph.build import summarise_pairs
    from matchmaker.graph.signals import pair_weights

    summ = summarise_pairs(reg.events)
    w = pair_weights(summ, cfg)
    sup = sorted(reg.suppliers["supplier_id"])
    imr = sorted(reg.imers["imer_id"])
    a = np.zeros((len(imr), len(sup)))
    for (s, i), wt in zip(zip(summ["supplier_id"], summ["imer_id"], strict=True), w, strict=True):
        if wt > 0:
            a[imr.index(i), sup.index(s)] = wt

    def rownorm(m: np.ndarray) -> np.ndarray:
        r = m.sum(axis=1, keepdims=True)
        out: np.ndarray = np.divide(m, r, out=np.zeros_like(m), where=r > 0)
        return out

    wis, wsi = rownorm(a), rownorm(a.T)
    alpha = cfg.restart

    def walk(forward: np.ndarray, back: np.ndarray) -> np.ndarray:
        total = np.zeros_like(forward)
        step = forward.copy()
        for hop in range(1, cfg.hops + 1):
            if hop > 1:
                step = step @ back @ forward
            total += alpha * (1 - alpha) ** (2 * hop - 1) * step
        return total

    rwr = walk(wis, wsi)
    reverse = walk(wsi, wis).T
    b = (a > 0).astype(float)
    cooc = np.zeros_like(a)
    for i in range(len(imr)):
        for s in range(len(sup)):
            total = 0.0
            for s2 in range(len(sup)):
                if s2 == s or b[i, s2] == 0:
                    continue
                u, v = b[:, s], b[:, s2]
                if u.any() and v.any():
                    total += float(u @ v / np.sqrt(u @ u) / np.sqrt(v @ v))
            cooc[i, s] = total
    return rwr, reverse, cooc, sup, imr


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("hops", [1, 2, 3])
def test_walk_and_cooccurrence_match_dense_oracle(seed: int, hops: int) -> None:
    reg = _random_registry(seed)
    cfg = GraphSignalConfig(hops=hops, chunk_size=2)
    pairs = _all_pairs(reg)
    feats = graph_pair_features(reg, pairs, config=cfg, features=ALL_GRAPH_FEATURES)
    rwr, reverse, cooc, sup, imr = _dense_oracle(reg, cfg)
    # Suppliers reachable in the positive graph = suppliers with a positive edge.
    from matchmaker.graph.build import summarise_pairs
    from matchmaker.graph.signals import pair_weights

    summ = summarise_pairs(reg.events)
    good = summ.loc[pair_weights(summ, cfg) > 0]
    n_active = max(len(set(good["supplier_id"])), 1)
    n_active_imers = max(len(set(good["imer_id"])), 1)
    for row in feats.itertuples():
        i, s = imr.index(str(row.imer_id)), sup.index(str(row.supplier_id))
        assert row.graph_rwr == pytest.approx(np.log1p(rwr[i, s] * n_active), abs=1e-12)
        assert row.graph_cooccur == pytest.approx(np.log1p(cooc[i, s]), abs=1e-12)
        assert row.graph_rwr_reverse == pytest.approx(
            np.log1p(reverse[i, s] * n_active_imers), abs=1e-12
        )


def test_batch_equals_single_and_order_is_kept() -> None:
    reg = _random_registry(3)
    pairs = _all_pairs(reg).sample(frac=1.0, random_state=1)
    pairs.index = pd.Index(range(100, 100 + len(pairs)))
    batch = graph_pair_features(reg, pairs, features=ALL_GRAPH_FEATURES)
    assert list(batch.index) == list(pairs.index)
    assert list(batch["supplier_id"]) == list(pairs["supplier_id"])
    assert list(batch["imer_id"]) == list(pairs["imer_id"])
    assert tuple(c for c in batch.columns if c.startswith("graph_")) == ALL_GRAPH_FEATURES
    for k in (0, 7, len(pairs) - 1):
        single = graph_pair_features(reg, pairs.iloc[[k]], features=ALL_GRAPH_FEATURES)
        pd.testing.assert_frame_equal(single, batch.iloc[[k]])
    assert np.isfinite(batch[list(ALL_GRAPH_FEATURES)].to_numpy()).all()
    # The default set is a subset, same values, in its own order.
    default = graph_pair_features(reg, pairs)
    assert tuple(c for c in default.columns if c.startswith("graph_")) == GRAPH_FEATURES
    pd.testing.assert_frame_equal(default, batch[["supplier_id", "imer_id", *GRAPH_FEATURES]])
    chosen = graph_pair_features(reg, pairs, features=["graph_pair_past", "graph_rwr"])
    assert list(chosen.columns) == ["supplier_id", "imer_id", "graph_pair_past", "graph_rwr"]


def test_hand_computed_rates_load_and_pair_history() -> None:
    # S1: accepted with I1 (then active, 30 units), declined by I2, active with I3 (50 units).
    # S2: declined with I1.  Overall: decided 4, accepted 2 -> prior 0.5.
    reg = registry(
        [{"supplier_id": "S1", "monthly_capacity_units": 100.0}, "S2"],
        ["I1", "I2", "I3"],
        [
            ("S1", "I1", "proposed", 1),
            ("S1", "I1", "accepted", 2),
            ("S1", "I1", "active", 3, {"monthly_units": 30.0}),
            ("S1", "I2", "proposed", 4),
            ("S1", "I2", "declined", 5),
            ("S1", "I3", "active", 6, {"monthly_units": 50.0}),
            ("S2", "I1", "proposed", 7),
            ("S2", "I1", "declined", 8),
            ("S2", "I3", "ended", 9, {"rating": 5.0, "supplier_rating": 2.0}),
        ],
    )
    # The ended S2-I3 pair counts as accepted too: decided 5, accepted 3 -> prior 0.6.
    cfg = GraphSignalConfig(shrinkage=2.0)
    pairs = pd.DataFrame(
        {"supplier_id": ["S1", "S2", "S2", "S9"], "imer_id": ["I2", "I1", "I3", "I9"]}
    )
    f = graph_pair_features(reg, pairs, config=cfg, features=ALL_GRAPH_FEATURES).set_index(
        ["supplier_id", "imer_id"]
    )
    assert f.loc[("S1", "I2"), "graph_supplier_accept_rate"] == pytest.approx((2 + 2 * 0.6) / 5)
    assert f.loc[("S2", "I1"), "graph_supplier_accept_rate"] == pytest.approx((1 + 2 * 0.6) / 4)
    assert f.loc[("S9", "I9"), "graph_supplier_accept_rate"] == pytest.approx(0.6)
    assert f.loc[("S1", "I2"), "graph_supplier_active"] == 2.0
    assert f.loc[("S1", "I2"), "graph_supplier_load"] == pytest.approx(0.8)
    # S2 has no capacity: takes the median of known loads (only S1's 0.8).
    assert f.loc[("S2", "I1"), "graph_supplier_load"] == pytest.approx(0.8)
    # Ratings: S2 got a 5 from I3; prior mean of Imer ratings is 5 (only one).
    assert f.loc[("S2", "I3"), "graph_supplier_rating"] == pytest.approx(5.0)
    # I3 was rated 2 by S2: the prior is 2 as well (only one rating).
    assert f.loc[("S2", "I3"), "graph_imer_rating"] == pytest.approx(2.0)
    # I1: S1 accepted, S2 declined -> decided 2, accepted 1.
    assert f.loc[("S2", "I1"), "graph_imer_success"] == pytest.approx((1 + 2 * 0.6) / 4)
    assert f.loc[("S2", "I1"), "graph_imer_active"] == 1.0
    assert f.loc[("S2", "I1"), "graph_pair_declined"] == 1.0
    assert f.loc[("S2", "I3"), "graph_pair_past"] == 1.0
    assert f.loc[("S2", "I3"), "graph_pair_declined"] == 0.0
    # Unknown ids: neutral values, nothing raised.
    assert f.loc[("S9", "I9"), "graph_rwr"] == 0.0
    assert f.loc[("S9", "I9"), "graph_supplier_active"] == 0.0


def test_collaborative_evidence_points_at_the_right_supplier() -> None:
    # I1 and I2 both work well with S1; I2 also with S2. S3 only with an unrelated I3.
    reg = registry(
        ["S1", "S2", "S3"],
        ["I1", "I2", "I3"],
        [
            ("S1", "I1", "active", 1),
            ("S1", "I2", "active", 2),
            ("S2", "I2", "active", 3),
            ("S3", "I3", "active", 4),
        ],
    )
    pairs = pd.DataFrame({"supplier_id": ["S2", "S3"], "imer_id": ["I1", "I1"]})
    f = graph_pair_features(reg, pairs)
    rwr = f["graph_rwr"].to_numpy(dtype=float)
    cooc = f["graph_cooccur"].to_numpy(dtype=float)
    assert rwr[0] > 0.0
    assert rwr[1] == 0.0
    assert cooc[0] > cooc[1] == 0.0


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), cut=st.integers(0, 20))
def test_no_leakage_events_from_as_of_on_change_nothing(seed: int, cut: int) -> None:
    reg = _random_registry(seed, n_e=20)
    as_of = T0 + timedelta(days=cut)
    pairs = _all_pairs(reg)
    every = ALL_GRAPH_FEATURES
    with_future = graph_pair_features(reg, pairs, as_of=as_of, features=every)
    past_only = reg.events.loc[pd.to_datetime(reg.events["at"], utc=True) < as_of]
    truncated = type(reg)(suppliers=reg.suppliers, imers=reg.imers, events=past_only)
    pd.testing.assert_frame_equal(
        with_future, graph_pair_features(truncated, pairs, features=every)
    )


def test_bad_input_is_refused() -> None:
    reg = _random_registry(0)
    with pytest.raises(ValidationError, match="imer_id"):
        graph_pair_features(reg, pd.DataFrame({"supplier_id": ["S1"]}))
    with pytest.raises(ValidationError, match="restart"):
        GraphSignalConfig(restart=1.0)
    with pytest.raises(ValidationError, match="graph_pagerank"):
        graph_pair_features(reg, _all_pairs(reg), features=["graph_pagerank"])
