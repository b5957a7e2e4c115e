"""Partnership lifecycle: propose, accept, decline, activate, end — with the rules enforced.

Every operation appends one event (time, actor, details) to the pair's
history in the store; nothing is overwritten. The state of a pair is its
latest event's status, and only these steps are allowed
(:data:`ALLOWED_TRANSITIONS`)::

    (no history) ─propose─► proposed ─accept─► accepted ─activate─► active ─end─► ended
                               │                  │                               │
                               └─decline─► declined ◄─decline─┘                   │
                                             │                                    │
             proposed ◄────────propose───────┴──────────────propose───────────────┘

* A proposal comes from either side or from staff (after an event meeting);
  the ``actor`` says who (e.g. ``"supplier:S1"``, ``"imer:I7"``,
  ``"staff:desk-3"``).
* A declined pair needs a new proposal before anything else happens; an
  ended partnership cannot be ended again (propose it anew to restart).
* ``activate`` needs an accepted proposal; ``end`` needs an active
  partnership and may record the outcome (units a month, ratings from both
  sides).

Bulk history import (``matchmaker import partnerships``) records what the
file says through ``Store.append_events`` without these checks: it is
history, not a new decision, so a file may start a pair at ``active`` or
``ended``. Lifecycle operations afterwards continue from the pair's latest
state (an imported ``active`` pair can be ended).

Concurrency: each operation reads the pair's state and its ``seq``, checks
the rule, and appends with ``expected_seq``; if another writer got there
first the store raises :class:`~matchmaker.errors.ConflictError`, and the
operation re-reads and re-checks (up to :data:`MAX_ATTEMPTS` times). So
concurrent proposers or acceptors never lose an event: each call either
records its event on top of the state it checked, or raises.

Ids of merged profiles are followed to the surviving profile (the store's
``resolve_id``); unknown ids raise :class:`~matchmaker.errors.NotFoundError`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any, Protocol

import pandas as pd

from matchmaker.errors import ConflictError, TransitionError, ValidationError
from matchmaker.store import NewEvent, PairState, derive_partnerships

__all__ = [
    "ALLOWED_TRANSITIONS",
    "MAX_ATTEMPTS",
    "LifecycleStore",
    "accept",
    "activate",
    "allowed_actions",
    "decline",
    "end",
    "history",
    "propose",
]

logger = logging.getLogger(__name__)

#: Allowed next statuses from each current status (``None`` = no history yet).
ALLOWED_TRANSITIONS: Mapping[str | None, frozenset[str]] = MappingProxyType(
    {
        None: frozenset({"proposed"}),
        "proposed": frozenset({"accepted", "declined"}),
        "accepted": frozenset({"active", "declined"}),
        "declined": frozenset({"proposed"}),
        "active": frozenset({"ended"}),
        "ended": frozenset({"proposed"}),
    }
)

#: How many times an operation re-reads and retries after a concurrent write.
MAX_ATTEMPTS = 5

_ACTION = {
    "proposed": "propose",
    "accepted": "accept",
    "declined": "decline",
    "active": "activate",
    "ended": "end",
}

_HINT = {
    ("proposed", "proposed"): "it already has an open proposal; accept or decline it",
    ("accepted", "proposed"): "its proposal is already accepted; activate or decline it",
    ("active", "proposed"): "it is already active; end it before proposing again",
    ("declined", "accepted"): "a declined pair needs a new proposal first",
    ("declined", "active"): "a declined pair needs a new proposal first",
    ("declined", "declined"): "it is already declined",
    ("declined", "ended"): "a declined pair was never active",
    ("ended", "ended"): "an ended partnership cannot be ended again",
    ("ended", "accepted"): "an ended partnership needs a new proposal first",
    ("ended", "active"): "an ended partnership needs a new proposal first",
    (None, "accepted"): "nothing has been proposed yet; propose it first",
    (None, "declined"): "nothing has been proposed yet",
    (None, "active"): "nothing has been proposed yet; propose and accept it first",
    (None, "ended"): "it has never been active",
    ("proposed", "active"): "the proposal has not been accepted yet; accept it first",
    ("proposed", "ended"): "it has never been active",
    ("accepted", "ended"): "it has not been activated yet",
    ("active", "accepted"): "it is already active",
    ("active", "active"): "it is already active",
    ("active", "declined"): "an active partnership is ended, not declined",
    ("accepted", "accepted"): "it is already accepted",
}


class LifecycleStore(Protocol):
    """What the lifecycle needs from :class:`matchmaker.store.Store`."""

    def resolve_id(self, kind: Any, profile_id: str) -> str: ...

    def events(
        self, supplier_id: str | None = None, imer_id: str | None = None
    ) -> pd.DataFrame: ...

    def pair_state(self, supplier_id: str, imer_id: str) -> PairState | None: ...

    def append_event(self, ev: NewEvent, *, expected_seq: int | None = None) -> int: ...


def allowed_actions(status: str | None) -> tuple[str, ...]:
    """Operation names allowed from ``status`` (e.g. ``("accept", "decline")``), sorted."""
    return tuple(sorted(_ACTION[s] for s in ALLOWED_TRANSITIONS.get(status, frozenset())))


def _refuse(supplier_id: str, imer_id: str, current: str | None, target: str) -> TransitionError:
    label = "no history" if current is None else repr(current)
    allowed = ", ".join(allowed_actions(current)) or "nothing"
    hint = _HINT.get((current, target))
    text = (
        f"cannot {_ACTION[target]} partnership {supplier_id}/{imer_id}: its current state is "
        f"{label}; allowed from there: {allowed}"
    )
    if hint:
        text = f"{text} ({hint})"
    return TransitionError(text)


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip():
        raise ValidationError(
            "actor is required: say who acts, e.g. 'supplier:S1', 'imer:I7' or 'staff:desk-3'"
        )
    return actor.strip()


def _date_or_none(value: Any) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


class _Current:
    """A pair's state as read for one attempt."""

    def __init__(self, store: LifecycleStore, supplier_id: str, imer_id: str) -> None:
        events = store.events(supplier_id=supplier_id, imer_id=imer_id)
        self.status: str | None = None
        self.seq = 0
        self.last_at: datetime | None = None
        self.started_at: date | None = None
        if not events.empty:
            state = derive_partnerships(events).iloc[0]
            self.status = str(state["status"])
            self.seq = int(pd.to_numeric(events["seq"]).max())
            self.last_at = pd.Timestamp(events["at"].max()).to_pydatetime()
            self.started_at = _date_or_none(state["started_at"])


