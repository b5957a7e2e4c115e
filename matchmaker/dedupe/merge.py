"""Merging duplicate records into one surviving record, and undoing it exactly.

A merge keeps every record: the members get ``merged_into`` set to the
survivor (the store then hides them and reports their partnership history
under the survivor), the survivor's missing fields are filled from the members
(its categories and other lists take the union), and a merge row keeps the
survivor's profile before and after, each member's full profile, and which
record every surviving value came from. :func:`undo_merge` puts the survivor's
row and the members' ``merged_into`` back exactly as they were; partnership
events are never rewritten by either.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from matchmaker.dedupe.tables import MergeMemberRow, MergeRow, ReviewRow
from matchmaker.errors import ConflictError, NotFoundError, ValidationError
from matchmaker.schema import IMER_COLUMNS, SUPPLIER_COLUMNS
from matchmaker.store import Store
from matchmaker.store.tables import ImerRow, PartnershipEventRow, SupplierRow

__all__ = [
    "MergeRecord",
    "choose_survivor",
    "get_merge",
    "list_merges",
    "merge_records",
    "normalise_kind",
    "undo_merge",
]

log = logging.getLogger(__name__)

Kind = Literal["supplier", "imer"]

_LIST_COLUMNS = frozenset(
    {"categories", "certifications", "ships_to", "channels", "target_provinces",
     "required_certifications"}
)  # fmt: skip
#: Fields a merge never changes on the survivor (identity and its own choices).
_KEEP = frozenset({"supplier_id", "imer_id", "name", "province", "dropship", "needs_dropship",
                   "min_order_qty"})  # fmt: skip
_ROW_EXTRA = ("extra", "merged_into", "created_at", "updated_at")


@dataclass(frozen=True)
class MergeRecord:
    """A merge as stored.

    Attributes
    ----------
    merge_id:
        Number of the merge (give it to :func:`undo_merge`).
    kind:
        ``supplier`` or ``imer``.
    survivor_id:
        The record that stays visible.
    member_ids:
        The records merged into it.
    filled:
        Survivor fields that took a value from a member.
    actor, created_at, score, reason:
        Who merged, when, with what pair score and why.
    undone_at, undone_by:
        When and by whom it was undone (``None`` while in force).
    """

    merge_id: int
    kind: str
    survivor_id: str
    member_ids: tuple[str, ...]
    filled: tuple[str, ...]
    actor: str
    created_at: dt.datetime
    score: float | None = None
    reason: str | None = None
    undone_at: dt.datetime | None = None
    undone_by: str | None = None


def normalise_kind(kind: str) -> Kind:
    """``supplier``/``imer`` from either the singular or the plural.

    Raises
    ------
    ValidationError
        For anything else.
    """
    text = str(kind).strip().lower()
    if text in ("supplier", "suppliers"):
        return "supplier"
    if text in ("imer", "imers"):
        return "imer"
    raise ValidationError(f"kind must be 'suppliers' or 'imers', got {kind!r}")


def _table(kind: Kind) -> tuple[type[SupplierRow] | type[ImerRow], str, tuple[str, ...]]:
    if kind == "supplier":
        return SupplierRow, "supplier_id", SUPPLIER_COLUMNS
    return ImerRow, "imer_id", IMER_COLUMNS


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"__datetime__"}:
        return dt.datetime.fromisoformat(value["__datetime__"])
    if isinstance(value, dict):
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str | list | tuple | dict) and len(value) == 0


def _rows(
    session: Session, kind: Kind, ids: Sequence[str], *, lock: bool
) -> dict[str, dict[str, Any]]:
    table, key, columns = _table(kind)
    cols = [getattr(table, c) for c in (*columns, *_ROW_EXTRA)]
    stmt = select(*cols).where(getattr(table, key).in_(list(ids)))
    if lock:
        stmt = stmt.with_for_update()
    names = (*columns, *_ROW_EXTRA)
    return {row[0]: dict(zip(names, row, strict=True)) for row in session.execute(stmt).all()}


def _completeness(row: dict[str, Any], columns: Sequence[str]) -> int:
    return sum(not _missing(row.get(c)) for c in columns)


def choose_survivor(
    rows: dict[str, dict[str, Any]], columns: Sequence[str], events: dict[str, int] | None = None
) -> str:
    """The record to keep: most filled fields, then most partnership events, then smallest id.

    Parameters
    ----------
    rows:
        Profile rows by id.
    columns:
        Profile columns that count for completeness.
    events:
        Number of partnership events per id (optional).

    Returns
    -------
    str

    Raises
    ------
    ValidationError
        If ``rows`` is empty.
    """
    if not rows:
        raise ValidationError("no records to choose a survivor from")
    counts = events or {}
    return min(rows, key=lambda i: (-_completeness(rows[i], columns), -counts.get(i, 0), i))


def _event_counts(session: Session, kind: Kind, ids: Sequence[str]) -> dict[str, int]:
    col = PartnershipEventRow.supplier_id if kind == "supplier" else PartnershipEventRow.imer_id
    stmt = select(col, func.count()).where(col.in_(list(ids))).group_by(col)
    return {str(pid): int(n) for pid, n in session.execute(stmt).all()}


def _merged_values(
    survivor: str, ordered: Sequence[str], rows: dict[str, dict[str, Any]], columns: Sequence[str]
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The survivor's values after the merge, their provenance, and the filled fields."""
    base = rows[survivor]
    after: dict[str, Any] = {}
    provenance: dict[str, Any] = {}
    filled: list[str] = []
    for col in columns:
        value = base.get(col)
        source: Any = survivor
        if col in _LIST_COLUMNS:
            items = list(value or [])
            origin = [[item, survivor] for item in items]
            for pid in ordered:
                for item in rows[pid].get(col) or []:
                    if item not in items:
                        items.append(item)
                        origin.append([item, pid])
            if len(items) != len(value or []):
                filled.append(col)
            value, source = items, origin
        elif col not in _KEEP and _missing(value):
            for pid in ordered:
                candidate = rows[pid].get(col)
                if not _missing(candidate):
                    value, source = candidate, pid
                    filled.append(col)
                    break
        after[col] = value
        provenance[col] = source
    return after, provenance, filled


