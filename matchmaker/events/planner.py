"""The meeting planner: choose the meetings, place them in slots and at tables.

How it works (and what it guarantees):

1. **Must-meets first.** An exact MILP (HiGHS) places as many must-meet
   pairs as possible (ties: higher score); each one left out is reported
   with its reason (no common free slot, a participant with more must-meets
   than meetings, no tables left, or clashes with the other must-meets).
2. **Selection (exact relaxation).** Which other pairs meet is chosen as a
   maximum-weight degree-bounded bipartite b-matching — each participant at
   most ``min(max meetings, free slots)``, at most ``free tables × open
   slots`` in total — solved exactly as a min-cost flow (networkx network
   simplex, integral). With a minimum number of meetings asked, the flow
   first collects as many meetings towards everyone's minimum as possible
   (a participant's first meeting counting more than another's third),
   then the score. The flow ignores *when* meetings happen, so its value is
   an upper bound on every plan (``Plan.upper_bound``).
3. **Placement.** When every participant is free in every open slot, the
   selection is spread over the slots by an equitable edge colouring: by
   Kőnig's theorem nobody meets twice in a slot and each slot holds at most
   ``⌈E/S⌉ ≤ T`` meetings, so the whole selection is placed and the plan is
   **optimal**. Otherwise must-meets go first, then (re-planning) meetings
   that can stay in their previous slot, then the rest slot by slot, each
   slot an exact maximum-weight matching (scipy ``linear_sum_assignment``)
   that favours participants and meetings running out of free slots. If
   everything is placed the plan again reaches the bound: **proven optimal**.
4. **Repair, only when the bound is not reached.** The flow and matchings
   run again on what is left; an exact MILP fills the remaining free cells;
   then a local search re-plans exactly one slot at a time (matching) and two
   slots at a time (MILP, so meetings can change slot) given all the others,
   keeping only improvements, within the time limit. ``Plan.optimal`` is
   then false and ``total_score / upper_bound`` bounds the loss.
5. **Tables.** Fixed meetings keep their tables; a re-planned meeting keeps
   its previous table when it stays in its slot; otherwise a supplier keeps
   the table it had in its previous slot when free, else the lowest free one.

Results are deterministic unless the time limit cuts the repair short
(``Plan.notes`` says so).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import numpy as np
import pandas as pd

from matchmaker.errors import ValidationError
from matchmaker.events._instance import (
    BoolArray,
    FloatArray,
    Instance,
    IntArray,
    build_instance,
    slot_list,
)
from matchmaker.events._solvers import (
    Fairness,
    matching_with_cap,
    place_by_matchings,
    place_by_milp,
    select_by_flow,
)
from matchmaker.events.colouring import equitable_edge_colouring
from matchmaker.events.model import (
    MEETING_COLUMNS,
    MustMeetIssue,
    Plan,
    PlanningProblem,
    Role,
    Shortfall,
)

__all__ = ["plan_meetings"]

logger = logging.getLogger(__name__)

#: Repair rounds after the main placement.
MAX_REPAIR_ROUNDS = 6


class _State:
    """A feasible placement of new meetings that can grow and shrink."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        self.slot = np.full(len(inst.score), -1, dtype=np.int64)
        self.occupied = np.zeros_like(inst.free)
        self.degree = np.zeros(inst.n_participants, dtype=np.int64)
        self.slot_left = inst.slot_capacity.copy()

    @property
    def cell_free(self) -> BoolArray:
        """``(P, S)``: participant may take a new meeting in the slot."""
        free: BoolArray = self.inst.free & ~self.occupied & (self.slot_left > 0)[None, :]
        return free

    def place(self, e: int, t: int) -> None:
        s, i = int(self.inst.edge_s[e]), int(self.inst.edge_i[e])
        ok = self.inst.free[s, t] and self.inst.free[i, t] and self.slot_left[t] > 0
        if self.slot[e] >= 0 or self.occupied[s, t] or self.occupied[i, t] or not ok:
            raise AssertionError("placement conflict")  # pragma: no cover
        self.slot[e] = t
        self.occupied[s, t] = self.occupied[i, t] = True
        self.degree[s] += 1
        self.degree[i] += 1
        self.slot_left[t] -= 1

    def remove(self, e: int) -> None:
        s, i, t = int(self.inst.edge_s[e]), int(self.inst.edge_i[e]), int(self.slot[e])
        self.slot[e] = -1
        self.occupied[s, t] = self.occupied[i, t] = False
        self.degree[s] -= 1
        self.degree[i] -= 1
        self.slot_left[t] += 1

    def residual_capacity(self) -> IntArray:
        left = self.inst.capacity - self.degree
        out: IntArray = np.minimum(left, self.cell_free.sum(axis=1)).clip(min=0).astype(np.int64)
        return out

    def open_edges(self, common: BoolArray, cap: IntArray) -> IntArray:
        """Unplaced, non-must-meet pairs with a common free slot and room on both sides."""
        inst = self.inst
        out: IntArray = np.flatnonzero(
            (self.slot < 0)
            & ~inst.must_meet
            & common.any(axis=1)
            & (cap[inst.edge_s] > 0)
            & (cap[inst.edge_i] > 0)
        )
        return out

    def residual_common(self) -> BoolArray:
        inst = self.inst
        free = self.cell_free
        common: BoolArray = free[inst.edge_s] & free[inst.edge_i]
        return common


