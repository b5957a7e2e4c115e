"""Events in the store: create, register, wishes, plan, record the day, re-plan, outcomes.

Every function takes the :class:`~matchmaker.store.Store` first. Plans are
kept as numbered versions (the newest is current); the day's facts —
check-ins, no-shows, confirmed and held meetings, outcomes — are appended to
the event log and never changed.

Re-planning (:func:`replan_event`) from slot ``r``:

* slots before ``r`` are the past: their meetings are taken as held unless a
  no-show was recorded for one of the two at that slot;
* meetings recorded as held or confirmed stay exactly where they are (slot
  and table), in any slot;
* a participant whose latest attendance fact is a no-show (no check-in since)
  is left out of the remaining slots, so the holes they leave are filled by
  others;
* the rest of the day is planned again, keeping unchanged meetings in their
  slot and table where that costs little, and favouring participants with
  the fewest meetings so far (their meetings weigh more).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from matchmaker.errors import (
    ConflictError,
    NotFoundError,
    TransitionError,
    ValidationError,
)
from matchmaker.events.compat import (
    EventPairs,
    PairScorer,
    apply_wishes,
    content_score,
    top_candidates,
)
from matchmaker.events.model import MEETING_COLUMNS, Plan, PlanningProblem, Role
from matchmaker.events.planner import plan_meetings
from matchmaker.events.tables import (
    EventLogRow,
    EventMeetingRow,
    EventParticipantRow,
    EventPlanRow,
    EventRow,
    EventSlotRow,
    EventUnavailableRow,
    EventWishRow,
)
from matchmaker.store import NewEvent, Store

__all__ = [
    "OUTCOMES",
    "WISHES",
    "WISH_BY",
    "EventInfo",
    "OutcomeResult",
    "Slot",
    "StoredPlan",
    "check_in",
    "create_event",
    "event_log",
    "event_pairs",
    "get_event",
    "list_events",
    "mark_meeting",
    "meetings",
    "no_show",
    "participants",
    "plan_event",
    "plan_versions",
    "presence",
    "record_outcome",
    "register_participants",
    "replan_event",
    "set_unavailable",
    "set_wish",
    "unavailability",
    "wishes",
]

logger = logging.getLogger(__name__)

#: Wish values: must meet, would like to meet, do not want to meet.
WISHES: tuple[str, ...] = ("must", "like", "not")
#: Who can express a wish about a pair.
WISH_BY: tuple[str, ...] = ("supplier", "imer", "staff")
#: Outcomes staff record after a meeting.
OUTCOMES: tuple[str, ...] = ("no_interest", "follow_up", "deal")

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")


@dataclass(frozen=True)
class Slot:
    """One time slot: number (from 1), start (UTC) and length."""

    slot: int
    starts_at: dt.datetime
    minutes: int

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class EventInfo:
    """An event and its slots."""

    event_id: str
    name: str
    venue: str | None
    n_tables: int
    max_meetings: int
    utc_offset_minutes: int
    timezone_label: str
    slots: tuple[Slot, ...]

    @property
    def n_slots(self) -> int:
        return len(self.slots)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` in the event's local time (naive)."""
        return (_utc(moment) + dt.timedelta(minutes=self.utc_offset_minutes)).replace(tzinfo=None)

    def slot_at(self, moment: dt.datetime) -> int:
        """The slot running at ``moment``, or the next one (``n_slots + 1`` after the day)."""
        when = _utc(moment)
        for s in self.slots:
            if when < s.ends_at:
                return s.slot
        return self.n_slots + 1


@dataclass(frozen=True, eq=False)
class StoredPlan:
    """A plan saved as a version of an event's plan."""

    event_id: str
    version: int
    plan: Plan
    score_source: str
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class OutcomeResult:
    """What recording an outcome did."""

    outcome: str
    proposed: bool
    message: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _check_role(role: str) -> Role:
    if role == "supplier":
        return "supplier"
    if role == "imer":
        return "imer"
    raise ValidationError(f"role {role!r} is not supplier or imer")


def _event_row(session: Any, event_id: str) -> EventRow:
    row = session.get(EventRow, event_id)
    if row is None:
        raise NotFoundError(f"event {event_id!r} does not exist; create it with `event create`")
    assert isinstance(row, EventRow)
    return row


