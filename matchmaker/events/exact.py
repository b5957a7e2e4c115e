"""The exact optimum of a meeting plan, by one MILP over (pair, slot) (the benchmark oracle)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matchmaker.events._instance import build_instance
from matchmaker.events._solvers import place_by_milp
from matchmaker.events.model import SCHEDULE_COLUMNS, PlanningProblem

__all__ = ["ExactResult", "solve_exact"]


@dataclass(frozen=True, eq=False)
class ExactResult:
    """Outcome of :func:`solve_exact`.

    ``status`` is ``"optimal"`` (proven), ``"time_limit"`` (best found when
    the limit hit; ``total_score`` is then a lower bound), ``"infeasible"``
    (the must-meets cannot all be placed) or ``"no_solution"``.
    """

    total_score: float
    status: str
    schedule: pd.DataFrame


def solve_exact(problem: PlanningProblem, *, time_limit: float | None = None) -> ExactResult:
    """Solve the whole planning problem as a single MILP.

    One binary variable per (pair, slot) where both are free; constraints:
    once per participant per slot, at most each participant's maximum, a pair
    at most once, at most the free tables per slot; every must-meet pair is
    placed (hard). Maximises the total score, gap 0. Tables are numbered in
    id order. Exponential in the worst case: use it as an oracle.

    Parameters
    ----------
    problem:
        The planning problem (fixed meetings and closed slots respected).
    time_limit:
        Seconds for HiGHS, or ``None`` for no limit.

    Returns
    -------
    ExactResult
    """
    inst = build_instance(problem)
    weight = np.repeat(inst.score[:, None], inst.n_slots, axis=1)
    placement = place_by_milp(
        inst.edge_s,
        inst.edge_i,
        inst.common,
        weight,
        inst.capacity,
        inst.slot_capacity,
        hard=inst.must_meet,
        time_limit=time_limit,
        mip_rel_gap=0.0,
    )
    rows: list[tuple[int, int, str, str, float]] = []
    for k in range(len(inst.fixed_s)):
        rows.append(
            (
                int(inst.fixed_slot[k]) + 1,
                int(inst.fixed_table[k]),
                inst.ident(int(inst.fixed_s[k])),
                inst.ident(int(inst.fixed_i[k])),
                float(inst.fixed_score[k]),
            )
        )
    for t in range(inst.n_slots):
        free_tables = iter(n for n in range(1, inst.n_tables + 1) if n not in inst.used_tables[t])
        for e in np.flatnonzero(placement.slot == t).tolist():
            rows.append(
                (
                    t + 1,
                    next(free_tables),
                    inst.ident(int(inst.edge_s[e])),
                    inst.ident(int(inst.edge_i[e])),
                    float(inst.score[e]),
                )
            )
    schedule = pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))
    total = float(schedule["score"].sum()) if len(schedule) else 0.0
    return ExactResult(total, placement.status, schedule)