def _record(row: MergeRow, members: Sequence[str]) -> MergeRecord:
    return MergeRecord(
        merge_id=int(row.merge_id),
        kind=row.kind,
        survivor_id=row.survivor_id,
        member_ids=tuple(sorted(members)),
        filled=tuple(row.survivor_after.get("__filled__", [])),
        actor=row.actor,
        created_at=row.created_at,
        score=row.score,
        reason=row.reason,
        undone_at=row.undone_at,
        undone_by=row.undone_by,
    )


def merge_records(
    store: Store,
    kind: str,
    ids: Sequence[str],
    *,
    survivor: str | None = None,
    actor: str = "staff",
    reason: str | None = None,
    score: float | None = None,
) -> MergeRecord:
    """Merge duplicate records into one surviving record (reversible, nothing deleted).

    Parameters
    ----------
    store:
        The registry.
    kind:
        ``supplier(s)`` or ``imer(s)``.
    ids:
        Two or more records of one business or person.
    survivor:
        The record to keep; by default :func:`choose_survivor`.
    actor:
        Who merges (recorded).
    reason:
        Why (recorded), e.g. ``auto: score 0.99`` or a review number.
    score:
        The pair or cluster score behind the merge (recorded).

    Returns
    -------
    MergeRecord

    Raises
    ------
    ValidationError
        If fewer than two distinct ids are given or ``survivor`` is not one of them.
    NotFoundError
        If an id is not in the registry.
    ConflictError
        If a record is already merged into another one.
    """
    k = normalise_kind(kind)
    table, key, columns = _table(k)
    distinct = list(dict.fromkeys(str(i) for i in ids))
    if len(distinct) < 2:
        raise ValidationError(f"a merge needs at least two different {k} ids, got {distinct}")
    if survivor is not None and survivor not in distinct:
        raise ValidationError(f"survivor {survivor!r} is not among the merged ids {distinct}")
    with store.session() as session:
        rows = _rows(session, k, distinct, lock=True)
        unknown = [i for i in distinct if i not in rows]
        if unknown:
            raise NotFoundError(f"{k} ids not in the registry: {unknown}")
        merged = {i: rows[i]["merged_into"] for i in distinct if rows[i]["merged_into"] is not None}
        if merged:
            shown = ", ".join(f"{i} (into {t})" for i, t in sorted(merged.items()))
            raise ConflictError(
                f"already merged: {shown}; merge with the surviving record instead, or undo "
                "that merge first"
            )
        events = _event_counts(session, k, distinct)
        keep = survivor or choose_survivor(rows, columns, events)
        ordered = sorted(
            (i for i in distinct if i != keep),
            key=lambda i: (-_completeness(rows[i], columns), -events.get(i, 0), i),
        )
        after, provenance, filled = _merged_values(keep, ordered, rows, columns)
        now = _now()
        before = {c: rows[keep][c] for c in (*columns, "extra", "updated_at")}
        after_row = {**after, "updated_at": now}
        result = session.execute(
            insert(MergeRow).returning(MergeRow.merge_id),
            {
                "kind": k,
                "survivor_id": keep,
                "score": None if score is None else float(score),
                "reason": reason,
                "actor": actor,
                "created_at": now,
                "survivor_before": _jsonable(before),
                "survivor_after": _jsonable({**after_row, "__filled__": filled}),
                "provenance": _jsonable(provenance),
                "undone_at": None,
                "undone_by": None,
            },
        )
        merge_id = int(result.scalar_one())
        for pid in ordered:
            session.execute(
                insert(MergeMemberRow),
                {
                    "merge_id": merge_id,
                    "profile_id": pid,
                    "previous_merged_into": rows[pid]["merged_into"],
                    "snapshot": _jsonable(rows[pid]),
                },
            )
            store.set_merged_into(k, pid, keep, session=session)
        changed = {c: after[c] for c in columns if after[c] != rows[keep][c]}
        session.execute(
            update(table).where(getattr(table, key) == keep).values(**changed, updated_at=now)
        )
        log.info("merged %s %s into %s (merge %d)", k, ordered, keep, merge_id)
        row = session.get(MergeRow, merge_id)
        assert row is not None
        return _record(row, ordered)