# ----------------------------------------------------------------- events
def create_event(
    store: Store,
    event_id: str,
    name: str,
    *,
    first_start: dt.datetime,
    n_slots: int,
    slot_minutes: int,
    n_tables: int,
    max_meetings: int,
    break_minutes: int = 0,
    venue: str | None = None,
    utc_offset_minutes: int = 420,
    timezone_label: str = "WIB",
) -> EventInfo:
    """Create an event with evenly spaced slots.

    Parameters
    ----------
    store:
        The registry store.
    event_id:
        Letters, digits, ``_ . -`` (up to 64 characters).
    name:
        Title shown on agendas.
    first_start:
        Start of slot 1; a naive time is local time at ``utc_offset_minutes``.
    n_slots, slot_minutes, break_minutes:
        Number of slots, their length and the pause between two slots.
    n_tables:
        Tables on the floor (meetings per slot).
    max_meetings:
        Default maximum meetings per participant.
    venue:
        Where it takes place.
    utc_offset_minutes, timezone_label:
        Local time of the venue (WIB +7:00 by default; WITA 480, WIT 540).

    Returns
    -------
    EventInfo

    Raises
    ------
    ValidationError
        If a value is out of range.
    ConflictError
        If the event id is taken.
    """
    if not _ID_RE.match(event_id):
        raise ValidationError(
            f"event id {event_id!r} must be 1-64 letters, digits, '_', '.' or '-'"
        )
    if not name.strip():
        raise ValidationError("event name is empty")
    for label, value, low in (
        ("slots", n_slots, 1),
        ("slot minutes", slot_minutes, 1),
        ("tables", n_tables, 1),
        ("max meetings", max_meetings, 1),
        ("break minutes", break_minutes, 0),
    ):
        if value < low:
            raise ValidationError(f"{label} must be at least {low} (got {value})")
    if first_start.tzinfo is None:
        first_start = first_start - dt.timedelta(minutes=utc_offset_minutes)
        first_start = first_start.replace(tzinfo=dt.UTC)
    start = _utc(first_start)
    with store.session() as session:
        if session.get(EventRow, event_id) is not None:
            raise ConflictError(f"event {event_id!r} already exists; pick another id")
        session.add(
            EventRow(
                event_id=event_id,
                name=name.strip(),
                venue=venue,
                n_tables=n_tables,
                max_meetings=max_meetings,
                utc_offset_minutes=utc_offset_minutes,
                timezone_label=timezone_label,
                created_at=_now(),
            )
        )
        session.flush()
        step = dt.timedelta(minutes=slot_minutes + break_minutes)
        for k in range(n_slots):
            session.add(
                EventSlotRow(
                    event_id=event_id, slot=k + 1, starts_at=start + k * step, minutes=slot_minutes
                )
            )
    return get_event(store, event_id)


def get_event(store: Store, event_id: str) -> EventInfo:
    """The event and its slots; :class:`NotFoundError` if unknown."""
    with store.session() as session:
        row = _event_row(session, event_id)
        slots = session.scalars(
            select(EventSlotRow)
            .where(EventSlotRow.event_id == event_id)
            .order_by(EventSlotRow.slot)
        ).all()
        return EventInfo(
            event_id=row.event_id,
            name=row.name,
            venue=row.venue,
            n_tables=row.n_tables,
            max_meetings=row.max_meetings,
            utc_offset_minutes=row.utc_offset_minutes,
            timezone_label=row.timezone_label,
            slots=tuple(Slot(s.slot, _utc(s.starts_at), s.minutes) for s in slots),
        )


def list_events(store: Store) -> pd.DataFrame:
    """All events: ``event_id, name, venue, n_slots, n_tables, participants``."""
    with store.session() as session:
        rows = session.scalars(select(EventRow).order_by(EventRow.event_id)).all()
        out = []
        for row in rows:
            n_slots = session.scalar(
                select(func.count()).where(EventSlotRow.event_id == row.event_id)
            )
            n_part = session.scalar(
                select(func.count()).where(EventParticipantRow.event_id == row.event_id)
            )
            out.append((row.event_id, row.name, row.venue, n_slots, row.n_tables, n_part))
    return pd.DataFrame(
        out, columns=["event_id", "name", "venue", "n_slots", "n_tables", "participants"]
    )


# ----------------------------------------------------------- participants
def register_participants(store: Store, event_id: str, frame: pd.DataFrame) -> tuple[int, int]:
    """Register suppliers and Imers (upsert by role and id).

    Parameters
    ----------
    store:
        The registry store.
    event_id:
        The event.
    frame:
        ``role`` (``supplier``/``imer``), ``participant_id`` and optionally
        ``max_meetings`` (blank: the event's default) and ``display_name``
        (name shown to the other side on agendas; for an Imer, without it the
        agenda shows only "Imer <id>", never a person's name).

    Returns
    -------
    (int, int)
        Participants added and updated.

    Raises
    ------
    NotFoundError
        If an id is not in the registry (merged ids resolve to the survivor).
    ValidationError
        On a bad role or maximum.
    """
    info = get_event(store, event_id)
    records: list[tuple[Role, str, int | None, str | None]] = []
    for n, row in enumerate(frame.to_dict("records"), start=1):
        role = _check_role(str(row.get("role", "")).strip().lower())
        pid = store.resolve_id(role, str(row["participant_id"]).strip())
        max_m = row.get("max_meetings")
        max_value: int | None = None
        if max_m is not None and not pd.isna(max_m):
            max_value = int(max_m)
            if max_value < 0:
                raise ValidationError(f"participant {n} ({pid}): max_meetings must be 0 or more")
        name = row.get("display_name")
        shown = None if name is None or pd.isna(name) else str(name)
        records.append((role, pid, max_value, (shown or "").strip() or None))
    added = updated = 0
    with store.session() as session:
        _event_row(session, info.event_id)
        for role, pid, max_value, shown in records:
            key = {"event_id": event_id, "role": role, "participant_id": pid}
            current = session.get(EventParticipantRow, key)
            if current is None:
                session.add(
                    EventParticipantRow(
                        **key, max_meetings=max_value, display_name=shown, registered_at=_now()
                    )
                )
                added += 1
            else:
                if current.max_meetings != max_value or current.display_name != shown:
                    current.max_meetings = max_value
                    current.display_name = shown
                    updated += 1
    return added, updated


