"""The graph is derived from the stored events: after any sequence of operations it equals them."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.errors import TransitionError, ValidationError
from matchmaker.graph import lifecycle as lc
from matchmaker.graph.build import (
    IMER,
    SUPPLIER,
    build_graph,
    imer_node,
    parse_node,
    summarise_pairs,
    supplier_node,
    update_graph,
)
from matchmaker.schema import Registry
from matchmaker.store import Store
from tests.factories import imer, imers_frame, supplier, suppliers_frame

from .factories import registry

T0 = datetime(2024, 1, 1, tzinfo=UTC)
TARGETS = ("proposed", "accepted", "declined", "active", "ended")


def _plain(value: Any) -> Any:
    """Comparable form of an attribute value (NaN -> None, timestamps -> ISO)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


def _edges(graph: nx.Graph, nodes: set[str] | None = None) -> dict[tuple[str, str], Any]:
    out = {}
    for u, v, data in graph.edges(data=True):
        s, i = (u, v) if graph.nodes[u]["bipartite"] == SUPPLIER else (v, u)
        if nodes is not None and s not in nodes:
            continue
        out[(s, i)] = {k: _plain(val) for k, val in data.items()}
    return out


def test_node_ids_never_collide_and_round_trip() -> None:
    reg = registry(["X1"], ["X1"], [("X1", "X1", "active", 1)])
    g = build_graph(reg)
    assert set(g.nodes) == {"supplier:X1", "imer:X1"}
    assert g.nodes[supplier_node("X1")]["bipartite"] == SUPPLIER
    assert g.nodes[imer_node("X1")]["bipartite"] == IMER
    assert parse_node(supplier_node("X1")) == ("supplier", "X1")
    assert parse_node(imer_node("a:b")) == ("imer", "a:b")
    assert nx.is_bipartite(g)
    with pytest.raises(ValidationError, match="supplier:<id>"):
        parse_node("X1")


def test_nodes_carry_profile_attributes_but_no_personal_data() -> None:
    reg = registry(
        [{"supplier_id": "S1", "province": "Aceh", "categories": ["food", "herbal"]}],
        [{"imer_id": "I1", "stage": "pioneer", "province": "Bali"}],
    )
    g = build_graph(reg)
    s = g.nodes["supplier:S1"]
    assert s["province"] == "Aceh"
    assert s["categories"] == ("food", "herbal")
    assert s["umkm_class"] == "mikro"
    assert g.nodes["imer:I1"]["stage"] == "pioneer"
    for _, data in g.nodes(data=True):
        assert not {"name", "phone", "email"} & set(data)
    assert g.number_of_edges() == 0


def test_edge_summary_by_hand() -> None:
    reg = registry(
        ["S1"],
        ["I1"],
        [
            ("S1", "I1", "proposed", 1, {"actor": "imer:I1", "reason": "event"}),
            ("S1", "I1", "declined", 2, {"reason": "far"}),
            ("S1", "I1", "proposed", 3),
            ("S1", "I1", "accepted", 4),
            ("S1", "I1", "active", 5, {"started_at": "2024-01-06", "monthly_units": 10.0}),
            ("S1", "I1", "ended", 9, {"ended_at": "2024-01-10", "rating": 4.0}),
        ],
    )
    e = build_graph(reg).edges["supplier:S1", "imer:I1"]
    assert [h.status for h in e["history"]] == [
        "proposed",
        "declined",
        "proposed",
        "accepted",
        "active",
        "ended",
    ]
    assert e["history"][0].actor == "imer:I1"
    assert e["history"][1].reason == "far"
    assert e["status"] == "ended"
    assert (e["n_events"], e["n_proposals"], e["n_declines"]) == (6, 2, 1)
    assert e["ever_accepted"] and e["ever_active"]
    assert str(e["started_at"]) == "2024-01-06"
    assert str(e["ended_at"]) == "2024-01-10"
    assert e["monthly_units"] == 10.0 and e["rating"] == 4.0
    assert math.isnan(e["supplier_rating"])
    assert e["first_at"] == pd.Timestamp(T0 + timedelta(days=1))
    assert e["last_at"] == pd.Timestamp(T0 + timedelta(days=9))


def test_as_of_keeps_only_earlier_events_and_unknown_profiles_get_a_node() -> None:
    reg = registry(
        ["S1"],
        ["I1"],
        [("S1", "I1", "proposed", 1), ("S1", "I1", "accepted", 5), ("S9", "I1", "active", 2)],
    )
    g = build_graph(reg, as_of=T0 + timedelta(days=5))
    assert g.edges["supplier:S1", "imer:I1"]["status"] == "proposed"
    assert g.nodes["supplier:S9"]["bipartite"] == SUPPLIER
    assert g.graph["max_event_id"] == 3


