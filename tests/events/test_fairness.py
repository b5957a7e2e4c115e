"""The minimum-meetings option: guaranteed where possible, shortfalls explained."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.events import PlanningProblem, Role, plan_meetings
from tests.events.checks import check_plan, max_of
from tests.events.strategies import problems


def _pairs(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["supplier_id", "imer_id", "score"])


def _degrees(plan_meetings_frame: pd.DataFrame) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for s, i in zip(
        plan_meetings_frame["supplier_id"], plan_meetings_frame["imer_id"], strict=True
    ):
        out[("supplier", s)] += 1
        out[("imer", i)] += 1
    return out


def _utility(degrees: Counter[tuple[str, str]], people: list[tuple[Role, str]], k: int) -> int:
    return sum(sum(k - j + 1 for j in range(1, min(degrees[p], k) + 1)) for p in people)


def test_minimum_gives_everyone_a_meeting_at_a_cost_in_score() -> None:
    # By score alone only S1-I1 meets; with a minimum of 1 everyone meets once.
    pairs = _pairs([("S1", "I1", 0.9), ("S2", "I1", 0.1), ("S1", "I2", 0.1)])
    problem = PlanningProblem(pairs, n_slots=1, n_tables=2, max_meetings=1)
    plain = plan_meetings(problem)
    assert plain.schedule()[["supplier_id", "imer_id"]].values.tolist() == [["S1", "I1"]]
    fair = plan_meetings(problem, min_meetings=1)
    check_plan(problem, fair)
    assert sorted(zip(fair.meetings["supplier_id"], fair.meetings["imer_id"], strict=True)) == [
        ("S1", "I2"),
        ("S2", "I1"),
    ]
    assert fair.shortfalls == ()


def test_shortfall_reasons() -> None:
    pairs = _pairs(
        [
            ("S1", "I1", 0.5),
            ("S1", "I2", 0.5),
            ("S2", "I1", 0.5),  # S2: only one partner
            ("S3", "I2", 0.5),
            ("S3", "I3", 0.5),  # S3: max meetings 1
            ("S4", "I3", 0.5),
            ("S4", "I1", 0.5),  # S4: free in one slot only
        ]
    )
    problem = PlanningProblem(
        pairs,
        n_slots=2,
        n_tables=4,
        max_meetings=2,
        max_meetings_by={("supplier", "S3"): 1},
        unavailable=frozenset({("supplier", "S4", 2)}),
    )
    plan = plan_meetings(problem, min_meetings=2)
    check_plan(problem, plan)
    reasons = {(s.role, s.participant_id): s.reason for s in plan.shortfalls}
    assert "only 1 possible partner" in reasons[("supplier", "S2")]
    assert "maximum is 1 meetings" in reasons[("supplier", "S3")]
    assert "free in only 1 open slot" in reasons[("supplier", "S4")]
    assert ("supplier", "S1") not in reasons


def test_not_enough_tables_is_named() -> None:
    pairs = _pairs([(f"S{a}", f"I{b}", 0.5) for a in range(4) for b in range(4)])
    problem = PlanningProblem(pairs, n_slots=2, n_tables=2, max_meetings=2)
    plan = plan_meetings(problem, min_meetings=2)
    assert plan.shortfalls
    assert all("not enough tables" in s.reason for s in plan.shortfalls)
    # still, four meetings and everyone at least one: first meetings come first
    degrees = _degrees(plan.meetings)
    assert len(plan.meetings) == 4
    assert all(degrees[("supplier", f"S{a}")] == 1 for a in range(4))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(must_meets=False), st.integers(1, 3))
def test_minimum_never_leaves_more_people_short_and_explains_each(
    problem: PlanningProblem, k: int
) -> None:
    people: list[tuple[Role, str]] = [("supplier", s) for s in problem.suppliers]
    people += [("imer", i) for i in problem.imers]
    plain = plan_meetings(problem, time_limit=2.0)
    fair = plan_meetings(problem, min_meetings=k, time_limit=2.0)
    check_plan(problem, fair)
    got = _degrees(fair.meetings)
    short = {(s.role, s.participant_id) for s in fair.shortfalls}
    assert short == {p for p in people if got[p] < k}
    assert all(s.reason and s.meetings == got[(s.role, s.participant_id)] for s in fair.shortfalls)
    assert _utility(got, people, k) >= _utility(_degrees(plain.meetings), people, k)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(unavailability=False, must_meets=False, max_side=4), st.integers(1, 3))
def test_minimum_is_exact_without_unavailability(problem: PlanningProblem, k: int) -> None:
    """Brute force: no selection of pairs gets closer to everyone's minimum."""
    pairs = list(zip(problem.pairs["supplier_id"], problem.pairs["imer_id"], strict=True))
    if len(pairs) > 10:
        pairs = pairs[:10]
        problem = PlanningProblem(
            problem.pairs.iloc[:10], problem.n_slots, problem.n_tables, problem.max_meetings,
            problem.suppliers, problem.imers, problem.max_meetings_by,
        )  # fmt: skip
    people: list[tuple[Role, str]] = [("supplier", s) for s in problem.suppliers]
    people += [("imer", i) for i in problem.imers]
    cap = {p: min(max_of(problem, *p), problem.n_slots) for p in people}
    best = 0
    for size in range(min(len(pairs), problem.n_slots * problem.n_tables) + 1):
        for subset in combinations(pairs, size):
            deg: Counter[tuple[str, str]] = Counter()
            for s, i in subset:
                deg[("supplier", s)] += 1
                deg[("imer", i)] += 1
            if all(deg[p] <= cap[p] for p in people):
                best = max(best, _utility(deg, people, k))
    fair = plan_meetings(problem, min_meetings=k, time_limit=2.0)
    check_plan(problem, fair)
    assert _utility(_degrees(fair.meetings), people, k) == best
