"""Building blocks of the planner: flow selection, slot-by-slot matchings, placement MILP.

``select_by_flow`` chooses which pairs meet, ignoring *when*: a maximum-weight
degree-bounded bipartite b-matching with a cap on the total, solved exactly as
a min-cost flow (networkx network simplex, integral). ``place_by_matchings``
puts chosen meetings into slots one slot at a time, each slot an exact
maximum-weight matching whose weights favour participants and meetings that
are running out of free slots. ``place_by_milp`` places meetings exactly
(scipy's HiGHS MILP): each participant at most once per slot, only where both
sides are free.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix, hstack, vstack

__all__ = [
    "Fairness",
    "FlowSelection",
    "Placement",
    "matching_with_cap",
    "place_by_matchings",
    "place_by_milp",
    "select_by_flow",
]

logger = logging.getLogger(__name__)

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Scores are scaled to integers with this resolution for the network simplex.
FLOW_RESOLUTION = 10**9


@dataclass(frozen=True, eq=False)
class Fairness:
    """The minimum-meetings preference, as bonus units per meeting.

    A participant's ``k``-th meeting of the day is worth ``minimum - k + 1``
    units while ``k <= minimum`` and nothing after. Every unit outweighs any
    score, so plans first give as many meetings towards the minimum as
    possible, and earlier meetings count more: a participant with none gets
    one before another gets its third. If some plan gives everyone the
    minimum, only such plans collect every unit.

    Parameters
    ----------
    minimum:
        The minimum number of meetings asked for.
    degree:
        Meetings each participant row already has outside the decision at
        hand (fixed meetings, meetings in other slots).
    """

    minimum: int
    degree: IntArray

    def values(self, v: int, limit: int) -> list[int]:
        """Units of row ``v``'s next meetings (at most ``limit`` of them)."""
        have = int(self.degree[v])
        return [self.minimum - k + 1 for k in range(have + 1, min(self.minimum, have + limit) + 1)]

    def utility(self, total_degree: IntArray) -> int:
        """Units collected by rows with ``total_degree`` meetings in all."""
        d = np.minimum(total_degree, self.minimum)
        return int(np.sum(d * self.minimum - d * (d - 1) // 2))


@dataclass(frozen=True, eq=False)
class FlowSelection:
    """Chosen candidate edges and the degree each participant got."""

    selected: BoolArray
    degree: IntArray


@dataclass(frozen=True, eq=False)
class Placement:
    """Slot of each candidate edge (``-1`` when not placed) and the solver outcome."""

    slot: IntArray
    proven_optimal: bool
    status: str


def _integer_costs(weight: FloatArray) -> list[int]:
    """Flow costs: ``-w`` scaled to integers; non-positive weights cost at least 1."""
    scale_base = float(np.max(np.abs(weight))) if len(weight) else 0.0
    scale = FLOW_RESOLUTION / scale_base if scale_base > 0 else 1.0
    costs: list[int] = []
    for w in weight.tolist():
        if w > 0:
            costs.append(-max(1, round(w * scale)))
        else:
            costs.append(max(1, round(-w * scale)))
    return costs


def select_by_flow(
    edge_s: IntArray,
    edge_i: IntArray,
    weight: FloatArray,
    capacity: IntArray,
    total: int,
    fair: Fairness | None = None,
) -> FlowSelection:
    """Choose edges maximising total weight under degree and total caps.

    Parameters
    ----------
    edge_s, edge_i:
        Participant rows of each candidate edge (suppliers and Imers never
        share a row).
    weight:
        Edge weights; edges with weight ``<= 0`` are only chosen when the
        minimum-meetings bonus asks for them.
    capacity:
        Maximum number of chosen edges per participant row.
    total:
        Maximum number of chosen edges overall.
    fair:
        Optional minimum-meetings preference: the flow first maximises its
        units (see :class:`Fairness`), then the weight.

    Returns
    -------
    FlowSelection

    Notes
    -----
    Exact and integral (network simplex on a min-cost flow with a
    source-to-sink bypass arc so that fewer than ``total`` units may flow).
    """
    n_edges = len(edge_s)
    n_rows = len(capacity)
    degree = np.zeros(n_rows, dtype=np.int64)
    selected = np.zeros(n_edges, dtype=bool)
    if n_edges == 0 or total <= 0:
        return FlowSelection(selected, degree)
    usable = (capacity[edge_s] > 0) & (capacity[edge_i] > 0)
    costs = _integer_costs(weight)
    bonus = sum(abs(c) for c in costs) + 1
    src, snk = -1, -2
    graph = nx.DiGraph()
    graph.add_node(src, demand=-int(total))
    graph.add_node(snk, demand=int(total))
    graph.add_edge(src, snk, weight=0, capacity=int(total))
    is_left = np.zeros(n_rows, dtype=bool)
    is_left[edge_s] = True
    rows = sorted(set(edge_s[usable].tolist()) | set(edge_i[usable].tolist()))
    for v in rows:
        cap = int(capacity[v])
        units = fair.values(v, cap) if fair is not None else []
        plain = cap - len(units)
        if is_left[v]:
            if plain > 0:
                graph.add_edge(src, v, weight=0, capacity=plain)
            for k, value in enumerate(units):
                graph.add_edge(src, ("unit", v, k), weight=-bonus * value, capacity=1)
                graph.add_edge(("unit", v, k), v, weight=0, capacity=1)
        else:
            if plain > 0:
                graph.add_edge(v, snk, weight=0, capacity=plain)
            for k, value in enumerate(units):
                graph.add_edge(v, ("unit", v, k), weight=-bonus * value, capacity=1)
                graph.add_edge(("unit", v, k), snk, weight=0, capacity=1)
    for e in np.flatnonzero(usable).tolist():
        graph.add_edge(int(edge_s[e]), int(edge_i[e]), weight=costs[e], capacity=1)
    _, flow = nx.network_simplex(graph)
    for e in np.flatnonzero(usable).tolist():
        s, i = int(edge_s[e]), int(edge_i[e])
        if flow[s][i] > 0:
            selected[e] = True
            degree[s] += 1
            degree[i] += 1
    return FlowSelection(selected, degree)


def place_by_milp(
    edge_s: IntArray,
    edge_i: IntArray,
    allowed: BoolArray,
    weight: FloatArray,
    capacity: IntArray,
    slot_capacity: IntArray,
    *,
    hard: BoolArray | None = None,
    fair: Fairness | None = None,
    time_limit: float | None = None,
    mip_rel_gap: float = 1e-7,
) -> Placement:
    """Place candidate meetings into slots, maximising the placed weight.

    Parameters
    ----------
    edge_s, edge_i:
        Participant rows of each candidate meeting.
    allowed:
        ``(E, S)``: slots in which the meeting may be placed.
    weight:
        ``(E, S)`` weight of placing meeting ``e`` in slot ``t``.
    capacity:
        Maximum meetings per participant row.
    slot_capacity:
        Maximum meetings per slot.
    hard:
        Meetings that must be placed (the problem is infeasible otherwise).
    fair:
        Optional minimum-meetings preference (see :class:`Fairness`),
        maximised before the weight.
    time_limit:
        Seconds for HiGHS; the best placement found so far is returned.
    mip_rel_gap:
        Relative optimality gap at which HiGHS stops.

    Returns
    -------
    Placement
        ``status`` is ``"optimal"``, ``"time_limit"``, ``"infeasible"`` or
        ``"no_solution"``; ``slot`` is all ``-1`` without a solution.
    """
    n_edges = len(edge_s)
    slot = np.full(n_edges, -1, dtype=np.int64)
    var_e, var_t = np.nonzero(allowed)
    n_vars = len(var_e)
    if n_vars == 0:
        infeasible = hard is not None and bool(hard.any())
        return Placement(slot, not infeasible, "infeasible" if infeasible else "optimal")
    n_slots = allowed.shape[1]
    vs, vi = edge_s[var_e], edge_i[var_e]
    cols = np.arange(n_vars)
    both = np.concatenate([cols, cols])
    ones2 = np.ones(2 * n_vars)

    cell_ids = np.concatenate([vs * n_slots + var_t, vi * n_slots + var_t])
    cell_rows, cell_inv = np.unique(cell_ids, return_inverse=True)
    blocks = [coo_matrix((ones2, (cell_inv, both)), shape=(len(cell_rows), n_vars))]
    lower = [np.full(len(cell_rows), -np.inf)]
    upper = [np.ones(len(cell_rows))]

    deg_ids = np.concatenate([vs, vi])
    deg_rows, deg_inv = np.unique(deg_ids, return_inverse=True)
    blocks.append(coo_matrix((ones2, (deg_inv, both)), shape=(len(deg_rows), n_vars)))
    lower.append(np.full(len(deg_rows), -np.inf))
    upper.append(capacity[deg_rows].astype(float))

    blocks.append(coo_matrix((np.ones(n_vars), (var_e, cols)), shape=(n_edges, n_vars)))
    lower.append(hard.astype(float) if hard is not None else np.full(n_edges, -np.inf))
    upper.append(np.ones(n_edges))

    blocks.append(coo_matrix((np.ones(n_vars), (var_t, cols)), shape=(n_slots, n_vars)))
    lower.append(np.full(n_slots, -np.inf))
    upper.append(slot_capacity.astype(float))

    w = weight[var_e, var_t].astype(float)
    scale = float(np.max(np.abs(w))) or 1.0
    objective = -w / scale
    # one variable per unit of the minimum-meetings preference:
    # sum of a row's unit variables <= its placed meetings, each in [0, 1]
    unit_row: list[int] = []
    unit_value: list[float] = []
    if fair is not None:
        possible = np.bincount(deg_ids, minlength=len(capacity))
        for v in deg_rows.tolist():
            for value in fair.values(int(v), int(min(capacity[v], possible[v]))):
                unit_row.append(int(v))
                unit_value.append(float(value))
    n_z = len(unit_row)
    if n_z:
        pos = {v: k for k, v in enumerate(sorted(set(unit_row)))}
        z_rows = np.array([pos[v] for v in unit_row])
        member = np.array([pos.get(int(v), -1) for v in deg_ids.tolist()])
        keep = member >= 0
        n_link = len(pos)
        link_x = coo_matrix((-ones2[keep], (member[keep], both[keep])), shape=(n_link, n_vars))
        link_z = coo_matrix((np.ones(n_z), (z_rows, np.arange(n_z))), shape=(n_link, n_z))
        blocks = [hstack([b.tocsr(), coo_matrix((b.shape[0], n_z))]) for b in blocks]
        blocks.append(hstack([link_x.tocsr(), link_z.tocsr()]))
        lower.append(np.full(n_link, -np.inf))
        upper.append(np.zeros(n_link))
        bonus = float(np.sum(np.abs(objective))) + 1.0
        objective = np.concatenate([objective, -bonus * np.array(unit_value)])
        bounds = Bounds(np.zeros(n_vars + n_z), np.ones(n_vars + n_z))
        integrality = np.concatenate([np.ones(n_vars), np.zeros(n_z)])
        mip_rel_gap = 0.0
    else:
        bounds = Bounds(np.zeros(n_vars), np.ones(n_vars))
        integrality = np.ones(n_vars)
    matrix = vstack([b.tocsr() if hasattr(b, "tocsr") else b for b in blocks]).tocsr()
    options: dict[str, float | bool] = {"disp": False, "mip_rel_gap": mip_rel_gap}
    if time_limit is not None:
        options["time_limit"] = max(0.1, float(time_limit))
    result = milp(
        objective,
        constraints=LinearConstraint(matrix, np.concatenate(lower), np.concatenate(upper)),
        integrality=integrality,
        bounds=bounds,
        options=options,
    )
    if result.x is None:
        status = "infeasible" if result.status == 2 else "no_solution"
        logger.info("placement MILP without solution: %s", result.message)
        return Placement(slot, False, status)
    chosen = np.flatnonzero(result.x[:n_vars] > 0.5)
    slot[var_e[chosen]] = var_t[chosen]
    optimal = result.status == 0
    return Placement(slot, optimal, "optimal" if optimal else "time_limit")


def matching_with_cap(
    edge_s: IntArray, edge_i: IntArray, weight: FloatArray, cap: int
) -> BoolArray:
    """Maximum-weight bipartite matching with at most ``cap`` edges.

    Parameters
    ----------
    edge_s, edge_i:
        Endpoints of each candidate edge (left and right rows; at most one
        edge per pair).
    weight:
        Edge weights; edges with weight ``<= 0`` are never chosen.
    cap:
        Maximum number of chosen edges.

    Returns
    -------
    numpy.ndarray
        Boolean mask of the chosen edges.

    Notes
    -----
    Exact, through scipy's ``linear_sum_assignment`` on a dense matrix: real
    rows may stay unmatched through slack columns, and ``m - cap`` dummy rows
    must take real columns, which leaves at most ``cap`` of them for real
    rows. ``O((n + m)^3)`` for ``n`` left and ``m`` right rows.
    """
    chosen = np.zeros(len(edge_s), dtype=bool)
    useful = np.flatnonzero(weight > 0)
    if cap <= 0 or not len(useful):
        return chosen
    lefts, li = np.unique(edge_s[useful], return_inverse=True)
    rights, ri = np.unique(edge_i[useful], return_inverse=True)
    n, m = len(lefts), len(rights)
    cap = min(cap, n, m)
    dummies = m - cap
    matrix = np.full((n + dummies, m + n), -np.inf)
    matrix[li, ri] = weight[useful]
    matrix[:n, m:] = 0.0
    matrix[n:, :m] = 0.0
    row, col = linear_sum_assignment(matrix, maximize=True)
    taken = {(int(r), int(c)) for r, c in zip(row, col, strict=True) if r < n and c < m}
    for k, e in enumerate(useful.tolist()):
        if (int(li[k]), int(ri[k])) in taken:
            chosen[e] = True
    return chosen


def place_by_matchings(
    edge_s: IntArray,
    edge_i: IntArray,
    allowed: BoolArray,
    weight: FloatArray,
    slot_capacity: IntArray,
    *,
    first: BoolArray | None = None,
) -> IntArray:
    """Place meetings slot by slot, each slot an exact maximum-weight matching.

    Slots are filled from the one with the fewest allowed meetings to the one
    with the most. In each slot, the matching (min-cost flow, at most
    ``slot_capacity[t]`` meetings) maximises first the number of meetings,
    then their urgency: a participant whose remaining meetings equal its
    remaining allowed slots must meet now, and a meeting with few allowed
    slots left should be placed now; then ``first`` meetings, then the weight.

    Parameters
    ----------
    edge_s, edge_i:
        Participant rows of each meeting to place (each participant at most
        once per slot is enforced here).
    allowed:
        ``(E, S)`` slots in which each meeting may be placed.
    weight:
        ``(E, S)`` weights; decide only among equally urgent choices.
    slot_capacity:
        Maximum meetings per slot.
    first:
        Meetings to favour over all others (must-meets).

    Returns
    -------
    numpy.ndarray
        Slot of each meeting, ``-1`` when it could not be placed.

    Notes
    -----
    A heuristic for an NP-hard list edge colouring problem; the planner checks
    its result against the flow bound and repairs what it leaves out.
    """
    n_edges, n_slots = allowed.shape
    slot = np.full(n_edges, -1, dtype=np.int64)
    if n_edges == 0:
        return slot
    rows = np.union1d(edge_s, edge_i)
    n_rows = int(rows.max()) + 1
    scale = float(np.max(np.abs(weight))) or 1.0
    busy = np.zeros((n_rows, n_slots), dtype=bool)
    done_slot = np.zeros(n_slots, dtype=bool)
    priority = first if first is not None else np.zeros(n_edges, dtype=bool)
    # fill the most constrained slots first
    order = sorted(range(n_slots), key=lambda t: (int(allowed[:, t].sum()), t))
    for t in order:
        cap = int(slot_capacity[t])
        done_slot[t] = True
        if cap <= 0:
            continue
        left = slot < 0
        cand = np.flatnonzero(left & allowed[:, t])
        if not len(cand):
            continue
        # slots after this one where each remaining meeting could still go
        still = allowed & ~done_slot[None, :]
        still[~left] = False
        now = still.copy()
        now[left, t] = allowed[left, t]
        # remaining meetings and remaining usable slots per participant (t counts)
        need = np.zeros(n_rows)
        np.add.at(need, edge_s[left], 1)
        np.add.at(need, edge_i[left], 1)
        usable = np.zeros((n_rows, n_slots), dtype=bool)
        np.logical_or.at(usable, edge_s[left], now[left])
        np.logical_or.at(usable, edge_i[left], now[left])
        room = usable.sum(axis=1)
        pressure = np.where(room > 0, need / np.maximum(room, 1), 0.0)
        options = still[cand].sum(axis=1) + 1
        gains = (
            1.0
            + np.where(priority[cand], 0.5, 0.0)
            + 0.2 * (pressure[edge_s[cand]] ** 2 + pressure[edge_i[cand]] ** 2)
            + 0.1 / options
            + 1e-3 * weight[cand, t] / scale
        )
        chosen = matching_with_cap(edge_s[cand], edge_i[cand], gains, cap)
        for e in cand[chosen].tolist():
            if not busy[edge_s[e], t] and not busy[edge_i[e], t]:
                slot[e] = t
                busy[edge_s[e], t] = busy[edge_i[e], t] = True
    return slot