def _priority_factor(
    inst: Instance, priority: Mapping[tuple[Role, str], float] | None
) -> FloatArray:
    boost = np.zeros(inst.n_participants)
    if priority:
        for v in range(inst.n_participants):
            boost[v] = float(priority.get((inst.role(v), inst.ident(v)), 0.0))
    factor: FloatArray = 1.0 + boost[inst.edge_s] + boost[inst.edge_i]
    return factor


def _preferred_slots(
    inst: Instance, preferred: pd.DataFrame | None
) -> tuple[IntArray, dict[tuple[int, int], int]]:
    """Preferred slot per edge (-1 if none) and preferred table per (edge, slot)."""
    pref_slot = np.full(len(inst.score), -1, dtype=np.int64)
    pref_table: dict[tuple[int, int], int] = {}
    if preferred is None or preferred.empty:
        return pref_slot, pref_table
    index = {
        (inst.ident(int(s)), inst.ident(int(i))): e
        for e, (s, i) in enumerate(zip(inst.edge_s, inst.edge_i, strict=True))
    }
    for sid, iid, slot, table in zip(
        preferred["supplier_id"].astype(str),
        preferred["imer_id"].astype(str),
        preferred["slot"],
        preferred["table"],
        strict=True,
    ):
        e = index.get((sid, iid))
        t = int(slot) - 1
        if e is not None and 0 <= t < inst.n_slots:
            pref_slot[e] = t
            pref_table[(e, t)] = int(table)
    return pref_slot, pref_table


def _must_meet_reason(inst: Instance, e: int, mm_degree: IntArray, n_mm: int) -> str:
    """Why must-meet edge ``e`` could not be placed (checked in order)."""
    s, i = int(inst.edge_s[e]), int(inst.edge_i[e])
    for v in (s, i):
        if inst.max_meetings[v] - inst.fixed_degree[v] <= 0:
            return (
                f"{inst.label(v)} already has its maximum of {int(inst.max_meetings[v])} meetings"
            )
        if not inst.free[v].any():
            return f"{inst.label(v)} is not free in any open slot"
    if not inst.common[e].any():
        return (
            f"no free slot in common: {inst.label(s)} is free in slots "
            f"{slot_list(inst.free[s])}, {inst.label(i)} in slots {slot_list(inst.free[i])}"
        )
    for v in (s, i):
        if mm_degree[v] > inst.capacity[v]:
            return (
                f"{inst.label(v)} has {int(mm_degree[v])} must-meet pairs but can take at most "
                f"{int(inst.capacity[v])} meetings (max meetings "
                f"{int(inst.max_meetings[v])}, free slots {int(inst.free[v].sum())})"
            )
    room = int(inst.slot_capacity.sum())
    if n_mm > room:
        return f"{n_mm} must-meet pairs but room for only {room} meetings (slots × tables)"
    return (
        f"clashes with the other must-meets of {inst.label(s)} and {inst.label(i)} "
        f"in the slots both are free ({slot_list(inst.common[e])})"
    )


