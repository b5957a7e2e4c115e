"""Merging on SQLite and PostgreSQL: nothing deleted, partnerships follow, undo is exact."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from matchmaker.dedupe import list_merges, merge_records, undo_merge
from matchmaker.dedupe.merge import get_merge
from matchmaker.errors import ConflictError, NotFoundError, ValidationError
from matchmaker.store import NewEvent, Store
from matchmaker.store.tables import Base
from tests.factories import imer, imers_frame, supplier, suppliers_frame

T0 = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)


def _seed(store: Store) -> None:
    store.upsert_suppliers(
        suppliers_frame(
            supplier("S1", name="CV Sumber Rejeki", city="Semarang", categories=["food"]),
            supplier(
                "S2",
                name="Sumber Rezeki, CV",
                city=None,
                categories=["food", "herbal"],
                certifications=["bpom"],
                products="",
                unit_price_idr=float("nan"),
            ),
            supplier("S3", name="Batik Merapi", categories=["fashion"]),
        ),
        pd.DataFrame(
            {
                "profile_id": ["S1", "S2", "S3"],
                "phone": ["0812-3456-7890", "+62 812 3456 7890", None],
                "email": [None, "sumber@example.com", "batik@example.com"],
            }
        ),
    )
    store.upsert_imers(imers_frame(imer("I1"), imer("I2")))
    store.append_events(
        [
            NewEvent("S2", "I1", "proposed", at=T0),
            NewEvent("S2", "I1", "active", at=T0 + dt.timedelta(days=3), monthly_units=40.0),
            NewEvent("S1", "I2", "proposed", at=T0 + dt.timedelta(days=1)),
            NewEvent("S3", "I1", "declined", at=T0 + dt.timedelta(days=2)),
        ]
    )


def _dump(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the registry's tables, exactly as stored."""
    out = {}
    with store.engine.connect() as conn:
        for name in ("suppliers", "imers", "contacts", "partnership_events"):
            table = Base.metadata.tables[name]
            order = list(table.primary_key.columns)
            out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*order)).all()]
    return out


def _frames(store: Store) -> dict[str, pd.DataFrame]:
    reg = store.registry()
    return {
        "suppliers": reg.suppliers,
        "imers": reg.imers,
        "events": reg.events,
        "partnerships": reg.partnerships,
        "all_suppliers": store.suppliers(include_merged=True),
        "contacts": store.contacts("supplier"),
    }


def test_merge_then_undo_restores_the_registry_exactly(store: Store) -> None:
    _seed(store)
    raw_before = _dump(store)
    frames_before = _frames(store)

    record = merge_records(store, "suppliers", ["S2", "S1"], actor="staff:desk-1")
    assert record.survivor_id == "S1"  # more complete
    assert record.member_ids == ("S2",)
    assert set(record.filled) >= {"categories", "certifications"}
    # nothing deleted: every row is still there
    raw_merged = _dump(store)
    assert {k: len(v) for k, v in raw_merged.items()} == {k: len(v) for k, v in raw_before.items()}
    visible = store.suppliers()
    assert visible["supplier_id"].tolist() == ["S1", "S3"]
    survivor = visible.set_index("supplier_id").to_dict("index")["S1"]
    assert survivor["categories"] == ["food", "herbal"]
    assert survivor["certifications"] == ["pirt", "halal", "bpom"]
    assert survivor["city"] == "Semarang"  # the survivor's own value wins

    undone = undo_merge(store, record.merge_id, actor="staff:desk-1")
    assert undone.undone_at is not None and undone.undone_by == "staff:desk-1"
    assert _dump(store) == raw_before
    for name, frame in _frames(store).items():
        pd.testing.assert_frame_equal(frame, frames_before[name], check_like=False)


