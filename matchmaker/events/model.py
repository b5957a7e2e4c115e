"""Values of meeting planning: the problem, the plan and what could not be done."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

__all__ = [
    "MEETING_COLUMNS",
    "PAIR_COLUMNS",
    "ROLES",
    "SCHEDULE_COLUMNS",
    "MustMeetIssue",
    "Plan",
    "PlanningProblem",
    "Role",
    "Shortfall",
]

Role = Literal["supplier", "imer"]

#: The two sides of a meeting.
ROLES: tuple[Role, Role] = ("supplier", "imer")

#: Candidate pairs: who may meet, how well they fit and whether they must meet.
PAIR_COLUMNS: tuple[str, ...] = ("supplier_id", "imer_id", "score", "must_meet")

#: The schedule file of the contract (``SCHEDULE.csv``).
SCHEDULE_COLUMNS: tuple[str, ...] = ("slot", "table", "supplier_id", "imer_id", "score")

#: A planned meeting as the library returns it: the schedule plus two flags.
MEETING_COLUMNS: tuple[str, ...] = (*SCHEDULE_COLUMNS, "must_meet", "fixed")


@dataclass(frozen=True, eq=False)
class PlanningProblem:
    """One day of one-to-one meetings to plan.

    Slots count from 1, tables count from 1 within a slot. Suppliers and
    Imers are told apart by role, so the same id may name one of each.

    Parameters
    ----------
    pairs:
        Frame with ``PAIR_COLUMNS`` (``must_meet`` optional, default false):
        only these pairs may meet; ``score`` is the compatibility (meetings
        with a score of zero or below are held only when they are must-meets
        or needed for the minimum-meetings guarantee).
    n_slots, n_tables:
        Number of time slots and of tables (meetings per slot).
    max_meetings:
        Maximum meetings per participant, unless ``max_meetings_by`` says
        otherwise for that participant.
    suppliers, imers:
        Registered participants, including any that appear in no pair (they
        matter for the minimum-meetings report).
    max_meetings_by:
        ``(role, id) -> maximum meetings`` overriding ``max_meetings``.
    unavailable:
        ``(role, id, slot)`` triples: that participant cannot meet then.
    fixed:
        Meetings that must stay exactly where they are (held or confirmed),
        with ``SCHEDULE_COLUMNS``; they use their slot, table and a meeting of
        each participant's maximum, and their pairs do not meet again.
    closed_slots:
        Slots in which no new meeting may be placed (the past, when
        re-planning during the day).
    """

    pairs: pd.DataFrame
    n_slots: int
    n_tables: int
    max_meetings: int
    suppliers: tuple[str, ...] = ()
    imers: tuple[str, ...] = ()
    max_meetings_by: Mapping[tuple[Role, str], int] = field(default_factory=dict)
    unavailable: frozenset[tuple[Role, str, int]] = frozenset()
    fixed: pd.DataFrame | None = None
    closed_slots: frozenset[int] = frozenset()


@dataclass(frozen=True)
class MustMeetIssue:
    """A must-meet pair the plan does not hold, and why."""

    supplier_id: str
    imer_id: str
    reason: str


@dataclass(frozen=True)
class Shortfall:
    """A participant that gets fewer meetings than the minimum asked, and why."""

    role: Role
    participant_id: str
    meetings: int
    wanted: int
    reason: str


@dataclass(frozen=True, eq=False)
class Plan:
    """The planner's answer.

    Attributes
    ----------
    meetings:
        One row per meeting with ``MEETING_COLUMNS``, sorted by slot and
        table; ``fixed`` marks meetings that were given as fixed.
    total_score:
        Sum of ``score`` over the meetings (fixed ones included).
    upper_bound:
        An upper bound on ``total_score`` (fixed meetings included) over
        every plan with the same must-meets and the same minimum-meetings
        level, from the flow relaxation; ``None`` when the planner optimised
        adjusted weights (re-planning priorities and stability), where the
        bound holds for those weights instead.
    optimal:
        True when the plan is proven optimal: every meeting chosen by the
        exact relaxation was placed, so the relaxation bound is reached.
    unplaced_must_meets:
        Must-meet pairs not held, each with its reason.
    shortfalls:
        Participants below the minimum number of meetings, with reasons
        (empty when no minimum was asked).
    notes:
        Anything else worth telling the staff (solver limits reached, …).
    """

    meetings: pd.DataFrame
    total_score: float
    upper_bound: float | None
    optimal: bool
    unplaced_must_meets: tuple[MustMeetIssue, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    notes: tuple[str, ...] = ()

    def schedule(self) -> pd.DataFrame:
        """The contract's ``SCHEDULE.csv`` frame (``SCHEDULE_COLUMNS``)."""
        return self.meetings.loc[:, list(SCHEDULE_COLUMNS)].reset_index(drop=True)