def _assign_tables(
    inst: Instance,
    slot: IntArray,
    pref_table: dict[tuple[int, int], int],
) -> IntArray:
    table = np.zeros(len(slot), dtype=np.int64)
    last_table: dict[int, int] = {}
    for t in range(inst.n_slots):
        used = set(inst.used_tables[t])
        for k in np.flatnonzero(inst.fixed_slot == t).tolist():
            last_table[int(inst.fixed_s[k])] = int(inst.fixed_table[k])
        here = np.flatnonzero(slot == t).tolist()
        here.sort(key=lambda e: (inst.ident(int(inst.edge_s[e])), inst.ident(int(inst.edge_i[e]))))
        waiting: list[int] = []
        for e in here:
            want = pref_table.get((e, t))
            if want is not None and 1 <= want <= inst.n_tables and want not in used:
                table[e] = want
                used.add(want)
            else:
                waiting.append(e)
        rest: list[int] = []
        for e in waiting:
            want = last_table.get(int(inst.edge_s[e]))
            if want is not None and want not in used:
                table[e] = want
                used.add(want)
            else:
                rest.append(e)
        free_tables = iter(n for n in range(1, inst.n_tables + 1) if n not in used)
        for e in rest:
            table[e] = next(free_tables)
        for e in here:
            last_table[int(inst.edge_s[e])] = int(table[e])
    return table


def _place_candidates(
    state: _State,
    candidates: IntArray,
    slot_weight: FloatArray,
    pref_slot: IntArray,
    must_slots: dict[int, int],
    *,
    n_must: int,
) -> bool:
    """Place the selection: given must-meet slots, then previous slots, then by matchings.

    ``candidates`` lists the must-meets first (``n_must`` of them). Returns
    whether every must-meet was placed.
    """
    inst = state.inst
    for e, t in must_slots.items():
        state.place(e, t)
    order = sorted(
        candidates.tolist(),
        key=lambda e: (not inst.must_meet[e], -float(slot_weight[e].max()), e),
    )
    for e in order:
        t = int(pref_slot[e])
        if state.slot[e] >= 0 or t < 0:
            continue
        s, i = int(inst.edge_s[e]), int(inst.edge_i[e])
        free = state.cell_free
        if free[s, t] and free[i, t]:
            state.place(e, t)
    rest = candidates[state.slot[candidates] < 0]
    if len(rest):
        first = inst.must_meet[rest]
        slots = place_by_matchings(
            inst.edge_s[rest],
            inst.edge_i[rest],
            state.residual_common()[rest],
            slot_weight[rest],
            state.slot_left.clip(min=0),
            first=first,
        )
        for k, e in enumerate(rest.tolist()):
            if slots[k] >= 0:
                state.place(e, int(slots[k]))
    return bool(np.all(state.slot[candidates[:n_must]] >= 0))


def _uniform(inst: Instance, edges: IntArray) -> bool:
    """True when every involved participant is free in every open slot of equal size."""
    open_slots = inst.slot_capacity > 0
    if not open_slots.any():
        return False
    caps = inst.slot_capacity[open_slots]
    if int(caps.min()) != int(caps.max()):
        return False
    rows = np.union1d(inst.edge_s[edges], inst.edge_i[edges])
    return bool(np.all(inst.free[rows] == open_slots[None, :]))


