"""Pair compatibility signals, vectorised over many (Imer, supplier) pairs at once.

Every signal means something to a person ("the supplier ships to 80% of your
buyers' provinces", "MOQ is ten times what you sell in two weeks") and is
computed for arrays of pair rows in one pass. :data:`PAIR_SIGNALS` lists them
with the side whose interest they express:

* the Imer's side — is this supplier right for me? (categories and products,
  dropship, certifications, regulatory fit, delivery reach and distance, MOQ
  and capacity against my volume, price level, the supplier's track record);
* the supplier's side — is this Imer worth it to me? (volume against my MOQ,
  scale, reach I can serve, channel fit, the Imer's track record, my load).

Most signals are bilinear in a per-Imer and a per-supplier vector (or become
so once the Imer's volume is put into narrow bins); :func:`signal_factors`
returns those vectors, so a weighted sum of signals is a dot product of two
embeddings and candidate retrieval can use fast matrix products. A test checks
that the factors reproduce :func:`pair_signals`.

Units: distances in 1000 km, volumes and MOQ in log10 units (decades).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from matchmaker import reference
from matchmaker.features.history import IMER_RECORD_FIELDS, SUPPLIER_RECORD_FIELDS
from matchmaker.features.profiles import ImerProfiles, SupplierProfiles

__all__ = [
    "PAIR_SIGNALS",
    "SIGNAL_NAMES",
    "VOLUME_BINS",
    "Factor",
    "Signal",
    "SignalContext",
    "fit_signal_context",
    "pair_signals",
    "signal_factors",
]

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Side = Literal["imer", "supplier"]

#: Centres (log10 units a month) of the bins the Imer's volume is put into for
#: the bilinear form of volume-dependent signals: 0.05 decade resolution.
VOLUME_BINS: F64 = np.round(np.arange(0.0, 7.0001, 0.05), 4)
#: The first order should not exceed what the Imer sells in about two weeks.
_MOQ_VOLUME_SHARE = 0.5
_HALF_MONTH = float(np.log10(_MOQ_VOLUME_SHARE))


@dataclass(frozen=True)
class Signal:
    """One pair signal.

    Attributes
    ----------
    name:
        Column name.
    sides:
        Whose interest it expresses: ``"imer"`` (the Imer's acceptance of the
        supplier), ``"supplier"`` (the supplier's acceptance of the Imer), or both.
    description:
        What it measures, in plain words.
    prior:
        Cold-start weights per side (log-odds per unit), used when there is no
        history to learn from and as the centre the learned weights are shrunk to.
    """

    name: str
    sides: tuple[Side, ...]
    description: str
    prior: dict[str, float] = field(default_factory=dict)


def _s(name: str, sides: tuple[Side, ...], description: str, **prior: float) -> Signal:
    return Signal(name=name, sides=sides, description=description, prior=dict(prior))


#: Every pair signal, in column order.
PAIR_SIGNALS: tuple[Signal, ...] = (
    _s("category_match", ("imer", "supplier"),
       "share of the Imer's categories the supplier covers (related categories count "
       "by the reference similarity)", imer=3.0, supplier=1.0),
    _s("primary_category_match", ("imer",),
       "1 when both list the same main (first) category", imer=0.5),
    _s("shared_categories", ("imer",), "number of categories both list", imer=0.3),
    _s("product_similarity", ("imer", "supplier"),
       "cosine similarity of the product descriptions (character n-grams)",
       imer=1.5, supplier=0.5),
    _s("ships_to_buyers", ("imer",),
       "share of the Imer's buyer provinces the supplier delivers to", imer=1.0),
    _s("distance_home", ("imer",), "distance between the two home provinces, 1000 km",
       imer=-0.2),
    _s("distance_to_buyers", ("imer",),
       "mean distance from the supplier to the Imer's buyer provinces, 1000 km", imer=-0.1),
    _s("dropship_missing", ("imer", "supplier"),
       "1 when the Imer needs dropship and the supplier does not offer it",
       imer=-2.0, supplier=-1.5),
    _s("dropship_offered", ("imer",),
       "1 when the Imer needs dropship and the supplier offers it", imer=0.5),
    _s("certifications_missing", ("imer",),
       "number of certifications the Imer requires that the supplier lacks", imer=-1.5),
    _s("regulatory_gap", ("imer",),
       "1 when a shared category needs PIRT or BPOM to be sold online and the supplier "
       "holds none of them", imer=-1.0),
    _s("moq_excess", ("imer",),
       "decades by which the MOQ exceeds half the Imer's monthly volume", imer=-1.5),
    _s("capacity_shortfall", ("imer",),
       "decades by which the Imer's monthly volume exceeds the supplier's capacity",
       imer=-1.0),
    _s("volume_vs_moq", ("supplier",),
       "the Imer's monthly volume over the supplier's MOQ, decades (clipped to ±2)",
       supplier=0.8),
    _s("scale_gap", ("supplier",),
       "how many levels the supplier's UMKM class is above the Imer's stage", supplier=-0.8),
    _s("reach_served", ("supplier",),
       "buyer provinces of the Imer the supplier can deliver to, as a share of all 38",
       supplier=0.5),
    _s("imer_stage", ("supplier",), "the Imer's stage rank (1 hit-and-runner .. 5 "
       "challenger)", supplier=0.1),
    _s("price_level", ("imer",),
       "log10 of the unit price over the median of the supplier's main category"),
    _s("price_for_stage", ("imer",),
       "price level times the Imer's stage offset (stage - 3) / 2: larger Imers take "
       "pricier goods, small ones cheaper", imer=0.3),
    _s("channel_fit", ("supplier",),
       "how well the Imer's channels have sold the supplier's categories (log lift "
       "learned from history, 0 without history)", supplier=1.0),
    _s("supplier_acceptance", ("supplier",),
       "share of proposals the supplier accepted (shrunk to the registry rate)",
       supplier=2.0),
    _s("supplier_rating", ("imer",),
       "mean rating Imers gave the supplier minus the registry mean (shrunk)", imer=0.5),
    _s("supplier_units", ("imer",),
       "mean log units a month sold through the supplier minus the registry mean (shrunk)",
       imer=0.2),
    _s("supplier_partners", ("imer",), "log(1 + partnerships the supplier had)", imer=0.2),
    _s("supplier_active", ("supplier",),
       "log(1 + partnerships the supplier is running now)", supplier=-0.3),
    _s("supplier_recent", ("imer",),
       "log(1 + proposals the supplier received in the last 90 days)", imer=0.2),
    _s("supplier_new", ("imer", "supplier"), "1 when the supplier has no decided proposal"),
    _s("imer_success", ("supplier",),
       "share of the Imer's proposals that were accepted (shrunk)", supplier=1.0),
    _s("imer_units", ("supplier",),
       "mean log units a month the Imer sold per partnership minus the registry mean "
       "(shrunk)", supplier=0.3),
    _s("imer_rating", ("supplier",),
       "mean rating suppliers gave the Imer minus the registry mean (shrunk)", supplier=0.5),
    _s("imer_partners", ("supplier",), "log(1 + partnerships the Imer had)", supplier=0.1),
    _s("imer_active", ("imer",), "log(1 + partnerships the Imer is running now)", imer=-0.2),
    _s("imer_recent", ("imer",),
       "log(1 + proposals the Imer made in the last 90 days: how actively it is looking)",
       imer=0.3),
    _s("imer_new", ("imer", "supplier"), "1 when the Imer has no decided proposal"),
)  # fmt: skip

#: Names of :data:`PAIR_SIGNALS`, in column order.
SIGNAL_NAMES: tuple[str, ...] = tuple(s.name for s in PAIR_SIGNALS)
_COL = {name: k for k, name in enumerate(SIGNAL_NAMES)}
_SUP_REC = {name: k for k, name in enumerate(SUPPLIER_RECORD_FIELDS)}
_IMR_REC = {name: k for k, name in enumerate(IMER_RECORD_FIELDS)}


@dataclass(frozen=True, eq=False)
class SignalContext:
    """Small fitted tables some signals need (saved with the model).

    Attributes
    ----------
    price_median:
        ``(22,)`` log10 median unit price per main category (NaN: unknown).
    channel_lift:
        ``(8, 22)`` log lift of good outcomes when an Imer using a channel works
        with a supplier of a category (0: no evidence).
    """

    price_median: F64
    channel_lift: F64

    @classmethod
    def neutral(cls) -> SignalContext:
        """A context with no learned values (prices unknown, no channel evidence)."""
        n_cat, n_chan = len(reference.CATEGORY_SLUGS), len(reference.CHANNELS)
        return cls(np.full(n_cat, np.nan), np.zeros((n_chan, n_cat)))


def fit_signal_context(
    suppliers: SupplierProfiles,
    imers: ImerProfiles | None = None,
    pairs: tuple[I64, I64, npt.NDArray[np.bool_]] | None = None,
    *,
    smoothing: float = 20.0,
) -> SignalContext:
    """Learn category price medians and the channel-by-category lift.

    Parameters
    ----------
    suppliers:
        Encoded suppliers (prices by main category).
    imers:
        Encoded Imers (channels); needed with ``pairs``.
    pairs:
        ``(imer_rows, supplier_rows, good)`` of decided past proposals; the
        lift compares each (channel, category) cell's good-outcome rate with the
        overall rate, smoothed with ``smoothing`` pseudo-pairs.
    smoothing:
        Pseudo-pairs at the overall rate added to every cell.

    Returns
    -------
    SignalContext
    """
    n_cat, n_chan = len(reference.CATEGORY_SLUGS), len(reference.CHANNELS)
    median = np.full(n_cat, np.nan)
    price = suppliers.log_price.astype(np.float64)
    for c in range(n_cat):
        sel = (suppliers.primary == c) & np.isfinite(price)
        if sel.sum() >= 3:
            median[c] = float(np.median(price[sel]))
    known = np.isfinite(median)
    if known.any():
        median[~known] = float(np.median(median[known]))
    lift = np.zeros((n_chan, n_cat))
    if imers is not None and pairs is not None and len(pairs[0]) > 0:
        ii, jj, good = pairs
        ch = imers.channels[ii].astype(np.float64)  # (n, H)
        sells = suppliers.sells[jj].astype(np.float64)  # (n, C)
        n_cell = ch.T @ sells
        g_cell = ch.T @ (sells * good[:, None])
        rate = float(good.mean())
        if 0.0 < rate < 1.0:
            smoothed = (g_cell + smoothing * rate) / (n_cell + smoothing)
            lift = np.log(smoothed / rate)
    return SignalContext(price_median=median, channel_lift=lift)


def _price_level(suppliers: SupplierProfiles, ctx: SignalContext, rows: I64 | None = None) -> F64:
    """Price level of suppliers (all, or the given rows)."""
    prim_all = suppliers.primary if rows is None else suppliers.primary[rows]
    price = suppliers.log_price if rows is None else suppliers.log_price[rows]
    prim = np.maximum(prim_all, 0)
    level = price.astype(np.float64) - ctx.price_median[prim]
    ok = np.isfinite(level) & (prim_all >= 0)
    out: F64 = np.where(ok, np.clip(level, -1.5, 1.5), 0.0)
    return out


def _stage_offset(rank: npt.NDArray[np.floating[Any]]) -> F64:
    r = np.asarray(rank, dtype=np.float64)
    return np.where(np.isfinite(r), (r - 3.0) / 2.0, 0.0)


def _channel_profile(imers: ImerProfiles, ctx: SignalContext, rows: I64 | None = None) -> F64:
    ch = (imers.channels if rows is None else imers.channels[rows]).astype(np.float64)
    n = ch.sum(axis=1, keepdims=True)
    shares: F64 = np.divide(ch, n, out=np.zeros_like(ch), where=n > 0)
    profile: F64 = shares @ ctx.channel_lift
    return profile


def _sells_share(suppliers: SupplierProfiles, rows: I64 | None = None) -> F64:
    s = (suppliers.sells if rows is None else suppliers.sells[rows]).astype(np.float64)
    n = s.sum(axis=1, keepdims=True)
    shares: F64 = np.divide(s, n, out=np.zeros_like(s), where=n > 0)
    return shares


def _rowdot(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> F64:
    out: F64 = np.einsum("ij,ij->i", a, b, dtype=np.float64)
    return out


def pair_signals(
    imers: ImerProfiles,
    suppliers: SupplierProfiles,
    imer_rows: I64,
    supplier_rows: I64,
    *,
    context: SignalContext,
    supplier_records: F64,
    imer_records: F64,
) -> F32:
    """Compute every pair signal for arrays of pairs.

    Parameters
    ----------
    imers, suppliers:
        Encoded profiles.
    imer_rows, supplier_rows:
        Pair rows into ``imers`` and ``suppliers`` (same length ``n``).
    context:
        Fitted tables (:func:`fit_signal_context`).
    supplier_records:
        ``(n, 7)`` the supplier's record per pair
        (:meth:`~matchmaker.features.history.RecordBook.supplier_records`).
    imer_records:
        ``(n, 7)`` the Imer's record per pair.

    Returns
    -------
    numpy.ndarray
        ``(n, len(SIGNAL_NAMES))`` float32, columns in :data:`SIGNAL_NAMES` order.

    Notes
    -----
    Cost is ``O(n * (22 + d + 38))`` arithmetic with no Python loop over pairs.
    """
    i = np.asarray(imer_rows, dtype=np.int64)
    j = np.asarray(supplier_rows, dtype=np.int64)
    n = i.shape[0]
    out = np.zeros((n, len(SIGNAL_NAMES)), dtype=np.float32)
    if n == 0:
        return out
    dist = reference.province_distance_matrix() / 1000.0
    log_vol = imers.log_volume[i].astype(np.float64)
    log_moq = suppliers.log_moq[j].astype(np.float64)
    log_cap = suppliers.log_capacity[j].astype(np.float64)
    needs = imers.needs_dropship[i].astype(np.float64)
    offers = suppliers.dropship[j].astype(np.float64)
    class_rank = suppliers.class_rank[j].astype(np.float64)
    stage_rank = imers.stage_rank[i].astype(np.float64)
    level = _price_level(suppliers, context, j)
    home_j = suppliers.home[j]
    prim_i, prim_j = imers.primary[i], suppliers.primary[j]
    cols = {
        "category_match": _rowdot(imers.weights[i], suppliers.cover[j]),
        "primary_category_match": ((prim_i == prim_j) & (prim_i >= 0)).astype(np.float64),
        "shared_categories": _rowdot(imers.wants[i], suppliers.sells[j]),
        "product_similarity": _rowdot(imers.text[i], suppliers.text[j]),
        "ships_to_buyers": _rowdot(imers.target_weights[i], suppliers.ships[j]),
        "distance_home": dist[imers.home[i], home_j],
        "distance_to_buyers": imers.dist_to_buyers[i, home_j].astype(np.float64),
        "dropship_missing": needs * (1.0 - offers),
        "dropship_offered": needs * offers,
        "certifications_missing": _rowdot(imers.required[i], 1.0 - suppliers.certs[j]),
        "regulatory_gap": np.minimum(1.0, _rowdot(imers.wants[i], suppliers.noncompliant[j])),
        "moq_excess": np.maximum(0.0, log_moq - _HALF_MONTH - log_vol),
        "capacity_shortfall": np.maximum(0.0, log_vol - log_cap),
        "volume_vs_moq": np.clip(log_vol - log_moq, -2.0, 2.0),
        "scale_gap": np.where(
            np.isfinite(class_rank) & np.isfinite(stage_rank),
            np.maximum(0.0, class_rank - stage_rank),
            0.0,
        ),
        "reach_served": _rowdot(imers.targets[i], suppliers.ships[j]) / dist.shape[0],
        "imer_stage": np.where(np.isfinite(stage_rank), stage_rank, 0.0),
        "price_level": level,
        "price_for_stage": level * _stage_offset(stage_rank),
        "channel_fit": _rowdot(_channel_profile(imers, context, i), _sells_share(suppliers, j)),
    }
    for name in SUPPLIER_RECORD_FIELDS:
        cols[f"supplier_{name}"] = supplier_records[:, _SUP_REC[name]]
    for name in IMER_RECORD_FIELDS:
        cols[f"imer_{name}"] = imer_records[:, _IMR_REC[name]]
    for name, values in cols.items():
        out[:, _COL[name]] = values
    return out


@dataclass(frozen=True, eq=False)
class Factor:
    """A signal (or part of one) as a dot product of an Imer and a supplier vector.

    ``signal[i, j] ≈ imer[i] @ supplier[j]`` for every Imer row ``i`` and
    supplier row ``j``. Factors with the same ``imer_key`` share the Imer vector
    (their supplier vectors can be added after weighting), and likewise for
    ``supplier_key``.
    """

    signal: str
    imer_key: str
    imer: F32
    supplier_key: str
    supplier: F32


def _bin_onehot(log_volume: npt.NDArray[np.floating[Any]]) -> F32:
    pos = np.clip(np.rint((np.asarray(log_volume, np.float64) - VOLUME_BINS[0]) / 0.05), 0,
                  len(VOLUME_BINS) - 1).astype(np.int64)  # fmt: skip
    out = np.zeros((pos.shape[0], len(VOLUME_BINS)), dtype=np.float32)
    out[np.arange(pos.shape[0]), pos] = 1.0
    return out


def signal_factors(
    imers: ImerProfiles,
    suppliers: SupplierProfiles,
    *,
    context: SignalContext,
    supplier_records: F64,
    imer_records: F64,
    signals: Sequence[str] | None = None,
) -> list[Factor]:
    """Bilinear factors of the pair signals (for embedding-based retrieval).

    Volume-dependent signals are exact up to the Imer's volume being rounded to
    the nearest of :data:`VOLUME_BINS`; ``regulatory_gap`` drops its cap at 1
    (it only differs when two shared categories are both non-compliant).

    Parameters
    ----------
    imers, suppliers:
        Encoded profiles (all rows).
    context:
        Fitted tables.
    supplier_records:
        ``(n_suppliers, 7)`` whole-history supplier records.
    imer_records:
        ``(n_imers, 7)`` whole-history Imer records.
    signals:
        Signals to factor (default: all).

    Returns
    -------
    list of Factor
        One or more factors per signal.
    """
    wanted = set(SIGNAL_NAMES if signals is None else signals)
    n_i, n_s = len(imers), len(suppliers)
    ones_i = np.ones((n_i, 1), np.float32)
    ones_s = np.ones((n_s, 1), np.float32)
    dist = (reference.province_distance_matrix() / 1000.0).astype(np.float32)
    n_prov = dist.shape[0]
    home_s = np.zeros((n_s, n_prov), np.float32)
    home_s[np.arange(n_s), suppliers.home] = 1.0
    n_cat = suppliers.sells.shape[1]
    prim_i = np.zeros((n_i, n_cat), np.float32)
    ok = imers.primary >= 0
    prim_i[np.flatnonzero(ok), imers.primary[ok]] = 1.0
    prim_s = np.zeros((n_s, n_cat), np.float32)
    ok = suppliers.primary >= 0
    prim_s[np.flatnonzero(ok), suppliers.primary[ok]] = 1.0
    vol_bins = _bin_onehot(imers.log_volume)
    centres = VOLUME_BINS[None, :]
    log_moq = suppliers.log_moq.astype(np.float64)[:, None]
    log_cap = suppliers.log_capacity.astype(np.float64)[:, None]
    stages = np.arange(1, 6, dtype=np.float64)
    stage_i = np.zeros((n_i, 5), np.float32)
    known = np.isfinite(imers.stage_rank)
    stage_i[np.flatnonzero(known), imers.stage_rank[known].astype(np.int64) - 1] = 1.0
    class_rank = suppliers.class_rank.astype(np.float64)[:, None]
    level = _price_level(suppliers, context)[:, None]
    f32 = np.float32

    def fac(name: str, ik: str, iv: Any, sk: str, sv: Any) -> Factor:
        return Factor(name, ik, np.asarray(iv, f32), sk, np.asarray(sv, f32))

    out: list[Factor] = []
    add = out.append
    if "category_match" in wanted:
        add(fac("category_match", "weights", imers.weights, "cover", suppliers.cover))
    if "primary_category_match" in wanted:
        add(fac("primary_category_match", "primary", prim_i, "primary", prim_s))
    if "shared_categories" in wanted:
        add(fac("shared_categories", "wants", imers.wants, "sells", suppliers.sells))
    if "product_similarity" in wanted:
        add(fac("product_similarity", "text", imers.text, "text", suppliers.text))
    if "ships_to_buyers" in wanted:
        add(fac("ships_to_buyers", "target_weights", imers.target_weights, "ships",
                suppliers.ships))  # fmt: skip
    if "distance_home" in wanted:
        add(fac("distance_home", "dist_home", dist[imers.home], "home", home_s))
    if "distance_to_buyers" in wanted:
        add(fac("distance_to_buyers", "dist_buyers", imers.dist_to_buyers, "home", home_s))
    needs = imers.needs_dropship[:, None]
    if "dropship_missing" in wanted:
        add(
            fac(
                "dropship_missing", "needs", needs, "no_dropship", 1.0 - suppliers.dropship[:, None]
            )
        )
    if "dropship_offered" in wanted:
        add(fac("dropship_offered", "needs", needs, "dropship", suppliers.dropship[:, None]))
    if "certifications_missing" in wanted:
        add(fac("certifications_missing", "required", imers.required, "lacks",
                1.0 - suppliers.certs))  # fmt: skip
    if "regulatory_gap" in wanted:
        add(fac("regulatory_gap", "wants", imers.wants, "noncompliant", suppliers.noncompliant))
    if "moq_excess" in wanted:
        add(fac("moq_excess", "volume", vol_bins, "moq_excess",
                np.maximum(0.0, log_moq - _HALF_MONTH - centres)))  # fmt: skip
    if "capacity_shortfall" in wanted:
        add(fac("capacity_shortfall", "volume", vol_bins, "capacity_shortfall",
                np.maximum(0.0, centres - log_cap)))  # fmt: skip
    if "volume_vs_moq" in wanted:
        add(fac("volume_vs_moq", "volume", vol_bins, "volume_vs_moq",
                np.clip(centres - log_moq, -2.0, 2.0)))  # fmt: skip
    if "scale_gap" in wanted:
        gap = np.where(np.isfinite(class_rank), np.maximum(0.0, class_rank - stages[None]), 0.0)
        add(fac("scale_gap", "stage", stage_i, "scale_gap", gap))
    if "reach_served" in wanted:
        add(fac("reach_served", "targets", imers.targets / n_prov, "ships", suppliers.ships))
    if "imer_stage" in wanted:
        add(fac("imer_stage", "stage", stage_i, "stage_value", np.tile(stages, (n_s, 1))))
    if "price_level" in wanted:
        add(fac("price_level", "one", ones_i, "price_level", level))
    if "price_for_stage" in wanted:
        add(fac("price_for_stage", "stage", stage_i, "price_for_stage",
                level * _stage_offset(stages)[None]))  # fmt: skip
    if "channel_fit" in wanted:
        add(fac("channel_fit", "channel_profile", _channel_profile(imers, context),
                "sells_share", _sells_share(suppliers)))  # fmt: skip
    for name in SUPPLIER_RECORD_FIELDS:
        sig = f"supplier_{name}"
        if sig in wanted:
            add(fac(sig, "one", ones_i, sig, supplier_records[:, _SUP_REC[name]][:, None]))
    for name in IMER_RECORD_FIELDS:
        sig = f"imer_{name}"
        if sig in wanted:
            add(fac(sig, sig, imer_records[:, _IMR_REC[name]][:, None], "one", ones_s))
    return out
