"""Fast read-only queries for the request path, where a pandas frame costs too much.

:func:`current_statuses` answers "which pairs of this profile are active now"
in about a millisecond by reading only that profile's events, instead of
deriving every pair's state; it follows merged ids like
:meth:`matchmaker.store.Store.events` does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from sqlalchemy import select

from matchmaker.store import ProfileKind, Store
from matchmaker.store.tables import ImerRow, PartnershipEventRow, SupplierRow

__all__ = ["current_statuses", "merged_map"]


def _utc(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def merged_map(store: Store, kind: ProfileKind) -> dict[str, str]:
    """Each merged record's id mapped to its final surviving id (chains followed).

    The same answer as :meth:`matchmaker.store.Store.merged_map`, written so that
    SQLite searches the ``merged_into`` index instead of scanning the table
    (``> ''`` rather than ``IS NOT NULL``): microseconds instead of tens of
    milliseconds on a national registry.
    """
    table: type[SupplierRow] | type[ImerRow]
    if kind == "supplier":
        table, key = SupplierRow, SupplierRow.supplier_id
    else:
        table, key = ImerRow, ImerRow.imer_id
    with store.engine.connect() as conn:
        direct = {
            str(pid): str(target)
            for pid, target in conn.execute(
                select(key, table.merged_into).where(table.merged_into > "")
            )
        }
    out: dict[str, str] = {}
    for start in direct:
        current, seen = start, {start}
        while current in direct and direct[current] not in seen:
            current = direct[current]
            seen.add(current)
        out[start] = current
    return out


def current_statuses(
    store: Store, kind: Literal["imer", "supplier"], profile_id: str
) -> dict[str, str]:
    """The current status of every pair of one profile, by the other side's surviving id.

    Parameters
    ----------
    store:
        The registry.
    kind, profile_id:
        The profile (its surviving id).

    Returns
    -------
    dict
        Other side's id → status of the pair's latest event (ordered like
        :func:`matchmaker.store.derive_partnerships`: time, then ``seq``, then
        ``event_id``).
    """
    own_alias = merged_map(store, kind)
    members = [profile_id, *[k for k, v in own_alias.items() if v == profile_id]]
    other_alias = merged_map(store, "supplier" if kind == "imer" else "imer")
    t = PartnershipEventRow
    own_col, other_col = (t.imer_id, t.supplier_id)
    if kind == "supplier":
        own_col, other_col = other_col, own_col
    stmt = select(other_col, t.status, t.at, t.seq, t.event_id).where(own_col.in_(members))
    latest: dict[str, tuple[tuple[Any, int, int], str]] = {}
    with store.engine.connect() as conn:
        for other, status, at, seq, event_id in conn.execute(stmt):
            key = other_alias.get(other, other)
            order = (_utc(at), int(seq), int(event_id))
            if key not in latest or order > latest[key][0]:
                latest[key] = (order, str(status))
    return {k: v[1] for k, v in latest.items()}