def plan_meetings(
    problem: PlanningProblem,
    *,
    min_meetings: int = 0,
    priority: Mapping[tuple[Role, str], float] | None = None,
    preferred: pd.DataFrame | None = None,
    stability_bonus: float = 0.25,
    time_limit: float = 8.0,
) -> Plan:
    """Plan the meetings of an event (see the module docstring for the method).

    Parameters
    ----------
    problem:
        The event's pairs, slots, tables, limits, unavailability and any fixed
        meetings.
    min_meetings:
        Minimum number of meetings to give every participant where the
        instance allows (fixed meetings count); 0 for none. Participants that
        do not reach it are reported in ``Plan.shortfalls`` with the reason.
    priority:
        ``(role, id) -> boost``: a meeting's weight is multiplied by
        ``1 + boost(supplier) + boost(imer)`` (re-planning favours
        participants with few meetings so far this way). Reported scores stay
        the raw scores.
    preferred:
        Meetings of a previous plan (``slot, table, supplier_id, imer_id``)
        to keep where they are when that costs nothing or little: keeping one
        in its slot earns ``stability_bonus`` times its weight.
    stability_bonus:
        See ``preferred``.
    time_limit:
        Seconds allowed for the MILP steps altogether (the flow and colouring
        steps are not limited).

    Returns
    -------
    Plan

    Raises
    ------
    ValidationError
        If the problem is malformed (see :func:`build_instance`) or
        ``min_meetings`` is negative.

    Examples
    --------
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"supplier_id": ["S1", "S1"], "imer_id": ["I1", "I2"],
    ...                       "score": [0.9, 0.5]})
    >>> plan = plan_meetings(PlanningProblem(pairs, n_slots=2, n_tables=1, max_meetings=2))
    >>> plan.schedule().values.tolist()
    [[1, 1, 'S1', 'I1', 0.9], [2, 1, 'S1', 'I2', 0.5]]
    """
    if min_meetings < 0:
        raise ValidationError(f"minimum meetings must be 0 or more (got {min_meetings})")
    deadline = time.monotonic() + max(0.5, float(time_limit))
    inst = build_instance(problem)
    n_edges = len(inst.score)
    factor = _priority_factor(inst, priority)
    weight: FloatArray = inst.score * factor
    adjusted = priority is not None and bool(np.any(factor != 1.0))
    pref_slot, pref_table = _preferred_slots(inst, preferred)
    slot_weight = np.repeat(weight[:, None], inst.n_slots, axis=1)
    has_pref = pref_slot >= 0
    if has_pref.any():
        kept = np.flatnonzero(has_pref)
        slot_weight[kept, pref_slot[kept]] += stability_bonus * np.abs(weight[kept])
        adjusted = True
    best_weight = slot_weight.max(axis=1) if n_edges else np.zeros(0)
    notes: list[str] = []
    state = _State(inst)
    eligible = (
        inst.common.any(axis=1)
        & (inst.capacity[inst.edge_s] > 0)
        & (inst.capacity[inst.edge_i] > 0)
    )

    def fairness(extra: IntArray) -> Fairness | None:
        if min_meetings <= 0:
            return None
        return Fairness(min_meetings, (inst.fixed_degree + extra).astype(np.int64))

    # 1. must-meets
    issues: list[MustMeetIssue] = []
    mm_all = np.flatnonzero(inst.must_meet)
    mm_ok = mm_all[eligible[mm_all]]
    mm_placed_slot: dict[int, int] = {}
    mm_optimal = True
    if len(mm_ok):
        tie = 0.5 / (len(mm_ok) + 1)
        sc = inst.score[mm_ok]
        spread = float(np.max(np.abs(sc))) or 1.0
        w_mm = 1.0 + tie * (sc / spread)
        placement = place_by_milp(
            inst.edge_s[mm_ok],
            inst.edge_i[mm_ok],
            inst.common[mm_ok],
            np.repeat(w_mm[:, None], inst.n_slots, axis=1),
            inst.capacity,
            inst.slot_capacity,
            time_limit=max(0.1, deadline - time.monotonic()),
            mip_rel_gap=0.0,
        )
        mm_optimal = placement.proven_optimal
        if not mm_optimal:
            notes.append(f"must-meet placement stopped early ({placement.status})")
        for k, e in enumerate(mm_ok.tolist()):
            if placement.slot[k] >= 0:
                mm_placed_slot[e] = int(placement.slot[k])
    mm_degree = np.zeros(inst.n_participants, dtype=np.int64)
    np.add.at(mm_degree, inst.edge_s[mm_ok], 1)
    np.add.at(mm_degree, inst.edge_i[mm_ok], 1)
    for e in mm_all.tolist():
        if e not in mm_placed_slot:
            reason = _must_meet_reason(inst, e, mm_degree, len(mm_ok))
            issues.append(
                MustMeetIssue(
                    inst.ident(int(inst.edge_s[e])), inst.ident(int(inst.edge_i[e])), reason
                )
            )
    mm_set = np.array(sorted(mm_placed_slot), dtype=np.int64)

    # 2. selection (exact relaxation)
    placed_mm_degree = np.zeros(inst.n_participants, dtype=np.int64)
    np.add.at(placed_mm_degree, inst.edge_s[mm_set], 1)
    np.add.at(placed_mm_degree, inst.edge_i[mm_set], 1)
    optional = np.flatnonzero(eligible & ~inst.must_meet)
    selection = select_by_flow(
        inst.edge_s[optional],
        inst.edge_i[optional],
        best_weight[optional],
        inst.capacity - placed_mm_degree,
        int(inst.slot_capacity.sum()) - len(mm_set),
        fairness(placed_mm_degree),
    )
    chosen = optional[selection.selected]
    relaxed_degree = selection.degree + placed_mm_degree
    candidates = np.concatenate([mm_set, chosen])
    bound_edges = candidates
    upper_bound = float(np.sum(np.clip(inst.score[bound_edges], 0, None)))

    # 3. placement
    all_placed = False
    if len(candidates) and not has_pref.any() and _uniform(inst, candidates):
        open_slots = np.flatnonzero(inst.slot_capacity > 0)
        colours = equitable_edge_colouring(
            [(int(inst.edge_s[e]), int(inst.edge_i[e])) for e in candidates.tolist()],
            len(open_slots),
        )
        for e, c in zip(candidates.tolist(), colours, strict=True):
            state.place(e, int(open_slots[c]))
        all_placed = True
    elif len(candidates):
        placed_all_musts = _place_candidates(
            state, candidates, slot_weight, pref_slot, {}, n_must=len(mm_set)
        )
        if not placed_all_musts:
            # keep the must-meets where the exact step put them, place the rest around them
            state = _State(inst)
            _place_candidates(
                state, candidates, slot_weight, pref_slot, mm_placed_slot, n_must=len(mm_set)
            )
        all_placed = bool(np.all(state.slot[candidates] >= 0))
    else:
        all_placed = True
    # The relaxation's value is reached when every chosen meeting sits in a slot
    # worth its full weight (with re-planning: its previous slot, if it had one).
    placed_c = candidates[state.slot[candidates] >= 0]
    at_best = bool(
        np.all(slot_weight[placed_c, state.slot[placed_c]] >= best_weight[placed_c] - 1e-12)
    )
    reached = all_placed and at_best

    # 4. repair rounds on what is left
    tried = np.zeros(n_edges, dtype=bool)
    tried[candidates] = True
    rounds = 0
    while not reached and rounds < MAX_REPAIR_ROUNDS and time.monotonic() < deadline:
        rounds += 1
        common = state.residual_common()
        cap = state.residual_capacity()
        open_now = state.open_edges(common, cap)
        if not len(open_now):
            break
        sel = select_by_flow(
            inst.edge_s[open_now],
            inst.edge_i[open_now],
            best_weight[open_now],
            cap,
            int(state.slot_left.clip(min=0).sum()),
            fairness(state.degree),
        )
        pick = open_now[sel.selected]
        if not len(pick):
            break
        slots = place_by_matchings(
            inst.edge_s[pick],
            inst.edge_i[pick],
            common[pick],
            slot_weight[pick],
            state.slot_left.clip(min=0),
        )
        added = 0
        for k, e in enumerate(pick.tolist()):
            if slots[k] >= 0:
                state.place(e, int(slots[k]))
                added += 1
        if added == 0:
            break
        if added == len(pick):
            # everything the residual relaxation wanted fits: nothing left to gain
            break
    if rounds:
        logger.info("planner used %d repair round(s)", rounds)
    if not reached and time.monotonic() < deadline:
        _polish(inst, state, slot_weight, min_meetings, deadline)
    if not reached:
        passes = _improve_by_slots(inst, state, slot_weight, min_meetings, deadline)
        logger.info("planner improved slot by slot in %d pass(es)", passes)
        moves = _improve_by_slot_pairs(inst, state, slot_weight, min_meetings, deadline)
        logger.info("planner improved %d pair(s) of slots", moves)
    if not reached and time.monotonic() >= deadline:
        notes.append("time limit reached; the plan is feasible but may not be optimal")

    # 5. tables and the result
    table = _assign_tables(inst, state.slot, pref_table)
    placed = np.flatnonzero(state.slot >= 0)
    rows: list[tuple[int, int, str, str, float, bool, bool]] = []
    for k in range(len(inst.fixed_s)):
        rows.append(
            (
                int(inst.fixed_slot[k]) + 1,
                int(inst.fixed_table[k]),
                inst.ident(int(inst.fixed_s[k])),
                inst.ident(int(inst.fixed_i[k])),
                float(inst.fixed_score[k]),
                False,
                True,
            )
        )
    for e in placed.tolist():
        rows.append(
            (
                int(state.slot[e]) + 1,
                int(table[e]),
                inst.ident(int(inst.edge_s[e])),
                inst.ident(int(inst.edge_i[e])),
                float(inst.score[e]),
                bool(inst.must_meet[e]),
                False,
            )
        )
    meetings = pd.DataFrame(rows, columns=list(MEETING_COLUMNS)).astype(
        {"slot": "int64", "table": "int64", "score": "float64", "must_meet": bool, "fixed": bool}
    )
    meetings = meetings.sort_values(["slot", "table"], kind="stable").reset_index(drop=True)
    total = float(meetings["score"].sum()) if len(meetings) else 0.0

    shortfalls: list[Shortfall] = []
    if min_meetings > 0:
        final_degree = inst.fixed_degree + state.degree
        shortfalls = _shortfalls(inst, min_meetings, final_degree, relaxed_degree, eligible)
    # Every edge of the exact relaxation placed: the plan reaches the bound.
    optimal = bool(reached and mm_optimal)
    return Plan(
        meetings=meetings,
        total_score=total,
        upper_bound=None if adjusted else upper_bound + float(inst.fixed_score.sum()),
        optimal=optimal,
        unplaced_must_meets=tuple(issues),
        shortfalls=tuple(shortfalls),
        notes=tuple(notes),
    )


