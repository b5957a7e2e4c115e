"""Invariant checks every plan must pass, used by the property tests."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from matchmaker.events import Plan, PlanningProblem, Role


def max_of(problem: PlanningProblem, role: Role, ident: str) -> int:
    return int(problem.max_meetings_by.get((role, ident), problem.max_meetings))


def check_plan(problem: PlanningProblem, plan: Plan) -> None:
    """Assert every constraint of the contract and the planning problem."""
    m = plan.meetings
    assert list(m.columns[:5]) == ["slot", "table", "supplier_id", "imer_id", "score"]
    listed = {
        (str(s), str(i)): float(w)
        for s, i, w in zip(
            problem.pairs["supplier_id"],
            problem.pairs["imer_id"],
            problem.pairs["score"],
            strict=True,
        )
    }
    fixed = problem.fixed if problem.fixed is not None else pd.DataFrame(columns=m.columns[:5])
    cols = ["slot", "table", "supplier_id", "imer_id"]
    fixed_keys = {(int(a), int(b), str(c), str(d)) for a, b, c, d in fixed[cols].values.tolist()}
    # every fixed meeting is in the plan exactly where it was
    plan_keys = {(int(a), int(b), str(c), str(d)) for a, b, c, d in m[cols].values.tolist()}
    assert fixed_keys <= plan_keys
    new = m.loc[~m["fixed"]]
    # only listed pairs meet (fixed ones may come from an earlier plan)
    for s, i, w in zip(new["supplier_id"], new["imer_id"], new["score"], strict=True):
        assert (s, i) in listed, (s, i)
        assert abs(listed[(s, i)] - w) < 1e-12
    # slots and tables in range, tables unique within a slot, at most T per slot
    assert m["slot"].between(1, problem.n_slots).all()
    assert m["table"].between(1, problem.n_tables).all()
    assert not m.duplicated(["slot", "table"]).any()
    assert (m.groupby("slot").size() <= problem.n_tables).all()
    # a pair at most once
    assert not m.duplicated(["supplier_id", "imer_id"]).any()
    # a participant at most once per slot and at most its maximum
    assert not m.duplicated(["slot", "supplier_id"]).any()
    assert not m.duplicated(["slot", "imer_id"]).any()
    roles: tuple[tuple[Role, str], ...] = (("supplier", "supplier_id"), ("imer", "imer_id"))
    for role, col in roles:
        fixed_count = Counter(fixed[col].astype(str)) if len(fixed) else Counter()
        for ident, n in Counter(m[col]).items():
            assert n <= max(max_of(problem, role, ident), fixed_count[ident]), (role, ident, n)
    # never in an unavailable slot (new meetings), never in a closed slot
    for s, i, t in zip(new["supplier_id"], new["imer_id"], new["slot"], strict=True):
        assert ("supplier", s, int(t)) not in problem.unavailable
        assert ("imer", i, int(t)) not in problem.unavailable
        assert int(t) not in problem.closed_slots
    assert abs(plan.total_score - float(m["score"].sum())) < 1e-9
    if plan.upper_bound is not None:
        assert plan.total_score <= plan.upper_bound + 1e-6