def _transition(
    store: LifecycleStore,
    supplier_id: str,
    imer_id: str,
    target: str,
    *,
    actor: str,
    at: datetime | None,
    details: Callable[[_Current, datetime], dict[str, Any]] | None = None,
) -> PairState:
    actor = _check_actor(actor)
    s = store.resolve_id("supplier", supplier_id)
    i = store.resolve_id("imer", imer_id)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        current = _Current(store, s, i)
        if target not in ALLOWED_TRANSITIONS[current.status]:
            raise _refuse(s, i, current.status, target)
        when = _utc(at)
        if current.last_at is not None and when < current.last_at:
            if at is not None:
                raise ValidationError(
                    f"at={when.isoformat()} is before the last event of {s}/{i} "
                    f"({current.last_at.isoformat()}); events are recorded in time order, "
                    "pass a later time or leave it out for now"
                )
            when = current.last_at  # clock behind a stored event: keep the order
        extra = details(current, when) if details is not None else {}
        event = NewEvent(supplier_id=s, imer_id=i, status=target, actor=actor, at=when, **extra)
        try:
            store.append_event(event, expected_seq=current.seq)
        except TransitionError:
            raise
        except ConflictError:
            logger.info(
                "concurrent change on %s/%s while trying to %s (attempt %d of %d); re-reading",
                s,
                i,
                _ACTION[target],
                attempt,
                MAX_ATTEMPTS,
            )
            continue
        state = store.pair_state(s, i)
        if state is None:  # pragma: no cover - the event was just written
            raise ConflictError(f"the event for {s}/{i} was written but cannot be read back")
        return state
    raise ConflictError(
        f"could not {_ACTION[target]} partnership {s}/{i}: it changed concurrently "
        f"{MAX_ATTEMPTS} times in a row; read its state again and retry"
    )


def _clean_reason(reason: str | None) -> str | None:
    if reason is None:
        return None
    text = reason.strip()
    return text or None


def propose(
    store: LifecycleStore,
    supplier_id: str,
    imer_id: str,
    *,
    actor: str,
    at: datetime | None = None,
    reason: str | None = None,
) -> PairState:
    """Propose a partnership (by either side or by staff).

    Parameters
    ----------
    store:
        The registry store.
    supplier_id, imer_id:
        The pair (merged ids are followed to the surviving profile).
    actor:
        Who proposes, e.g. ``"imer:I7"`` or ``"staff:desk-3"``.
    at:
        When (default now, UTC); must not be before the pair's last event.
    reason:
        Optional context, e.g. ``"met at SMESCO event 2024-05"``.

    Returns
    -------
    PairState
        The pair's state after the proposal.

    Raises
    ------
    NotFoundError
        If either id is unknown.
    TransitionError
        If the pair has an open proposal or is active.
    ValidationError
        If ``actor`` is empty or ``at`` is before the last event.
    ConflictError
        If concurrent writes kept winning for :data:`MAX_ATTEMPTS` attempts.
    """
    return _transition(
        store,
        supplier_id,
        imer_id,
        "proposed",
        actor=actor,
        at=at,
        details=lambda _c, _w: {"reason": _clean_reason(reason)},
    )


