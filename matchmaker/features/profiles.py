"""Profile embeddings: suppliers and Imers as numeric arrays in shared spaces.

:class:`ProfileEncoder` is fitted once on a registry (it learns the product text
model and the typical scale of each stage and UMKM class, used when a profile
leaves volume or capacity blank) and then turns supplier and Imer frames into

* :class:`SupplierProfiles` / :class:`ImerProfiles` — named arrays (categories,
  product text, geography, scale, channels, certifications) that the pair
  signals in :mod:`matchmaker.features.signals` combine, and
* a flat dense embedding (:meth:`ProfileEncoder.transform`) with feature names,
  usable in any scikit-learn pipeline (nearest neighbours, clustering).

Spaces are shared between the two sides: category vectors live in the 22
reference categories (related categories are close through the reference
similarity matrix), text vectors in one latent space fitted on both sides'
descriptions, geography over the 38 provinces.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from matchmaker import reference
from matchmaker.errors import ValidationError
from matchmaker.features.text import ProductTextEncoder

__all__ = [
    "DEFAULT_CAPACITY_BY_CLASS",
    "DEFAULT_VOLUME_BY_STAGE",
    "ImerProfiles",
    "ProfileEncoder",
    "SupplierProfiles",
]

log = logging.getLogger(__name__)

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]
StrArray = npt.NDArray[np.str_]

#: Typical units an Imer of each stage sells a month, used when ``monthly_orders``
#: is blank and the registry has too few examples to learn it.
DEFAULT_VOLUME_BY_STAGE: dict[str, float] = {
    "hit_and_runner": 60.0,
    "survivor": 400.0,
    "pioneer": 2_000.0,
    "rising": 8_000.0,
    "challenger": 30_000.0,
}
#: Typical monthly capacity (units) of each UMKM class, used when
#: ``monthly_capacity_units`` is blank and too few examples exist to learn it.
DEFAULT_CAPACITY_BY_CLASS: dict[str, float] = {
    "mikro": 600.0,
    "kecil": 4_000.0,
    "menengah": 20_000.0,
    "besar": 80_000.0,
}
_MIN_EXAMPLES = 5


def _index(values: Sequence[str]) -> dict[str, int]:
    return {v: i for i, v in enumerate(values)}


_CAT_POS = _index(reference.CATEGORY_SLUGS)
_PROV_POS = _index(reference.PROVINCE_NAMES)
_CHAN_POS = _index(reference.CHANNELS)
_CERT_POS = _index(reference.CERTIFICATIONS)
_STAGE_RANK = {s.slug: float(s.rank) for s in reference.STAGES}
_CLASS_RANK = {u.slug: float(u.rank) for u in reference.UMKM_CLASSES}


def _regulated() -> tuple[F32, F32]:
    """Per category: whether selling online needs a certification, and which (any-of)."""
    n_cat, n_cert = len(reference.CATEGORIES), len(reference.CERTIFICATIONS)
    regulated = np.zeros(n_cat, dtype=np.float32)
    accepted = np.zeros((n_cat, n_cert), dtype=np.float32)
    for i, cat in enumerate(reference.CATEGORIES):
        if cat.required_certifications_any:
            regulated[i] = 1.0
            for cert in cat.required_certifications_any:
                accepted[i, _CERT_POS[cert]] = 1.0
    return regulated, accepted


def _as_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(v) for v in value]
    return []


def _multi_hot(
    frame: pd.DataFrame,
    column: str,
    positions: dict[str, int],
    id_column: str,
    *,
    empty_means_all: bool = False,
) -> F32:
    """Rows of 0/1 over a reference vocabulary; rows are cached by their list."""
    out = np.zeros((len(frame), len(positions)), dtype=np.float32)
    cache: dict[tuple[str, ...], F32] = {}
    for row, value in enumerate(frame[column].tolist()):
        key = tuple(_as_list(value))
        vec = cache.get(key)
        if vec is None:
            vec = np.zeros(len(positions), dtype=np.float32)
            if not key and empty_means_all:
                vec[:] = 1.0
            for item in key:
                pos = positions.get(item)
                if pos is None:
                    ident = frame[id_column].iloc[row]
                    raise ValidationError(
                        f"{id_column} {ident!r}: {column} has unknown value {item!r}; "
                        f"use canonical values (import through matchmaker.ingest)"
                    )
                vec[pos] = 1.0
            cache[key] = vec
        out[row] = vec
    return out


def _primary(frame: pd.DataFrame, id_column: str) -> I64:
    """Position of each row's first-listed category (``-1`` when it lists none)."""
    out = np.full(len(frame), -1, dtype=np.int64)
    for row, value in enumerate(frame["categories"].tolist()):
        items = _as_list(value)
        if items and items[0] in _CAT_POS:
            out[row] = _CAT_POS[items[0]]
    return out