def _members(session: Session, merge_id: int) -> list[MergeMemberRow]:
    stmt = select(MergeMemberRow).where(MergeMemberRow.merge_id == merge_id)
    return list(session.execute(stmt).scalars())


def get_merge(store: Store, merge_id: int) -> MergeRecord:
    """One merge by number.

    Raises
    ------
    NotFoundError
        If there is no such merge.
    """
    with store.session() as session:
        row = session.get(MergeRow, int(merge_id))
        if row is None:
            raise NotFoundError(f"there is no merge {merge_id}; list merges with 'dedupe merges'")
        return _record(row, [m.profile_id for m in _members(session, row.merge_id)])


def undo_merge(
    store: Store, merge_id: int, *, actor: str = "staff", force: bool = False
) -> MergeRecord:
    """Undo a merge: the survivor's row and the members' ``merged_into`` as they were.

    Parameters
    ----------
    store:
        The registry.
    merge_id:
        The merge to undo.
    actor:
        Who undoes it (recorded).
    force:
        Undo even if the survivor's profile changed after the merge (those
        later changes are lost).

    Returns
    -------
    MergeRecord
        The merge, now with ``undone_at``.

    Raises
    ------
    NotFoundError
        If there is no such merge.
    ConflictError
        If it is already undone, a later merge involves its records (undo
        that first), or the survivor changed since (without ``force``).
    """
    with store.session() as session:
        row = session.get(MergeRow, int(merge_id), with_for_update=True)
        if row is None:
            raise NotFoundError(f"there is no merge {merge_id}; list merges with 'dedupe merges'")
        if row.undone_at is not None:
            raise ConflictError(f"merge {merge_id} was already undone at {row.undone_at}")
        k = normalise_kind(row.kind)
        table, key, columns = _table(k)
        members = _members(session, row.merge_id)
        ids = [row.survivor_id, *(m.profile_id for m in members)]
        later = session.execute(
            select(MergeRow.merge_id)
            .outerjoin(MergeMemberRow, MergeMemberRow.merge_id == MergeRow.merge_id)
            .where(
                MergeRow.kind == k,
                MergeRow.merge_id > row.merge_id,
                MergeRow.undone_at.is_(None),
                or_(MergeRow.survivor_id.in_(ids), MergeMemberRow.profile_id.in_(ids)),
            )
            .order_by(MergeRow.merge_id.desc())
        ).first()
        if later is not None:
            raise ConflictError(
                f"merge {later[0]} was made later with the same records; undo merge "
                f"{later[0]} first"
            )
        current = _rows(session, k, ids, lock=True)
        for m in members:
            if current.get(m.profile_id, {}).get("merged_into") != row.survivor_id:
                raise ConflictError(
                    f"{k} {m.profile_id} is no longer merged into {row.survivor_id}; the merge "
                    "cannot be undone automatically"
                )
        after = _from_json(row.survivor_after)
        changed = [c for c in columns if current[row.survivor_id][c] != after.get(c)]
        if changed and not force:
            raise ConflictError(
                f"{k} {row.survivor_id} changed after merge {merge_id} (fields "
                f"{', '.join(changed)}); undo with force to restore it as it was before the merge"
            )
        before = _from_json(row.survivor_before)
        session.execute(
            update(table)
            .where(getattr(table, key) == row.survivor_id)
            .values(**{c: before[c] for c in (*columns, "extra", "updated_at")})
        )
        for m in members:
            snapshot = _from_json(m.snapshot)
            session.execute(
                update(table)
                .where(getattr(table, key) == m.profile_id)
                .values(merged_into=m.previous_merged_into, updated_at=snapshot["updated_at"])
            )
        now = _now()
        row.undone_at = now
        row.undone_by = actor
        session.execute(
            update(ReviewRow)
            .where(ReviewRow.merge_id == row.merge_id)
            .values(status="undone", updated_at=now)
        )
        log.info("undid merge %d of %s into %s", row.merge_id, k, row.survivor_id)
        return _record(row, [m.profile_id for m in members])