def participants(store: Store, event_id: str) -> pd.DataFrame:
    """Registered participants.

    Returns
    -------
    pandas.DataFrame
        ``role, participant_id, max_meetings`` (effective), ``display_name``
        (as registered), ``public_name`` (what agendas show the other side:
        the display name, else a supplier's business name, else
        ``"Imer <id>"``), sorted by role and id.
    """
    info = get_event(store, event_id)
    with store.session() as session:
        rows = session.scalars(
            select(EventParticipantRow)
            .where(EventParticipantRow.event_id == event_id)
            .order_by(EventParticipantRow.role, EventParticipantRow.participant_id)
        ).all()
        data = [
            (
                r.role,
                r.participant_id,
                info.max_meetings if r.max_meetings is None else r.max_meetings,
                r.display_name,
            )
            for r in rows
        ]
    frame = pd.DataFrame(data, columns=["role", "participant_id", "max_meetings", "display_name"])
    sup_ids = frame.loc[frame["role"] == "supplier", "participant_id"].tolist()
    names: dict[str, str] = {}
    if sup_ids:
        sup = store.suppliers(sup_ids)
        names = dict(zip(sup["supplier_id"], sup["name"].astype(str), strict=True))
    public: list[str] = []
    for role, pid, shown in zip(
        frame["role"], frame["participant_id"], frame["display_name"], strict=True
    ):
        if isinstance(shown, str) and shown:
            public.append(shown)
        elif role == "supplier":
            public.append(names.get(pid, f"UMKM {pid}"))
        else:
            public.append(f"Imer {pid}")
    frame["public_name"] = public
    return frame.astype({"max_meetings": "int64"})


def _participant_sets(store: Store, event_id: str) -> tuple[set[str], set[str]]:
    frame = participants(store, event_id)
    sup = set(frame.loc[frame["role"] == "supplier", "participant_id"])
    imr = set(frame.loc[frame["role"] == "imer", "participant_id"])
    return sup, imr


def _require_registered(store: Store, event_id: str, role: Role, pid: str) -> None:
    with store.session() as session:
        row = session.get(
            EventParticipantRow, {"event_id": event_id, "role": role, "participant_id": pid}
        )
    if row is None:
        raise NotFoundError(
            f"{role} {pid!r} is not registered for event {event_id!r}; register it first"
        )


def set_unavailable(
    store: Store,
    event_id: str,
    role: str,
    participant_id: str,
    slots: Iterable[int],
    *,
    available: bool = False,
) -> int:
    """Mark slots a participant cannot attend (or, with ``available``, can again).

    Returns
    -------
    int
        Slots changed.

    Raises
    ------
    NotFoundError
        If the participant is not registered.
    ValidationError
        If a slot is outside the event.
    """
    kind = _check_role(role)
    info = get_event(store, event_id)
    _require_registered(store, event_id, kind, participant_id)
    wanted = sorted({int(s) for s in slots})
    for s in wanted:
        if not 1 <= s <= info.n_slots:
            raise ValidationError(f"slot {s} is outside 1-{info.n_slots}")
    changed = 0
    with store.session() as session:
        for s in wanted:
            key = {"event_id": event_id, "role": kind, "participant_id": participant_id, "slot": s}
            row = session.get(EventUnavailableRow, key)
            if available and row is not None:
                session.delete(row)
                changed += 1
            elif not available and row is None:
                session.add(EventUnavailableRow(**key))
                changed += 1
    return changed


def unavailability(store: Store, event_id: str) -> pd.DataFrame:
    """``role, participant_id, slot`` rows of the event."""
    with store.session() as session:
        rows = session.execute(
            select(
                EventUnavailableRow.role,
                EventUnavailableRow.participant_id,
                EventUnavailableRow.slot,
            )
            .where(EventUnavailableRow.event_id == event_id)
            .order_by(
                EventUnavailableRow.role,
                EventUnavailableRow.participant_id,
                EventUnavailableRow.slot,
            )
        ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["role", "participant_id", "slot"])


# ----------------------------------------------------------------- wishes
def set_wish(
    store: Store,
    event_id: str,
    supplier_id: str,
    imer_id: str,
    *,
    by: str,
    wish: str,
    actor: str = "staff",
) -> None:
    """Record a wish about a pair by ``by`` (``supplier``, ``imer`` or ``staff``).

    ``wish`` is ``must``, ``like``, ``not`` or ``none`` (withdraws the wish).
    Staff ``must`` wishes are the event's must-meet pairs.

    Raises
    ------
    NotFoundError
        If either side is not registered.
    ValidationError
        On an unknown ``by`` or ``wish``.
    """
    if by not in WISH_BY:
        raise ValidationError(f"wish by {by!r}: use supplier, imer or staff")
    if wish not in (*WISHES, "none"):
        raise ValidationError(f"wish {wish!r}: use must, like, not or none")
    get_event(store, event_id)
    _require_registered(store, event_id, "supplier", supplier_id)
    _require_registered(store, event_id, "imer", imer_id)
    key = {"event_id": event_id, "supplier_id": supplier_id, "imer_id": imer_id, "by": by}
    with store.session() as session:
        row = session.get(EventWishRow, key)
        if wish == "none":
            if row is not None:
                session.delete(row)
            return
        if row is None:
            session.add(EventWishRow(**key, wish=wish, actor=actor, updated_at=_now()))
        else:
            row.wish, row.actor, row.updated_at = wish, actor, _now()


