"""Offline evaluation: metrics by hand, an honest time split, a full run on a small registry."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from matchmaker.errors import ValidationError
from matchmaker.features import days, pair_outcomes
from matchmaker.ranking import RecommenderConfig
from matchmaker.ranking.evaluation import (
    BASELINES,
    concentration,
    evaluate,
    holdout_split,
    ranking_metrics,
    registry_as_of,
)
from tests.ranking.builders import imer, partnership, registry, supplier


def test_ranking_metrics_by_hand():
    m = ranking_metrics([["a", "b", "c"], ["x", "y"]], [{"b", "c"}, {"q"}], k=2)
    ndcg_first = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert m["ndcg"] == pytest.approx(ndcg_first / 2)
    assert m["recall"] == pytest.approx((1 / 2) / 2)
    assert m["mrr"] == pytest.approx((1 / 2) / 2)
    perfect = ranking_metrics([["a", "b"]], [{"a", "b"}], k=2)
    assert perfect == {"ndcg": 1.0, "recall": 1.0, "mrr": 1.0}
    assert ranking_metrics([], [], k=10)["ndcg"] == 0.0


def test_concentration_extremes():
    even = concentration([["a"], ["b"], ["c"], ["d"]], n_items=4)
    assert even["coverage"] == 1.0 and even["gini"] == pytest.approx(0.0)
    one = concentration([["a"]] * 10, n_items=100)
    assert one["coverage"] == pytest.approx(0.01)
    assert one["gini"] > 0.98 and one["top1_share"] == 1.0


def test_registry_as_of_drops_the_future_and_undated_outcomes():
    evs = partnership("S1", "I1", 0, "good", rating=5) + partnership("S2", "I1", 200, "active")
    # an outcome recorded on a running partnership (undated)
    evs[-1]["rating"] = 4.0
    reg = registry([supplier("S1"), supplier("S2")], [imer("I1")], evs)
    cut = pd.Timestamp("2024-04-01", tz="UTC")  # day 91: after S1 ended (day 90)
    past = registry_as_of(reg, cut.to_pydatetime())
    assert (pd.to_datetime(past.events["at"], utc=True) < cut).all()
    assert set(past.partnerships["supplier_id"]) == {"S1"}
    assert past.partnerships["rating"].iloc[0] == 5.0
    later = registry_as_of(reg, pd.Timestamp("2025-01-01", tz="UTC").to_pydatetime())
    assert later.events.loc[later.events["status"] == "active", "rating"].isna().all()


def test_holdout_split_is_by_time_and_marks_relevance():
    evs = (
        partnership("S1", "I1", 0, "good")
        + partnership("S2", "I1", 400, "good")
        + partnership("S3", "I1", 410, "declined")
        + partnership("S1", "I2", 420, "poor")
    )
    reg = registry([supplier(f"S{k}") for k in (1, 2, 3)], [imer("I1"), imer("I2")], evs)
    split = holdout_split(reg, holdout_months=5)  # latest event: day 510 (an end)
    cut = days(split.cutoff)[0]
    o = pair_outcomes(split.train.events)
    assert (o.proposed_at < cut).all()
    test = split.test.set_index(["supplier_id", "imer_id"])["relevant"].to_dict()
    assert test == {("S2", "I1"): True, ("S3", "I1"): False, ("S1", "I2"): False}
    with pytest.raises(ValidationError, match="holdout"):
        holdout_split(reg, holdout_months=0)
    with pytest.raises(ValidationError, match="history"):
        holdout_split(registry([supplier("S1")], [imer("I1")]))


def test_evaluate_reports_every_model_direction_and_segment(synthetic_registry):
    cfg = RecommenderConfig(text_dim=16, exposure_sample=0)
    report = evaluate(synthetic_registry, holdout_months=6, config=cfg, graph_signals=False)
    m = report.metrics
    assert set(m["model"]) == {"engine", *BASELINES}
    assert set(m["direction"]) == {"suppliers", "imers"}
    assert set(m["segment"]) <= {"all", "history", "new", "Imer history", "new Imer"}
    for col in ("ndcg", "recall", "mrr"):
        assert m[col].between(0.0, 1.0).all()
    all_rows = m[m["segment"] == "all"]
    assert (all_rows["queries"] > 0).all()
    assert set(report.catalogue["model"]) == {"engine", *BASELINES}
    assert report.info["test_pairs_relevant"] > 0
    # the random baseline is far below a learned engine on this synthetic market
    eng = all_rows.set_index(["direction", "model"])["ndcg"]
    assert eng[("suppliers", "engine")] > eng[("suppliers", "random")]
    assert isinstance(report.engine_beats_baselines(), bool)
    assert report.to_dict()["info"]["cutoff"] == report.info["cutoff"]
    # the held-out queries are judged only on pairs that start after the cut-off
    split = holdout_split(synthetic_registry, 6)
    first = pair_outcomes(synthetic_registry.events)
    held = set(zip(split.test["supplier_id"], split.test["imer_id"], strict=True))
    starts = dict(
        zip(zip(first.supplier_id, first.imer_id, strict=True), first.proposed_at, strict=True)
    )
    assert all(starts[p] >= days(split.cutoff)[0] for p in held)
    assert np.isfinite(m["ndcg"]).all()