def list_merges(
    store: Store, kind: str | None = None, *, include_undone: bool = True
) -> pd.DataFrame:
    """Merges, newest first.

    Parameters
    ----------
    store:
        The registry.
    kind:
        Only merges of this kind (default all).
    include_undone:
        Whether undone merges are listed.

    Returns
    -------
    pandas.DataFrame
        ``merge_id``, ``kind``, ``survivor_id``, ``member_ids`` (``;``-joined),
        ``score``, ``reason``, ``actor``, ``created_at``, ``undone_at``.
    """
    stmt = select(MergeRow).order_by(MergeRow.merge_id.desc())
    if kind is not None:
        stmt = stmt.where(MergeRow.kind == normalise_kind(kind))
    if not include_undone:
        stmt = stmt.where(MergeRow.undone_at.is_(None))
    records = []
    with store.session() as session:
        for row in session.execute(stmt).scalars():
            members = sorted(m.profile_id for m in _members(session, row.merge_id))
            records.append(
                {
                    "merge_id": int(row.merge_id),
                    "kind": row.kind,
                    "survivor_id": row.survivor_id,
                    "member_ids": ";".join(members),
                    "score": row.score,
                    "reason": row.reason,
                    "actor": row.actor,
                    "created_at": row.created_at,
                    "undone_at": row.undone_at,
                }
            )
    columns = [
        "merge_id", "kind", "survivor_id", "member_ids", "score", "reason", "actor",
        "created_at", "undone_at",
    ]  # fmt: skip
    return pd.DataFrame.from_records(records, columns=columns)
