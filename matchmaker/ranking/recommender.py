"""The compatibility engine: fit on a registry, shortlist in both directions, explain.

:class:`Recommender` ties the stages together::

    profiles ──► ProfileEncoder ──► SupplierProfiles / ImerProfiles
    events   ──► pair_outcomes ──► RecordBook (records as of any time)
                                        │
    training pairs (decided proposals + sampled non-partners, features as of
    the proposal date) ──► ReciprocalScorer (Imer side x supplier side)
                                        │
    query ──► CandidateIndex (category block + inner product on the learned
              embeddings) ──► exact pair signals ──► log-score
              − pair history penalties − congestion ──► top-k ──► reasons

Queries are batch-first: one id is a batch of one, and a query's result does
not depend on the batch it is in (tested). Ties are broken by id. Pairs in an
``active`` (or ``accepted``) partnership are never recommended.

The fitted model is saved as readable JSON (configuration, weights by signal
name, text vocabulary, metadata with the matchmaker version) plus a ``.npz``
of arrays loaded with ``allow_pickle=False``; :meth:`Recommender.load` binds it
to the *current* registry, so shortlists always use today's profiles and
history with the saved weights.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.special import expit

from matchmaker import __version__, reference
from matchmaker.errors import NotFittedError, NotFoundError, ValidationError
from matchmaker.features import (
    SIGNAL_NAMES,
    ImerProfiles,
    PairOutcomes,
    ProfileEncoder,
    RecordBook,
    SignalContext,
    SupplierProfiles,
    fit_signal_context,
    pair_outcomes,
    pair_signals,
    signal_factors,
)
from matchmaker.ranking.candidates import (
    CandidateIndex,
    build_embeddings,
    compression_transforms,
)
from matchmaker.ranking.config import RecommenderConfig
from matchmaker.ranking.congestion import congestion_penalty, imer_slots, supplier_slots
from matchmaker.ranking.reasons import ReasonInputs, check_lang, write_reasons
from matchmaker.ranking.scorer import ReciprocalScorer
from matchmaker.schema import Registry

__all__ = [
    "MODEL_FORMAT",
    "MODEL_FORMAT_VERSION",
    "PairFeatureProvider",
    "Recommender",
    "ShortlistFilters",
]

log = logging.getLogger(__name__)

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Direction = Literal["suppliers", "imers"]

#: A callable adding numeric pair features: ``(registry, pairs, as_of) -> frame``
#: with one row per pair (same order) and numeric columns besides the ids; only
#: events strictly before ``as_of`` (``None``: all) may be used.
PairFeatureProvider = Callable[[Registry, pd.DataFrame, dt.datetime | None], pd.DataFrame]

MODEL_FORMAT = "matchmaker-recommender"
MODEL_FORMAT_VERSION = 1
_EXCLUDED_STATES = ("active", "accepted")
_DROPSHIP_MISSING = SIGNAL_NAMES.index("dropship_missing")


def _graph_provider(
    registry: Registry, pairs: pd.DataFrame, as_of: dt.datetime | None
) -> pd.DataFrame:
    from matchmaker.graph.signals import graph_pair_features

    return graph_pair_features(registry, pairs, as_of=as_of)


@dataclass(frozen=True)
class ShortlistFilters:
    """Filters on the *recommended* side of a shortlist.

    Attributes
    ----------
    provinces:
        Keep profiles based in one of these provinces (canonical names).
    categories:
        Keep profiles listing one of these category slugs.
    dropship_only:
        Suppliers that offer dropship (or, when recommending Imers, Imers that
        need it).
    certifications:
        Suppliers holding all of these (supplier shortlists only).
    max_moq:
        Suppliers whose minimum order is at most this (supplier shortlists only).
    """

    provinces: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    dropship_only: bool = False
    certifications: tuple[str, ...] = ()
    max_moq: int | None = None

    def __post_init__(self) -> None:
        for name in self.provinces:
            reference.province(name)
        for slug in self.categories:
            reference.category(slug)
        for slug in self.certifications:
            reference.certification(slug)
        if self.max_moq is not None and self.max_moq < 1:
            raise ValidationError(f"max_moq must be >= 1, got {self.max_moq}")

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(
            self.provinces
            or self.categories
            or self.dropship_only
            or self.certifications
            or self.max_moq is not None
        )

    def _common(self, home: I64, members: F32) -> BoolArray:
        mask = np.ones(home.shape[0], dtype=bool)
        if self.provinces:
            wanted = [reference.province_index(p) for p in self.provinces]
            mask &= np.isin(home, wanted)
        if self.categories:
            cols = [reference.category_index(c) for c in self.categories]
            mask &= members[:, cols].any(axis=1)
        return mask

    def supplier_mask(self, suppliers: SupplierProfiles) -> BoolArray:
        """Suppliers passing the filters."""
        mask = self._common(suppliers.home, suppliers.sells)
        if self.dropship_only:
            mask &= suppliers.dropship > 0
        if self.certifications:
            cols = [reference.CERTIFICATIONS.index(c) for c in self.certifications]
            mask &= (suppliers.certs[:, cols] > 0).all(axis=1)
        if self.max_moq is not None:
            mask &= suppliers.log_moq <= np.log10(self.max_moq) + 1e-9
        return mask

    def imer_mask(self, imers: ImerProfiles) -> BoolArray:
        """Imers passing the filters.

        Raises
        ------
        ValidationError
            If a supplier-only filter (certifications, max MOQ) is set.
        """
        if self.certifications or self.max_moq is not None:
            raise ValidationError(
                "the certification and max-MOQ filters apply to supplier shortlists; "
                "drop them when recommending Imers"
            )
        mask = self._common(imers.home, imers.wants)
        if self.dropship_only:
            mask &= imers.needs_dropship > 0
        return mask


@dataclass(eq=False)
class _Snapshot:
    """A registry bound to the fitted model: encoded profiles, records, pair states."""

    registry: Registry
    suppliers: SupplierProfiles
    imers: ImerProfiles
    sup_index: pd.Index
    imr_index: pd.Index
    outcomes: PairOutcomes
    book: RecordBook
    sup_records: F64
    imr_records: F64
    pair_keys: I64  # sorted supplier_row * n_imers + imer_row
    pair_excluded: BoolArray
    pair_declined: BoolArray
    pair_poor: BoolArray
    sup_partners: F64
    sup_rating: F64
    imr_partners: F64
    index_for_imers: CandidateIndex | None = None
    index_for_suppliers: CandidateIndex | None = None
    query_map: F64 | None = None  # compression of Imer query vectors
    excluded_per_imer: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    excluded_per_sup: I64 = field(default_factory=lambda: np.zeros(0, np.int64))
    sup_penalty: F64 = field(default_factory=lambda: np.zeros(0))
    imr_penalty: F64 = field(default_factory=lambda: np.zeros(0))


class Recommender:
    """Learned reciprocal recommender of suppliers for Imers and Imers for suppliers.

    Parameters
    ----------
    config:
        Engine settings (defaults when ``None``).
    pair_feature_providers:
        Extra pair-feature providers (see :data:`PairFeatureProvider`); the
        graph signals are added by ``config.use_graph_signals``.

    Attributes
    ----------
    encoder_ : ProfileEncoder
    context_ : SignalContext
    scorer_ : ReciprocalScorer
    retrieval_weights_ : dict of str to float
    extra_features_ : tuple of str
    metadata_ : dict

    Examples
    --------
    >>> rec = Recommender().fit(registry)  # doctest: +SKIP
    >>> rec.recommend_suppliers(["I000001"], k=5, lang="en")  # doctest: +SKIP
    """

    def __init__(
        self,
        config: RecommenderConfig | None = None,
        *,
        pair_feature_providers: Sequence[PairFeatureProvider] = (),
    ) -> None:
        self.config = config or RecommenderConfig()
        self.pair_feature_providers = tuple(pair_feature_providers)

    # ================================================================ fitting
    def _providers(self) -> tuple[PairFeatureProvider, ...]:
        providers = self.pair_feature_providers
        if self.config.use_graph_signals:
            providers = (_graph_provider, *providers)
        return providers

    def fit(self, registry: Registry) -> Recommender:
        """Learn profile encoders and the reciprocal scorer from a registry.

        Parameters
        ----------
        registry:
            Profiles and partnership history (events). Everything in it is
            treated as known: to evaluate, pass a registry cut at a date.

        Returns
        -------
        Recommender
            ``self``, bound to ``registry``.

        Raises
        ------
        ValidationError
            If the registry has no supplier or no Imer, or a profile holds a
            non-canonical value.
        """
        cfg = self.config
        _check_registry(registry)
        self.encoder_ = ProfileEncoder(text_dim=cfg.text_dim, random_state=cfg.random_state).fit(
            suppliers=registry.suppliers, imers=registry.imers
        )
        snap = self._snapshot(registry)
        ii, jj, t0, good, accepted, weight, observed = self._training_pairs(snap)
        self.context_ = fit_signal_context(
            snap.suppliers, snap.imers, (ii[observed], jj[observed], good[observed])
        )
        extra_x, extra_names = self._extra_training_features(snap, ii, jj, t0)
        self.extra_features_ = extra_names
        x = self._signal_matrix(snap, ii, jj, at=t0)
        if extra_x is not None:
            x = np.concatenate([x, extra_x], axis=1)
        scorer = ReciprocalScorer(
            l2=cfg.l2, acceptance_weight=cfg.acceptance_weight, extra_features=extra_names
        )
        n_decided = int(observed.sum())
        learnable = (
            n_decided >= cfg.min_training_pairs and good.any() and (~good).any() and len(x) > 0
        )
        if learnable:
            scorer.fit(x, good, sample_weight=weight, accepted=accepted)
        else:
            log.info("recommender: %d decided pairs; using the content prior", n_decided)
            scorer.prior(x if len(x) else None)
        self.scorer_ = scorer
        positives = x[good & observed] if learnable else None
        self.retrieval_weights_ = scorer.retrieval_weights(positives)
        self._exposure_ids: dict[str, tuple[npt.NDArray[np.str_], F64]] = {}
        self._bind(snap)
        if cfg.congestion:
            self._estimate_exposure(snap)
            self._apply_congestion(snap)
        self.metadata_ = {
            "fitted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "n_suppliers": len(snap.suppliers),
            "n_imers": len(snap.imers),
            "n_events": len(registry.events),
            "n_decided_pairs": n_decided,
            "n_training_pairs": len(x),
            "learned_from_history": bool(learnable),
        }
        self._snap = snap
        return self

    def _snapshot(self, registry: Registry) -> _Snapshot:
        enc = self.encoder_
        suppliers = enc.encode_suppliers(registry.suppliers)
        imers = enc.encode_imers(registry.imers)
        sup_index = pd.Index(suppliers.ids.astype(object))
        imr_index = pd.Index(imers.ids.astype(object))
        if sup_index.has_duplicates or imr_index.has_duplicates:
            raise ValidationError("registry has duplicate supplier_id or imer_id values")
        outcomes = pair_outcomes(registry.events)
        book = RecordBook(outcomes, suppliers.ids, imers.ids, shrinkage=self.config.shrinkage)
        s_rows = sup_index.get_indexer(pd.Index(outcomes.supplier_id))
        i_rows = imr_index.get_indexer(pd.Index(outcomes.imer_id))
        known = (s_rows >= 0) & (i_rows >= 0)
        keys = s_rows[known].astype(np.int64) * len(imers) + i_rows[known]
        order = np.argsort(keys, kind="stable")
        status = outcomes.status[known][order]
        rating = outcomes.rating[known][order]
        n_dec, mean_rating = book.supplier_counts(np.arange(len(suppliers)))
        imr_dec = book.imer_records(np.arange(len(imers)))[:, 3]  # log1p partners
        excluded_keys = keys[order][np.isin(status, _EXCLUDED_STATES)]
        ex_s, ex_i = np.divmod(excluded_keys, max(len(imers), 1))
        return _Snapshot(
            excluded_per_imer=np.bincount(ex_i, minlength=len(imers)).astype(np.int64),
            excluded_per_sup=np.bincount(ex_s, minlength=len(suppliers)).astype(np.int64),
            registry=registry,
            suppliers=suppliers,
            imers=imers,
            sup_index=sup_index,
            imr_index=imr_index,
            outcomes=outcomes,
            book=book,
            sup_records=book.supplier_records(np.arange(len(suppliers))),
            imr_records=book.imer_records(np.arange(len(imers))),
            pair_keys=keys[order],
            pair_excluded=np.isin(status, _EXCLUDED_STATES),
            pair_declined=status == "declined",
            pair_poor=(status == "ended")
            & np.isfinite(rating)
            & (rating <= self.config.poor_rating),
            sup_partners=n_dec,
            sup_rating=mean_rating,
            imr_partners=np.expm1(imr_dec),
        )

    def _training_pairs(
        self, snap: _Snapshot
    ) -> tuple[I64, I64, F64, BoolArray, F64, F64, BoolArray]:
        cfg = self.config
        o = snap.outcomes
        s_rows = snap.sup_index.get_indexer(pd.Index(o.supplier_id)).astype(np.int64)
        i_rows = snap.imr_index.get_indexer(pd.Index(o.imer_id)).astype(np.int64)
        decided = (s_rows >= 0) & (i_rows >= 0) & np.isfinite(o.decided_at)
        if decided.sum() > cfg.max_decided_pairs:
            # keep the most recent decided proposals (ties by position: deterministic)
            order = np.argsort(-np.where(decided, o.proposed_at, -np.inf), kind="stable")
            keep = np.zeros(len(decided), bool)
            keep[order[: cfg.max_decided_pairs]] = True
            decided &= keep
        jj, ii = s_rows[decided], i_rows[decided]
        rng = np.random.default_rng(cfg.random_state)
        lag = rng.uniform(0.0, 2.0 * cfg.feature_lag_days, size=int(decided.sum()))
        t0 = o.proposed_at[decided] - lag
        poor = np.isfinite(o.rating[decided]) & (o.rating[decided] <= cfg.poor_rating)
        good = o.accepted[decided] & ~poor
        accepted = np.where(o.declined_by_imer[decided], np.nan, o.accepted[decided].astype(float))
        n_obs = len(ii)
        if n_obs == 0:
            empty = np.zeros(0, np.int64)
            return (
                empty,
                empty,
                np.zeros(0),
                np.zeros(0, bool),
                np.zeros(0),
                np.zeros(0),
                np.zeros(0, bool),
            )
        rng = np.random.default_rng(cfg.random_state)
        n_neg = cfg.negatives_per_pair
        # non-partners for the Imer (suppliers) and for the supplier (Imers)
        neg_i = np.repeat(ii, n_neg)
        neg_j = _sample_items(
            rng, snap.imers.relevant[neg_i], snap.suppliers.sells, len(snap.suppliers),
            cfg.hard_negative_share,
        )  # fmt: skip
        neg_j2 = np.repeat(jj, n_neg)
        neg_i2 = _sample_items(
            rng, _relevant(snap.suppliers.sells)[neg_j2], snap.imers.wants, len(snap.imers),
            cfg.hard_negative_share,
        )  # fmt: skip
        cand_i = np.concatenate([neg_i, neg_i2])
        cand_j = np.concatenate([neg_j, neg_j2])
        cand_t = np.concatenate([np.repeat(t0, n_neg), np.repeat(t0, n_neg)])
        all_keys = np.concatenate(
            [snap.pair_keys, s_rows[decided] * len(snap.imers) + i_rows[decided]]
        )
        fresh = ~np.isin(cand_j * len(snap.imers) + cand_i, all_keys)
        cand_i, cand_j, cand_t = cand_i[fresh], cand_j[fresh], cand_t[fresh]
        n_c = len(cand_i)
        return (
            np.concatenate([ii, cand_i]),
            np.concatenate([jj, cand_j]),
            np.concatenate([t0, cand_t]),
            np.concatenate([good, np.zeros(n_c, bool)]),
            np.concatenate([accepted, np.full(n_c, np.nan)]),
            np.concatenate([np.ones(n_obs), np.full(n_c, cfg.negative_weight)]),
            np.concatenate([np.ones(n_obs, bool), np.zeros(n_c, bool)]),
        )

    def _extra_training_features(
        self, snap: _Snapshot, ii: I64, jj: I64, t0: F64
    ) -> tuple[F64 | None, tuple[str, ...]]:
        providers = self._providers()
        if not providers:
            return None, ()
        pairs = pd.DataFrame(
            {"supplier_id": snap.suppliers.ids[jj].astype(object),
             "imer_id": snap.imers.ids[ii].astype(object)}
        )  # fmt: skip
        # features as of the start of the month each pair was proposed in
        naive = pd.DatetimeIndex(pd.to_datetime(t0, unit="D"))
        month = naive.to_period("M").to_timestamp().tz_localize("UTC")
        blocks: list[pd.DataFrame] = []
        names: tuple[str, ...] | None = None
        for provider in providers:
            parts = pd.DataFrame(index=pairs.index)
            frames = []
            for start in np.unique(np.asarray(month)):
                sel = np.asarray(month == start)
                as_of = pd.Timestamp(start).to_pydatetime()
                frames.append(_numeric(provider(snap.registry, pairs[sel], as_of), pairs[sel]))
            parts = pd.concat(frames).loc[pairs.index] if frames else parts
            blocks.append(parts)
        extra = pd.concat(blocks, axis=1) if blocks else pd.DataFrame(index=pairs.index)
        names = tuple(str(c) for c in extra.columns)
        return extra.to_numpy(np.float64), names

    def _extra_now(self, snap: _Snapshot, ii: I64, jj: I64) -> F64 | None:
        if not self.extra_features_:
            return None
        pairs = pd.DataFrame(
            {"supplier_id": snap.suppliers.ids[jj].astype(object),
             "imer_id": snap.imers.ids[ii].astype(object)}
        )  # fmt: skip
        frames = [_numeric(p(snap.registry, pairs, None), pairs) for p in self._providers()]
        extra = pd.concat(frames, axis=1) if frames else pd.DataFrame(index=pairs.index)
        names = tuple(str(c) for c in extra.columns)
        if names != self.extra_features_:
            raise ValidationError(
                f"pair feature providers return {list(names)}, the model was fitted with "
                f"{list(self.extra_features_)}; pass the same providers or refit"
            )
        return extra.to_numpy(np.float64)

    def _signal_matrix(self, snap: _Snapshot, ii: I64, jj: I64, *, at: F64 | None = None) -> F64:
        if at is None:
            srec, irec = snap.sup_records[jj], snap.imr_records[ii]
        else:
            srec = snap.book.supplier_records(jj, at)
            irec = snap.book.imer_records(ii, at)
        x = pair_signals(
            snap.imers, snap.suppliers, ii, jj, context=self.context_,
            supplier_records=srec, imer_records=irec,
        )  # fmt: skip
        return x.astype(np.float64)

    # ============================================================ binding
    def _bind(self, snap: _Snapshot) -> None:
        """Build the retrieval indexes of a snapshot from the fitted weights."""
        cfg = self.config
        weights = self._retrieval_signal_weights()
        factors = signal_factors(
            snap.imers, snap.suppliers, context=self.context_,
            supplier_records=snap.sup_records, imer_records=snap.imr_records,
        )  # fmt: skip
        q_imer, k_sup = build_embeddings(factors, weights)
        maps = compression_transforms(q_imer, k_sup, cfg.retrieval_dim)
        if maps is not None:
            snap.query_map = maps[0]
            q_imer = np.ascontiguousarray(q_imer @ maps[0], dtype=np.float32)
            k_sup = np.ascontiguousarray(k_sup @ maps[1], dtype=np.float32)
        snap.index_for_imers = CandidateIndex(
            q_imer, k_sup, snap.imers.relevant, snap.suppliers.sells, snap.suppliers.primary,
            block=cfg.block_by_category,
        )  # fmt: skip
        snap.index_for_suppliers = CandidateIndex(
            k_sup, q_imer, _relevant(snap.suppliers.sells), snap.imers.wants, snap.imers.primary,
            block=cfg.block_by_category,
        )  # fmt: skip
        snap.sup_penalty = np.zeros(len(snap.suppliers))
        snap.imr_penalty = np.zeros(len(snap.imers))

    def _retrieval_signal_weights(self) -> dict[str, float]:
        """Retrieval weight per signal, including the fixed dropship feasibility penalty."""
        weights = {k: v for k, v in self.retrieval_weights_.items() if k in SIGNAL_NAMES}
        weights["dropship_missing"] = (
            weights.get("dropship_missing", 0.0) - self.config.dropship_required_penalty
        )
        return weights

    def _slots(self, snap: _Snapshot) -> tuple[F64, F64]:
        typical = float(np.median(snap.imers.log_volume)) if len(snap.imers) else 2.0
        rate = self.config.conversion_rate
        return (
            supplier_slots(snap.suppliers.log_capacity, typical, rate),
            imer_slots(snap.imers.stage_rank, rate),
        )

    def _estimate_exposure(self, snap: _Snapshot) -> None:
        cfg = self.config
        rng = np.random.default_rng(cfg.random_state + 1)
        out: dict[str, tuple[npt.NDArray[np.str_], F64]] = {}
        for direction, n_q, ids in (
            ("suppliers", len(snap.imers), snap.suppliers.ids),
            ("imers", len(snap.suppliers), snap.imers.ids),
        ):
            sample = np.arange(n_q)
            if 0 < cfg.exposure_sample < n_q:
                sample = np.sort(rng.choice(n_q, size=cfg.exposure_sample, replace=False))
            counts = np.zeros(len(ids))
            for chunk in _chunks(sample, cfg.chunk_size):
                _, items, _, _ = self._rank_rows(snap, direction, chunk, cfg.exposure_k, None)  # type: ignore[arg-type]
                counts += np.bincount(items, minlength=len(ids))
            scale = n_q / max(len(sample), 1)
            out[direction] = (ids, counts * scale)
        self._exposure_ids = out

    def _apply_congestion(self, snap: _Snapshot) -> None:
        cfg = self.config
        sup_slots, imr_slots = self._slots(snap)
        for direction, index, slots in (
            ("suppliers", snap.sup_index, sup_slots),
            ("imers", snap.imr_index, imr_slots),
        ):
            if direction not in self._exposure_ids:
                continue
            ids, values = self._exposure_ids[direction]
            exposure = np.zeros(len(index))
            rows = index.get_indexer(pd.Index(ids.astype(object)))
            ok = rows >= 0
            exposure[rows[ok]] = values[ok]
            penalty = congestion_penalty(exposure, slots, cfg.congestion_strength)
            if direction == "suppliers":
                snap.sup_penalty = penalty
            else:
                snap.imr_penalty = penalty

    def attach(self, registry: Registry) -> Recommender:
        """Bind the fitted model to another (typically newer) registry snapshot.

        Parameters
        ----------
        registry:
            Current profiles and history; new profiles and events are used with
            the fitted weights (newcomers get newcomer records).

        Returns
        -------
        Recommender
            ``self``.
        """
        self._check_fitted()
        _check_registry(registry)
        snap = self._snapshot(registry)
        self._bind(snap)
        if self.config.congestion:
            self._apply_congestion(snap)
        self._snap = snap
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "scorer_"):
            raise NotFittedError(
                "the recommender is not fitted: call fit(registry) or Recommender.load(dir, "
                "registry) (CLI: run `matchmaker fit` first)"
            )

    def _bound(self) -> _Snapshot:
        self._check_fitted()
        snap: _Snapshot | None = getattr(self, "_snap", None)
        if snap is None:
            raise NotFittedError("the recommender is not bound to a registry: call attach()")
        return snap

    @property
    def registry(self) -> Registry:
        """The registry snapshot the recommender is bound to."""
        return self._bound().registry

    # ============================================================ ranking
    def _pair_flags(self, snap: _Snapshot, ii: I64, jj: I64) -> tuple[BoolArray, BoolArray]:
        keys = jj.astype(np.int64) * len(snap.imers) + ii
        pos = np.searchsorted(snap.pair_keys, keys)
        pos_c = np.minimum(pos, max(len(snap.pair_keys) - 1, 0))
        found = (pos < len(snap.pair_keys)) & (
            snap.pair_keys[pos_c] == keys if len(snap.pair_keys) else False
        )
        declined = np.zeros(len(keys), bool)
        poor = np.zeros(len(keys), bool)
        declined[found] = snap.pair_declined[pos_c[found]]
        poor[found] = snap.pair_poor[pos_c[found]]
        return declined, poor

    def _score_rows(
        self, snap: _Snapshot, ii: I64, jj: I64, direction: Direction | None
    ) -> tuple[F64, F64, BoolArray, BoolArray, BoolArray]:
        """Final log-scores of pairs, their signal matrix and the penalty flags."""
        cfg = self.config
        x = self._signal_matrix(snap, ii, jj)
        extra = self._extra_now(snap, ii, jj)
        full = x if extra is None else np.concatenate([x, extra], axis=1)
        log_s = self.scorer_.log_score(full)
        declined, poor = self._pair_flags(snap, ii, jj)
        log_s = log_s - cfg.declined_penalty * declined - cfg.poor_outcome_penalty * poor
        log_s = log_s - cfg.dropship_required_penalty * x[:, _DROPSHIP_MISSING]
        congested = np.zeros(len(ii), bool)
        if direction is not None and cfg.congestion:
            pen = snap.sup_penalty[jj] if direction == "suppliers" else snap.imr_penalty[ii]
            log_s = log_s - pen
            # flagged in the reasons when demand is at least twice what it can serve
            congested = (pen > 0) & (pen >= cfg.congestion_strength * np.log(2.0) - 1e-12)
        return log_s, full, declined, poor, congested

    def _candidates(
        self,
        snap: _Snapshot,
        direction: Direction,
        rows: I64,
        k: int,
        filters: ShortlistFilters | None,
        *,
        vectors: tuple[F32, BoolArray] | None = None,
        exhaustive: bool = False,
    ) -> tuple[I64, I64]:
        """Candidate (query row, item row) pairs: retrieved, or every allowed item."""
        cfg = self.config
        if direction == "suppliers":
            index = snap.index_for_imers
            allowed = filters.supplier_mask(snap.suppliers) if filters and filters.active else None
        else:
            index = snap.index_for_suppliers
            allowed = filters.imer_mask(snap.imers) if filters and filters.active else None
        assert index is not None
        n_cand = max(cfg.n_candidates, k)
        if vectors is not None:
            local, it = index.search_vectors(vectors[0], vectors[1], n_cand, allowed=allowed)
            return rows[local], it
        excluded = self._excluded_keys(snap)
        if exhaustive:
            items = np.arange(index.n_items, dtype=np.int64)
            if allowed is not None:
                items = items[allowed]
            qq, it = np.repeat(rows, len(items)), np.tile(items, len(rows))
        else:
            # ask for enough to still have n_cand after dropping running partners
            counts = snap.excluded_per_imer if direction == "suppliers" else snap.excluded_per_sup
            extra = int(counts[rows].max()) if len(rows) and counts.size else 0
            qq, it = index.search(rows, n_cand + extra, allowed=allowed)
        if excluded.size:
            ii, jj = (qq, it) if direction == "suppliers" else (it, qq)
            keys = jj * len(snap.imers) + ii
            at = np.minimum(np.searchsorted(excluded, keys), excluded.size - 1)
            keep = excluded[at] != keys
            qq, it = qq[keep], it[keep]
        return qq, it

    def _rank_candidates(
        self,
        snap: _Snapshot,
        direction: Direction,
        rows: I64,
        qq: I64,
        it: I64,
        k: int,
    ) -> tuple[I64, I64, F64, tuple[F64, BoolArray, BoolArray, BoolArray]]:
        """Exact scores of candidates; top-k per query in request order, ties by id."""
        item_ids = snap.suppliers.ids if direction == "suppliers" else snap.imers.ids
        ii, jj = (qq, it) if direction == "suppliers" else (it, qq)
        log_s, x, declined, poor, congested = self._score_rows(snap, ii, jj, direction)
        order = np.lexsort((item_ids[it], -log_s, _position(rows, qq)))
        qq, it, log_s = qq[order], it[order], log_s[order]
        starts = np.flatnonzero(np.r_[True, qq[1:] != qq[:-1]]) if len(qq) else np.zeros(0, int)
        rank = np.arange(len(qq)) - np.repeat(starts, np.diff(np.r_[starts, len(qq)]))
        keep = order[rank < k]
        return (
            qq[rank < k],
            it[rank < k],
            log_s[rank < k],
            (x[keep], declined[keep], poor[keep], congested[keep]),
        )

    def _rank_rows(
        self,
        snap: _Snapshot,
        direction: Direction,
        rows: I64,
        k: int,
        filters: ShortlistFilters | None,
        *,
        vectors: tuple[F32, BoolArray] | None = None,
        exhaustive: bool = False,
    ) -> tuple[I64, I64, F64, tuple[F64, BoolArray, BoolArray, BoolArray]]:
        """Top-k items per query row: (query rows, item rows, log-scores, extras)."""
        qq, it = self._candidates(
            snap, direction, rows, k, filters, vectors=vectors, exhaustive=exhaustive
        )
        return self._rank_candidates(snap, direction, rows, qq, it, k)

    def _excluded_keys(self, snap: _Snapshot) -> I64:
        """Sorted pair keys of running partnerships (never recommended)."""
        keys: I64 = snap.pair_keys[snap.pair_excluded]
        return keys

    def _frame(
        self,
        snap: _Snapshot,
        direction: Direction,
        qq: I64,
        it: I64,
        log_s: F64,
        extras: tuple[F64, BoolArray, BoolArray, BoolArray],
        lang: str,
        query_ids: npt.NDArray[np.str_] | None = None,
        query_profiles: ImerProfiles | None = None,
        *,
        with_reasons: bool = True,
    ) -> pd.DataFrame:
        x, declined, poor, congested = extras
        if direction == "suppliers":
            ii, jj = qq, it
            q_col, i_col = "imer_id", "supplier_id"
            q_ids = (query_ids if query_ids is not None else snap.imers.ids)[qq]
            i_ids = snap.suppliers.ids[it]
        else:
            ii, jj = it, qq
            q_col, i_col = "supplier_id", "imer_id"
            q_ids = snap.suppliers.ids[qq]
            i_ids = snap.imers.ids[it]
        reasons = (
            self._reasons(
                snap, direction, ii, jj, x, declined, poor, congested, lang, query_profiles
            )
            if with_reasons
            else [""] * len(qq)
        )
        starts = np.flatnonzero(np.r_[True, qq[1:] != qq[:-1]]) if len(qq) else np.zeros(0, int)
        rank = np.arange(len(qq)) - np.repeat(starts, np.diff(np.r_[starts, len(qq)])) + 1
        return pd.DataFrame(
            {
                q_col: pd.Series(q_ids.astype(object), dtype=object),
                "rank": rank.astype(np.int64),
                i_col: pd.Series(i_ids.astype(object), dtype=object),
                "score": np.round(np.exp(log_s), 6),
                "reasons": pd.Series(reasons, dtype=object),
            }
        )

    def _reasons(
        self,
        snap: _Snapshot,
        direction: Direction,
        ii: I64,
        jj: I64,
        x: F64,
        declined: BoolArray,
        poor: BoolArray,
        congested: BoolArray,
        lang: str,
        query_profiles: ImerProfiles | None,
    ) -> list[str]:
        if len(ii) == 0:
            return []
        scorer = self.scorer_
        a, b = scorer.logits(x)
        ca, cb = scorer.contributions(x)
        contrib = np.zeros((len(ii), len(SIGNAL_NAMES)))
        names = {n: k for k, n in enumerate(SIGNAL_NAMES)}
        ga, gb = expit(-a), expit(-b)
        for side, c, g in ((scorer.imer_, ca, ga), (scorer.supplier_, cb, gb)):
            for col, feat in enumerate(side.features):
                if feat in names:
                    contrib[:, names[feat]] += g * c[:, col]
        imers = query_profiles if query_profiles is not None else snap.imers
        data = ReasonInputs(
            imers=imers,
            suppliers=snap.suppliers,
            imer_rows=ii,
            supplier_rows=jj,
            signals=x[:, : len(SIGNAL_NAMES)],
            contributions=contrib,
            supplier_rating=snap.sup_rating[jj],
            supplier_partners=snap.sup_partners[jj],
            imer_partners=(snap.imr_partners[ii] if query_profiles is None else np.zeros(len(ii))),
            declined=declined,
            poor_outcome=poor,
            congested=congested,
        )
        return write_reasons(data, direction, lang)

    def _rows(self, index: pd.Index, ids: Iterable[str], kind: str) -> I64:
        wanted = list(dict.fromkeys(str(i) for i in ids))
        rows = index.get_indexer(pd.Index(wanted, dtype=object))
        missing = [w for w, r in zip(wanted, rows, strict=True) if r < 0]
        if missing:
            shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
            raise NotFoundError(
                f"unknown {kind} id(s): {shown}; check the id or import the profile first"
            )
        return rows.astype(np.int64)

    def _recommend(
        self,
        direction: Direction,
        ids: Iterable[str] | None,
        k: int,
        filters: ShortlistFilters | None,
        lang: str,
        with_reasons: bool = True,
        exhaustive: bool = False,
    ) -> pd.DataFrame:
        snap = self._bound()
        check_lang(lang)
        if k < 1:
            raise ValidationError(f"k must be >= 1, got {k}")
        index, kind = (
            (snap.imr_index, "Imer") if direction == "suppliers" else (snap.sup_index, "supplier")
        )
        rows = (
            np.arange(len(index), dtype=np.int64) if ids is None else self._rows(index, ids, kind)
        )
        frames = []
        n_items = len(snap.suppliers) if direction == "suppliers" else len(snap.imers)
        if exhaustive:
            size = max(1, 200_000 // max(n_items, 1))
            batches = [(c, *self._candidates(snap, direction, c, k, filters, exhaustive=True))
                       for c in _chunks(rows, size)]  # fmt: skip
        else:
            # one retrieval pass for the whole batch (large, efficient matrix products),
            # then exact scoring chunk by chunk
            qq, it = self._candidates(snap, direction, rows, k, filters)
            position = _position(rows, qq)
            order = np.argsort(position, kind="stable")
            qq, it = qq[order], it[order]
            bounds = np.searchsorted(position[order], np.arange(0, len(rows) + 1))
            batches = []
            for start in range(0, len(rows), self.config.chunk_size):
                stop = min(start + self.config.chunk_size, len(rows))
                lo, hi = bounds[start], bounds[stop]
                batches.append((rows[start:stop], qq[lo:hi], it[lo:hi]))
        for chunk, c_qq, c_it in batches:
            top_q, top_i, log_s, extras = self._rank_candidates(
                snap, direction, chunk, c_qq, c_it, k
            )
            frames.append(
                self._frame(
                    snap, direction, top_q, top_i, log_s, extras, lang, with_reasons=with_reasons
                )
            )
        if not frames:
            return _empty(direction)
        return pd.concat(frames, ignore_index=True)

    def recommend_suppliers(
        self,
        imer_ids: Iterable[str] | None = None,
        k: int = 10,
        filters: ShortlistFilters | None = None,
        lang: str = "id",
        *,
        with_reasons: bool = True,
        exhaustive: bool = False,
    ) -> pd.DataFrame:
        """The ``k`` best suppliers for each Imer.

        Parameters
        ----------
        imer_ids:
            Imers to serve (``None``: every Imer), in the order wanted.
        k:
            Shortlist length.
        filters:
            Filters on the recommended suppliers.
        lang:
            Language of the reasons: ``"id"`` (default) or ``"en"``.
        with_reasons:
            ``False`` leaves ``reasons`` empty (faster, for evaluation).
        exhaustive:
            Score every supplier exactly instead of the retrieved candidates
            (slow; for audits and for measuring candidate recall).

        Returns
        -------
        pandas.DataFrame
            Columns ``imer_id, rank, supplier_id, score, reasons`` (the contract's
            shortlist shape), ``rank`` from 1; score is the estimated probability
            that both accept and the partnership works out, after penalties.

        Raises
        ------
        NotFoundError
            If an id is not in the registry.
        NotFittedError
            If the recommender is neither fitted nor loaded.
        """
        return self._recommend("suppliers", imer_ids, k, filters, lang, with_reasons, exhaustive)

    def recommend_imers(
        self,
        supplier_ids: Iterable[str] | None = None,
        k: int = 10,
        filters: ShortlistFilters | None = None,
        lang: str = "id",
        *,
        with_reasons: bool = True,
        exhaustive: bool = False,
    ) -> pd.DataFrame:
        """The ``k`` best Imers for each supplier.

        Parameters
        ----------
        supplier_ids:
            Suppliers to serve (``None``: every supplier).
        k, filters, lang, with_reasons, exhaustive:
            As in :meth:`recommend_suppliers` (filters apply to the Imers).

        Returns
        -------
        pandas.DataFrame
            Columns ``supplier_id, rank, imer_id, score, reasons``.

        Raises
        ------
        NotFoundError
            If an id is not in the registry.
        ValidationError
            If a supplier-only filter is set.
        """
        return self._recommend("imers", supplier_ids, k, filters, lang, with_reasons, exhaustive)

    def recommend_suppliers_for_profile(
        self,
        imers: pd.DataFrame,
        k: int = 10,
        filters: ShortlistFilters | None = None,
        lang: str = "id",
    ) -> pd.DataFrame:
        """Shortlists for Imer profiles that are not stored yet (registration preview).

        The profiles are treated as newcomers (no history, no partners).

        Parameters
        ----------
        imers:
            Canonical Imer frame (``IMER_COLUMNS``), one row per profile.
        k, filters, lang:
            As in :meth:`recommend_suppliers`.

        Returns
        -------
        pandas.DataFrame
            Same columns as :meth:`recommend_suppliers`.
        """
        snap = self._bound()
        check_lang(lang)
        profiles = self.encoder_.encode_imers(imers)
        n = len(profiles)
        if n == 0:
            return _empty("suppliers")
        rows = np.arange(n, dtype=np.int64)
        records = snap.book.imer_records(np.full(n, -1, dtype=np.int64))
        factors = signal_factors(
            profiles, _head(snap.suppliers), context=self.context_,
            supplier_records=snap.sup_records[:1], imer_records=records,
        )  # fmt: skip
        q_vec, _ = build_embeddings(factors, self._retrieval_signal_weights())
        if snap.query_map is not None:
            q_vec = np.ascontiguousarray(q_vec @ snap.query_map, dtype=np.float32)
        temp = _with_imers(snap, profiles, records)
        qq, it, log_s, extras = self._rank_rows(
            temp, "suppliers", rows, k, filters, vectors=(q_vec, profiles.relevant > 0)
        )
        return self._frame(
            temp, "suppliers", qq, it, log_s, extras, lang,
            query_ids=profiles.ids, query_profiles=profiles,
        )  # fmt: skip

    def score_pairs(self, pairs: pd.DataFrame) -> pd.Series:
        """Reciprocal compatibility of given pairs (no congestion; history penalties apply).

        Parameters
        ----------
        pairs:
            Frame with ``supplier_id`` and ``imer_id``.

        Returns
        -------
        pandas.Series
            ``score`` per pair, aligned with ``pairs.index``: the estimated
            probability that both accept and the partnership works out.

        Raises
        ------
        ValidationError
            If a column is missing.
        NotFoundError
            If an id is not in the registry.
        """
        snap = self._bound()
        missing = [c for c in ("supplier_id", "imer_id") if c not in pairs.columns]
        if missing:
            raise ValidationError(f"pairs lack column(s) {', '.join(missing)}")
        if len(pairs) == 0:
            return pd.Series([], index=pairs.index, dtype=np.float64, name="score")
        jj = _rows_strict(snap.sup_index, pairs["supplier_id"], "supplier")
        ii = _rows_strict(snap.imr_index, pairs["imer_id"], "Imer")
        log_s, *_ = self._score_rows(snap, ii, jj, None)
        return pd.Series(np.exp(log_s), index=pairs.index, name="score")

    def explain_pairs(self, pairs: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
        """Signals, side log-odds and reasons of given pairs (for audits and tests).

        Parameters
        ----------
        pairs:
            Frame with ``supplier_id`` and ``imer_id``.
        lang:
            Reason language.

        Returns
        -------
        pandas.DataFrame
            ``supplier_id``, ``imer_id``, one column per signal (and extra
            feature), ``imer_logit``, ``supplier_logit``, ``score`` and ``reasons``
            (worded for an Imer reading about the supplier).
        """
        snap = self._bound()
        jj = _rows_strict(snap.sup_index, pairs["supplier_id"], "supplier")
        ii = _rows_strict(snap.imr_index, pairs["imer_id"], "Imer")
        log_s, x, declined, poor, congested = self._score_rows(snap, ii, jj, None)
        a, b = self.scorer_.logits(x)
        out = pd.DataFrame(x, columns=list(self.scorer_.feature_names), index=pairs.index)
        out.insert(0, "imer_id", pairs["imer_id"].to_numpy())
        out.insert(0, "supplier_id", pairs["supplier_id"].to_numpy())
        out["imer_logit"] = a
        out["supplier_logit"] = b
        out["score"] = np.exp(log_s)
        out["reasons"] = self._reasons(
            snap, "suppliers", ii, jj, x, declined, poor, congested, lang, None
        )
        return out

    # ============================================================ persistence
    def save(self, directory: str | Path) -> Path:
        """Save the fitted model: ``config.json``, ``model.json`` and ``arrays.npz``.

        Parameters
        ----------
        directory:
            Target folder (created if missing; files are replaced).

        Returns
        -------
        pathlib.Path
            The folder.
        """
        self._check_fitted()
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        enc_meta, enc_arrays = self.encoder_.get_state()
        arrays: dict[str, npt.NDArray[Any]] = {f"encoder_{k}": v for k, v in enc_arrays.items()}
        for direction, (ids, values) in self._exposure_ids.items():
            arrays[f"exposure_{direction}_ids"] = np.asarray(ids, dtype=str)
            arrays[f"exposure_{direction}_values"] = np.asarray(values, dtype=np.float64)
        model = {
            "format": MODEL_FORMAT,
            "format_version": MODEL_FORMAT_VERSION,
            "matchmaker_version": __version__,
            "metadata": self.metadata_,
            "signals": list(SIGNAL_NAMES),
            "extra_features": list(self.extra_features_),
            "scorer": self.scorer_.to_dict(),
            "retrieval_weights": self.retrieval_weights_,
            "context": {
                "price_median": {
                    c: (None if not np.isfinite(v) else float(v))
                    for c, v in zip(
                        reference.CATEGORY_SLUGS, self.context_.price_median, strict=True
                    )
                },
                "channel_lift": {
                    ch: dict(zip(reference.CATEGORY_SLUGS, map(float, row), strict=True))
                    for ch, row in zip(reference.CHANNELS, self.context_.channel_lift, strict=True)
                },
            },
            "encoder": enc_meta,
            "arrays": "arrays.npz",
        }
        (folder / "config.json").write_text(
            json.dumps(self.config.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        (folder / "model.json").write_text(
            json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        np.savez_compressed(folder / "arrays.npz", **arrays)  # type: ignore[arg-type]
        return folder

    @classmethod
    def load(
        cls,
        directory: str | Path,
        registry: Registry,
        *,
        pair_feature_providers: Sequence[PairFeatureProvider] = (),
    ) -> Recommender:
        """Load a saved model and bind it to the current registry.

        Parameters
        ----------
        directory:
            Folder written by :meth:`save`.
        registry:
            Current registry (profiles and history) to shortlist from.
        pair_feature_providers:
            The same extra providers the model was fitted with (graph signals
            come back from the saved configuration).

        Returns
        -------
        Recommender

        Raises
        ------
        NotFittedError
            If the folder holds no saved model.
        ValidationError
            If the model was saved by an incompatible format version.
        """
        folder = Path(directory)
        model_path = folder / "model.json"
        if not model_path.exists():
            raise NotFittedError(
                f"no saved model in {folder}: run `matchmaker fit` (or Recommender.save) first"
            )
        model = json.loads(model_path.read_text(encoding="utf-8"))
        if (
            model.get("format") != MODEL_FORMAT
            or model.get("format_version") != MODEL_FORMAT_VERSION
        ):
            raise ValidationError(
                f"{model_path}: format {model.get('format')!r} version "
                f"{model.get('format_version')!r} is not supported (expected {MODEL_FORMAT!r} "
                f"version {MODEL_FORMAT_VERSION}); refit with `matchmaker fit`"
            )
        config = RecommenderConfig.from_dict(
            json.loads((folder / "config.json").read_text(encoding="utf-8"))
        )
        with np.load(folder / model["arrays"], allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        rec = cls(config, pair_feature_providers=pair_feature_providers)
        enc_arrays = {k[8:]: v for k, v in arrays.items() if k.startswith("encoder_")}
        rec.encoder_ = ProfileEncoder.from_state(model["encoder"], enc_arrays)
        ctx = model["context"]
        rec.context_ = SignalContext(
            price_median=np.array(
                [np.nan if ctx["price_median"][c] is None else ctx["price_median"][c]
                 for c in reference.CATEGORY_SLUGS], dtype=np.float64,
            ),
            channel_lift=np.array(
                [[ctx["channel_lift"][ch][c] for c in reference.CATEGORY_SLUGS]
                 for ch in reference.CHANNELS], dtype=np.float64,
            ),
        )  # fmt: skip
        rec.scorer_ = ReciprocalScorer.from_dict(model["scorer"])
        rec.extra_features_ = tuple(model["extra_features"])
        rec.retrieval_weights_ = {str(k): float(v) for k, v in model["retrieval_weights"].items()}
        rec.metadata_ = dict(model["metadata"])
        rec._exposure_ids = {
            d: (arrays[f"exposure_{d}_ids"], arrays[f"exposure_{d}_values"])
            for d in ("suppliers", "imers")
            if f"exposure_{d}_ids" in arrays
        }
        return rec.attach(registry)


# ---------------------------------------------------------------------- helpers
def _check_registry(registry: Registry) -> None:
    if len(registry.suppliers) == 0 or len(registry.imers) == 0:
        raise ValidationError(
            "the registry needs at least one supplier and one Imer; import profiles first"
        )


def _numeric(frame: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    cols = [
        c
        for c in frame.columns
        if c not in ("supplier_id", "imer_id") and pd.api.types.is_numeric_dtype(frame[c])
    ]
    out = frame[cols].astype(np.float64)
    out.index = pairs.index
    if not np.isfinite(out.to_numpy()).all():
        out = out.fillna(0.0)
    return out


def _relevant(members: F32) -> F32:
    sim = reference.category_similarity_matrix().astype(np.float32)
    out: F32 = ((members @ sim) > 0).astype(np.float32)
    return out


def _sample_items(
    rng: np.random.Generator,
    query_blocks: F32,
    item_members: F32,
    n_items: int,
    hard_share: float,
) -> I64:
    """One item per query row: from its category block (hard) or uniformly."""
    n = query_blocks.shape[0]
    out: I64 = np.asarray(rng.integers(0, n_items, size=n), dtype=np.int64)
    hard: BoolArray = np.asarray(rng.random(n) < hard_share, dtype=bool)
    if not hard.any():
        return out
    weights = query_blocks[hard].astype(np.float64)
    totals = weights.sum(axis=1)
    ok = totals > 0
    cdf = np.cumsum(weights, axis=1) / np.where(totals > 0, totals, 1.0)[:, None]
    cats = (rng.random((len(cdf), 1)) > cdf).sum(axis=1)
    picks: I64 = out[hard]
    u = rng.random(len(cdf))
    for c in np.unique(cats[ok]):
        members = np.flatnonzero(item_members[:, c] > 0)
        sel = ok & (cats == c)
        if members.size:
            picks[sel] = members[
                np.minimum((u[sel] * members.size).astype(np.int64), members.size - 1)
            ]
    out[hard] = picks
    return out


def _chunks(rows: I64, size: int) -> Iterable[I64]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _position(rows: I64, qq: I64) -> I64:
    """Position of each query row in the requested order (keeps output in input order)."""
    if len(rows) == 0:
        return np.zeros(len(qq), dtype=np.int64)
    lookup = np.full(int(rows.max()) + 1, -1, dtype=np.int64)
    lookup[rows] = np.arange(len(rows), dtype=np.int64)
    out: I64 = lookup[qq]
    return out


def _rows_strict(index: pd.Index, ids: pd.Series, kind: str) -> I64:
    rows = index.get_indexer(pd.Index(ids.astype(str).tolist(), dtype=object))
    if (rows < 0).any():
        missing = ids.astype(str)[rows < 0].unique()[:5]
        raise NotFoundError(f"unknown {kind} id(s): {', '.join(missing)}")
    return rows.astype(np.int64)


def _empty(direction: Direction) -> pd.DataFrame:
    cols = (
        ["imer_id", "rank", "supplier_id", "score", "reasons"]
        if direction == "suppliers"
        else ["supplier_id", "rank", "imer_id", "score", "reasons"]
    )
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def _head(s: SupplierProfiles) -> SupplierProfiles:
    fields = {f: getattr(s, f)[:1] for f in s.__dataclass_fields__}
    return SupplierProfiles(**fields)


def _with_imers(snap: _Snapshot, imers: ImerProfiles, records: F64) -> _Snapshot:
    """A snapshot whose Imers are the given (unsaved) profiles, with no pair history."""
    return _Snapshot(
        registry=snap.registry,
        suppliers=snap.suppliers,
        imers=imers,
        sup_index=snap.sup_index,
        imr_index=pd.Index(imers.ids.astype(object)),
        outcomes=snap.outcomes,
        book=snap.book,
        sup_records=snap.sup_records,
        imr_records=records,
        pair_keys=np.zeros(0, np.int64),
        pair_excluded=np.zeros(0, bool),
        pair_declined=np.zeros(0, bool),
        pair_poor=np.zeros(0, bool),
        sup_partners=snap.sup_partners,
        sup_rating=snap.sup_rating,
        imr_partners=np.zeros(len(imers)),
        index_for_imers=snap.index_for_imers,
        index_for_suppliers=None,
        sup_penalty=snap.sup_penalty,
        imr_penalty=np.zeros(len(imers)),
    )
