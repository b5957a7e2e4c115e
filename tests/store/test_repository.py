"""The store on SQLite and PostgreSQL: upserts, contacts apart, append-only events."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from matchmaker.errors import ConflictError, NotFoundError, ValidationError
from matchmaker.schema import IMER_COLUMNS, SUPPLIER_COLUMNS
from matchmaker.store import NewEvent, Store
from tests.factories import imer, imers_frame, supplier, suppliers_frame


def _seed(store: Store) -> None:
    store.upsert_suppliers(suppliers_frame(supplier("S1"), supplier("S2", dropship=False)))
    store.upsert_imers(imers_frame(imer("I1"), imer("I2", stage="survivor")))


def test_init_is_idempotent(store: Store) -> None:
    store.init()
    store.init()
    assert store.counts() == {"suppliers": 0, "imers": 0, "events": 0}


def test_upsert_round_trip_and_idempotence(store: Store) -> None:
    frame = suppliers_frame(
        supplier("S1"), supplier("S2", annual_revenue_idr=float("nan"), umkm_class=None, city=None)
    )
    first = store.upsert_suppliers(frame)
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    again = store.upsert_suppliers(frame)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    loaded = store.suppliers()
    assert list(loaded.columns) == list(SUPPLIER_COLUMNS)
    assert loaded["supplier_id"].tolist() == ["S1", "S2"]
    assert loaded.loc[0, "categories"] == ["food"]
    assert math.isnan(loaded.loc[1, "annual_revenue_idr"])
    assert loaded.loc[1, "city"] is None
    assert bool(loaded.loc[0, "dropship"]) is True


def test_update_changes_only_changed_rows(store: Store) -> None:
    store.upsert_imers(imers_frame(imer("I1"), imer("I2")))
    result = store.upsert_imers(imers_frame(imer("I1"), imer("I2", monthly_orders=999.0)))
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 1)
    assert store.imers(["I2"])["monthly_orders"].tolist() == [999.0]
    assert list(store.imers().columns) == list(IMER_COLUMNS)


def test_duplicate_ids_in_one_upsert_are_refused(store: Store) -> None:
    with pytest.raises(ValidationError, match="duplicate supplier_id"):
        store.upsert_suppliers(suppliers_frame(supplier("S1"), supplier("S1")))
    assert store.supplier_ids() == set()


def test_contacts_are_kept_apart_from_profiles(store: Store) -> None:
    contacts = pd.DataFrame({"profile_id": ["S1"], "phone": ["0812-1"], "email": ["a@b.id"]})
    store.upsert_suppliers(suppliers_frame(supplier("S1")), contacts)
    assert "phone" not in store.suppliers().columns
    assert "email" not in store.suppliers().columns
    got = store.contacts("supplier")
    assert got[["profile_id", "phone", "email"]].values.tolist() == [["S1", "0812-1", "a@b.id"]]
    assert store.contacts("imer").empty


def test_events_are_appended_and_state_is_derived(store: Store) -> None:
    _seed(store)
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    store.append_event(NewEvent("S1", "I1", "proposed", actor="I1", at=t0))
    store.append_event(NewEvent("S1", "I1", "accepted", actor="S1", at=t0 + dt.timedelta(days=1)))
    store.append_event(
        NewEvent(
            "S1",
            "I1",
            "active",
            actor="staff",
            at=t0 + dt.timedelta(days=2),
            started_at=dt.date(2025, 1, 3),
        )
    )
    store.append_event(
        NewEvent(
            "S1",
            "I1",
            "ended",
            actor="staff",
            at=t0 + dt.timedelta(days=90),
            ended_at=dt.date(2025, 4, 1),
            monthly_units=120,
            rating=4,
        )
    )
    events = store.events()
    assert events["status"].tolist() == ["proposed", "accepted", "active", "ended"]
    assert events["seq"].tolist() == [1, 2, 3, 4]
    state = store.pair_state("S1", "I1")
    assert state is not None
    assert (state.status, state.seq, state.started_at, state.ended_at) == (
        "ended",
        4,
        dt.date(2025, 1, 3),
        dt.date(2025, 4, 1),
    )
    assert state.monthly_units == 120 and state.rating == 4
    pairs = store.partnerships()
    assert pairs[["supplier_id", "imer_id", "status", "n_events"]].values.tolist() == [
        ["S1", "I1", "ended", 4]
    ]
    assert store.pair_state("S2", "I1") is None


def test_expected_seq_detects_a_concurrent_write(store: Store) -> None:
    _seed(store)
    store.append_event(NewEvent("S1", "I1", "proposed"))
    seen = store.pair_state("S1", "I1")
    assert seen is not None
    store.append_event(NewEvent("S1", "I1", "declined"), expected_seq=seen.seq)
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.append_event(NewEvent("S1", "I1", "accepted"), expected_seq=seen.seq)
    assert store.events()["status"].tolist() == ["proposed", "declined"]


def test_unknown_ids_and_bad_values_are_refused(store: Store) -> None:
    _seed(store)
    with pytest.raises(NotFoundError, match="S9"):
        store.append_event(NewEvent("S9", "I1", "proposed"))
    with pytest.raises(ValidationError, match="unknown partnership status"):
        store.append_event(NewEvent("S1", "I1", "married"))
    with pytest.raises(ValidationError, match="rating"):
        store.append_event(NewEvent("S1", "I1", "ended", rating=7))
    with pytest.raises(NotFoundError):
        store.append_events([NewEvent("S1", "I1", "proposed"), NewEvent("S1", "I404", "proposed")])
    assert store.events().empty


def test_bulk_events_continue_each_pairs_sequence(store: Store) -> None:
    _seed(store)
    store.append_event(NewEvent("S1", "I1", "proposed"))
    n = store.append_events(
        [
            NewEvent("S1", "I1", "declined"),
            NewEvent("S2", "I2", "active"),
            NewEvent("S2", "I2", "ended"),
        ]
    )
    assert n == 3
    ev = store.events()
    assert ev[ev["supplier_id"] == "S1"]["seq"].tolist() == [1, 2]
    assert ev[ev["supplier_id"] == "S2"]["seq"].tolist() == [1, 2]


def test_merged_records_are_hidden_and_their_events_follow_the_survivor(store: Store) -> None:
    _seed(store)
    store.append_event(NewEvent("S2", "I1", "active"))
    store.set_merged_into("supplier", "S2", "S1")
    assert store.supplier_ids() == {"S1"}
    assert store.suppliers()["supplier_id"].tolist() == ["S1"]
    assert store.suppliers(include_merged=True)["supplier_id"].tolist() == ["S1", "S2"]
    assert store.events()["supplier_id"].tolist() == ["S1"]
    assert store.resolve_id("supplier", "S2") == "S1"
    store.append_event(NewEvent("S2", "I2", "proposed"))  # written under the survivor
    assert set(store.partnerships()["supplier_id"]) == {"S1"}
    store.set_merged_into("supplier", "S2", None)
    assert store.supplier_ids() == {"S1", "S2"}
    assert set(store.events()["supplier_id"]) == {"S1", "S2"}
    with pytest.raises(ValidationError):
        store.set_merged_into("supplier", "S1", "S1")


def test_registry_snapshot(store: Store) -> None:
    _seed(store)
    store.append_event(NewEvent("S1", "I2", "proposed"))
    reg = store.registry()
    assert len(reg.suppliers) == 2 and len(reg.imers) == 2
    assert reg.partnerships["status"].tolist() == ["proposed"]
