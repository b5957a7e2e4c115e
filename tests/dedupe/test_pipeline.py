"""The whole pipeline on planted duplicates, the import-time comparison and the review queue."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matchmaker.dedupe import (
    PAIR_COLUMNS,
    accept_review,
    dedupe_store,
    find_duplicates,
    find_similar_existing,
    list_reviews,
    reject_review,
)
from matchmaker.dedupe.synthetic import PlantedRegistry, plant_duplicates
from matchmaker.errors import ConflictError
from matchmaker.store import Store


@pytest.fixture(scope="module")
def planted() -> PlantedRegistry:
    return plant_duplicates(3_000, seed=11)


def _f1(pred: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(pred & truth)
    p = tp / max(len(pred), 1)
    r = tp / max(len(truth), 1)
    return p, r, 2 * p * r / max(p + r, 1e-12)


def test_planted_duplicates_are_found(planted: PlantedRegistry) -> None:
    reg = planted
    result = find_duplicates(reg.frame, reg.contacts)
    truth = reg.true_pairs()
    pairs = result.pairs()
    p, r, f1 = _f1(set(zip(pairs["id_a"], pairs["id_b"], strict=True)), truth)
    # a sanity floor on a small registry; the benchmark measures the real numbers
    assert p > 0.9 and r > 0.85 and f1 > 0.88
    assert result.model.fitted
    assert result.stats["records"] == len(reg.frame)


def test_pairs_table_is_the_contract_and_holds_no_personal_data(planted: PlantedRegistry) -> None:
    reg = planted
    result = find_duplicates(reg.frame, reg.contacts)
    table = result.pairs()
    assert tuple(table.columns[:3]) == PAIR_COLUMNS
    assert (table["id_a"] < table["id_b"]).all()
    assert table["score"].between(0, 1).all()
    assert table["score"].is_monotonic_decreasing
    assert set(table["decision"]) <= {"merge", "review"}
    assert (table.loc[table["decision"] == "merge", "score"] >= result.model.high).all()
    allowed = {"id_a", "id_b", "score", "decision"}
    for col in table.columns:
        assert col in allowed or col.endswith(("_level", "_bits")), col
    # no phone, e-mail or name value appears anywhere in the table
    text = table.to_csv(index=False)
    for value in reg.contacts["phone"].dropna().head(200):
        assert str(value) not in text
    for value in reg.frame["name"].head(200):
        assert str(value) not in text


def test_results_do_not_depend_on_row_order(planted: PlantedRegistry) -> None:
    reg = planted
    frame = reg.frame.iloc[:800]
    contacts = reg.contacts
    a = find_duplicates(frame, contacts).pairs()
    b = find_duplicates(frame.sample(frac=1.0, random_state=3), contacts.iloc[::-1]).pairs()
    pd.testing.assert_frame_equal(a, b)


def test_new_rows_are_compared_with_the_registry(planted: PlantedRegistry) -> None:
    reg = planted
    truth = reg.truth
    copies = truth[truth["copy"] == 1]["id"].head(60).tolist()
    frame = reg.frame
    existing = frame[~frame["supplier_id"].isin(copies)]
    new = frame[frame["supplier_id"].isin(copies)]
    contacts = reg.contacts
    similar = find_similar_existing(
        (existing, contacts[contacts["profile_id"].isin(existing["supplier_id"])]),
        new,
        contacts[contacts["profile_id"].isin(copies)],
    )
    assert list(similar.columns) == ["new_id", "existing_id", "score"]
    entity = dict(zip(truth["id"], truth["entity_id"], strict=True))
    assert set(similar["new_id"]) <= set(copies)
    assert set(similar["existing_id"]).isdisjoint(copies)
    right = [
        entity[a] == entity[b]
        for a, b in zip(similar["new_id"], similar["existing_id"], strict=True)
    ]
    assert np.mean(right) > 0.9
    assert len(set(similar["new_id"])) > 0.8 * len(copies)
    # an id that is already stored is an update, not a duplicate of itself
    again = find_similar_existing((frame, contacts), frame.head(5), contacts)
    assert not (again["new_id"] == again["existing_id"]).any()


def test_small_inputs_do_not_fail() -> None:
    reg = plant_duplicates(3, seed=1)
    for n in (0, 1, 3):
        result = find_duplicates(reg.frame.iloc[:n], reg.contacts)
        assert list(result.pairs().columns[:3]) == list(PAIR_COLUMNS)


def test_review_queue_and_automatic_merging(sqlite_store: Store) -> None:
    store = sqlite_store
    reg = plant_duplicates(400, seed=5)
    store.upsert_suppliers(reg.frame, reg.contacts[["profile_id", "phone", "email"]])
    report = dedupe_store(store, "suppliers")
    assert report.merges == []
    queue = list_reviews(store, "suppliers")
    assert len(queue) == report.queued == len(report.pairs) > 0
    first, second = queue["review_id"].iloc[0], queue["review_id"].iloc[1]
    reject_review(store, int(first), actor="staff:ana", note="two shops")
    with pytest.raises(ConflictError, match="already rejected"):
        accept_review(store, int(first))
    record = accept_review(store, int(second), actor="staff:ana")
    assert record is not None
    assert record.survivor_id in store.supplier_ids()
    # running again neither re-queues decided pairs nor merges the rejected one
    rejected = tuple(queue.loc[queue["review_id"] == first, ["id_a", "id_b"]].iloc[0])
    again = dedupe_store(store, "suppliers", auto_merge=True)
    merged_sets = [{r.survivor_id, *r.member_ids} for r in again.merges]
    assert not any(set(rejected) <= s for s in merged_sets)
    statuses = list_reviews(store, "suppliers", status=None).set_index("review_id")["status"]
    assert statuses[first] == "rejected"
    assert statuses[second] == "merged"
    assert len(again.merges) > 0
    assert store.counts()["suppliers"] < len(reg.frame)