def _polish(
    inst: Instance,
    state: _State,
    slot_weight: FloatArray,
    min_meetings: int,
    deadline: float,
) -> None:
    """Fill what is left exactly: a MILP over every unused pair and the free cells left."""
    common = state.residual_common()
    cap = inst.capacity - state.degree
    open_now = state.open_edges(common, cap)
    if not len(open_now):
        return
    placement = place_by_milp(
        inst.edge_s[open_now],
        inst.edge_i[open_now],
        common[open_now],
        slot_weight[open_now],
        cap,
        state.slot_left.clip(min=0),
        fair=_fairness(inst, state, min_meetings),
        time_limit=max(0.1, deadline - time.monotonic()),
    )
    for k, e in enumerate(open_now.tolist()):
        if placement.slot[k] >= 0:
            state.place(e, int(placement.slot[k]))


def _improve_by_slots(
    inst: Instance,
    state: _State,
    slot_weight: FloatArray,
    min_meetings: int,
    deadline: float,
) -> int:
    """Re-plan one slot at a time, exactly, given all other slots; repeat until stable.

    Each step empties a slot of its optional meetings and fills it again with
    a maximum-weight matching (at most the slot's tables) over every pair not
    meeting elsewhere, whose two sides are free then and below their maximum.
    The old meetings are among the choices, so no step makes the plan worse;
    with a minimum number of meetings, that comes first, then the weight.
    """
    passes = 0
    objective = _objective(inst, state, slot_weight, min_meetings)
    while time.monotonic() < deadline:
        passes += 1
        before = objective
        for t in range(inst.n_slots):
            if time.monotonic() >= deadline:
                break
            if inst.slot_capacity[t] <= 0:
                continue
            removed = [e for e in np.flatnonzero(state.slot == t).tolist() if not inst.must_meet[e]]
            for e in removed:
                state.remove(e)
            free_t = state.cell_free[:, t]
            cap = np.minimum(inst.capacity - state.degree, 1).clip(min=0).astype(np.int64)
            cand = np.flatnonzero(
                (state.slot < 0)
                & ~inst.must_meet
                & free_t[inst.edge_s]
                & free_t[inst.edge_i]
                & (cap[inst.edge_s] > 0)
                & (cap[inst.edge_i] > 0)
            )
            gain = slot_weight[cand, t].copy()
            if min_meetings > 0:
                # the unit a participant's next meeting earns towards the minimum
                have = inst.fixed_degree + state.degree
                unit = np.clip(min_meetings - have, 0, None).astype(float)
                bonus = _fair_bonus(slot_weight)
                gain += bonus * (unit[inst.edge_s[cand]] + unit[inst.edge_i[cand]])
            chosen = matching_with_cap(
                inst.edge_s[cand], inst.edge_i[cand], gain, int(state.slot_left[t])
            )
            for e in cand[chosen].tolist():
                state.place(e, t)
        objective = _objective(inst, state, slot_weight, min_meetings)
        if objective <= before + 1e-9 * max(1.0, abs(before)):
            break
    return passes