def test_partnerships_and_history_follow_the_merge(store: Store) -> None:
    _seed(store)
    events_before = _dump(store)["partnership_events"]
    record = merge_records(store, "supplier", ["S1", "S2"])
    pairs = store.partnerships()
    assert set(zip(pairs["supplier_id"], pairs["imer_id"], strict=True)) == {
        ("S1", "I1"), ("S1", "I2"), ("S3", "I1")
    }  # fmt: skip
    moved = pairs[(pairs["supplier_id"] == "S1") & (pairs["imer_id"] == "I1")].to_dict("records")[0]
    assert moved["status"] == "active"
    assert moved["monthly_units"] == 40.0
    assert set(store.events(supplier_id="S1")["imer_id"]) == {"I1", "I2"}
    # the survivor answers for the merged record, and event rows are never rewritten
    assert store.resolve_id("supplier", "S2") == "S1"
    assert _dump(store)["partnership_events"] == events_before
    undo_merge(store, record.merge_id)
    pairs = store.partnerships()
    assert ("S2", "I1") in set(zip(pairs["supplier_id"], pairs["imer_id"], strict=True))


def test_merges_undo_in_reverse_order_and_refuse_conflicts(store: Store) -> None:
    _seed(store)
    raw_before = _dump(store)
    first = merge_records(store, "supplier", ["S1", "S2"])
    with pytest.raises(ConflictError, match="already merged"):
        merge_records(store, "supplier", ["S2", "S3"])
    second = merge_records(store, "supplier", ["S1", "S3"], survivor="S3", reason="same owner")
    assert store.suppliers()["supplier_id"].tolist() == ["S3"]
    assert store.resolve_id("supplier", "S2") == "S3"  # through the chain
    with pytest.raises(ConflictError, match=f"undo merge {second.merge_id} first"):
        undo_merge(store, first.merge_id)
    undo_merge(store, second.merge_id)
    with pytest.raises(ConflictError, match="already undone"):
        undo_merge(store, second.merge_id)
    undo_merge(store, first.merge_id)
    assert _dump(store) == raw_before
    merges = list_merges(store, "suppliers")
    assert merges["merge_id"].tolist() == [second.merge_id, first.merge_id]
    assert merges["undone_at"].notna().all()
    assert get_merge(store, second.merge_id).reason == "same owner"


def test_undo_refuses_to_lose_later_edits_unless_forced(store: Store) -> None:
    _seed(store)
    raw_before = _dump(store)
    record = merge_records(store, "supplier", ["S1", "S2"])
    edited = store.suppliers(["S1"])
    edited.loc[0, "products"] = "keripik tempe"
    store.upsert_suppliers(edited)
    with pytest.raises(ConflictError, match="changed after merge"):
        undo_merge(store, record.merge_id)
    undo_merge(store, record.merge_id, force=True)
    assert _dump(store) == raw_before


def test_merge_input_errors(store: Store) -> None:
    _seed(store)
    with pytest.raises(ValidationError, match="at least two"):
        merge_records(store, "supplier", ["S1", "S1"])
    with pytest.raises(ValidationError, match="survivor"):
        merge_records(store, "supplier", ["S1", "S2"], survivor="S3")
    with pytest.raises(NotFoundError, match="S9"):
        merge_records(store, "supplier", ["S1", "S9"])
    with pytest.raises(ValidationError, match="kind"):
        merge_records(store, "people", ["S1", "S2"])
    with pytest.raises(NotFoundError, match="no merge 99"):
        undo_merge(store, 99)


def test_imers_merge_and_their_partnerships_follow(store: Store) -> None:
    _seed(store)
    raw_before = _dump(store)
    record = merge_records(store, "imers", ["I1", "I2"], survivor="I2", actor="staff")
    assert store.imer_ids() == {"I2"}
    pairs = store.partnerships()
    assert set(zip(pairs["supplier_id"], pairs["imer_id"], strict=True)) == {
        ("S2", "I2"), ("S1", "I2"), ("S3", "I2")
    }  # fmt: skip
    undo_merge(store, record.merge_id)
    assert _dump(store) == raw_before
