"""Seeded random planning problems for tests and benchmarks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from matchmaker.events.model import PlanningProblem, Role

__all__ = ["random_problem"]


def random_problem(
    n_suppliers: int,
    n_imers: int,
    *,
    n_slots: int,
    n_tables: int,
    max_meetings: int,
    pairs_per_supplier: int = 20,
    unavailable_share: float = 0.0,
    must_meet_share: float = 0.0,
    seed: int = 0,
) -> PlanningProblem:
    """A random event whose scores have structure (popular participants, tastes).

    Parameters
    ----------
    n_suppliers, n_imers:
        Participants on each side (ids ``S0001 …`` and ``I0001 …``).
    n_slots, n_tables, max_meetings:
        As in :class:`PlanningProblem`.
    pairs_per_supplier:
        Candidate Imers drawn per supplier (capped at ``n_imers``).
    unavailable_share:
        Share of participants with unavailability: each such participant
        misses a block of consecutive slots (arriving late or leaving early,
        up to a third of the day) and possibly one more slot.
    must_meet_share:
        Share of pairs marked must-meet.
    seed:
        Random seed.

    Returns
    -------
    PlanningProblem
    """
    rng = np.random.default_rng(seed)
    dim = 4
    sup_vec = rng.normal(size=(n_suppliers, dim))
    imer_vec = rng.normal(size=(n_imers, dim))
    sup_pop = rng.normal(scale=0.7, size=n_suppliers)
    imer_pop = rng.normal(scale=0.7, size=n_imers)
    suppliers = [f"S{k + 1:04d}" for k in range(n_suppliers)]
    imers = [f"I{k + 1:04d}" for k in range(n_imers)]
    k = min(pairs_per_supplier, n_imers)
    s_idx: list[int] = []
    i_idx: list[int] = []
    for s in range(n_suppliers):
        chosen = rng.choice(n_imers, size=k, replace=False)
        s_idx.extend([s] * k)
        i_idx.extend(int(i) for i in chosen)
    s_arr, i_arr = np.array(s_idx, dtype=int), np.array(i_idx, dtype=int)
    logits = (
        np.einsum("ij,ij->i", sup_vec[s_arr], imer_vec[i_arr]) / np.sqrt(dim)
        + sup_pop[s_arr]
        + imer_pop[i_arr]
        + rng.normal(scale=0.3, size=len(s_arr))
    )
    scores = np.round(1.0 / (1.0 + np.exp(-logits)), 6)
    must = rng.random(len(s_arr)) < must_meet_share
    pairs = pd.DataFrame(
        {
            "supplier_id": [suppliers[s] for s in s_arr],
            "imer_id": [imers[i] for i in i_arr],
            "score": scores,
            "must_meet": must,
        }
    )
    unavailable: set[tuple[Role, str, int]] = set()
    people: list[tuple[Role, str]] = [("supplier", x) for x in suppliers]
    people += [("imer", x) for x in imers]
    for role, ident in people:
        if rng.random() >= unavailable_share:
            continue
        length = int(rng.integers(1, max(2, n_slots // 3 + 1)))
        if rng.random() < 0.5:
            block = range(1, length + 1)  # arrives late
        else:
            block = range(n_slots - length + 1, n_slots + 1)  # leaves early
        for slot in block:
            unavailable.add((role, ident, slot))
        if rng.random() < 0.5:
            unavailable.add((role, ident, int(rng.integers(1, n_slots + 1))))
    return PlanningProblem(
        pairs=pairs,
        n_slots=n_slots,
        n_tables=n_tables,
        max_meetings=max_meetings,
        suppliers=tuple(suppliers),
        imers=tuple(imers),
        unavailable=frozenset(unavailable),
    )