def _improve_by_slot_pairs(
    inst: Instance,
    state: _State,
    slot_weight: FloatArray,
    min_meetings: int,
    deadline: float,
) -> int:
    """Re-plan two slots at a time exactly (MILP), given all other slots.

    Unlike :func:`_improve_by_slots`, this lets meetings change slot. Each
    pair of open slots is tried once, in order; a result that is not better
    than the current plan (for instance when the solver stops at the time
    limit) is discarded, so the plan never gets worse.

    Returns
    -------
    int
        Number of slot pairs whose re-planning improved the plan.
    """
    open_slots = [t for t in range(inst.n_slots) if inst.slot_capacity[t] > 0]
    improved = 0
    for a_pos, a in enumerate(open_slots):
        for b in open_slots[a_pos + 1 :]:
            if time.monotonic() >= deadline:
                return improved
            before = _objective(inst, state, slot_weight, min_meetings)
            pair = np.array([a, b])
            removed = [
                (e, int(state.slot[e]))
                for e in np.flatnonzero(np.isin(state.slot, pair)).tolist()
                if not inst.must_meet[e]
            ]
            for e, _ in removed:
                state.remove(e)
            free = state.cell_free
            allowed = np.zeros((len(inst.score), inst.n_slots), dtype=bool)
            allowed[:, a] = free[inst.edge_s, a] & free[inst.edge_i, a]
            allowed[:, b] = free[inst.edge_s, b] & free[inst.edge_i, b]
            cap = (inst.capacity - state.degree).clip(min=0).astype(np.int64)
            cand = np.flatnonzero(
                (state.slot < 0)
                & ~inst.must_meet
                & allowed.any(axis=1)
                & (cap[inst.edge_s] > 0)
                & (cap[inst.edge_i] > 0)
            )
            placement = place_by_milp(
                inst.edge_s[cand],
                inst.edge_i[cand],
                allowed[cand],
                slot_weight[cand],
                cap,
                state.slot_left.clip(min=0),
                fair=_fairness(inst, state, min_meetings),
                time_limit=max(0.1, deadline - time.monotonic()),
            )
            for k, e in enumerate(cand.tolist()):
                if placement.slot[k] >= 0:
                    state.place(e, int(placement.slot[k]))
            after = _objective(inst, state, slot_weight, min_meetings)
            if after < before - 1e-9 * max(1.0, abs(before)):
                for e in np.flatnonzero(np.isin(state.slot, pair)).tolist():
                    if not inst.must_meet[e]:
                        state.remove(e)
                for e, t in removed:
                    state.place(e, t)
            elif after > before + 1e-9 * max(1.0, abs(before)):
                improved += 1
    return improved


