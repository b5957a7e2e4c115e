"""Duplicate detection over the stored registry: review queue and automatic merging.

:func:`dedupe_store` runs the pipeline over the active suppliers or Imers (a
merged record's contacts count for its survivor), merges clusters above the
high threshold when asked, and puts the other pairs above the low threshold in
the review queue, where staff accept (merge) or reject them
(:func:`accept_review`, :func:`reject_review`). A rejected pair is never
merged automatically later, and a decided pair is not queued again.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matchmaker.dedupe.cluster import cluster_pairs
from matchmaker.dedupe.merge import MergeRecord, merge_records, normalise_kind
from matchmaker.dedupe.pipeline import DedupeResult, find_duplicates, pairs_table
from matchmaker.dedupe.spec import ModelSpec, default_spec
from matchmaker.dedupe.tables import ReviewRow
from matchmaker.errors import ConflictError, NotFoundError, ValidationError
from matchmaker.store import Store

__all__ = [
    "REVIEW_STATUSES",
    "StoreDedupeReport",
    "accept_review",
    "dedupe_store",
    "list_reviews",
    "queue_reviews",
    "reject_review",
    "stored_profiles",
]

log = logging.getLogger(__name__)

#: States of a queued pair.
REVIEW_STATUSES: tuple[str, ...] = ("pending", "accepted", "rejected", "merged", "undone")


@dataclass(frozen=True)
class StoreDedupeReport:
    """What :func:`dedupe_store` did.

    Attributes
    ----------
    result:
        The detection result (pairs, clusters, fitted model).
    pairs:
        The pairs table (``id_a, id_b, score``, decision and levels) at the low threshold.
    merges:
        Merges made automatically.
    queued:
        Pairs newly put in, or refreshed in, the review queue.
    """

    result: DedupeResult
    pairs: pd.DataFrame
    merges: list[MergeRecord] = field(default_factory=list)
    queued: int = 0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stored_profiles(store: Store, kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Active profiles of a kind and their contacts, merged records' contacts included.

    A merged record is hidden, but its phone and e-mail still identify the
    business, so they are attached to its survivor.

    Returns
    -------
    frame, contacts:
        Canonical frame and contact rows (``kind``, ``profile_id``, ``phone``, ``email``).
    """
    k = normalise_kind(kind)
    frame = store.suppliers() if k == "supplier" else store.imers()
    contacts = store.contacts(k)
    alias = store.merged_map(k)
    if alias and not contacts.empty:
        contacts = contacts.copy()
        contacts["profile_id"] = contacts["profile_id"].map(lambda x: alias.get(x, x))
    return frame, contacts


def _levels_of(row: pd.Series, spec: ModelSpec) -> dict[str, Any]:
    return {c.field: str(row[f"{c.field}_level"]) for c in spec.comparisons}


def queue_reviews(store: Store, kind: str, pairs: pd.DataFrame, model: ModelSpec) -> int:
    """Put pairs in the review queue (pending); refresh the score of pending ones.

    Pairs already decided (accepted, rejected, merged, undone) are left alone.

    Parameters
    ----------
    store:
        The registry.
    kind:
        ``supplier(s)`` or ``imer(s)``.
    pairs:
        A pairs table (:func:`matchmaker.dedupe.pipeline.pairs_table`).
    model:
        The model that scored them (gives the level columns).

    Returns
    -------
    int
        Pairs inserted or refreshed.
    """
    k = normalise_kind(kind)
    if pairs.empty:
        return 0
    now = _now()
    count = 0
    with store.session() as session:
        existing = {
            (r.id_a, r.id_b): r
            for r in session.execute(select(ReviewRow).where(ReviewRow.kind == k)).scalars()
        }
        new_rows = []
        for _, row in pairs.iterrows():
            a, b = sorted((str(row["id_a"]), str(row["id_b"])))
            levels = _levels_of(row, model)
            old = existing.get((a, b))
            if old is None:
                new_rows.append(
                    ReviewRow(
                        kind=k,
                        id_a=a,
                        id_b=b,
                        score=float(row["score"]),
                        levels=levels,
                        status="pending",
                        created_at=now,
                        updated_at=now,
                    )
                )
            elif old.status == "pending":
                old.score = float(row["score"])
                old.levels = levels
                old.updated_at = now
            else:
                continue
            count += 1
        session.add_all(new_rows)
    return count


def list_reviews(
    store: Store, kind: str | None = None, status: str | None = "pending"
) -> pd.DataFrame:
    """The review queue, best score first.

    Parameters
    ----------
    store:
        The registry.
    kind:
        Only this kind (default both).
    status:
        Only this status (default ``pending``; ``None`` for all).

    Returns
    -------
    pandas.DataFrame
        ``review_id``, ``kind``, ``id_a``, ``id_b``, ``score``, ``status``,
        ``levels`` (``field=level`` joined by ``;``), ``decided_by``,
        ``merge_id``.

    Raises
    ------
    ValidationError
        If ``status`` is not one of :data:`REVIEW_STATUSES`.
    """
    stmt = select(ReviewRow).order_by(ReviewRow.score.desc(), ReviewRow.review_id)
    if kind is not None:
        stmt = stmt.where(ReviewRow.kind == normalise_kind(kind))
    if status is not None:
        if status not in REVIEW_STATUSES:
            raise ValidationError(f"status must be one of {', '.join(REVIEW_STATUSES)}")
        stmt = stmt.where(ReviewRow.status == status)
    columns = [
        "review_id", "kind", "id_a", "id_b", "score", "status", "levels", "decided_by",
        "merge_id",
    ]  # fmt: skip
    with store.session() as session:
        records = [
            {
                "review_id": int(r.review_id),
                "kind": r.kind,
                "id_a": r.id_a,
                "id_b": r.id_b,
                "score": float(r.score),
                "status": r.status,
                "levels": ";".join(f"{k}={v}" for k, v in r.levels.items()),
                "decided_by": r.decided_by,
                "merge_id": r.merge_id,
            }
            for r in session.execute(stmt).scalars()
        ]
    return pd.DataFrame.from_records(records, columns=columns)


