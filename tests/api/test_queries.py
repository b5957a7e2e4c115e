"""The request path's fast pair-status query agrees with the store's derivation."""

from __future__ import annotations

import datetime as dt

import pytest

from api.queries import current_statuses
from matchmaker.graph import lifecycle
from matchmaker.store import NewEvent, Store
from tests.api.conftest import seed_registry


def _oracle(store: Store, kind: str, profile_id: str) -> dict[str, str]:
    pairs = store.partnerships()
    own, other = ("imer_id", "supplier_id") if kind == "imer" else ("supplier_id", "imer_id")
    mine = pairs[pairs[own] == profile_id]
    return {str(o): str(s) for o, s in zip(mine[other], mine["status"], strict=True)}


def test_current_statuses_match_derived_partnerships(store: Store) -> None:
    seed_registry(store)
    actor = "staff:test"
    lifecycle.propose(store, "S1", "I1", actor=actor)
    lifecycle.accept(store, "S1", "I1", actor=actor)
    lifecycle.activate(store, "S1", "I1", actor=actor)
    lifecycle.propose(store, "S2", "I1", actor=actor)
    lifecycle.decline(store, "S2", "I1", actor=actor)
    lifecycle.propose(store, "S3", "I2", actor=actor)
    # Imported history with an older timestamp than a later-numbered event.
    store.append_events(
        [
            NewEvent("S1", "I2", "active", at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)),
            NewEvent("S1", "I2", "ended", at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC)),
        ]
    )
    for kind, ident in (("imer", "I1"), ("imer", "I2"), ("supplier", "S1"), ("imer", "I3")):
        assert current_statuses(store, kind, ident) == _oracle(store, kind, ident)  # type: ignore[arg-type]
    assert current_statuses(store, "imer", "I1") == {"S1": "active", "S2": "declined"}

    # After a merge both the events of the merged record and the survivor's count.
    store.set_merged_into("supplier", "S2", "S3")
    store.set_merged_into("imer", "I2", "I1")
    got = current_statuses(store, "imer", "I1")
    assert got == _oracle(store, "imer", "I1")
    assert set(got) == {"S1", "S3"}
    assert current_statuses(store, "supplier", "S3") == _oracle(store, "supplier", "S3")


def test_store_merged_map_follows_chains(store: Store) -> None:
    seed_registry(store)
    assert store.merged_map("supplier") == {}
    store.set_merged_into("supplier", "S2", "S3")
    store.set_merged_into("supplier", "S3", "S1")  # a chain: S2 -> S3 -> S1
    store.set_merged_into("imer", "I3", "I2")
    assert store.merged_map("supplier") == {"S2": "S1", "S3": "S1"}
    assert store.merged_map("imer") == {"I3": "I2"}


def test_pair_statuses_resolve_merged_ids_and_refuse_unknown_ones(store: Store) -> None:
    from api.queries import pair_statuses
    from matchmaker.errors import NotFoundError

    seed_registry(store)
    actor = "staff:test"
    lifecycle.propose(store, "S1", "I2", actor=actor)
    lifecycle.accept(store, "S1", "I2", actor=actor)
    lifecycle.activate(store, "S1", "I2", actor=actor)
    lifecycle.propose(store, "S2", "I1", actor=actor)
    store.set_merged_into("imer", "I3", "I2")
    store.set_merged_into("imer", "I2", "I1")  # a chain: I3 -> I2 -> I1
    for asked in ("I1", "I2", "I3"):
        resolved, statuses = pair_statuses(store, "imer", asked)
        assert resolved == "I1" == store.resolve_id("imer", asked)
        assert statuses == _oracle(store, "imer", "I1") == {"S1": "active", "S2": "proposed"}
    with pytest.raises(NotFoundError, match="I-nobody"):
        pair_statuses(store, "imer", "I-nobody")


@pytest.mark.parametrize("seed", range(6))
def test_pair_statuses_agree_with_the_store_after_random_histories_and_merges(
    store: Store, seed: int
) -> None:
    """Random event histories (out-of-order times included), then random merge
    chains on both sides: every id, merged or not, gets the store's answer."""
    import random

    from api.queries import pair_statuses

    rng = random.Random(seed)
    seed_registry(store)
    sides = {"supplier": ["S1", "S2", "S3"], "imer": ["I1", "I2", "I3"]}
    statuses = ["proposed", "accepted", "active", "ended", "declined"]
    store.append_events(
        NewEvent(
            rng.choice(sides["supplier"]),
            rng.choice(sides["imer"]),
            rng.choice(statuses),
            at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=rng.randrange(60)),
        )
        for _ in range(rng.randrange(4, 20))
    )
    for kind, ids in sides.items():
        order = ids[:]
        rng.shuffle(order)
        # Each record merged into a later one (or not): chains, never cycles.
        for i, ident in enumerate(order[:-1]):
            if rng.random() < 0.6:
                store.set_merged_into(kind, ident, rng.choice(order[i + 1 :]))  # type: ignore[arg-type]
    for kind, ids in sides.items():
        for asked in ids:
            resolved = store.resolve_id(kind, asked)  # type: ignore[arg-type]
            assert pair_statuses(store, kind, asked) == (  # type: ignore[arg-type]
                resolved,
                _oracle(store, kind, resolved),
            ), (kind, asked)