def _fairness(inst: Instance, state: _State, min_meetings: int) -> Fairness | None:
    if min_meetings <= 0:
        return None
    return Fairness(min_meetings, (inst.fixed_degree + state.degree).astype(np.int64))


def _fair_bonus(slot_weight: FloatArray) -> float:
    """Value of one minimum-meetings unit: more than all scores together."""
    return float(np.abs(slot_weight).max(initial=0.0)) * len(slot_weight) + 1.0


def _objective(inst: Instance, state: _State, slot_weight: FloatArray, min_meetings: int) -> float:
    """What the improvement steps maximise: preference units first, then weight."""
    placed = np.flatnonzero(state.slot >= 0)
    value = float(slot_weight[placed, state.slot[placed]].sum())
    if min_meetings > 0:
        fair = Fairness(min_meetings, np.zeros(inst.n_participants, dtype=np.int64))
        value += _fair_bonus(slot_weight) * fair.utility(inst.fixed_degree + state.degree)
    return value


def _shortfalls(
    inst: Instance,
    wanted: int,
    final_degree: IntArray,
    relaxed_degree: IntArray,
    eligible: BoolArray,
) -> list[Shortfall]:
    """Who is below the minimum, with the first reason that applies."""
    partners = np.zeros(inst.n_participants, dtype=np.int64)
    np.add.at(partners, inst.edge_s[eligible], 1)
    np.add.at(partners, inst.edge_i[eligible], 1)
    n_sup = inst.n_suppliers
    reach = np.minimum(wanted, inst.fixed_degree + inst.capacity)
    needed = max(int(reach[:n_sup].sum()), int(reach[n_sup:].sum()))
    room = int(inst.slot_capacity.sum()) + len(inst.fixed_s)
    out: list[Shortfall] = []
    for v in range(inst.n_participants):
        got = int(final_degree[v])
        if got >= wanted:
            continue
        fixed = int(inst.fixed_degree[v])
        free_slots = int(inst.free[v].sum())
        if inst.max_meetings[v] < wanted:
            reason = f"its maximum is {int(inst.max_meetings[v])} meetings, below the minimum"
        elif fixed + free_slots < wanted:
            reason = f"free in only {free_slots} open slot(s) ({slot_list(inst.free[v])})"
        elif fixed + int(partners[v]) < wanted:
            reason = (
                f"only {int(partners[v])} possible partner(s) (listed pairs, free at a common "
                "slot, not yet met)"
            )
        elif room < needed:
            reason = (
                f"not enough tables: the event has room for {room} meetings but giving "
                f"everyone the minimum needs {needed}; add tables or slots"
            )
        elif fixed + int(relaxed_degree[v]) < wanted:
            reason = (
                "its possible partners are fully booked by others who also need meetings; "
                "no plan gives everyone the minimum"
            )
        else:
            reason = "its free slots clash with the free slots of its possible partners"
        out.append(Shortfall(inst.role(v), inst.ident(v), got, wanted, reason))
    return out