def accept(
    store: LifecycleStore,
    supplier_id: str,
    imer_id: str,
    *,
    actor: str,
    at: datetime | None = None,
) -> PairState:
    """Accept the open proposal of a pair.

    Parameters
    ----------
    store, supplier_id, imer_id, actor, at:
        As in :func:`propose`.

    Returns
    -------
    PairState
        The pair's state after acceptance.

    Raises
    ------
    NotFoundError, TransitionError, ValidationError, ConflictError
        As in :func:`propose`; a pair without an open proposal is refused.
    """
    return _transition(store, supplier_id, imer_id, "accepted", actor=actor, at=at)


def decline(
    store: LifecycleStore,
    supplier_id: str,
    imer_id: str,
    *,
    actor: str,
    reason: str | None = None,
    at: datetime | None = None,
) -> PairState:
    """Decline a proposed or accepted (not yet active) pair.

    Parameters
    ----------
    store, supplier_id, imer_id, actor, at:
        As in :func:`propose`.
    reason:
        Optional reason, e.g. ``"minimum order too high"``.

    Returns
    -------
    PairState
        The pair's state after the decline.

    Raises
    ------
    NotFoundError, TransitionError, ValidationError, ConflictError
        As in :func:`propose`.
    """
    return _transition(
        store,
        supplier_id,
        imer_id,
        "declined",
        actor=actor,
        at=at,
        details=lambda _c, _w: {"reason": _clean_reason(reason)},
    )


def activate(
    store: LifecycleStore,
    supplier_id: str,
    imer_id: str,
    *,
    actor: str,
    at: datetime | None = None,
    started_at: date | None = None,
) -> PairState:
    """Start an accepted partnership.

    Parameters
    ----------
    store, supplier_id, imer_id, actor, at:
        As in :func:`propose`.
    started_at:
        The partnership's start date (default: the date of ``at``).

    Returns
    -------
    PairState
        The pair's state after activation.

    Raises
    ------
    NotFoundError, TransitionError, ValidationError, ConflictError
        As in :func:`propose`; only an accepted pair can be activated.
    """

    def details(_current: _Current, when: datetime) -> dict[str, Any]:
        return {"started_at": started_at if started_at is not None else when.date()}

    return _transition(store, supplier_id, imer_id, "active", actor=actor, at=at, details=details)


def _check_outcome(
    monthly_units: float | None, rating: float | None, supplier_rating: float | None
) -> None:
    if monthly_units is not None and (math.isnan(monthly_units) or monthly_units < 0):
        raise ValidationError(
            f"monthly_units must be a non-negative number of units a month, got {monthly_units}"
        )
    for name, value in (("rating", rating), ("supplier_rating", supplier_rating)):
        if value is not None and not 1 <= value <= 5:
            raise ValidationError(f"{name} must be between 1 and 5, got {value}")


def end(
    store: LifecycleStore,
    supplier_id: str,
    imer_id: str,
    *,
    actor: str,
    at: datetime | None = None,
    ended_at: date | None = None,
    monthly_units: float | None = None,
    rating: float | None = None,
    supplier_rating: float | None = None,
) -> PairState:
    """End an active partnership, optionally recording its outcome.

    Parameters
    ----------
    store, supplier_id, imer_id, actor, at:
        As in :func:`propose`.
    ended_at:
        The end date (default: the date of ``at``); not before the start date.
    monthly_units:
        Average units sold a month through the pair (>= 0).
    rating:
        The Imer's rating of the supplier, 1-5.
    supplier_rating:
        The supplier's rating of the Imer, 1-5.

    Returns
    -------
    PairState
        The pair's state after ending.

    Raises
    ------
    NotFoundError, TransitionError, ConflictError
        As in :func:`propose`; an ended partnership cannot be ended again.
    ValidationError
        If an outcome is out of range or ``ended_at`` precedes ``started_at``.
    """
    _check_outcome(monthly_units, rating, supplier_rating)

    def details(current: _Current, when: datetime) -> dict[str, Any]:
        end_date = ended_at if ended_at is not None else when.date()
        if current.started_at is not None and end_date < current.started_at:
            raise ValidationError(
                f"ended_at {end_date.isoformat()} is before the partnership's start "
                f"{current.started_at.isoformat()}; pass an end date on or after the start"
            )
        return {
            "ended_at": end_date,
            "monthly_units": monthly_units,
            "rating": rating,
            "supplier_rating": supplier_rating,
        }

    return _transition(store, supplier_id, imer_id, "ended", actor=actor, at=at, details=details)


def history(store: LifecycleStore, supplier_id: str, imer_id: str) -> pd.DataFrame:
    """Every event of one pair, oldest first.

    Parameters
    ----------
    store:
        The registry store.
    supplier_id, imer_id:
        The pair (merged ids are followed to the surviving profile).

    Returns
    -------
    pandas.DataFrame
        ``EVENT_COLUMNS`` plus ``seq`` and ``supplier_rating``, ordered by
        ``seq`` (empty when the pair has no history).

    Raises
    ------
    NotFoundError
        If either id is unknown.
    """
    s = store.resolve_id("supplier", supplier_id)
    i = store.resolve_id("imer", imer_id)
    events = store.events(supplier_id=s, imer_id=i)
    return events.sort_values(["seq", "event_id"], kind="stable").reset_index(drop=True)