_event_rows = st.lists(
    st.tuples(
        st.sampled_from(["S1", "S2", "S3"]),
        st.sampled_from(["I1", "I2"]),
        st.sampled_from(TARGETS),
        st.integers(0, 30),
        st.one_of(st.none(), st.floats(1, 5)),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(rows=_event_rows, split=st.integers(0, 25))
def test_update_equals_rebuild_and_edges_equal_pair_summaries(
    rows: list[tuple[str, str, str, int, float | None]], split: int
) -> None:
    events = [(s, i, status, day, {"rating": r}) for s, i, status, day, r in rows]
    reg = registry(["S1", "S2", "S3"], ["I1", "I2"], events)
    full = build_graph(reg)
    if events:
        first = reg.events.iloc[: min(split, len(events))]
        partial = build_graph(Registry(suppliers=reg.suppliers, imers=reg.imers, events=first))
        # Applying the whole frame again is harmless: already-seen events are skipped.
        update_graph(partial, reg.events)
        update_graph(partial, reg.events)
        assert _edges(partial) == _edges(full)
        assert partial.graph["max_event_id"] == full.graph["max_event_id"]
    summary = summarise_pairs(reg.events) if events else None
    edges = _edges(full)
    assert len(edges) == (0 if summary is None else len(summary))
    if summary is not None:
        for row in summary.to_dict("records"):
            e = edges[(supplier_node(row["supplier_id"]), imer_node(row["imer_id"]))]
            for key in ("status", "n_events", "n_proposals", "n_declines"):
                assert e[key] == row[key]
            assert e["ever_active"] == row["ever_active"]
            assert e["rating"] == _plain(row["rating"])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(TARGETS),
            st.integers(0, 2),
            st.integers(0, 1),
            st.one_of(st.none(), st.integers(1, 5)),
        ),
        max_size=18,
    )
)
def test_graph_equals_stored_events_after_any_operations(
    store: Store, ops: list[tuple[str, int, int, int | None]]
) -> None:
    tag = uuid.uuid4().hex[:8]
    sids = [f"{tag}-S{k}" for k in range(3)]
    iids = [f"{tag}-I{k}" for k in range(2)]
    store.upsert_suppliers(suppliers_frame(*[supplier(s) for s in sids]))
    store.upsert_imers(imers_frame(*[imer(i) for i in iids]))
    model: dict[tuple[str, str], list[dict[str, Any]]] = {}
    start = store.registry()
    for k, (target, si, ii, rating) in enumerate(ops):
        s, i = sids[si], iids[ii]
        story = model.setdefault((s, i), [])
        current = story[-1]["status"] if story else None
        actor = f"actor-{k}"
        at = T0 + timedelta(minutes=k)
        call: dict[str, Any] = {"actor": actor, "at": at}
        if target == "ended" and rating is not None:
            call["rating"] = float(rating)
        if target in ("proposed", "declined"):
            call["reason"] = f"why-{k}"
        op = {
            "proposed": lc.propose,
            "accepted": lc.accept,
            "declined": lc.decline,
            "active": lc.activate,
            "ended": lc.end,
        }[target]
        if target in lc.ALLOWED_TRANSITIONS[current]:
            state = op(store, s, i, **call)
            assert state.status == target
            story.append({"status": target, "actor": actor, "rating": call.get("rating")})
        else:
            with pytest.raises(TransitionError):
                op(store, s, i, **call)
    reg = store.registry()
    graph = build_graph(reg)
    mine = {supplier_node(s) for s in sids}
    edges = _edges(graph, mine)
    expected = {k: v for k, v in model.items() if v}
    assert set(edges) == {(supplier_node(s), imer_node(i)) for s, i in expected}
    for (s, i), story in expected.items():
        e = edges[(supplier_node(s), imer_node(i))]
        assert [h[2] for h in e["history"]] == [x["status"] for x in story]
        assert [h[4] for h in e["history"]] == [x["actor"] for x in story]
        assert [h[1] for h in e["history"]] == list(range(1, len(story) + 1))  # seq
        assert e["status"] == story[-1]["status"]
        ratings = [x["rating"] for x in story if x["rating"] is not None]
        assert e["rating"] == (ratings[-1] if ratings else None)
        assert e["ever_active"] == any(x["status"] == "active" for x in story)
    # Every profile is a node, partnered or not, with its side.
    for s in sids:
        assert graph.nodes[supplier_node(s)]["bipartite"] == SUPPLIER
    for i in iids:
        assert graph.nodes[imer_node(i)]["bipartite"] == IMER
    # Incremental update from the earlier snapshot gives the same graph.
    incremental = update_graph(build_graph(start), reg.events)
    assert _edges(incremental, mine) == edges
    # And the store's own derived states agree with the edges.
    parts = store.partnerships()
    parts = parts[parts["supplier_id"].isin(sids)]
    got = {
        (supplier_node(r["supplier_id"]), imer_node(r["imer_id"])): r["status"]
        for r in parts.to_dict("records")
    }
    assert got == {k: v["status"] for k, v in edges.items()}
    assert np.all(parts["n_events"].to_numpy() >= 1)