def wishes(store: Store, event_id: str) -> pd.DataFrame:
    """``supplier_id, imer_id, by, wish, actor, updated_at`` of the event."""
    with store.session() as session:
        rows = session.scalars(
            select(EventWishRow)
            .where(EventWishRow.event_id == event_id)
            .order_by(EventWishRow.supplier_id, EventWishRow.imer_id, EventWishRow.by)
        ).all()
        data = [(r.supplier_id, r.imer_id, r.by, r.wish, r.actor, _utc(r.updated_at)) for r in rows]
    return pd.DataFrame(
        data, columns=["supplier_id", "imer_id", "by", "wish", "actor", "updated_at"]
    )


# ------------------------------------------------------------------ pairs
def event_pairs(
    store: Store,
    event_id: str,
    *,
    scorer: PairScorer | None = None,
    pairs: pd.DataFrame | None = None,
    candidates_per_participant: int = 30,
) -> EventPairs:
    """The pairs the event may schedule, scored (see :mod:`matchmaker.events.compat`).

    Parameters
    ----------
    store, event_id:
        The event.
    scorer:
        The engine's pair scorer (``Recommender.score_pairs``); ``None``
        uses :func:`~matchmaker.events.compat.content_score`.
    pairs:
        Instead of scoring every supplier–Imer pair, use these
        (``supplier_id, imer_id, score`` and optional ``must_meet``); both
        sides must be registered.
    candidates_per_participant:
        Keep the pairs among each participant's best this many (either
        side), plus every wished pair; ``0`` keeps all. Pairs with an active
        partnership are left out unless someone wishes them.

    Returns
    -------
    EventPairs
    """
    sup_ids, imr_ids = _participant_sets(store, event_id)
    wish_frame = wishes(store, event_id)
    wished = {
        (s, i)
        for s, i, w in zip(
            wish_frame["supplier_id"], wish_frame["imer_id"], wish_frame["wish"], strict=True
        )
        if w in ("must", "like")
    }
    file_must: set[tuple[str, str]] = set()
    if pairs is not None:
        unknown_s = sorted(set(pairs["supplier_id"].astype(str)) - sup_ids)
        unknown_i = sorted(set(pairs["imer_id"].astype(str)) - imr_ids)
        if unknown_s or unknown_i:
            raise ValidationError(
                "pairs name participants not registered for the event: "
                + ", ".join(
                    [
                        *(f"supplier {x}" for x in unknown_s[:5]),
                        *(f"Imer {x}" for x in unknown_i[:5]),
                    ]
                )
            )
        base = pd.DataFrame(
            {
                "supplier_id": pairs["supplier_id"].astype(str).to_numpy(),
                "imer_id": pairs["imer_id"].astype(str).to_numpy(),
                "base_score": pairs["score"].astype(float).to_numpy(),
            }
        )
        if "must_meet" in pairs.columns:
            file_must = {
                (str(s), str(i))
                for s, i, m in zip(
                    pairs["supplier_id"], pairs["imer_id"], pairs["must_meet"], strict=True
                )
                if bool(m)
            }
        source = "file"
    else:
        grid = pd.MultiIndex.from_product(
            [sorted(sup_ids), sorted(imr_ids)], names=["supplier_id", "imer_id"]
        ).to_frame(index=False)
        active = store.partnerships()
        if not active.empty:
            active = active.loc[active["status"] == "active"]
            taken = set(zip(active["supplier_id"], active["imer_id"], strict=True))
            keep = [
                (s, i) not in taken or (s, i) in wished
                for s, i in zip(grid["supplier_id"], grid["imer_id"], strict=True)
            ]
            grid = grid.loc[keep].reset_index(drop=True)
        if scorer is not None:
            scores = scorer(grid)
            source = "model"
        else:
            scores = content_score(
                store.suppliers(sorted(sup_ids)), store.imers(sorted(imr_ids)), grid
            )
            source = "content"
        base = grid.assign(base_score=scores.to_numpy(dtype=float))
        keep_mask = pd.Series(
            [(s, i) in wished for s, i in zip(base["supplier_id"], base["imer_id"], strict=True)],
            index=base.index,
        )
        base = top_candidates(base, candidates_per_participant, keep_mask)
    scored, excluded = apply_wishes(base, wish_frame)
    if file_must:
        extra = [
            (s, i) in file_must
            for s, i in zip(scored["supplier_id"], scored["imer_id"], strict=True)
        ]
        scored["must_meet"] = scored["must_meet"].to_numpy() | np.array(extra, dtype=bool)
    scored = scored.sort_values(["supplier_id", "imer_id"]).reset_index(drop=True)
    return EventPairs(scored, excluded, source)


# ------------------------------------------------------------------ plans
def _problem(
    store: Store,
    info: EventInfo,
    pairs: pd.DataFrame,
    *,
    extra_unavailable: Iterable[tuple[Role, str, int]] = (),
    fixed: pd.DataFrame | None = None,
    closed_slots: Iterable[int] = (),
) -> PlanningProblem:
    frame = participants(store, info.event_id)
    max_by: dict[tuple[Role, str], int] = {
        (_check_role(r), str(p)): int(m)
        for r, p, m in zip(
            frame["role"], frame["participant_id"], frame["max_meetings"], strict=True
        )
    }
    unavailable: set[tuple[Role, str, int]] = {
        (_check_role(r), str(p), int(s))
        for r, p, s in unavailability(store, info.event_id).itertuples(index=False)
    }
    unavailable |= set(extra_unavailable)
    return PlanningProblem(
        pairs=pairs.loc[:, ["supplier_id", "imer_id", "score", "must_meet"]],
        n_slots=info.n_slots,
        n_tables=info.n_tables,
        max_meetings=info.max_meetings,
        suppliers=tuple(frame.loc[frame["role"] == "supplier", "participant_id"]),
        imers=tuple(frame.loc[frame["role"] == "imer", "participant_id"]),
        max_meetings_by=max_by,
        unavailable=frozenset(unavailable),
        fixed=fixed,
        closed_slots=frozenset(int(s) for s in closed_slots),
    )


