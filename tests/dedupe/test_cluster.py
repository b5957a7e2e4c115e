"""Clustering: components equal networkx's, and one bad link never chains two businesses."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.dedupe.cluster import cluster_pairs, connected_components


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=40), st.data())
def test_components_match_networkx_on_random_graphs(n: int, data: st.DataObject) -> None:
    edges = data.draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=60)
    )
    labels = connected_components(n, [a for a, _ in edges], [b for _, b in edges])
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    expected = np.empty(n, dtype=np.int64)
    for comp in nx.connected_components(graph):
        expected[list(comp)] = min(comp)
    np.testing.assert_array_equal(labels, expected)


def _pairs(edges: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(edges, columns=["id_a", "id_b", "score"])


def _groups(clusters: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(g["id"]) for _, g in clusters.groupby("cluster_id")}


def test_one_bad_link_does_not_chain_two_businesses() -> None:
    # A1–A2 and B1–B2 are two businesses; one wrong A2–B1 link scores high too
    pairs = _pairs([("A1", "A2", 0.99), ("B1", "B2", 0.99), ("A2", "B1", 0.97)])
    assert _groups(cluster_pairs(pairs, 0.6)) == {frozenset({"A1", "A2"}), frozenset({"B1", "B2"})}


def test_a_chain_is_cut_where_the_links_are_missing() -> None:
    chain = [(f"R{i}", f"R{i + 1}", 0.98) for i in range(6)]
    groups = _groups(cluster_pairs(_pairs(chain), 0.6))
    assert all(len(g) <= 2 for g in groups)
    plain = nx.Graph([(a, b) for a, b, _ in chain])
    assert nx.number_connected_components(plain) == 1  # what connected components would do


def test_a_well_linked_group_stays_together() -> None:
    ids = ["D1", "D2", "D3", "D4"]
    edges = [(a, b, 0.9) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    edges.remove(("D1", "D4", 0.9))  # one pair the blocking never compared
    clusters = cluster_pairs(_pairs(edges), 0.6)
    assert _groups(clusters) == {frozenset(ids)}
    assert set(clusters["cluster_id"]) == {"D1"}


def test_low_scored_links_inform_the_average() -> None:
    # a triangle whose third side scored just below the threshold still holds together
    pairs = _pairs([("T1", "T2", 0.99), ("T2", "T3", 0.99), ("T1", "T3", 0.5)])
    assert _groups(cluster_pairs(pairs, 0.6)) == {frozenset({"T1", "T2", "T3"})}
    # but not when the third side is known to be different
    pairs = _pairs([("T1", "T2", 0.99), ("T2", "T3", 0.98), ("T1", "T3", 0.0)])
    assert _groups(cluster_pairs(pairs, 0.6)) == {frozenset({"T1", "T2"})}  # T3 stays alone


@settings(max_examples=80, deadline=None)
@given(st.integers(min_value=2, max_value=25), st.data())
def test_every_cluster_is_linked_above_threshold_on_average(n: int, data: st.DataObject) -> None:
    ids = [f"N{i:02d}" for i in range(n)]
    raw = data.draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.floats(0.0, 1.0)),
            max_size=80,
        )
    )
    best: dict[tuple[str, str], float] = {}
    for a, b, s in raw:
        if a != b:
            key = (ids[min(a, b)], ids[max(a, b)])
            best[key] = max(best.get(key, 0.0), s)
    pairs = _pairs([(a, b, s) for (a, b), s in best.items()])
    threshold = 0.6
    clusters = cluster_pairs(pairs, threshold, ids=ids, include_singletons=True)
    assert sorted(clusters["id"]) == ids  # every record once
    for group in _groups(clusters):
        members = sorted(group)
        if len(members) < 2:
            continue
        links = [best.get((a, b), 0.0) for i, a in enumerate(members) for b in members[i + 1 :]]
        # merged only if linked at least at the threshold on average (average linkage)
        assert max(links) >= threshold
        # and a cluster is always inside one connected component of accepted links
        graph = nx.Graph([(a, b) for (a, b), s in best.items() if s >= threshold])
        graph.add_nodes_from(members)
        assert nx.is_connected(graph.subgraph(members)) or len(members) == 1


def test_clusters_are_deterministic_and_labelled_by_smallest_id() -> None:
    pairs = _pairs([("X3", "X1", 0.99), ("X2", "X3", 0.95), ("X1", "X2", 0.9)])
    first = cluster_pairs(pairs, 0.6)
    second = cluster_pairs(pairs.iloc[::-1].reset_index(drop=True), 0.6)
    pd.testing.assert_frame_equal(first, second)
    assert first["cluster_id"].tolist() == ["X1", "X1", "X1"]
