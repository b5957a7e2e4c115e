"""Fast read-only queries for the request path, where a pandas frame costs too much.

:func:`pair_statuses` answers "which profile is this, and which of its pairs
are active now" in one statement of indexed reads for a profile that was not
merged away, instead of deriving every pair's state; it follows merged ids
like :meth:`matchmaker.store.Store.events` does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import (
    DateTime,
    Integer,
    String,
    bindparam,
    cast,
    literal,
    null,
    select,
    union_all,
)

from matchmaker.errors import NotFoundError
from matchmaker.store import ProfileKind, Store
from matchmaker.store.repository import resolve_chains
from matchmaker.store.tables import ImerRow, PartnershipEventRow, SupplierRow

__all__ = ["current_statuses", "pair_statuses"]


def _utc(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


# Statements are built once: on the request path, building one costs more than
# running it on an indexed key. ``> ''`` rather than ``IS NOT NULL`` so that
# SQLite searches the ``merged_into`` index instead of scanning the table.
_t = PartnershipEventRow
_EVENTS_OF = {
    "imer": select(_t.supplier_id, _t.status, _t.at, _t.seq, _t.event_id).where(
        _t.imer_id.in_(bindparam("members", expanding=True))
    ),
    "supplier": select(_t.imer_id, _t.status, _t.at, _t.seq, _t.event_id).where(
        _t.supplier_id.in_(bindparam("members", expanding=True))
    ),
}


# The common case in one statement: the events of the profile and of the records
# merged straight into it (part 0), the profile's own ``merged_into`` (part 1),
# and every merged record of both sides (part 2). Events first: the union's
# column types are the first part's.
_PART_EVENTS, _PART_PROFILE, _PART_MERGED = 0, 1, 2


def _one_read(kind: Literal["imer", "supplier"]) -> Any:
    own_row, own_col = (
        (ImerRow, ImerRow.imer_id) if kind == "imer" else (SupplierRow, SupplierRow.supplier_id)
    )
    own_event, other_event = (
        (_t.imer_id, _t.supplier_id) if kind == "imer" else (_t.supplier_id, _t.imer_id)
    )
    asked = bindparam("profile_id", type_=String)
    children = select(own_col).where(own_row.merged_into == asked)
    no_str = cast(null(), String)
    no_int = cast(null(), Integer)
    return union_all(
        select(
            literal(_PART_EVENTS), other_event, _t.status, no_str, _t.at, _t.seq, _t.event_id
        ).where((own_event == asked) | own_event.in_(children)),
        select(
            literal(_PART_PROFILE), own_row.merged_into, no_str, no_str,
            cast(null(), DateTime(timezone=True)), no_int, no_int,
        ).where(own_col == asked),
        *(
            select(
                literal(_PART_MERGED), literal(side), pid, target,
                cast(null(), DateTime(timezone=True)), no_int, no_int,
            ).where(target > "")
            for side, pid, target in (
                ("supplier", SupplierRow.supplier_id, SupplierRow.merged_into),
                ("imer", ImerRow.imer_id, ImerRow.merged_into),
            )
        ),
    )  # fmt: skip


_ONE_READ = {"imer": _one_read("imer"), "supplier": _one_read("supplier")}


def pair_statuses(
    store: Store, kind: Literal["imer", "supplier"], profile_id: str
) -> tuple[str, dict[str, str]]:
    """A profile's surviving id and the current status of each of its pairs.

    One statement of indexed reads: the profile, the merged records of both
    sides, and the events of the profile and of the records merged straight
    into it. A merged id, or a record merged in through a chain, takes a
    second read of the events of exactly the survivor's records.

    Parameters
    ----------
    store:
        The registry.
    kind, profile_id:
        The profile, by any id it has had (a merged record's id is followed
        to its survivor).

    Returns
    -------
    tuple
        The surviving id, and other side's surviving id → status of the pair's
        latest event (ordered like :func:`matchmaker.store.derive_partnerships`:
        time, then ``seq``, then ``event_id``).

    Raises
    ------
    NotFoundError
        No profile of ``kind`` has had ``profile_id``.
    """
    other_kind: ProfileKind = "supplier" if kind == "imer" else "imer"
    with store.engine.connect() as conn:
        found = False
        own_merged_into: str | None = None
        direct: dict[str, dict[str, str]] = {"supplier": {}, "imer": {}}
        events: list[tuple[Any, ...]] = []
        for part, a, b, c, at, seq, event_id in conn.execute(
            _ONE_READ[kind], {"profile_id": profile_id}
        ):
            if part == _PART_EVENTS:
                events.append((a, b, at, seq, event_id))
            elif part == _PART_PROFILE:
                found, own_merged_into = True, a
            else:
                direct[str(a)][str(b)] = str(c)
        if not found:
            raise NotFoundError(
                f"{kind} {profile_id!r} is not in the registry; import or create it first"
            )
        own_alias = resolve_chains(direct[kind])
        other_alias = resolve_chains(direct[other_kind])
        resolved = own_alias.get(profile_id, profile_id)
        members = {resolved, *(k for k, v in own_alias.items() if v == resolved)}
        fetched = {profile_id, *(k for k, v in direct[kind].items() if v == profile_id)}
        if own_merged_into is not None or members != fetched:
            # A merged id, or a record merged in through a chain: read the
            # events of exactly the survivor's records.
            events = list(conn.execute(_EVENTS_OF[kind], {"members": sorted(members)}))
    latest: dict[str, tuple[tuple[Any, int, int], str]] = {}
    for other, status, at, seq, event_id in events:
        key = other_alias.get(other, other)
        order = (_utc(at), int(seq), int(event_id))
        if key not in latest or order > latest[key][0]:
            latest[key] = (order, str(status))
    return resolved, {k: v[1] for k, v in latest.items()}


def current_statuses(
    store: Store, kind: Literal["imer", "supplier"], profile_id: str
) -> dict[str, str]:
    """The current status of every pair of one profile, by the other side's surviving id.

    :func:`pair_statuses` without the resolved id.
    """
    return pair_statuses(store, kind, profile_id)[1]
