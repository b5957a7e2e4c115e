"""The planner: every constraint on random instances, optimality, must-meets, unavailability."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.errors import ValidationError
from matchmaker.events import PlanningProblem, Role, plan_meetings, solve_exact
from matchmaker.events.synthetic import random_problem
from tests.events.checks import check_plan
from tests.events.strategies import problems

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems(), st.integers(0, 3))
def test_every_constraint_holds_on_random_instances(problem: PlanningProblem, minimum: int) -> None:
    plan = plan_meetings(problem, min_meetings=minimum, time_limit=2.0)
    check_plan(problem, plan)


@SETTINGS
@given(problems(unavailability=False, must_meets=False))
def test_without_unavailability_the_plan_is_the_exact_optimum(problem: PlanningProblem) -> None:
    plan = plan_meetings(problem, time_limit=2.0)
    check_plan(problem, plan)
    exact = solve_exact(problem, time_limit=20)
    assert exact.status == "optimal"
    assert plan.optimal
    assert plan.total_score == pytest.approx(exact.total_score, abs=1e-6)
    assert plan.upper_bound == pytest.approx(exact.total_score, abs=1e-6)


@SETTINGS
@given(problems(must_meets=False))
def test_plan_never_beats_the_exact_optimum_and_optimal_means_optimal(
    problem: PlanningProblem,
) -> None:
    plan = plan_meetings(problem, time_limit=2.0)
    exact = solve_exact(problem, time_limit=20)
    assert exact.status == "optimal"
    assert plan.total_score <= exact.total_score + 1e-6
    assert plan.upper_bound is not None and plan.upper_bound >= exact.total_score - 1e-6
    if plan.optimal:
        assert plan.total_score == pytest.approx(exact.total_score, abs=1e-6)


@SETTINGS
@given(problems())
def test_must_meets_are_all_placed_whenever_that_is_possible(problem: PlanningProblem) -> None:
    plan = plan_meetings(problem, time_limit=2.0)
    check_plan(problem, plan)
    musts = problem.pairs.loc[problem.pairs["must_meet"]]
    placed = set(zip(plan.meetings["supplier_id"], plan.meetings["imer_id"], strict=True))
    reported = {(m.supplier_id, m.imer_id) for m in plan.unplaced_must_meets}
    for pair in zip(musts["supplier_id"], musts["imer_id"], strict=True):
        assert (pair in placed) != (pair in reported)  # placed, or reported with a reason
    assert all(m.reason for m in plan.unplaced_must_meets)
    exact = solve_exact(problem, time_limit=20)  # must-meets are hard constraints there
    if exact.status == "optimal":
        assert not reported


def _pairs(rows: list[tuple[str, str, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["supplier_id", "imer_id", "score", "must_meet"])


def test_must_meet_beats_a_higher_score() -> None:
    # one slot, one table: the must-meet takes it although the other pair scores more
    pairs = _pairs([("S1", "I1", 0.1, True), ("S2", "I2", 0.9, False)])
    plan = plan_meetings(PlanningProblem(pairs, n_slots=1, n_tables=1, max_meetings=1))
    assert plan.schedule()[["supplier_id", "imer_id"]].values.tolist() == [["S1", "I1"]]
    assert not plan.unplaced_must_meets


def test_unplaceable_must_meets_are_reported_with_their_reason() -> None:
    pairs = _pairs(
        [
            ("S1", "I1", 0.5, True),  # no common free slot
            ("S2", "I2", 0.5, True),  # S2 has three must-meets, max two
            ("S2", "I3", 0.4, True),
            ("S2", "I4", 0.3, True),
            ("S3", "I5", 0.5, True),  # I5 unavailable all day
        ]
    )
    unavailable: set[tuple[Role, str, int]] = {
        ("supplier", "S1", 1),
        ("imer", "I1", 2),
        ("imer", "I5", 1),
        ("imer", "I5", 2),
    }
    plan = plan_meetings(
        PlanningProblem(
            pairs, n_slots=2, n_tables=5, max_meetings=2, unavailable=frozenset(unavailable)
        )
    )
    reasons = {(m.supplier_id, m.imer_id): m.reason for m in plan.unplaced_must_meets}
    assert "no free slot in common" in reasons[("S1", "I1")]
    assert "Imer I5 is not free in any open slot" in reasons[("S3", "I5")]
    s2 = [r for (s, _), r in reasons.items() if s == "S2"]
    assert len(s2) == 1 and "supplier S2 has 3 must-meet pairs but can take at most 2" in s2[0]
    # the two S2 must-meets kept are the higher-scoring ones
    met = set(zip(plan.meetings["supplier_id"], plan.meetings["imer_id"], strict=True))
    assert {("S2", "I2"), ("S2", "I3")} <= met


def test_unavailable_slots_are_respected_even_when_costly() -> None:
    # S1 and I1 are the best pair but only both free in slot 2; S1 also likes I2 (free in 1 only)
    pairs = _pairs([("S1", "I1", 0.9, False), ("S1", "I2", 0.8, False)])
    unavailable: set[tuple[Role, str, int]] = {
        ("supplier", "S1", 3),
        ("imer", "I1", 1),
        ("imer", "I1", 3),
        ("imer", "I2", 2),
    }
    plan = plan_meetings(
        PlanningProblem(
            pairs, n_slots=3, n_tables=1, max_meetings=3, unavailable=frozenset(unavailable)
        )
    )
    rows = plan.schedule()[["slot", "supplier_id", "imer_id"]].values.tolist()
    assert rows == [[1, "S1", "I2"], [2, "S1", "I1"]]
    assert plan.optimal


def test_tables_cap_each_slot_and_best_meetings_win() -> None:
    # 3 disjoint pairs, 1 slot, 2 tables: the two best meet
    pairs = _pairs([("S1", "I1", 0.3, False), ("S2", "I2", 0.9, False), ("S3", "I3", 0.6, False)])
    plan = plan_meetings(PlanningProblem(pairs, n_slots=1, n_tables=2, max_meetings=1))
    assert set(plan.meetings["supplier_id"]) == {"S2", "S3"}
    assert sorted(plan.meetings["table"]) == [1, 2]


def test_non_positive_scores_are_not_scheduled_for_nothing() -> None:
    pairs = _pairs([("S1", "I1", 0.0, False), ("S1", "I2", -0.5, False), ("S2", "I2", 0.4, False)])
    plan = plan_meetings(PlanningProblem(pairs, n_slots=2, n_tables=2, max_meetings=2))
    assert plan.schedule()[["supplier_id", "imer_id"]].values.tolist() == [["S2", "I2"]]


def test_large_uniform_instance_is_optimal_and_fills_every_table() -> None:
    problem = random_problem(
        60, 60, n_slots=8, n_tables=30, max_meetings=6, pairs_per_supplier=12, seed=5
    )
    plan = plan_meetings(problem)
    check_plan(problem, plan)
    assert plan.optimal and plan.upper_bound == pytest.approx(plan.total_score)
    # the bound (sum of the flow's selection) is reached with every table used
    assert len(plan.meetings) == 8 * 30
    assert (plan.meetings.groupby("slot").size() == 30).all()


def test_plan_is_deterministic() -> None:
    problem = random_problem(
        20, 20, n_slots=6, n_tables=8, max_meetings=4, unavailable_share=0.5, seed=2
    )
    first = plan_meetings(problem).meetings
    second = plan_meetings(problem).meetings
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_slots": 0}, "slots must be at least 1"),
        ({"n_tables": 0}, "tables must be at least 1"),
        ({"max_meetings": -1}, "max meetings must be 0 or more"),
    ],
)
def test_bad_problems_are_rejected(kwargs: dict[str, int], match: str) -> None:
    base = {"n_slots": 2, "n_tables": 2, "max_meetings": 2}
    base.update(kwargs)
    problem = PlanningProblem(
        _pairs([("S1", "I1", 0.5, False)]),
        n_slots=base["n_slots"],
        n_tables=base["n_tables"],
        max_meetings=base["max_meetings"],
    )
    with pytest.raises(ValidationError, match=match):
        plan_meetings(problem)


def test_duplicate_pairs_and_bad_unavailability_are_rejected() -> None:
    pairs = _pairs([("S1", "I1", 0.5, False), ("S1", "I1", 0.6, False)])
    with pytest.raises(ValidationError, match="listed twice"):
        plan_meetings(PlanningProblem(pairs, n_slots=1, n_tables=1, max_meetings=1))
    with pytest.raises(ValidationError, match="outside 1-2"):
        plan_meetings(
            PlanningProblem(
                _pairs([("S1", "I1", 0.5, False)]),
                n_slots=2,
                n_tables=1,
                max_meetings=1,
                unavailable=frozenset({("supplier", "S1", 3)}),
            )
        )
