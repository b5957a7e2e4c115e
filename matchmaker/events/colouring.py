"""Equitable edge colouring of bipartite multigraphs (meetings into slots).

A set of meetings in which nobody has more than ``k`` meetings can always be
spread over ``k`` slots so that nobody meets twice in a slot (Kőnig's edge
colouring theorem), and the slots can be made to hold ``⌊E/k⌋`` or ``⌈E/k⌉``
meetings each (an equitable colouring, by swapping colours along alternating
paths). This module builds such a colouring; the planner uses it to place a
degree-bounded selection of meetings when every participant is free in every
slot, which is what makes the plan exactly optimal in that case.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from matchmaker.errors import ValidationError

__all__ = ["equitable_edge_colouring"]


def equitable_edge_colouring(
    edges: Sequence[tuple[Hashable, Hashable]], n_colours: int
) -> list[int]:
    """Colour the edges of a bipartite multigraph with balanced colour classes.

    Parameters
    ----------
    edges:
        ``(left, right)`` node pairs; left and right nodes must be told apart
        by the caller (for example ``("s", id)`` and ``("i", id)``). Parallel
        edges are allowed.
    n_colours:
        Number of colours ``k``; every node must have degree at most ``k``.

    Returns
    -------
    list[int]
        The colour (``0 … k-1``) of each edge, in input order. Edges sharing a
        node have different colours, and every colour class holds
        ``⌊E/k⌋`` or ``⌈E/k⌉`` edges.

    Raises
    ------
    ValidationError
        If a node has more than ``n_colours`` edges or ``n_colours < 1`` while
        there are edges.

    Notes
    -----
    Kőnig's alternating-path algorithm, ``O(E·V)`` in the worst case, then at
    most ``E`` balancing swaps of ``O(E)`` each. Deterministic: the smallest
    free colour is always taken.
    """
    n_edges = len(edges)
    if n_edges == 0:
        return []
    if n_colours < 1:
        raise ValidationError("n_colours must be at least 1 when there are edges to colour")
    left_index: dict[Hashable, int] = {}
    right_index: dict[Hashable, int] = {}
    for u, v in edges:
        left_index.setdefault(u, len(left_index))
        right_index.setdefault(v, len(right_index))
    n_left = len(left_index)
    # Nodes 0..n_left-1 are left, n_left.. are right.
    ends: list[tuple[int, int]] = [(left_index[u], n_left + right_index[v]) for u, v in edges]
    n_nodes = n_left + len(right_index)
    degree = [0] * n_nodes
    for a, b in ends:
        degree[a] += 1
        degree[b] += 1
    worst = max(degree)
    if worst > n_colours:
        raise ValidationError(
            f"a participant has {worst} meetings but there are only {n_colours} slots; "
            "lower the number of meetings or add slots"
        )
    # at[node][colour] = edge index holding that colour at the node, or -1.
    at: list[list[int]] = [[-1] * n_colours for _ in range(n_nodes)]
    colour = [-1] * n_edges

    def free_colour(node: int) -> int:
        row = at[node]
        for c in range(n_colours):
            if row[c] < 0:
                return c
        raise AssertionError("no free colour although degree <= n_colours")  # pragma: no cover

    for e, (a, b) in enumerate(ends):
        alpha = free_colour(a)
        if at[b][alpha] >= 0:
            beta = free_colour(b)
            _swap_path(at, colour, ends, b, alpha, beta)
        colour[e] = alpha
        at[a][alpha] = e
        at[b][alpha] = e

    _balance(at, colour, ends, n_colours)
    return colour


def _other(ends: list[tuple[int, int]], e: int, node: int) -> int:
    a, b = ends[e]
    return b if a == node else a


def _swap_path(
    at: list[list[int]],
    colour: list[int],
    ends: list[tuple[int, int]],
    start: int,
    first: int,
    second: int,
) -> None:
    """Swap colours ``first``/``second`` on the alternating path leaving ``start``.

    ``start`` must have an edge of colour ``first`` and none of ``second``.
    """
    path: list[int] = []
    node = start
    want = first
    while True:
        e = at[node][want]
        if e < 0:
            break
        path.append(e)
        node = _other(ends, e, node)
        want = second if want == first else first
    for e in path:
        a, b = ends[e]
        c = colour[e]
        if at[a][c] == e:
            at[a][c] = -1
        if at[b][c] == e:
            at[b][c] = -1
    for e in path:
        a, b = ends[e]
        c = second if colour[e] == first else first
        colour[e] = c
        at[a][c] = e
        at[b][c] = e


def _balance(
    at: list[list[int]], colour: list[int], ends: list[tuple[int, int]], n_colours: int
) -> None:
    """Swap alternating paths until colour class sizes differ by at most one."""
    size = [0] * n_colours
    for c in colour:
        size[c] += 1
    n_nodes = len(at)
    while True:
        big = max(range(n_colours), key=lambda c: (size[c], -c))
        small = min(range(n_colours), key=lambda c: (size[c], c))
        if size[big] - size[small] <= 1:
            return
        # The edges of colours big/small form paths and even cycles; one path
        # has one more big edge than small edges, and it starts and ends at
        # nodes that have a big edge and no small edge. Swapping it moves one
        # edge from the big class to the small one.
        seen_ends: set[int] = set()
        for node in range(n_nodes):
            if node in seen_ends or at[node][big] < 0 or at[node][small] >= 0:
                continue
            n_big, n_small, last = _walk(at, ends, node, big, small)
            seen_ends.add(last)
            if n_big > n_small:
                _swap_path(at, colour, ends, node, big, small)
                size[big] -= 1
                size[small] += 1
                break
        else:  # pragma: no cover - impossible by the counting argument above
            raise AssertionError("no alternating path to balance colour classes")


def _walk(
    at: list[list[int]], ends: list[tuple[int, int]], start: int, first: int, second: int
) -> tuple[int, int, int]:
    """Count the edges of each colour on the alternating path from ``start``.

    Returns the counts of ``first`` and ``second`` edges and the path's last node.
    """
    counts = {first: 0, second: 0}
    node = start
    want = first
    while True:
        e = at[node][want]
        if e < 0:
            return counts[first], counts[second], node
        counts[want] += 1
        node = _other(ends, e, node)
        want = second if want == first else first