def _pending(session: Session, review_id: int) -> ReviewRow:
    row = session.get(ReviewRow, int(review_id), with_for_update=True)
    if row is None:
        raise NotFoundError(f"there is no review {review_id}; list them with 'dedupe review list'")
    if row.status != "pending":
        raise ConflictError(f"review {review_id} is already {row.status}")
    return row


def accept_review(
    store: Store, review_id: int, *, actor: str = "staff", note: str | None = None
) -> MergeRecord | None:
    """Accept a queued pair as one business and merge it.

    Records already merged elsewhere are merged through their survivors; if
    both already share a survivor nothing is merged.

    Returns
    -------
    MergeRecord or None
        The merge made, or ``None`` when the pair was already one record.

    Raises
    ------
    NotFoundError
        If there is no such review (or a record disappeared).
    ConflictError
        If the review was already decided.
    """
    with store.session() as session:
        row = _pending(session, review_id)
        kind, id_a, id_b, score = row.kind, row.id_a, row.id_b, row.score
    k = normalise_kind(kind)
    a = store.resolve_id(k, id_a)
    b = store.resolve_id(k, id_b)
    record = None
    if a != b:
        record = merge_records(
            store, k, [a, b], actor=actor, score=score, reason=f"review {review_id}"
        )
    now = _now()
    with store.session() as session:
        session.execute(
            update(ReviewRow)
            .where(ReviewRow.review_id == int(review_id))
            .values(
                status="merged" if record is not None else "accepted",
                decided_at=now,
                decided_by=actor,
                updated_at=now,
                note=note,
                merge_id=None if record is None else record.merge_id,
            )
        )
    return record


def reject_review(
    store: Store, review_id: int, *, actor: str = "staff", note: str | None = None
) -> None:
    """Mark a queued pair as two different businesses (never merged automatically).

    Raises
    ------
    NotFoundError
        If there is no such review.
    ConflictError
        If the review was already decided.
    """
    with store.session() as session:
        row = _pending(session, review_id)
        now = _now()
        row.status = "rejected"
        row.decided_at = now
        row.decided_by = actor
        row.updated_at = now
        row.note = note


def _rejected_pairs(store: Store, kind: str) -> set[tuple[str, str]]:
    with store.session() as session:
        rows = session.execute(
            select(ReviewRow.id_a, ReviewRow.id_b).where(
                ReviewRow.kind == kind, ReviewRow.status == "rejected"
            )
        ).all()
    return {(str(a), str(b)) for a, b in rows}


def dedupe_store(
    store: Store,
    kind: str,
    *,
    spec: ModelSpec | None = None,
    auto_merge: bool = False,
    queue: bool = True,
    actor: str = "dedupe",
) -> StoreDedupeReport:
    """Find duplicates among the stored records; merge and queue them as asked.

    Parameters
    ----------
    store:
        The registry.
    kind:
        ``supplier(s)`` or ``imer(s)``.
    spec:
        The model, with the ``high`` and ``low`` thresholds (default
        :func:`~matchmaker.dedupe.spec.default_spec`).
    auto_merge:
        Merge clusters whose records link at or above ``high`` on average
        (pairs staff rejected count as unlinked); the remaining pairs at or
        above ``low`` go to the queue. Without it every pair at or above
        ``low`` is queued.
    queue:
        Whether to write the review queue at all.
    actor:
        Recorded on automatic merges.

    Returns
    -------
    StoreDedupeReport
    """
    k = normalise_kind(kind)
    model = spec or default_spec()
    frame, contacts = stored_profiles(store, k)
    result = find_duplicates(frame, contacts, spec=model)
    table = pairs_table(result.scored, result.model)
    rejected = _rejected_pairs(store, k)
    merges: list[MergeRecord] = []
    merged_pairs: set[tuple[str, str]] = set()
    if auto_merge and not table.empty:
        scored = result.scored[["id_a", "id_b", "score"]]
        scored = scored[scored["score"] >= 1e-3].copy()
        if rejected:
            is_rejected = np.asarray(
                [(a, b) in rejected for a, b in zip(scored["id_a"], scored["id_b"], strict=True)]
            )
            scored.loc[is_rejected, "score"] = 0.0
        clusters = cluster_pairs(scored, result.model.high)
        score_of = {(a, b): s for a, b, s in scored.itertuples(index=False)}
        for _, group in clusters.groupby("cluster_id", sort=True):
            ids = sorted(group["id"])
            links = [score_of.get((a, b), 0.0) for i, a in enumerate(ids) for b in ids[i + 1 :]]
            record = merge_records(
                store,
                k,
                ids,
                actor=actor,
                score=float(np.mean(links)),
                reason=f"automatic: average link {np.mean(links):.3f} >= {result.model.high}",
            )
            merges.append(record)
            merged_pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    queued = 0
    if queue:
        keep = [
            (a, b) not in merged_pairs and (a, b) not in rejected
            for a, b in zip(table["id_a"], table["id_b"], strict=True)
        ]
        queued = queue_reviews(store, k, table[np.asarray(keep, dtype=bool)], result.model)
    log.info("%s duplicates: %d pairs, %d merges, %d queued", k, len(table), len(merges), queued)
    return StoreDedupeReport(result=result, pairs=table, merges=merges, queued=queued)
