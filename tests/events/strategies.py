"""Hypothesis strategies for small random planning problems."""

from __future__ import annotations

import pandas as pd
from hypothesis import strategies as st

from matchmaker.events import PlanningProblem, Role


@st.composite
def problems(
    draw: st.DrawFn,
    *,
    unavailability: bool = True,
    must_meets: bool = True,
    overrides: bool = True,
    max_side: int = 6,
) -> PlanningProblem:
    n_sup = draw(st.integers(1, max_side))
    n_imr = draw(st.integers(1, max_side))
    n_slots = draw(st.integers(1, 4))
    n_tables = draw(st.integers(1, 4))
    max_meetings = draw(st.integers(0, 4))
    sup = [f"S{k}" for k in range(n_sup)]
    imr = [f"I{k}" for k in range(n_imr)]
    all_pairs = [(s, i) for s in sup for i in imr]
    chosen = draw(st.lists(st.sampled_from(all_pairs), unique=True, max_size=len(all_pairs)))
    scores = draw(
        st.lists(
            st.floats(-0.2, 1.0, allow_nan=False).map(lambda x: round(x, 3)),
            min_size=len(chosen),
            max_size=len(chosen),
        )
    )
    must = (
        draw(st.lists(st.booleans(), min_size=len(chosen), max_size=len(chosen)))
        if must_meets
        else [False] * len(chosen)
    )
    must = [m and draw(st.integers(0, 3)) == 0 for m in must]
    pairs = pd.DataFrame(
        {
            "supplier_id": [s for s, _ in chosen],
            "imer_id": [i for _, i in chosen],
            "score": scores,
            "must_meet": must,
        }
    )
    people: list[tuple[Role, str]] = [("supplier", s) for s in sup]
    people += [("imer", i) for i in imr]
    unavailable: set[tuple[Role, str, int]] = set()
    if unavailability:
        for role, ident in people:
            for slot in range(1, n_slots + 1):
                if draw(st.integers(0, 3)) == 0:
                    unavailable.add((role, ident, slot))
    by: dict[tuple[Role, str], int] = {}
    if overrides:
        for role, ident in people:
            if draw(st.integers(0, 4)) == 0:
                by[(role, ident)] = draw(st.integers(0, 4))
    return PlanningProblem(
        pairs=pairs,
        n_slots=n_slots,
        n_tables=n_tables,
        max_meetings=max_meetings,
        suppliers=tuple(sup),
        imers=tuple(imr),
        max_meetings_by=by,
        unavailable=frozenset(unavailable),
    )
