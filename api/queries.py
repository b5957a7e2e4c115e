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

from matchmaker.store import Store
from matchmaker.store.tables import PartnershipEventRow

__all__ = ["current_statuses"]


def _utc(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


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
    own_alias = store.merged_map(kind)
    members = [profile_id, *[k for k, v in own_alias.items() if v == profile_id]]
    other_alias = store.merged_map("supplier" if kind == "imer" else "imer")
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
