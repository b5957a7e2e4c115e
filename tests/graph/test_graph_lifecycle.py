"""Partnership lifecycle on the store: every legal and illegal step, concurrency, outcomes."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from matchmaker.errors import ConflictError, NotFoundError, TransitionError, ValidationError
from matchmaker.graph import lifecycle as lc
from matchmaker.store import NewEvent, PairState, Store
from tests.factories import imer, imers_frame, supplier, suppliers_frame

STATES: tuple[str | None, ...] = (None, "proposed", "accepted", "declined", "active", "ended")
TARGETS: tuple[str, ...] = ("proposed", "accepted", "declined", "active", "ended")

# How to bring a fresh pair into each state through legal steps.
PATHS: dict[str | None, tuple[str, ...]] = {
    None: (),
    "proposed": ("proposed",),
    "accepted": ("proposed", "accepted"),
    "declined": ("proposed", "declined"),
    "active": ("proposed", "accepted", "active"),
    "ended": ("proposed", "accepted", "active", "ended"),
}

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def _do(store: Any, target: str, s: str, i: str, *, at: datetime | None = None) -> PairState:
    actor = "staff:desk-1"
    if target == "proposed":
        return lc.propose(store, s, i, actor=actor, at=at, reason="met at event")
    if target == "accepted":
        return lc.accept(store, s, i, actor=actor, at=at)
    if target == "declined":
        return lc.decline(store, s, i, actor=actor, at=at, reason="too far")
    if target == "active":
        return lc.activate(store, s, i, actor=actor, at=at)
    return lc.end(store, s, i, actor=actor, at=at, monthly_units=40.0, rating=4.0)


def _seed(store: Store, n_suppliers: int, n_imers: int = 1) -> None:
    store.upsert_suppliers(suppliers_frame(*[supplier(f"S{k}") for k in range(n_suppliers)]))
    store.upsert_imers(imers_frame(*[imer(f"I{k}") for k in range(n_imers)]))


def test_allowed_transitions_table_is_the_documented_state_machine() -> None:
    assert dict(lc.ALLOWED_TRANSITIONS) == {
        None: frozenset({"proposed"}),
        "proposed": frozenset({"accepted", "declined"}),
        "accepted": frozenset({"active", "declined"}),
        "declined": frozenset({"proposed"}),
        "active": frozenset({"ended"}),
        "ended": frozenset({"proposed"}),
    }
    assert lc.allowed_actions("proposed") == ("accept", "decline")
    assert lc.allowed_actions(None) == ("propose",)


def test_every_legal_and_illegal_transition(store: Store) -> None:
    combos = [(state, target) for state in STATES for target in TARGETS]
    _seed(store, len(combos))
    for k, (state, target) in enumerate(combos):
        s, i = f"S{k}", "I0"
        for step, status in enumerate(PATHS[state]):
            _do(store, status, s, i, at=T0 + timedelta(hours=step))
        before = lc.history(store, s, i)
        when = T0 + timedelta(days=1)
        if target in lc.ALLOWED_TRANSITIONS[state]:
            after = _do(store, target, s, i, at=when)
            assert after.status == target, (state, target)
            assert after.seq == len(before) + 1
            assert after.history == (*PATHS[state], target)
        else:
            with pytest.raises(TransitionError) as info:
                _do(store, target, s, i, at=when)
            message = str(info.value)
            assert f"{s}/{i}" in message
            assert ("no history" if state is None else repr(state)) in message
            for action in lc.allowed_actions(state):
                assert action in message
            # A refused step writes nothing.
            pd.testing.assert_frame_equal(lc.history(store, s, i), before)


def test_refusals_explain_what_to_do(store: Store) -> None:
    _seed(store, 2)
    lc.propose(store, "S0", "I0", actor="imer:I0", at=T0)
    lc.decline(store, "S0", "I0", actor="supplier:S0", at=T0 + timedelta(hours=1))
    with pytest.raises(TransitionError, match="declined pair needs a new proposal"):
        lc.accept(store, "S0", "I0", actor="supplier:S0")
    for step, status in enumerate(PATHS["ended"]):
        _do(store, status, "S1", "I0", at=T0 + timedelta(hours=step))
    with pytest.raises(TransitionError, match="ended partnership cannot be ended again"):
        lc.end(store, "S1", "I0", actor="staff")
    # Both are ConflictErrors too (the API maps them to 409).
    with pytest.raises(ConflictError):
        lc.end(store, "S1", "I0", actor="staff")


def test_full_story_is_kept_and_nothing_overwritten(store: Store) -> None:
    _seed(store, 1)
    steps: list[tuple[Any, dict[str, Any]]] = [
        (lc.propose, {"actor": "imer:I0", "reason": "met at SMESCO"}),
        (lc.decline, {"actor": "supplier:S0", "reason": "MOQ too high"}),
        (lc.propose, {"actor": "staff:desk-2"}),
        (lc.accept, {"actor": "supplier:S0"}),
        (lc.activate, {"actor": "staff:desk-2", "started_at": date(2024, 3, 10)}),
        (
            lc.end,
            {
                "actor": "staff:desk-2",
                "ended_at": date(2024, 6, 30),
                "monthly_units": 120.0,
                "rating": 5.0,
                "supplier_rating": 4.0,
            },
        ),
        (lc.propose, {"actor": "imer:I0", "reason": "again for Ramadan"}),
    ]
    for k, (op, kwargs) in enumerate(steps):
        op(store, "S0", "I0", at=T0 + timedelta(days=k), **kwargs)
    hist = lc.history(store, "S0", "I0")
    assert list(hist["status"]) == [
        "proposed",
        "declined",
        "proposed",
        "accepted",
        "active",
        "ended",
        "proposed",
    ]
    assert list(hist["seq"]) == list(range(1, 8))
    assert list(hist["actor"]) == [kw["actor"] for _, kw in steps]
    assert list(pd.to_datetime(hist["at"], utc=True)) == [
        pd.Timestamp(T0 + timedelta(days=k)) for k in range(7)
    ]
    assert hist.loc[1, "reason"] == "MOQ too high"
    assert hist.loc[4, "started_at"] == date(2024, 3, 10)
    assert hist.loc[5, "ended_at"] == date(2024, 6, 30)
    assert hist.loc[5, "monthly_units"] == 120.0
    assert hist.loc[5, "rating"] == 5.0
    assert hist.loc[5, "supplier_rating"] == 4.0
    state = store.pair_state("S0", "I0")
    assert state is not None and state.status == "proposed"
    # The last outcome stays known after the new proposal.
    assert state.rating == 5.0


def test_unknown_ids_are_not_found(store: Store) -> None:
    _seed(store, 1)
    for target in TARGETS:
        with pytest.raises(NotFoundError, match="S404"):
            _do(store, target, "S404", "I0")
        with pytest.raises(NotFoundError, match="I404"):
            _do(store, target, "S0", "I404")
    with pytest.raises(NotFoundError):
        lc.history(store, "S0", "I404")
    assert lc.history(store, "S0", "I0").empty


def test_bad_inputs_are_refused_before_writing(store: Store) -> None:
    _seed(store, 1)
    with pytest.raises(ValidationError, match="actor"):
        lc.propose(store, "S0", "I0", actor="  ")
    lc.propose(store, "S0", "I0", actor="staff", at=T0)
    with pytest.raises(ValidationError, match="before the last event"):
        lc.accept(store, "S0", "I0", actor="staff", at=T0 - timedelta(minutes=1))
    lc.accept(store, "S0", "I0", actor="staff", at=T0 + timedelta(days=1))
    lc.activate(store, "S0", "I0", actor="staff", at=T0 + timedelta(days=2))
    for kwargs, field in (
        ({"rating": 0.0}, "rating"),
        ({"rating": 6.0}, "rating"),
        ({"supplier_rating": 5.5}, "supplier_rating"),
        ({"monthly_units": -1.0}, "monthly_units"),
        ({"ended_at": date(2024, 2, 1)}, "ended_at"),
    ):
        with pytest.raises(ValidationError, match=field):
            lc.end(store, "S0", "I0", actor="staff", at=T0 + timedelta(days=3), **kwargs)
    assert lc.history(store, "S0", "I0")["status"].tolist() == ["proposed", "accepted", "active"]
    # Naive times are taken as UTC.
    state = lc.end(store, "S0", "I0", actor="staff", at=datetime(2024, 3, 5))
    assert state.status == "ended"


def test_imported_history_continues_through_the_lifecycle(store: Store) -> None:
    _seed(store, 3)
    store.append_events(
        [
            NewEvent("S0", "I0", "active", actor="import", at=T0, source="import"),
            NewEvent("S1", "I0", "ended", actor="import", at=T0, source="import"),
            NewEvent("S2", "I0", "declined", actor="import", at=T0, source="import"),
        ]
    )
    assert lc.end(store, "S0", "I0", actor="staff", rating=3.0).status == "ended"
    with pytest.raises(TransitionError, match="cannot be ended again"):
        lc.end(store, "S1", "I0", actor="staff")
    with pytest.raises(TransitionError, match="new proposal"):
        lc.accept(store, "S2", "I0", actor="staff")
    assert lc.propose(store, "S2", "I0", actor="staff").status == "proposed"


def test_merged_ids_are_followed_to_the_survivor(store: Store) -> None:
    _seed(store, 2)
    store.set_merged_into("supplier", "S1", "S0")
    state = lc.propose(store, "S1", "I0", actor="staff")
    assert (state.supplier_id, state.status) == ("S0", "proposed")
    assert lc.history(store, "S0", "I0")["supplier_id"].tolist() == ["S0"]


class _RacingStore:
    """A store where another writer slips an event in just before our first writes.

    It forwards everything to the real store; on the first ``append_event``
    calls it first appends ``competing`` events through the real store, so
    our write meets a real sequence conflict.
    """

    def __init__(self, real: Store, competing: list[NewEvent]) -> None:
        self.real = real
        self.competing = list(competing)
        self.conflicts = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def append_event(self, ev: NewEvent, *, expected_seq: int | None = None) -> int:
        if self.competing:
            self.real.append_event(self.competing.pop(0))
            try:
                return self.real.append_event(ev, expected_seq=expected_seq)
            except ConflictError:
                self.conflicts += 1
                raise
        return self.real.append_event(ev, expected_seq=expected_seq)


def test_concurrent_write_is_retried_on_the_new_state(store: Store) -> None:
    _seed(store, 2)
    # Someone proposes S0/I0 between our read and our write: our proposal is
    # re-checked against 'proposed' and refused, nothing is lost.
    racing = _RacingStore(store, [NewEvent("S0", "I0", "proposed", actor="imer:I0", at=T0)])
    with pytest.raises(TransitionError, match="open proposal"):
        lc.propose(racing, "S0", "I0", actor="supplier:S0", at=T0 + timedelta(hours=1))
    assert racing.conflicts == 1
    assert lc.history(store, "S0", "I0")["actor"].tolist() == ["imer:I0"]
    # Someone proposes S1/I0 while we accept it: our acceptance lands on top.
    lc.propose(store, "S1", "I0", actor="imer:I0", at=T0)
    racing = _RacingStore(
        store,
        [NewEvent("S1", "I0", "declined", actor="supplier:S1", at=T0 + timedelta(hours=1))],
    )
    with pytest.raises(TransitionError, match="declined"):
        lc.accept(racing, "S1", "I0", actor="staff", at=T0 + timedelta(hours=2))
    assert lc.history(store, "S1", "I0")["status"].tolist() == ["proposed", "declined"]


def test_gives_up_after_bounded_retries(store: Store) -> None:
    _seed(store, 1)
    lc.propose(store, "S0", "I0", actor="imer:I0", at=T0)
    # Another writer keeps re-sending the proposal (raw appends) just before each
    # of our attempts: declining stays allowed, but every write loses the race.
    competing = [
        NewEvent("S0", "I0", "proposed", actor="other", at=T0 + timedelta(minutes=k + 1))
        for k in range(lc.MAX_ATTEMPTS)
    ]
    racing = _RacingStore(store, competing)
    with pytest.raises(ConflictError, match="changed concurrently") as info:
        lc.decline(racing, "S0", "I0", actor="me", at=T0 + timedelta(days=1))
    assert not isinstance(info.value, TransitionError)
    assert racing.conflicts == lc.MAX_ATTEMPTS
    assert "me" not in lc.history(store, "S0", "I0")["actor"].tolist()


def test_threads_racing_on_one_pair_lose_no_event(store: Store) -> None:
    _seed(store, 1)
    ok: list[str] = []
    refused: list[str] = []
    lock = threading.Lock()

    def worker(k: int) -> None:
        for _ in range(4):
            for target in ("proposed", "declined"):
                try:
                    if target == "proposed":
                        lc.propose(store, "S0", "I0", actor=f"w{k}")
                    else:
                        lc.decline(store, "S0", "I0", actor=f"w{k}")
                except TransitionError:
                    with lock:
                        refused.append(target)
                else:
                    with lock:
                        ok.append(target)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    hist = lc.history(store, "S0", "I0")
    # Every successful call left exactly one event, and the story is legal.
    assert len(hist) == len(ok)
    assert sorted(hist["status"]) == sorted(ok)
    assert list(hist["seq"]) == list(range(1, len(hist) + 1))
    previous: str | None = None
    for status in hist["status"]:
        assert status in lc.ALLOWED_TRANSITIONS[previous]
        previous = status
    state = store.pair_state("S0", "I0")
    assert state is not None and state.status == previous