def _report(
    plan: Plan, excluded: pd.DataFrame, must_blocked: list[dict[str, str]]
) -> dict[str, Any]:
    return {
        "unplaced_must_meets": [
            {"supplier_id": m.supplier_id, "imer_id": m.imer_id, "reason": m.reason}
            for m in plan.unplaced_must_meets
        ]
        + must_blocked,
        "shortfalls": [
            {
                "role": s.role,
                "participant_id": s.participant_id,
                "meetings": s.meetings,
                "wanted": s.wanted,
                "reason": s.reason,
            }
            for s in plan.shortfalls
        ],
        "notes": list(plan.notes),
        "excluded_pairs": len(excluded),
    }


def _blocked_must_meets(all_wishes: pd.DataFrame, excluded: pd.DataFrame) -> list[dict[str, str]]:
    """Must-meet wishes on pairs someone does not want: reported, never scheduled."""
    if excluded.empty or all_wishes.empty:
        return []
    must = all_wishes.loc[all_wishes["wish"] == "must"]
    blocked = {(s, i): b for s, i, b in excluded.itertuples(index=False)}
    out: list[dict[str, str]] = []
    for s, i in sorted(set(zip(must["supplier_id"], must["imer_id"], strict=True))):
        if (s, i) in blocked:
            out.append(
                {
                    "supplier_id": s,
                    "imer_id": i,
                    "reason": f"'do not want' from {blocked[(s, i)]}: the pair is never scheduled",
                }
            )
    return out


def _save_plan(
    store: Store,
    event_id: str,
    plan: Plan,
    *,
    kind: str,
    from_slot: int,
    min_meetings: int,
    score_source: str,
    report: dict[str, Any],
    actor: str,
) -> int:
    with store.session() as session:
        _event_row(session, event_id)
        current = session.scalar(
            select(func.max(EventPlanRow.version)).where(EventPlanRow.event_id == event_id)
        )
        version = int(current or 0) + 1
        session.add(
            EventPlanRow(
                event_id=event_id,
                version=version,
                kind=kind,
                from_slot=from_slot,
                min_meetings=min_meetings,
                total_score=float(plan.total_score),
                upper_bound=plan.upper_bound,
                optimal=bool(plan.optimal),
                score_source=score_source,
                report=report,
                actor=actor,
                created_at=_now(),
            )
        )
        session.flush()
        frame = plan.meetings
        for slot, table, sid, iid, score, must, fixed in zip(
            frame["slot"].tolist(),
            frame["table"].tolist(),
            frame["supplier_id"].astype(str).tolist(),
            frame["imer_id"].astype(str).tolist(),
            frame["score"].astype(float).tolist(),
            frame["must_meet"].astype(bool).tolist(),
            frame["fixed"].astype(bool).tolist(),
            strict=True,
        ):
            session.add(
                EventMeetingRow(
                    event_id=event_id,
                    version=version,
                    slot=int(slot),
                    table_no=int(table),
                    supplier_id=sid,
                    imer_id=iid,
                    score=score,
                    must_meet=must,
                    fixed=fixed,
                )
            )
    return version


def plan_event(
    store: Store,
    event_id: str,
    *,
    scorer: PairScorer | None = None,
    pairs: pd.DataFrame | None = None,
    min_meetings: int = 0,
    candidates_per_participant: int = 30,
    time_limit: float = 8.0,
    actor: str = "staff",
) -> StoredPlan:
    """Plan the whole day of a stored event and save it as a new plan version.

    Parameters
    ----------
    store, event_id:
        The event (participants, unavailability and wishes come from the store).
    scorer, pairs, candidates_per_participant:
        Where scores come from (see :func:`event_pairs`).
    min_meetings:
        Minimum meetings per participant where the event allows.
    time_limit:
        Seconds for the planner's MILP steps.
    actor:
        Who asked (recorded with the plan).

    Returns
    -------
    StoredPlan
    """
    info = get_event(store, event_id)
    ep = event_pairs(
        store,
        event_id,
        scorer=scorer,
        pairs=pairs,
        candidates_per_participant=candidates_per_participant,
    )
    plan = plan_meetings(
        _problem(store, info, ep.pairs), min_meetings=min_meetings, time_limit=time_limit
    )
    report = _report(plan, ep.excluded, _blocked_must_meets(wishes(store, event_id), ep.excluded))
    version = _save_plan(
        store,
        event_id,
        plan,
        kind="plan",
        from_slot=1,
        min_meetings=min_meetings,
        score_source=ep.source,
        report=report,
        actor=actor,
    )
    return StoredPlan(event_id, version, plan, ep.source, ep.excluded)


