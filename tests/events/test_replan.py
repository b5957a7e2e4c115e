"""Re-planning during the day never moves a held or confirmed meeting and fills the holes."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.events import PlanningProblem, Role, plan_meetings
from matchmaker.events.synthetic import random_problem
from tests.events.checks import check_plan
from tests.events.strategies import problems


def _replan_problem(
    problem: PlanningProblem,
    plan: pd.DataFrame,
    from_slot: int,
    confirmed: set[int],
    absent: set[tuple[Role, str]],
) -> tuple[PlanningProblem, pd.DataFrame, pd.DataFrame]:
    keep = (plan["slot"] < from_slot) | plan.index.isin(sorted(confirmed))
    fixed = plan.loc[keep, ["slot", "table", "supplier_id", "imer_id", "score"]].reset_index(
        drop=True
    )
    preferred = plan.loc[~keep & (plan["slot"] >= from_slot)]
    extra = {(r, p, s) for r, p in absent for s in range(from_slot, problem.n_slots + 1)}
    new = PlanningProblem(
        pairs=problem.pairs,
        n_slots=problem.n_slots,
        n_tables=problem.n_tables,
        max_meetings=problem.max_meetings,
        suppliers=problem.suppliers,
        imers=problem.imers,
        max_meetings_by=problem.max_meetings_by,
        unavailable=problem.unavailable | frozenset(extra),
        fixed=fixed,
        closed_slots=frozenset(range(1, from_slot)),
    )
    return new, fixed, preferred


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.data())
def test_replan_keeps_fixed_meetings_and_respects_the_day(
    problem: PlanningProblem, data: st.DataObject
) -> None:
    first = plan_meetings(problem, time_limit=2.0).meetings
    from_slot = data.draw(st.integers(1, problem.n_slots))
    later = [k for k, t in zip(first.index, first["slot"].tolist(), strict=True) if t >= from_slot]
    confirmed = set(data.draw(st.lists(st.sampled_from(later), unique=True)) if later else [])
    people: list[tuple[Role, str]] = [("supplier", s) for s in problem.suppliers]
    people += [("imer", i) for i in problem.imers]
    absent = set(data.draw(st.lists(st.sampled_from(people), unique=True, max_size=3)))
    new_problem, fixed, preferred = _replan_problem(problem, first, from_slot, confirmed, absent)
    priority: dict[tuple[Role, str], float] = {
        p: data.draw(st.sampled_from([0.0, 0.25, 0.5])) for p in people
    }
    minimum = data.draw(st.integers(0, 2))
    plan = plan_meetings(
        new_problem, priority=priority, preferred=preferred, min_meetings=minimum, time_limit=2.0
    )
    check_plan(new_problem, plan)
    got = plan.meetings
    # held and confirmed meetings: exactly where they were
    for row in fixed.itertuples(index=False):
        same = got.loc[(got["supplier_id"] == row.supplier_id) & (got["imer_id"] == row.imer_id)]
        assert same[["slot", "table"]].values.tolist() == [[row.slot, row.table]]
        assert bool(same["fixed"].iloc[0])
    # nothing new in the past, nothing new for absent participants
    new = got.loc[~got["fixed"]]
    assert (new["slot"] >= from_slot).all()
    for role, pid in absent:
        col = "supplier_id" if role == "supplier" else "imer_id"
        assert new.loc[new[col] == pid].empty


def test_no_show_holes_are_filled_and_the_least_served_are_favoured() -> None:
    problem = random_problem(
        30, 30, n_slots=6, n_tables=12, max_meetings=4, pairs_per_supplier=10, seed=11
    )
    first = plan_meetings(problem).meetings
    check_plan(problem, first_plan := plan_meetings(problem))
    del first_plan
    # imer with the most meetings from slot 3 on goes home after slot 2
    later = first.loc[first["slot"] >= 3]
    gone = later["imer_id"].value_counts().index[0]
    new_problem, _, preferred = _replan_problem(problem, first, 3, set(), {("imer", gone)})
    plan = plan_meetings(new_problem, preferred=preferred)
    check_plan(new_problem, plan)
    after = plan.meetings.loc[plan.meetings["slot"] >= 3]
    assert gone not in set(after["imer_id"])
    # the seats the absent Imer left are used by others: the later slots stay as full
    assert len(after) >= len(later) - 1
    # unchanged meetings mostly stay in their slot and table (agendas printed stay valid)
    kept_rows = preferred.loc[preferred["imer_id"] != gone]
    same = kept_rows.merge(after, on=["slot", "table", "supplier_id", "imer_id"])
    assert len(same) >= 0.7 * len(kept_rows)


def test_priority_favours_participants_with_fewer_meetings() -> None:
    # one seat left; two equally good pairs; the supplier with no meeting so far wins
    pairs = pd.DataFrame(
        {"supplier_id": ["S1", "S2"], "imer_id": ["I1", "I2"], "score": [0.5, 0.5]}
    )
    for favoured in ("S1", "S2"):
        priority: dict[tuple[Role, str], float] = {("supplier", favoured): 0.5}
        plan = plan_meetings(
            PlanningProblem(pairs, n_slots=1, n_tables=1, max_meetings=1), priority=priority
        )
        assert plan.meetings["supplier_id"].tolist() == [favoured]
        assert plan.total_score == 0.5  # reported scores stay the raw scores
