"""The duplicate-detection pipeline: prepare → index → compare → fit/score → cluster."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from matchmaker.dedupe.cluster import cluster_pairs
from matchmaker.dedupe.compare import CompareContext, compare
from matchmaker.dedupe.index import candidate_pairs, name_alike_pairs
from matchmaker.dedupe.model import estimate_u, explain, fit, score
from matchmaker.dedupe.prepare import ID_COLUMNS, id_column, prepare
from matchmaker.dedupe.spec import ModelSpec, default_spec
from matchmaker.errors import ValidationError

if TYPE_CHECKING:
    from matchmaker.store import Store

__all__ = [
    "PAIR_COLUMNS",
    "DedupeResult",
    "find_duplicates",
    "find_similar_existing",
    "pairs_table",
]

log = logging.getLogger(__name__)

#: First columns of a pairs file (the contract's ``id_a, id_b, score``).
PAIR_COLUMNS: tuple[str, ...] = ("id_a", "id_b", "score")


@dataclass(frozen=True)
class DedupeResult:
    """What a duplicate search found.

    Attributes
    ----------
    scored:
        Every candidate pair with its ``score``, ``match_weight``, level codes
        and similarities (see :func:`matchmaker.dedupe.model.score`), best first.
    clusters:
        ``id``, ``cluster_id`` of records that belong with others at the
        ``low`` threshold (see :func:`matchmaker.dedupe.cluster.cluster_pairs`).
    model:
        The model used (fitted when asked and possible).
    stats:
        Counts and timings: ``records``, ``candidates``, ``pairs_by_rule``,
        ``seconds`` per stage.
    """

    scored: pd.DataFrame
    clusters: pd.DataFrame
    model: ModelSpec
    stats: dict[str, Any] = field(default_factory=dict)

    def pairs(self, threshold: float | None = None) -> pd.DataFrame:
        """Pairs at or above ``threshold`` (default the model's ``low``), explained.

        Returns
        -------
        pandas.DataFrame
            See :func:`pairs_table`.
        """
        return pairs_table(self.scored, self.model, threshold)


def pairs_table(
    scored: pd.DataFrame, model: ModelSpec, threshold: float | None = None
) -> pd.DataFrame:
    """The public pairs table: ``id_a, id_b, score`` then the explanation.

    Parameters
    ----------
    scored:
        Output of :func:`matchmaker.dedupe.model.score`.
    model:
        The model that scored it.
    threshold:
        Minimum score (default ``model.low``).

    Returns
    -------
    pandas.DataFrame
        ``id_a``, ``id_b``, ``score`` (rounded to 6 decimals), ``decision``
        (``merge`` at or above ``model.high``, else ``review``), then
        ``<field>_level`` and ``<field>_bits`` per compared field. Ids,
        scores and levels only: no names, phones or e-mails. Sorted by
        descending score, ties by ids.
    """
    cut = model.low if threshold is None else threshold
    chosen = scored[scored["score"] >= cut]
    table = explain(chosen, model)
    table["score"] = table["score"].round(6)
    table.insert(
        3, "decision", np.where(chosen["score"].to_numpy() >= model.high, "merge", "review")
    )
    table = table.sort_values(
        ["score", "id_a", "id_b"], ascending=[False, True, True], kind="stable"
    )
    return table.reset_index(drop=True)


def _kind_of(frame: pd.DataFrame) -> str | None:
    return ID_COLUMNS.get(id_column(frame))


def find_duplicates(
    frame: pd.DataFrame,
    contacts: pd.DataFrame | None = None,
    *,
    spec: ModelSpec | None = None,
    fit_model: bool = True,
    random_state: int = 0,
) -> DedupeResult:
    """Find the records of one frame that are the same business or person.

    Parameters
    ----------
    frame:
        Canonical suppliers or Imers frame (or any frame with an id column,
        ``name``, ``province``, ``city``, ``categories``; ``phone``/``email``
        columns are used when present).
    contacts:
        Contact rows (``profile_id``, ``phone``, ``email``) of these records.
    spec:
        The model; :func:`~matchmaker.dedupe.spec.default_spec` by default.
    fit_model:
        Whether to estimate ``u`` from random pairs and fit ``m`` and the
        prior on these records' candidate pairs (no labels needed); otherwise
        the given parameters are used as they are.
    random_state:
        Seed of the random pairs behind ``u``.

    Returns
    -------
    DedupeResult

    Raises
    ------
    ValidationError
        If the frame lacks an id or name column or repeats an id.
    """
    spec = spec or default_spec()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    prepared = prepare(frame, contacts, kind=_kind_of(frame))
    timings["prepare"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    candidates = candidate_pairs(prepared, spec.blocking)
    timings["index"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    context = CompareContext(prepared)
    compared = compare(prepared, candidates, spec, context=context)
    timings["compare"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    n = len(prepared)
    if fit_model:
        model = estimate_u(prepared, spec, random_state=random_state, context=context)
        alike = name_alike_pairs(prepared, random_state=random_state)
        reference = compare(prepared, alike, spec, context=context)
        model = fit(
            compared,
            model,
            total_pairs=max(n * (n - 1) // 2, 1),
            n_records=max(n, 1),
            reference=reference,
        )
    else:
        model = spec
    timings["fit"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    scored = score(compared, model)
    timings["score"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    # pairs scoring next to nothing cannot change an average link: leave them out
    linked = scored.loc[scored["score"] >= 1e-3, ["id_a", "id_b", "score"]]
    clusters = cluster_pairs(linked, model.low)
    timings["cluster"] = time.perf_counter() - t0
    stats = {
        "records": len(prepared),
        "candidates": len(candidates),
        "pairs_by_rule": candidates.attrs.get("pairs_by_rule", {}),
        "skipped_blocks_by_rule": candidates.attrs.get("skipped_blocks_by_rule", {}),
        "seconds": timings,
    }
    log.info(
        "duplicate search over %d records: %d candidates, %d pairs >= %.2f",
        len(prepared),
        len(candidates),
        int((scored["score"] >= model.low).sum()),
        model.low,
    )
    return DedupeResult(scored=scored, clusters=clusters, model=model, stats=stats)


def _existing_frames(
    existing: Store | pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame | None], kind: str
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    if isinstance(existing, pd.DataFrame):
        return existing, None
    if isinstance(existing, tuple):
        return existing[0], existing[1]
    store = existing
    frame = store.suppliers() if kind == "supplier" else store.imers()
    return frame, store.contacts("supplier" if kind == "supplier" else "imer")


def find_similar_existing(
    existing: Store | pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame | None],
    new_frame: pd.DataFrame,
    contacts: pd.DataFrame | None = None,
    *,
    spec: ModelSpec | None = None,
    threshold: float | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """New rows that look like records already in the registry (import warnings).

    A row whose id is already stored is an update of that record, not a new
    one: it is compared against the other stored records only.

    Parameters
    ----------
    existing:
        The store, a profile frame, or ``(frame, contacts)`` of the registry.
    new_frame:
        Canonical frame of the rows being imported (suppliers or Imers).
    contacts:
        Contact rows of the new rows.
    spec:
        The model; default :func:`~matchmaker.dedupe.spec.default_spec`. Its
        parameters are refitted on the combined candidates when there are
        enough of them.
    threshold:
        Minimum score to report (default the model's ``low``).
    random_state:
        Seed of the random pairs behind ``u``.

    Returns
    -------
    pandas.DataFrame
        ``new_id``, ``existing_id``, ``score``, sorted by ``new_id`` then
        descending score.

    Raises
    ------
    ValidationError
        If the frames are not of the same kind.
    """
    spec = spec or default_spec()
    col = id_column(new_frame)
    kind = ID_COLUMNS.get(col)
    if kind is None:
        raise ValidationError(
            "new rows need a 'supplier_id' or 'imer_id' column to be compared with the registry"
        )
    old_frame, old_contacts = _existing_frames(existing, kind)
    empty = pd.DataFrame(
        {"new_id": pd.Series(dtype=object), "existing_id": pd.Series(dtype=object),
         "score": pd.Series(dtype=np.float64)}
    )  # fmt: skip
    if old_frame.empty or new_frame.empty:
        return empty
    if id_column(old_frame) != col:
        raise ValidationError(
            f"the registry frame is keyed by {id_column(old_frame)!r} but the new rows by {col!r}"
        )
    new_ids = set(new_frame[col].astype(str))
    old = old_frame[~old_frame[col].astype(str).isin(new_ids)]
    columns = [c for c in new_frame.columns if c in old.columns or c in ("phone", "email")]
    both = pd.concat(
        [old[[c for c in columns if c in old.columns]], new_frame[columns]], ignore_index=True
    )
    all_contacts = [c for c in (old_contacts, contacts) if c is not None and not c.empty]
    merged_contacts = pd.concat(all_contacts, ignore_index=True) if all_contacts else None
    prepared = prepare(both, merged_contacts, kind=kind)
    groups = prepared["id"].isin(new_ids).to_numpy()
    candidates = candidate_pairs(prepared, spec.blocking, groups=groups)
    if candidates.empty:
        return empty
    context = CompareContext(prepared)
    compared = compare(prepared, candidates, spec, context=context)
    n_new = int(groups.sum())
    model = estimate_u(prepared, spec, groups=groups, random_state=random_state, context=context)
    alike = name_alike_pairs(prepared, random_state=random_state)
    reference = compare(prepared, alike, spec, context=context)
    model = fit(
        compared,
        model,
        total_pairs=max(n_new * (len(prepared) - n_new), 1),
        n_records=max(n_new, 1),
        reference=reference,
    )
    scored = score(compared, model)
    cut = model.low if threshold is None else threshold
    scored = scored[scored["score"] >= cut]
    a_new = scored["id_a"].isin(new_ids).to_numpy()
    out = pd.DataFrame(
        {
            "new_id": np.where(a_new, scored["id_a"], scored["id_b"]),
            "existing_id": np.where(a_new, scored["id_b"], scored["id_a"]),
            "score": scored["score"].to_numpy(dtype=np.float64),
        }
    )
    out = out.sort_values(["new_id", "score", "existing_id"], ascending=[True, False, True])
    return out.reset_index(drop=True)
