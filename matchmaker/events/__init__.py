"""Matchmaking events: optimal meeting plans, live re-planning, agendas and outcomes.

Planning works on a :class:`PlanningProblem` (pairs with scores, slots,
tables, limits, unavailability, fixed meetings)::

    from matchmaker.events import PlanningProblem, plan_meetings
    plan = plan_meetings(PlanningProblem(pairs, n_slots=12, n_tables=150, max_meetings=8))
    plan.schedule()          # slot, table, supplier_id, imer_id, score

Stored events (:mod:`matchmaker.events.stored`) keep slots, participants,
wishes, plan versions and the day's log in the store; exports
(:mod:`matchmaker.events.exports`) turn a plan into agendas (CSV, .ics,
HTML), the floor's table plan and summaries. :func:`solve_exact` is the
exact MILP used to check the planner.
"""

from matchmaker.events.colouring import equitable_edge_colouring
from matchmaker.events.compat import EventPairs, PairScorer, apply_wishes, content_score
from matchmaker.events.exact import ExactResult, solve_exact
from matchmaker.events.exports import (
    Agenda,
    Summary,
    agenda,
    agenda_csv,
    agenda_html,
    agenda_ics,
    event_summary,
    plan_summary,
    table_plan,
    table_plan_html,
)
from matchmaker.events.files import (
    PairsFile,
    UnavailableFile,
    read_pairs,
    read_unavailable,
    write_schedule,
)
from matchmaker.events.model import (
    MEETING_COLUMNS,
    PAIR_COLUMNS,
    SCHEDULE_COLUMNS,
    MustMeetIssue,
    Plan,
    PlanningProblem,
    Role,
    Shortfall,
)
from matchmaker.events.planner import plan_meetings
from matchmaker.events.stored import (
    OUTCOMES,
    WISH_BY,
    WISHES,
    EventInfo,
    OutcomeResult,
    StoredPlan,
    check_in,
    create_event,
    event_log,
    event_pairs,
    get_event,
    list_events,
    mark_meeting,
    meetings,
    no_show,
    participants,
    plan_event,
    plan_versions,
    record_outcome,
    register_participants,
    replan_event,
    set_unavailable,
    set_wish,
    unavailability,
    wishes,
)

__all__ = [
    "MEETING_COLUMNS",
    "OUTCOMES",
    "PAIR_COLUMNS",
    "SCHEDULE_COLUMNS",
    "WISHES",
    "WISH_BY",
    "Agenda",
    "EventInfo",
    "EventPairs",
    "ExactResult",
    "MustMeetIssue",
    "OutcomeResult",
    "PairScorer",
    "PairsFile",
    "Plan",
    "PlanningProblem",
    "Role",
    "Shortfall",
    "StoredPlan",
    "Summary",
    "UnavailableFile",
    "agenda",
    "agenda_csv",
    "agenda_html",
    "agenda_ics",
    "apply_wishes",
    "check_in",
    "content_score",
    "create_event",
    "equitable_edge_colouring",
    "event_log",
    "event_pairs",
    "event_summary",
    "get_event",
    "list_events",
    "mark_meeting",
    "meetings",
    "no_show",
    "participants",
    "plan_event",
    "plan_meetings",
    "plan_summary",
    "plan_versions",
    "read_pairs",
    "read_unavailable",
    "record_outcome",
    "register_participants",
    "replan_event",
    "set_unavailable",
    "set_wish",
    "solve_exact",
    "table_plan",
    "table_plan_html",
    "unavailability",
    "wishes",
    "write_schedule",
]
