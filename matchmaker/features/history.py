"""Partnership history as features: each side's record, with shrinkage, at any time.

The append-only events of a registry are condensed into one row per pair
(:func:`pair_outcomes`: when it was proposed and decided, whether it was
accepted, when it ended, the latest rating and units). :class:`RecordBook`
then answers, for any supplier or Imer *as of any time*, how its past
partnerships went:

supplier record
    acceptance rate of proposals made to it, mean rating Imers gave it, mean
    units sold a month through it, number of partnerships, partnerships running
    now, proposals in the last 90 days (current demand), and whether it has no
    decided proposal yet (a newcomer);
Imer record
    share of its proposals that were accepted, mean units it sold a month,
    mean rating suppliers gave it, number of partnerships, partnerships running
    now, proposals in the last 90 days (how actively it is looking), newcomer
    flag.

Rates and means are shrunk towards the registry-wide value with a few
pseudo-observations, so one lucky rating does not put a newcomer on top and a
newcomer starts from the average rather than from zero. Answers "as of" a time
use only observations strictly before it (a sorted cumulative index, so
millions of queries cost ``O(log n)`` each), which keeps training features free
of the outcome they are trained to predict.

Times are float days since 1970-01-01 UTC throughout.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "IMER_RECORD_FIELDS",
    "RECENT_DAYS",
    "SUPPLIER_RECORD_FIELDS",
    "PairOutcomes",
    "RecordBook",
    "days",
    "pair_outcomes",
]

log = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Columns of :meth:`RecordBook.supplier_records`, in order.
SUPPLIER_RECORD_FIELDS: tuple[str, ...] = (
    "acceptance",
    "rating",
    "units",
    "partners",
    "active",
    "recent",
    "new",
)
#: Columns of :meth:`RecordBook.imer_records`, in order.
IMER_RECORD_FIELDS: tuple[str, ...] = (
    "success",
    "units",
    "rating",
    "partners",
    "active",
    "recent",
    "new",
)
#: Window (days) of the "recent proposals" record fields.
RECENT_DAYS = 90.0

_ACCEPTED = ("accepted", "active", "ended")
_DECIDED = ("accepted", "active", "ended", "declined")


def days(values: object) -> F64:
    """Timestamps (anything ``pandas.to_datetime`` reads, naive = UTC) as float days.

    Parameters
    ----------
    values:
        A scalar or sequence of times; missing values give NaN.

    Returns
    -------
    numpy.ndarray
        Float days since 1970-01-01 UTC.
    """
    stamps = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(values, dtype=object))), utc=True)
    out = np.full(len(stamps), np.nan)
    ok = stamps.notna().to_numpy()
    delta = stamps[ok] - pd.Timestamp(0, tz="UTC")
    out[ok] = (delta / pd.Timedelta(days=1)).to_numpy(dtype=np.float64)
    return out


@dataclass(frozen=True, eq=False)
class PairOutcomes:
    """One row per (supplier, Imer) pair seen in the events.

    Attributes
    ----------
    supplier_id, imer_id:
        The pair (object arrays of str).
    status:
        Latest status.
    proposed_at:
        Time of the pair's first event.
    decided_at:
        Time of its first decision (accepted, active, ended or declined); NaN
        while pending.
    accepted:
        Whether it was ever accepted.
    declined:
        Whether its latest status is ``declined``.
    declined_by_imer:
        Whether the decline was recorded with ``actor == "imer"``.
    ended_at:
        Time of its first ``ended`` event, NaN otherwise.
    rating, rating_at:
        Latest rating the Imer gave and when it was recorded (NaN when none).
    units, units_at:
        Latest monthly units and when recorded.
    supplier_rating, supplier_rating_at:
        Latest rating the supplier gave the Imer and when recorded.
    """

    supplier_id: npt.NDArray[np.object_]
    imer_id: npt.NDArray[np.object_]
    status: npt.NDArray[np.object_]
    proposed_at: F64
    decided_at: F64
    accepted: BoolArray
    declined: BoolArray
    declined_by_imer: BoolArray
    ended_at: F64
    rating: F64
    rating_at: F64
    units: F64
    units_at: F64
    supplier_rating: F64
    supplier_rating_at: F64

    def __len__(self) -> int:
        return int(self.supplier_id.shape[0])

    def good(self, poor_rating: float) -> BoolArray:
        """Accepted pairs whose outcome is not poor (rating above ``poor_rating`` or unknown)."""
        poor = np.isfinite(self.rating) & (self.rating <= poor_rating)
        return self.accepted & ~poor


def _empty_outcomes() -> PairOutcomes:
    e = np.zeros(0)
    o = np.zeros(0, dtype=object)
    b = np.zeros(0, dtype=bool)
    return PairOutcomes(o, o, o, e, e, b, b, b, e, e, e, e, e, e, e)


def pair_outcomes(events: pd.DataFrame) -> PairOutcomes:
    """Condense partnership events into one row per pair.

    Parameters
    ----------
    events:
        A registry's events (``EVENT_COLUMNS``; ``supplier_rating`` optional).

    Returns
    -------
    PairOutcomes
        Pairs sorted by supplier then Imer id.
    """
    if events is None or len(events) == 0:
        return _empty_outcomes()
    n = len(events)
    at = days(events["at"].tolist())
    status = events["status"].astype(str).to_numpy(dtype=object)
    eid = (
        pd.to_numeric(events["event_id"], errors="coerce").fillna(0).to_numpy(np.float64)
        if "event_id" in events
        else np.arange(n, dtype=np.float64)
    )

    def num(col: str) -> F64:
        if col not in events.columns:
            return np.full(n, np.nan)
        return np.asarray(pd.to_numeric(events[col], errors="coerce"), dtype=np.float64)

    actor = (
        events["actor"].astype(str).str.lower().to_numpy(dtype=object)
        if "actor" in events
        else np.full(n, "", dtype=object)
    )
    frame = pd.DataFrame(
        {
            "s": events["supplier_id"].astype(str).to_numpy(dtype=object),
            "i": events["imer_id"].astype(str).to_numpy(dtype=object),
            "at": at,
            "eid": eid,
            "status": status,
            "decided": np.where(np.isin(status, _DECIDED), at, np.nan),
            "acc": np.isin(status, _ACCEPTED),
            "ended": np.where(status == "ended", at, np.nan),
            "decl_imer": (status == "declined") & (actor == "imer"),
            "rating": num("rating"),
            "units": num("monthly_units"),
            "srating": num("supplier_rating"),
        }
    )
    frame["rating_at"] = np.where(np.isfinite(frame["rating"]), at, np.nan)
    frame["units_at"] = np.where(np.isfinite(frame["units"]), at, np.nan)
    frame["srating_at"] = np.where(np.isfinite(frame["srating"]), at, np.nan)
    frame = frame.sort_values(["s", "i", "at", "eid"], kind="stable")
    g = frame.groupby(["s", "i"], sort=True)
    agg = g.agg(
        proposed_at=("at", "min"),
        decided_at=("decided", "min"),
        accepted=("acc", "any"),
        ended_at=("ended", "min"),
        rating=("rating", "last"),
        rating_at=("rating_at", "max"),
        units=("units", "last"),
        units_at=("units_at", "max"),
        srating=("srating", "last"),
        srating_at=("srating_at", "max"),
    )
    last_status = g["status"].nth(-1).to_numpy(dtype=object)
    last_decl_imer = g["decl_imer"].nth(-1).to_numpy(dtype=bool)
    index = agg.index
    return PairOutcomes(
        supplier_id=np.asarray(index.get_level_values(0), dtype=object),
        imer_id=np.asarray(index.get_level_values(1), dtype=object),
        status=last_status,
        proposed_at=agg["proposed_at"].to_numpy(np.float64),
        decided_at=agg["decided_at"].to_numpy(np.float64),
        accepted=agg["accepted"].to_numpy(bool),
        declined=last_status == "declined",
        declined_by_imer=last_decl_imer & (last_status == "declined"),
        ended_at=agg["ended_at"].to_numpy(np.float64),
        rating=agg["rating"].to_numpy(np.float64),
        rating_at=agg["rating_at"].to_numpy(np.float64),
        units=agg["units"].to_numpy(np.float64),
        units_at=agg["units_at"].to_numpy(np.float64),
        supplier_rating=agg["srating"].to_numpy(np.float64),
        supplier_rating_at=agg["srating_at"].to_numpy(np.float64),
    )


class _Cumulative:
    """Counts and sums of timed observations per entity, queried "strictly before t"."""

    def __init__(self, codes: I64, times: F64, values: F64, n_entities: int) -> None:
        ok = (codes >= 0) & np.isfinite(times) & np.isfinite(values)
        codes, times, values = codes[ok], times[ok], values[ok]
        self._offset = float(times.min()) - 1.0 if times.size else 0.0
        rel = times - self._offset  # > 0
        self._span = float(rel.max()) + 2.0 if rel.size else 2.0
        keys = codes.astype(np.float64) * self._span + rel
        order = np.argsort(keys, kind="stable")
        self._keys = keys[order]
        self._cum = np.concatenate([[0.0], np.cumsum(values[order])])
        self._total_count = np.bincount(codes, minlength=n_entities).astype(np.float64)
        self._total_sum = np.bincount(codes, weights=values, minlength=n_entities)

    def before(self, codes: I64, at: F64 | None) -> tuple[F64, F64]:
        """(count, sum) of each entity's observations strictly before ``at`` (all if None)."""
        valid = codes >= 0
        safe = np.where(valid, codes, 0)
        if at is None:
            count = self._total_count[safe]
            total = self._total_sum[safe]
        else:
            rel = np.clip(np.asarray(at, dtype=np.float64) - self._offset, 0.0, self._span - 1.0)
            base = safe.astype(np.float64) * self._span
            hi = np.searchsorted(self._keys, base + rel, side="left")
            lo = np.searchsorted(self._keys, base, side="left")
            count = (hi - lo).astype(np.float64)
            total = self._cum[hi] - self._cum[lo]
        return np.where(valid, count, 0.0), np.where(valid, total, 0.0)