def plan_versions(store: Store, event_id: str) -> pd.DataFrame:
    """Every plan version (``version, kind, from_slot, total_score, optimal, …, report``)."""
    with store.session() as session:
        rows = session.scalars(
            select(EventPlanRow)
            .where(EventPlanRow.event_id == event_id)
            .order_by(EventPlanRow.version)
        ).all()
        data = [
            (
                r.version,
                r.kind,
                r.from_slot,
                r.min_meetings,
                r.total_score,
                r.upper_bound,
                r.optimal,
                r.score_source,
                _utc(r.created_at),
                r.report,
            )
            for r in rows
        ]
    return pd.DataFrame(
        data,
        columns=[
            "version",
            "kind",
            "from_slot",
            "min_meetings",
            "total_score",
            "upper_bound",
            "optimal",
            "score_source",
            "created_at",
            "report",
        ],
    )


def _current_version(store: Store, event_id: str) -> int:
    with store.session() as session:
        _event_row(session, event_id)
        version = session.scalar(
            select(func.max(EventPlanRow.version)).where(EventPlanRow.event_id == event_id)
        )
    if version is None:
        raise NotFoundError(f"event {event_id!r} has no plan yet; run `event plan` first")
    return int(version)


# -------------------------------------------------------------- the day log
def _append_log(store: Store, row: EventLogRow) -> int:
    with store.session() as session:
        _event_row(session, row.event_id)
        session.add(row)
        session.flush()
        return int(row.log_id)