def _provinces(frame: pd.DataFrame, id_column: str) -> I64:
    out = np.empty(len(frame), dtype=np.int64)
    for row, name in enumerate(frame["province"].tolist()):
        pos = _PROV_POS.get(str(name)) if isinstance(name, str) else None
        if pos is None:
            ident = frame[id_column].iloc[row]
            raise ValidationError(
                f"{id_column} {ident!r}: province {name!r} is not a canonical province name"
            )
        out[row] = pos
    return out


def _float_column(frame: pd.DataFrame, column: str) -> npt.NDArray[np.float64]:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return np.asarray(pd.to_numeric(frame[column], errors="coerce"), dtype=np.float64)


def _bool_column(frame: pd.DataFrame, column: str) -> F32:
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=np.float32)
    values = frame[column].tolist()
    return np.array([1.0 if v is True or v == 1 else 0.0 for v in values], dtype=np.float32)


def _log10_pos(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out = np.full(values.shape, np.nan)
    ok = np.isfinite(values) & (values > 0)
    out[ok] = np.log10(values[ok])
    return out


def _normalise_rows(matrix: F32) -> F32:
    sums = matrix.sum(axis=1, keepdims=True)
    out = np.zeros_like(matrix)
    np.divide(matrix, sums, out=out, where=sums > 0)
    return out


@dataclass(frozen=True, eq=False)
class SupplierProfiles:
    """Suppliers encoded as arrays (row ``r`` is ``ids[r]``).

    Attributes
    ----------
    ids:
        Supplier ids.
    sells:
        ``(n, 22)`` 0/1: categories the supplier sells.
    primary:
        Index of its first-listed (main) category, ``-1`` when none.
    cover:
        ``(n, 22)`` how well the supplier covers each category: 1 for its own,
        the reference similarity for related ones (``min(1, sells @ S)``).
    text:
        ``(n, d)`` unit-length product text embedding (zero when no text).
    home:
        Province index (into :data:`matchmaker.reference.PROVINCE_NAMES`).
    ships:
        ``(n, 38)`` 0/1: provinces it delivers to.
    certs:
        ``(n, 4)`` 0/1: certifications held.
    dropship:
        1 when it ships to end buyers on a reseller's behalf.
    noncompliant:
        ``(n, 22)`` 1 for a category it sells online that needs PIRT/BPOM and for
        which it holds none of the admissible certifications.
    log_capacity:
        log10 monthly capacity (imputed from the UMKM class when blank).
    capacity_known:
        1 when the capacity was given.
    log_moq:
        log10 minimum order quantity (MOQ 1 gives 0).
    log_price:
        log10 unit price in IDR, NaN when unknown.
    class_rank:
        UMKM class rank 1..4, NaN when unknown.
    """

    ids: StrArray
    sells: F32
    primary: I64
    cover: F32
    text: F32
    home: I64
    ships: F32
    certs: F32
    dropship: F32
    noncompliant: F32
    log_capacity: F32
    capacity_known: F32
    log_moq: F32
    log_price: F32
    class_rank: F32

    def __len__(self) -> int:
        return int(self.ids.shape[0])


@dataclass(frozen=True, eq=False)
class ImerProfiles:
    """Imers encoded as arrays (row ``r`` is ``ids[r]``).

    Attributes
    ----------
    ids:
        Imer ids.
    wants:
        ``(n, 22)`` 0/1: categories the Imer sells or wants to sell.
    primary:
        Index of its first-listed (main) category, ``-1`` when none.
    weights:
        ``wants`` normalised to sum 1 (zero row when none).
    relevant:
        ``(n, 22)`` 0/1: the Imer's categories and their related categories.
    text:
        ``(n, d)`` unit-length product text embedding.
    home:
        Province index of the Imer.
    targets:
        ``(n, 38)`` 0/1: provinces where its buyers are (all when blank).
    target_weights:
        ``targets`` normalised to sum 1.
    dist_to_buyers:
        ``(n, 38)`` mean distance in 1000 km from each origin province to the
        Imer's buyer provinces.
    channels:
        ``(n, 8)`` 0/1: channels used.
    required:
        ``(n, 4)`` 0/1: certifications the Imer insists on.
    needs_dropship:
        1 when the Imer holds no stock.
    log_volume:
        log10 units sold a month (imputed from the stage when blank).
    volume_known:
        1 when ``monthly_orders`` was given.
    stage_rank:
        Stage rank 1..5 (NaN when unknown).
    log_asp:
        log10 average selling price (revenue / orders), NaN when unknown.
    """

    ids: StrArray
    wants: F32
    primary: I64
    weights: F32
    relevant: F32
    text: F32
    home: I64
    targets: F32
    target_weights: F32
    dist_to_buyers: F32
    channels: F32
    required: F32
    needs_dropship: F32
    log_volume: F32
    volume_known: F32
    stage_rank: F32
    log_asp: F32

    def __len__(self) -> int:
        return int(self.ids.shape[0])


class ProfileEncoder(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Fit on a registry's profiles, then encode suppliers and Imers.

    Parameters
    ----------
    text_dim:
        Dimension of the product text embedding.
    text_ngram_range:
        Character n-gram lengths of the text model.
    text_max_features:
        Vocabulary size of the text model.
    random_state:
        Seed of the text model's randomised SVD.

    Attributes
    ----------
    text_encoder_ : ProductTextEncoder
        Fitted on the product text of both sides.
    volume_by_stage_ : dict of str to float
        Median monthly units per stage (learned, else the defaults).
    capacity_by_class_ : dict of str to float
        Median monthly capacity per UMKM class (learned, else the defaults).
    feature_names_out_ : list of str
        Names of the columns of :meth:`transform`.

    Examples
    --------
    >>> enc = ProfileEncoder(text_dim=8)
    >>> enc = enc.fit(suppliers=sup_frame, imers=imer_frame)  # doctest: +SKIP
    >>> enc.encode_suppliers(sup_frame).cover.shape  # doctest: +SKIP
    (100, 22)
    """

    def __init__(
        self,
        *,
        text_dim: int = 64,
        text_ngram_range: tuple[int, int] = (3, 5),
        text_max_features: int = 30_000,
        random_state: int = 0,
    ) -> None:
        self.text_dim = text_dim
        self.text_ngram_range = text_ngram_range
        self.text_max_features = text_max_features
        self.random_state = random_state

    # ----------------------------------------------------------------- fitting
    def fit(
        self,
        X: pd.DataFrame | None = None,
        y: Any = None,
        *,
        suppliers: pd.DataFrame | None = None,
        imers: pd.DataFrame | None = None,
    ) -> ProfileEncoder:
        """Learn the text model and the scale imputation tables.

        Parameters
        ----------
        X:
            A supplier or Imer frame (scikit-learn style); combined with the
            keyword frames when given.
        y:
            Ignored.
        suppliers, imers:
            Canonical frames (``matchmaker.schema``); either may be omitted.

        Returns
        -------
        ProfileEncoder
            ``self``.
        """
        frames = [f for f in (X, suppliers, imers) if f is not None]
        sup = [f for f in frames if "supplier_id" in f.columns]
        imr = [f for f in frames if "imer_id" in f.columns]
        texts: list[Any] = []
        for f in frames:
            texts.extend(f["products"].tolist() if "products" in f.columns else [])
        self.text_encoder_ = ProductTextEncoder(
            n_components=self.text_dim,
            ngram_range=self.text_ngram_range,
            max_features=self.text_max_features,
            random_state=self.random_state,
        ).fit(texts)
        self.volume_by_stage_ = self._learn_medians(
            imr, "stage", "monthly_orders", DEFAULT_VOLUME_BY_STAGE
        )
        self.capacity_by_class_ = self._learn_medians(
            sup, "umkm_class", "monthly_capacity_units", DEFAULT_CAPACITY_BY_CLASS
        )
        self.feature_names_out_ = self._feature_names()
        return self

    @staticmethod
    def _learn_medians(
        frames: list[pd.DataFrame], key: str, value: str, defaults: dict[str, float]
    ) -> dict[str, float]:
        out = dict(defaults)
        if not frames:
            return out
        usable = [f[[key, value]] for f in frames if key in f and value in f]
        if not usable:
            return out
        frame = pd.concat(usable)
        if frame.empty:
            return out
        vals = pd.to_numeric(frame[value], errors="coerce")
        ok = vals.notna() & (vals > 0)
        grouped = vals[ok].groupby(frame[key][ok].astype(str))
        for slug, series in grouped:
            if str(slug) in out and len(series) >= _MIN_EXAMPLES:
                out[str(slug)] = float(10 ** np.median(np.log10(series.to_numpy(float))))
        return out

    # --------------------------------------------------------------- encoding
    def encode_suppliers(self, frame: pd.DataFrame) -> SupplierProfiles:
        """Encode a canonical supplier frame.

        Parameters
        ----------
        frame:
            Supplier frame (``SUPPLIER_COLUMNS``).

        Returns
        -------
        SupplierProfiles

        Raises
        ------
        ValidationError
            If a category, province or certification is not canonical.
        """
        check_is_fitted(self, "text_encoder_")
        sim = reference.category_similarity_matrix().astype(np.float32)
        regulated, admissible = _regulated()
        ids = np.asarray(frame["supplier_id"].astype(str).tolist(), dtype=str)
        sells = _multi_hot(frame, "categories", _CAT_POS, "supplier_id")
        cover = np.minimum(1.0, sells @ sim).astype(np.float32)
        certs = _multi_hot(frame, "certifications", _CERT_POS, "supplier_id")
        ships = _multi_hot(frame, "ships_to", _PROV_POS, "supplier_id", empty_means_all=True)
        has_admissible = (certs @ admissible.T) > 0  # (n, C)
        noncompliant = (sells * regulated[None, :] * (~has_admissible)).astype(np.float32)
        classes = frame["umkm_class"].tolist() if "umkm_class" in frame else [None] * len(frame)
        class_rank = np.array(
            [_CLASS_RANK.get(str(c), np.nan) if isinstance(c, str) else np.nan for c in classes],
            dtype=np.float32,
        )
        capacity = _float_column(frame, "monthly_capacity_units")
        known = np.isfinite(capacity) & (capacity > 0)
        overall = float(np.median(list(self.capacity_by_class_.values())))
        fill = np.array(
            [self.capacity_by_class_.get(str(c), overall) for c in classes], dtype=np.float64
        )
        capacity = np.where(known, capacity, fill)
        moq = _float_column(frame, "min_order_qty")
        moq = np.where(np.isfinite(moq) & (moq >= 1), moq, 1.0)
        return SupplierProfiles(
            ids=ids,
            sells=sells,
            primary=_primary(frame, "supplier_id"),
            cover=cover,
            text=self.text_encoder_.transform(self._texts(frame)),
            home=_provinces(frame, "supplier_id"),
            ships=ships,
            certs=certs,
            dropship=_bool_column(frame, "dropship"),
            noncompliant=noncompliant,
            log_capacity=np.log10(capacity).astype(np.float32),
            capacity_known=known.astype(np.float32),
            log_moq=np.log10(moq).astype(np.float32),
            log_price=_log10_pos(_float_column(frame, "unit_price_idr")).astype(np.float32),
            class_rank=class_rank,
        )

    def encode_imers(self, frame: pd.DataFrame) -> ImerProfiles:
        """Encode a canonical Imer frame.

        Parameters
        ----------
        frame:
            Imer frame (``IMER_COLUMNS``).

        Returns
        -------
        ImerProfiles

        Raises
        ------
        ValidationError
            If a category, province, channel or certification is not canonical.
        """
        check_is_fitted(self, "text_encoder_")
        sim = reference.category_similarity_matrix().astype(np.float32)
        dist = (reference.province_distance_matrix() / 1000.0).astype(np.float32)
        ids = np.asarray(frame["imer_id"].astype(str).tolist(), dtype=str)
        wants = _multi_hot(frame, "categories", _CAT_POS, "imer_id")
        targets = _multi_hot(frame, "target_provinces", _PROV_POS, "imer_id", empty_means_all=True)
        target_weights = _normalise_rows(targets)
        stages = frame["stage"].tolist() if "stage" in frame else [None] * len(frame)
        stage_rank = np.array(
            [_STAGE_RANK.get(str(s), np.nan) if isinstance(s, str) else np.nan for s in stages],
            dtype=np.float32,
        )
        orders = _float_column(frame, "monthly_orders")
        known = np.isfinite(orders) & (orders > 0)
        overall = float(np.median(list(self.volume_by_stage_.values())))
        fill = np.array(
            [self.volume_by_stage_.get(str(s), overall) for s in stages], dtype=np.float64
        )
        volume = np.where(known, orders, fill)
        revenue = _float_column(frame, "monthly_revenue_idr")
        asp = np.where(known & np.isfinite(revenue) & (revenue > 0), revenue / volume, np.nan)
        return ImerProfiles(
            ids=ids,
            wants=wants,
            primary=_primary(frame, "imer_id"),
            weights=_normalise_rows(wants),
            relevant=((wants @ sim) > 0).astype(np.float32),
            text=self.text_encoder_.transform(self._texts(frame)),
            home=_provinces(frame, "imer_id"),
            targets=targets,
            target_weights=target_weights,
            dist_to_buyers=(target_weights @ dist.T).astype(np.float32),
            channels=_multi_hot(frame, "channels", _CHAN_POS, "imer_id"),
            required=_multi_hot(frame, "required_certifications", _CERT_POS, "imer_id"),
            needs_dropship=_bool_column(frame, "needs_dropship"),
            log_volume=np.log10(volume).astype(np.float32),
            volume_known=known.astype(np.float32),
            stage_rank=stage_rank,
            log_asp=_log10_pos(asp).astype(np.float32),
        )

    @staticmethod
    def _texts(frame: pd.DataFrame) -> list[Any]:
        return frame["products"].tolist() if "products" in frame.columns else [""] * len(frame)

    # ------------------------------------------------------- flat embeddings
    def _feature_names(self) -> list[str]:
        names = [f"category:{c}" for c in reference.CATEGORY_SLUGS]
        names += [f"text:{k}" for k in range(self.text_encoder_.n_components_)]
        names += ["geo:x", "geo:y", "geo:z"]
        names += [f"reach:{p}" for p in reference.PROVINCE_NAMES]
        names += ["scale:rank", "scale:log_volume", "scale:log_moq", "scale:log_price"]
        names += [f"channel:{c}" for c in reference.CHANNELS]
        names += [f"certification:{c}" for c in reference.CERTIFICATIONS]
        names += ["dropship"]
        return names

    def get_feature_names_out(self, input_features: Any = None) -> npt.NDArray[np.object_]:
        """Names of the flat embedding's columns."""
        check_is_fitted(self, "feature_names_out_")
        return np.asarray(self.feature_names_out_, dtype=object)

    def transform(self, X: pd.DataFrame) -> F32:
        """Flat dense embedding of a supplier or an Imer frame (side from its id column).

        Blocks: category coverage, product text, home province on the unit
        sphere, reach over provinces (ships-to or buyer provinces, normalised),
        scale (stage/class rank, log volume or capacity, log MOQ, log price),
        channels (zero for suppliers), certifications (held or required),
        dropship (offered or needed). Missing numbers are 0.

        Parameters
        ----------
        X:
            Canonical supplier or Imer frame.

        Returns
        -------
        numpy.ndarray
            ``(n, len(feature_names_out_))`` float32.

        Raises
        ------
        ValidationError
            If the frame has neither ``supplier_id`` nor ``imer_id``.
        """
        check_is_fitted(self, "text_encoder_")
        xyz = _province_xyz()
        if "supplier_id" in X.columns:
            s = self.encode_suppliers(X)
            scale = np.stack([s.class_rank, s.log_capacity, s.log_moq, s.log_price], axis=1)
            blocks: Iterable[F32] = (
                s.cover,
                s.text,
                xyz[s.home],
                _normalise_rows(s.ships),
                scale,
                np.zeros((len(s), len(reference.CHANNELS)), dtype=np.float32),
                s.certs,
                s.dropship[:, None],
            )
        elif "imer_id" in X.columns:
            m = self.encode_imers(X)
            scale = np.stack(
                [m.stage_rank, m.log_volume, np.zeros(len(m), np.float32), m.log_asp], axis=1
            )
            cover = np.minimum(1.0, m.wants @ reference.category_similarity_matrix())
            blocks = (
                cover.astype(np.float32),
                m.text,
                xyz[m.home],
                m.target_weights,
                scale,
                m.channels,
                m.required,
                m.needs_dropship[:, None],
            )
        else:
            raise ValidationError(
                "cannot tell the profile side: the frame needs a supplier_id or imer_id column"
            )
        out: F32 = np.concatenate([np.asarray(b, dtype=np.float32) for b in blocks], axis=1)
        out[~np.isfinite(out)] = 0.0
        return out

    # ------------------------------------------------------------------ state
    def get_state(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
        """Fitted state as JSON-able metadata and arrays (saved without pickle)."""
        check_is_fitted(self, "text_encoder_")
        text_meta, text_arrays = self.text_encoder_.get_state()
        meta = {
            "params": {
                "text_dim": self.text_dim,
                "text_ngram_range": list(self.text_ngram_range),
                "text_max_features": self.text_max_features,
                "random_state": self.random_state,
            },
            "volume_by_stage": self.volume_by_stage_,
            "capacity_by_class": self.capacity_by_class_,
            "text": text_meta,
        }
        arrays = {f"text_{k}": v for k, v in text_arrays.items()}
        return meta, arrays

    @classmethod
    def from_state(
        cls, meta: dict[str, Any], arrays: dict[str, npt.NDArray[Any]]
    ) -> ProfileEncoder:
        """Rebuild a fitted encoder from :meth:`get_state` output."""
        params = dict(meta["params"])
        params["text_ngram_range"] = tuple(params["text_ngram_range"])
        enc = cls(**params)
        text_arrays = {k[5:]: v for k, v in arrays.items() if k.startswith("text_")}
        enc.text_encoder_ = ProductTextEncoder.from_state(meta["text"], text_arrays)
        enc.volume_by_stage_ = {str(k): float(v) for k, v in meta["volume_by_stage"].items()}
        enc.capacity_by_class_ = {str(k): float(v) for k, v in meta["capacity_by_class"].items()}
        enc.feature_names_out_ = enc._feature_names()
        return enc


def _province_xyz() -> F32:
    """Capitals of the provinces as points on the unit sphere."""
    lat = np.radians([p.lat for p in reference.PROVINCES])
    lon = np.radians([p.lon for p in reference.PROVINCES])
    xyz = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)
    return xyz.astype(np.float32)