class RecordBook:
    """Each supplier's and Imer's partnership record, as of any time.

    Parameters
    ----------
    outcomes:
        Pair outcomes (:func:`pair_outcomes`).
    supplier_ids, imer_ids:
        The registry's ids; rows of the arrays this book returns follow them.
        Pairs naming other ids are ignored.
    shrinkage:
        Pseudo-observations pulling each rate and mean towards the registry-wide
        value.

    Attributes
    ----------
    prior_acceptance, prior_rating, prior_log_units, prior_imer_rating : float
        Registry-wide values the records are shrunk towards.
    """

    def __init__(
        self,
        outcomes: PairOutcomes,
        supplier_ids: Sequence[str] | npt.NDArray[np.str_],
        imer_ids: Sequence[str] | npt.NDArray[np.str_],
        *,
        shrinkage: float = 3.0,
    ) -> None:
        self.shrinkage = float(shrinkage)
        sup_index = pd.Index(np.asarray(supplier_ids, dtype=object))
        imr_index = pd.Index(np.asarray(imer_ids, dtype=object))
        self.n_suppliers = len(sup_index)
        self.n_imers = len(imr_index)
        s = sup_index.get_indexer(outcomes.supplier_id).astype(np.int64)
        i = imr_index.get_indexer(outcomes.imer_id).astype(np.int64)
        o = outcomes
        acc = o.accepted.astype(np.float64)
        decided = np.isfinite(o.decided_at)
        log_units = np.log1p(np.maximum(o.units, 0.0))
        self.prior_acceptance = float(acc[decided].mean()) if decided.any() else 0.7
        rated = np.isfinite(o.rating)
        self.prior_rating = float(o.rating[rated].mean()) if rated.any() else 3.5
        has_units = np.isfinite(log_units)
        self.prior_log_units = float(log_units[has_units].mean()) if has_units.any() else 0.0
        srated = np.isfinite(o.supplier_rating)
        self.prior_imer_rating = float(o.supplier_rating[srated].mean()) if srated.any() else 3.5
        acc_at = np.where(o.accepted, o.decided_at, np.nan)
        n_s, n_i = self.n_suppliers, self.n_imers
        self._s_dec = _Cumulative(s, o.decided_at, acc, n_s)
        self._s_rating = _Cumulative(s, o.rating_at, o.rating, n_s)
        self._s_units = _Cumulative(s, o.units_at, log_units, n_s)
        self._s_acc = _Cumulative(s, acc_at, np.ones(len(o)), n_s)
        self._s_end = _Cumulative(s, np.where(o.accepted, o.ended_at, np.nan), np.ones(len(o)), n_s)
        self._i_dec = _Cumulative(i, o.decided_at, acc, n_i)
        self._i_units = _Cumulative(i, o.units_at, log_units, n_i)
        self._i_rating = _Cumulative(i, o.supplier_rating_at, o.supplier_rating, n_i)
        self._i_acc = _Cumulative(i, acc_at, np.ones(len(o)), n_i)
        self._i_end = _Cumulative(i, np.where(o.accepted, o.ended_at, np.nan), np.ones(len(o)), n_i)
        self._s_prop = _Cumulative(s, o.proposed_at, np.ones(len(o)), n_s)
        self._i_prop = _Cumulative(i, o.proposed_at, np.ones(len(o)), n_i)
        self.latest = float(np.nanmax(o.proposed_at)) if len(o) else 0.0

    def _recent(self, book: _Cumulative, rows: I64, at: F64 | None) -> F64:
        now = np.full(len(rows), self.latest + 1e-6) if at is None else np.asarray(at, np.float64)
        n_now, _ = book.before(rows, now)
        n_then, _ = book.before(rows, now - RECENT_DAYS)
        return np.log1p(np.maximum(n_now - n_then, 0.0))

    def _shrunk(self, count: F64, total: F64, prior: float) -> F64:
        return (total + self.shrinkage * prior) / (count + self.shrinkage)

    def supplier_records(self, rows: I64, at: F64 | None = None) -> F64:
        """Supplier records (:data:`SUPPLIER_RECORD_FIELDS`) for supplier rows.

        Parameters
        ----------
        rows:
            Supplier rows (positions in ``supplier_ids``; ``-1`` for an unknown
            supplier, which gets a newcomer's record).
        at:
            Per-row times; only observations strictly before count. ``None``
            uses the whole history.

        Returns
        -------
        numpy.ndarray
            ``(len(rows), 7)``: acceptance rate (shrunk), mean rating minus the
            registry mean (shrunk), mean log units minus the registry mean
            (shrunk), ``log1p`` partnerships, ``log1p`` running partnerships,
            ``log1p`` proposals received in the last 90 days, newcomer flag.
        """
        rows = np.asarray(rows, dtype=np.int64)
        n_dec, n_acc_dec = self._s_dec.before(rows, at)
        n_rat, sum_rat = self._s_rating.before(rows, at)
        n_u, sum_u = self._s_units.before(rows, at)
        n_acc, _ = self._s_acc.before(rows, at)
        n_end, _ = self._s_end.before(rows, at)
        return np.stack(
            [
                self._shrunk(n_dec, n_acc_dec, self.prior_acceptance),
                self._shrunk(n_rat, sum_rat, self.prior_rating) - self.prior_rating,
                self._shrunk(n_u, sum_u, self.prior_log_units) - self.prior_log_units,
                np.log1p(n_acc),
                np.log1p(np.maximum(n_acc - n_end, 0.0)),
                self._recent(self._s_prop, rows, at),
                (n_dec == 0).astype(np.float64),
            ],
            axis=1,
        )

    def imer_records(self, rows: I64, at: F64 | None = None) -> F64:
        """Imer records (:data:`IMER_RECORD_FIELDS`) for Imer rows.

        Parameters
        ----------
        rows:
            Imer rows (``-1`` for an unknown Imer: a newcomer's record).
        at:
            Per-row times, or ``None`` for the whole history.

        Returns
        -------
        numpy.ndarray
            ``(len(rows), 7)``: success rate of its proposals (shrunk), mean log
            units minus the registry mean (shrunk), mean rating from suppliers
            minus the registry mean (shrunk), ``log1p`` partnerships, ``log1p``
            running partnerships, ``log1p`` proposals made in the last 90 days,
            newcomer flag.
        """
        rows = np.asarray(rows, dtype=np.int64)
        n_dec, n_acc_dec = self._i_dec.before(rows, at)
        n_u, sum_u = self._i_units.before(rows, at)
        n_rat, sum_rat = self._i_rating.before(rows, at)
        n_acc, _ = self._i_acc.before(rows, at)
        n_end, _ = self._i_end.before(rows, at)
        return np.stack(
            [
                self._shrunk(n_dec, n_acc_dec, self.prior_acceptance),
                self._shrunk(n_u, sum_u, self.prior_log_units) - self.prior_log_units,
                self._shrunk(n_rat, sum_rat, self.prior_imer_rating) - self.prior_imer_rating,
                np.log1p(n_acc),
                np.log1p(np.maximum(n_acc - n_end, 0.0)),
                self._recent(self._i_prop, rows, at),
                (n_dec == 0).astype(np.float64),
            ],
            axis=1,
        )

    def supplier_counts(self, rows: I64) -> tuple[F64, F64]:
        """Whole-history (decided proposals, mean rating or NaN) per supplier row, for reasons."""
        rows = np.asarray(rows, dtype=np.int64)
        n_dec, _ = self._s_dec.before(rows, None)
        n_rat, sum_rat = self._s_rating.before(rows, None)
        mean = np.where(n_rat > 0, sum_rat / np.maximum(n_rat, 1.0), np.nan)
        return n_dec, mean