def check_in(
    store: Store,
    event_id: str,
    role: str,
    participant_id: str,
    *,
    actor: str = "staff",
    slot: int | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Record that a participant is present (from ``slot``, else the slot running ``at``)."""
    kind = _check_role(role)
    info = get_event(store, event_id)
    _require_registered(store, event_id, kind, participant_id)
    when = _utc(at) if at is not None else _now()
    where = slot if slot is not None else min(info.slot_at(when), info.n_slots + 1)
    return _append_log(
        store,
        EventLogRow(
            event_id=event_id, kind="checkin", role=kind, participant_id=participant_id,
            slot=where, actor=actor, at=when,
        ),
    )  # fmt: skip


def no_show(
    store: Store,
    event_id: str,
    role: str,
    participant_id: str,
    *,
    slot: int,
    actor: str = "staff",
    at: dt.datetime | None = None,
    note: str | None = None,
) -> int:
    """Record that a participant did not come to its meeting in ``slot``.

    The participant counts as absent from that slot on, until a check-in.
    """
    kind = _check_role(role)
    info = get_event(store, event_id)
    _require_registered(store, event_id, kind, participant_id)
    if not 1 <= slot <= info.n_slots:
        raise ValidationError(f"slot {slot} is outside 1-{info.n_slots}")
    return _append_log(
        store,
        EventLogRow(
            event_id=event_id, kind="noshow", role=kind, participant_id=participant_id,
            slot=slot, note=note, actor=actor, at=_utc(at) if at else _now(),
        ),
    )  # fmt: skip


def _meeting_row(store: Store, event_id: str, supplier_id: str, imer_id: str) -> EventMeetingRow:
    version = _current_version(store, event_id)
    with store.session() as session:
        row = session.scalars(
            select(EventMeetingRow).where(
                EventMeetingRow.event_id == event_id,
                EventMeetingRow.version == version,
                EventMeetingRow.supplier_id == supplier_id,
                EventMeetingRow.imer_id == imer_id,
            )
        ).first()
    if row is None:
        raise NotFoundError(
            f"no meeting between supplier {supplier_id!r} and Imer {imer_id!r} in the current "
            f"plan of event {event_id!r}"
        )
    return row


def mark_meeting(
    store: Store,
    event_id: str,
    supplier_id: str,
    imer_id: str,
    *,
    kind: Literal["held", "confirmed"],
    actor: str = "staff",
    at: dt.datetime | None = None,
) -> int:
    """Record that a planned meeting was held, or confirmed by both sides.

    Held and confirmed meetings never move when the day is re-planned.
    """
    if kind not in ("held", "confirmed"):
        raise ValidationError(f"meeting mark {kind!r}: use held or confirmed")
    row = _meeting_row(store, event_id, supplier_id, imer_id)
    return _append_log(
        store,
        EventLogRow(
            event_id=event_id, kind=kind, supplier_id=supplier_id, imer_id=imer_id,
            slot=row.slot, actor=actor, at=_utc(at) if at else _now(),
        ),
    )  # fmt: skip


def event_log(store: Store, event_id: str) -> pd.DataFrame:
    """The day's facts, oldest first (``log_id, kind, role, participant_id, supplier_id, …``)."""
    with store.session() as session:
        rows = session.scalars(
            select(EventLogRow).where(EventLogRow.event_id == event_id).order_by(EventLogRow.log_id)
        ).all()
        data = [
            (
                r.log_id, r.kind, r.role, r.participant_id, r.supplier_id, r.imer_id, r.slot,
                r.outcome, r.note, r.actor, _utc(r.at),
            )
            for r in rows
        ]  # fmt: skip
    return pd.DataFrame(
        data,
        columns=[
            "log_id", "kind", "role", "participant_id", "supplier_id", "imer_id", "slot",
            "outcome", "note", "actor", "at",
        ],
    )  # fmt: skip


def presence(log: pd.DataFrame, n_slots: int) -> dict[tuple[str, str], list[bool | None]]:
    """Attendance per participant and slot from the log.

    Returns
    -------
    dict
        ``(role, id) -> [present?]`` for slots ``1 … n_slots`` (index 0 is
        slot 1): ``True`` after a check-in, ``False`` from a no-show until
        the next check-in, ``None`` when nothing is known.
    """
    facts = log.loc[log["kind"].isin(["checkin", "noshow"])]
    out: dict[tuple[str, str], list[bool | None]] = {}
    ordered = facts.sort_values(["slot", "log_id"], kind="stable")
    for role, pid, kind, slot in zip(
        ordered["role"], ordered["participant_id"], ordered["kind"], ordered["slot"], strict=True
    ):
        row = out.setdefault((str(role), str(pid)), [None] * n_slots)
        start = max(1, int(slot))
        for s in range(start, n_slots + 1):
            row[s - 1] = kind == "checkin"
    return out


def meetings(store: Store, event_id: str, version: int | None = None) -> pd.DataFrame:
    """Meetings of a plan version (default: current) with their status from the log.

    Returns
    -------
    pandas.DataFrame
        ``MEETING_COLUMNS`` plus ``status`` (``planned``, ``confirmed``,
        ``held``, ``no_show``) and ``outcome`` (``no_interest``,
        ``follow_up``, ``deal`` or empty), sorted by slot and table.
    """
    info = get_event(store, event_id)
    v = _current_version(store, event_id) if version is None else version
    with store.session() as session:
        rows = session.scalars(
            select(EventMeetingRow)
            .where(EventMeetingRow.event_id == event_id, EventMeetingRow.version == v)
            .order_by(EventMeetingRow.slot, EventMeetingRow.table_no)
        ).all()
        data = [
            (r.slot, r.table_no, r.supplier_id, r.imer_id, r.score, r.must_meet, r.fixed)
            for r in rows
        ]
    frame = pd.DataFrame(data, columns=list(MEETING_COLUMNS))
    log = event_log(store, event_id)
    present = presence(log, info.n_slots)
    held = set(
        zip(
            log.loc[log["kind"] == "held", "supplier_id"],
            log.loc[log["kind"] == "held", "imer_id"],
            strict=True,
        )
    )
    confirmed = set(
        zip(
            log.loc[log["kind"] == "confirmed", "supplier_id"],
            log.loc[log["kind"] == "confirmed", "imer_id"],
            strict=True,
        )
    )
    outcomes: dict[tuple[str, str], str] = {}
    for s, i, o in zip(
        log.loc[log["kind"] == "outcome", "supplier_id"],
        log.loc[log["kind"] == "outcome", "imer_id"],
        log.loc[log["kind"] == "outcome", "outcome"],
        strict=True,
    ):
        outcomes[(str(s), str(i))] = str(o)
    status: list[str] = []
    for slot, sid, iid in zip(frame["slot"], frame["supplier_id"], frame["imer_id"], strict=True):
        pair = (sid, iid)
        absent = any(
            present.get(who, [None] * info.n_slots)[int(slot) - 1] is False
            for who in (("supplier", sid), ("imer", iid))
        )
        if pair in held:
            status.append("held")
        elif absent:
            status.append("no_show")
        elif pair in confirmed:
            status.append("confirmed")
        else:
            status.append("planned")
    frame["status"] = status
    frame["outcome"] = [
        outcomes.get((s, i), "")
        for s, i in zip(frame["supplier_id"], frame["imer_id"], strict=True)
    ]
    return frame


def replan_event(
    store: Store,
    event_id: str,
    *,
    from_slot: int,
    scorer: PairScorer | None = None,
    pairs: pd.DataFrame | None = None,
    min_meetings: int | None = None,
    favour_fewest: float = 0.5,
    stability_bonus: float = 0.25,
    require_checkin: bool = False,
    candidates_per_participant: int = 30,
    time_limit: float = 8.0,
    actor: str = "staff",
) -> StoredPlan:
    """Re-plan the rest of the day from ``from_slot`` (see the module docstring).

    Parameters
    ----------
    store, event_id:
        The event; it must have a plan.
    from_slot:
        First slot that may change (``1 … n_slots``); earlier slots are past.
    scorer, pairs, candidates_per_participant:
        Scores, as for :func:`plan_event`.
    min_meetings:
        Minimum meetings per participant over the whole day (held ones
        count); default: the current plan's.
    favour_fewest:
        A meeting's weight is multiplied by ``1 + favour_fewest / (1 + h)``
        summed over its two participants, where ``h`` is how many meetings
        that participant has had so far.
    stability_bonus:
        Weight bonus (fraction) for keeping a planned meeting in its slot.
    require_checkin:
        Leave out participants who have not checked in (default: only those
        whose latest fact is a no-show).
    time_limit:
        Seconds for the planner's MILP steps.
    actor:
        Who asked.

    Returns
    -------
    StoredPlan
        The new current plan. Its ``plan.notes`` mention held or confirmed
        meetings of absent participants (they are kept).
    """
    info = get_event(store, event_id)
    if not 1 <= from_slot <= info.n_slots:
        raise ValidationError(f"from slot {from_slot} is outside 1-{info.n_slots}")
    versions = plan_versions(store, event_id)
    if versions.empty:
        raise NotFoundError(f"event {event_id!r} has no plan yet; run `event plan` first")
    if min_meetings is None:
        min_meetings = int(versions["min_meetings"].iloc[-1])
    current = meetings(store, event_id)
    log = event_log(store, event_id)
    present = presence(log, info.n_slots)
    checked_in = {
        (str(r), str(p))
        for r, p in zip(
            log.loc[log["kind"] == "checkin", "role"],
            log.loc[log["kind"] == "checkin", "participant_id"],
            strict=True,
        )
    }
    people = participants(store, event_id)
    absent: set[tuple[str, str]] = set()
    for role, pid in zip(people["role"], people["participant_id"], strict=True):
        state = present.get((role, pid), [None] * info.n_slots)[from_slot - 1]
        if state is False or (require_checkin and (role, pid) not in checked_in):
            absent.add((role, pid))
    past = current["slot"] < from_slot
    kept = (current["status"].isin(["held", "confirmed"])) | (
        past & (current["status"] != "no_show")
    )
    fixed = current.loc[kept, ["slot", "table", "supplier_id", "imer_id", "score"]].reset_index(
        drop=True
    )
    notes: list[str] = []
    for m in current.loc[kept & ~past].itertuples(index=False):
        for who in (("supplier", m.supplier_id), ("imer", m.imer_id)):
            if who in absent:
                notes.append(
                    f"{m.status} meeting {m.supplier_id}–{m.imer_id} in slot {m.slot} is kept "
                    f"although {who[0]} {who[1]} is recorded absent"
                )
    so_far: dict[tuple[Role, str], int] = {}
    for m in fixed.loc[fixed["slot"] < from_slot].itertuples(index=False):
        for who in (("supplier", str(m.supplier_id)), ("imer", str(m.imer_id))):
            key = (_check_role(who[0]), who[1])
            so_far[key] = so_far.get(key, 0) + 1
    priority: dict[tuple[Role, str], float] = {}
    for role, pid in zip(people["role"], people["participant_id"], strict=True):
        key = (_check_role(role), str(pid))
        priority[key] = favour_fewest / (1.0 + so_far.get(key, 0))
    extra_unavailable = {
        (_check_role(r), p, s) for r, p in absent for s in range(from_slot, info.n_slots + 1)
    }
    preferred = current.loc[~kept & ~past & (current["status"] != "no_show")]
    ep = event_pairs(
        store, event_id, scorer=scorer, pairs=pairs,
        candidates_per_participant=candidates_per_participant,
    )  # fmt: skip
    problem = _problem(
        store,
        info,
        ep.pairs,
        extra_unavailable=extra_unavailable,
        fixed=fixed,
        closed_slots=range(1, from_slot),
    )
    plan = plan_meetings(
        problem,
        min_meetings=min_meetings,
        priority=priority,
        preferred=preferred,
        stability_bonus=stability_bonus,
        time_limit=time_limit,
    )
    if notes:
        plan = Plan(
            meetings=plan.meetings,
            total_score=plan.total_score,
            upper_bound=plan.upper_bound,
            optimal=plan.optimal,
            unplaced_must_meets=plan.unplaced_must_meets,
            shortfalls=plan.shortfalls,
            notes=(*plan.notes, *notes),
        )
    report = _report(plan, ep.excluded, _blocked_must_meets(wishes(store, event_id), ep.excluded))
    report["absent"] = [f"{r} {p}" for r, p in sorted(absent)]
    version = _save_plan(
        store,
        event_id,
        plan,
        kind="replan",
        from_slot=from_slot,
        min_meetings=min_meetings,
        score_source=ep.source,
        report=report,
        actor=actor,
    )
    return StoredPlan(event_id, version, plan, ep.source, ep.excluded)


# --------------------------------------------------------------- outcomes
def record_outcome(
    store: Store,
    event_id: str,
    supplier_id: str,
    imer_id: str,
    outcome: str,
    *,
    actor: str = "staff",
    note: str | None = None,
    at: dt.datetime | None = None,
) -> OutcomeResult:
    """Record a meeting's outcome; a ``deal`` becomes a partnership proposal.

    The proposal goes through :func:`matchmaker.graph.lifecycle.propose`
    (reason ``"event <id> meeting"``), so the lifecycle rules hold: when the
    pair already has an open proposal or an active partnership, the outcome
    is still recorded and the result says why no proposal was added.

    Raises
    ------
    ValidationError
        On an unknown outcome.
    NotFoundError
        If the pair has no meeting in the event's current plan.
    """
    if outcome not in OUTCOMES:
        raise ValidationError(f"outcome {outcome!r}: use no_interest, follow_up or deal")
    row = _meeting_row(store, event_id, supplier_id, imer_id)
    when = _utc(at) if at else _now()
    _append_log(
        store,
        EventLogRow(
            event_id=event_id, kind="outcome", supplier_id=supplier_id, imer_id=imer_id,
            slot=row.slot, outcome=outcome, note=note, actor=actor, at=when,
        ),
    )  # fmt: skip
    if outcome != "deal":
        return OutcomeResult(outcome, False, "outcome recorded")
    reason = f"event {event_id} meeting"
    try:
        from matchmaker.graph import lifecycle
    except ImportError:  # pragma: no cover - the graph package ships with matchmaker
        store.append_event(
            NewEvent(
                supplier_id=supplier_id,
                imer_id=imer_id,
                status="proposed",
                actor=actor,
                reason=reason,
            )
        )
        return OutcomeResult(outcome, True, "partnership proposed")
    try:
        lifecycle.propose(store, supplier_id, imer_id, actor=actor, reason=reason)
    except (TransitionError, ConflictError) as exc:
        return OutcomeResult(outcome, False, f"outcome recorded; no new proposal: {exc}")
    return OutcomeResult(outcome, True, "partnership proposed")
