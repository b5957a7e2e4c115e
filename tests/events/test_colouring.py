"""Equitable bipartite edge colouring: proper, balanced, refuses impossible inputs."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.errors import ValidationError
from matchmaker.events import equitable_edge_colouring


@st.composite
def multigraphs(draw: st.DrawFn) -> tuple[list[tuple[tuple[str, int], tuple[str, int]]], int]:
    k = draw(st.integers(1, 6))
    n_left = draw(st.integers(1, 7))
    n_right = draw(st.integers(1, 7))
    raw = draw(
        st.lists(st.tuples(st.integers(0, n_left - 1), st.integers(0, n_right - 1)), max_size=40)
    )
    degree: Counter[tuple[str, int]] = Counter()
    edges = []
    for a, b in raw:
        u, v = ("s", a), ("i", b)
        if degree[u] < k and degree[v] < k:
            edges.append((u, v))
            degree[u] += 1
            degree[v] += 1
    return edges, k


@settings(max_examples=150, deadline=None)
@given(multigraphs())
def test_colouring_is_proper_and_equitable(
    case: tuple[list[tuple[tuple[str, int], tuple[str, int]]], int],
) -> None:
    edges, k = case
    colours = equitable_edge_colouring(edges, k)
    assert len(colours) == len(edges)
    assert all(0 <= c < k for c in colours)
    seen: set[tuple[object, int]] = set()
    for (u, v), c in zip(edges, colours, strict=True):
        assert (u, c) not in seen and (v, c) not in seen
        seen.add((u, c))
        seen.add((v, c))
    if edges:
        sizes = [colours.count(c) for c in range(k)]
        assert max(sizes) - min(sizes) <= 1


def test_colouring_regular_graph_fills_every_colour() -> None:
    # K_{3,3}: 3-regular, 9 edges, 3 colours of 3 edges (perfect matchings)
    edges = [(("s", a), ("i", b)) for a in range(3) for b in range(3)]
    colours = equitable_edge_colouring(edges, 3)
    assert sorted(Counter(colours).values()) == [3, 3, 3]


def test_colouring_rejects_degree_above_colours() -> None:
    edges = [(("s", 0), ("i", b)) for b in range(3)]
    with pytest.raises(ValidationError, match="only 2 slots"):
        equitable_edge_colouring(edges, 2)
