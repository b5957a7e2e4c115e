"""Reasons for recommendations, from the signals that scored them (Indonesian or English).

Every recommended pair carries the signal values it was scored on and each
signal's contribution to its log-score. A signal becomes a *reason* when it
pushed the score up and its value says something a person can check
("menyediakan dropship", "MOQ 10 cocok dengan volume Anda (±400/bulan)"), and a
*caveat* when it pulled the score down ("belum memiliki BPOM"). Related signals
share one reason (categories, distance, volume, track record), the strongest
reasons come first, and text is only ever built from the values themselves, so
a reason cannot claim what the signals do not show.

Wording follows the reader: recommendations of suppliers speak to an Imer
("your buyers"), recommendations of Imers speak to the supplier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from matchmaker import reference
from matchmaker.errors import ValidationError
from matchmaker.features import SIGNAL_NAMES, ImerProfiles, SupplierProfiles

__all__ = ["LANGUAGES", "ReasonInputs", "check_lang", "write_reasons"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Direction = Literal["suppliers", "imers"]

#: Supported reason languages (Indonesian is the default).
LANGUAGES: tuple[str, ...] = ("id", "en")
_POSITIVE_MIN = 0.02
_CAVEAT_MAX = -0.1
_MAX_REASONS = 3
_MAX_CAVEATS = 2
_COL = {name: k for k, name in enumerate(SIGNAL_NAMES)}
_CAT_LABEL = {
    "id": [c.label for c in reference.CATEGORIES],
    "en": [c.label_en for c in reference.CATEGORIES],
}
_CERT_LABEL = {"halal": "Halal", "bpom": "BPOM", "pirt": "PIRT", "sni": "SNI"}
_CERTS = list(reference.CERTIFICATIONS)
_REGULATORY = [i for i, c in enumerate(_CERTS) if c in ("pirt", "bpom")]
_STAGE_LABEL = {s.rank: s.label for s in reference.STAGES}
_CHANNEL_LABEL = {c.slug: c.label for c in reference.CHANNEL_INFO}


def check_lang(lang: str) -> str:
    """Validate a reason language.

    Raises
    ------
    ValidationError
        If ``lang`` is not one of :data:`LANGUAGES`.
    """
    if lang not in LANGUAGES:
        raise ValidationError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang


@dataclass(frozen=True, eq=False)
class ReasonInputs:
    """What the reason writer reads for ``n`` recommended pairs.

    Attributes
    ----------
    imers, suppliers:
        Encoded profiles; ``imer_rows``/``supplier_rows`` index them.
    signals:
        ``(n, len(SIGNAL_NAMES))`` signal values of each pair.
    contributions:
        ``(n, len(SIGNAL_NAMES))`` each signal's effect on the log-score.
    supplier_rating, supplier_partners:
        The supplier's mean rating (NaN: none) and number of decided proposals.
    imer_partners:
        The Imer's number of decided proposals.
    declined, poor_outcome, congested:
        Pair-level flags that lowered the score.
    """

    imers: ImerProfiles
    suppliers: SupplierProfiles
    imer_rows: I64
    supplier_rows: I64
    signals: F64
    contributions: F64
    supplier_rating: F64
    supplier_partners: F64
    imer_partners: F64
    declined: BoolArray
    poor_outcome: BoolArray
    congested: BoolArray


def _int(value: float, lang: str) -> str:
    text = f"{round(float(value)):,}"
    return text.replace(",", ".") if lang == "id" else text


def _approx(value: float, lang: str) -> str:
    """A quantity rounded to two significant digits (``104355`` -> ``100.000``)."""
    v = float(value)
    if v >= 100:
        digits = int(np.floor(np.log10(v))) - 1
        v = round(v / 10**digits) * 10**digits
    return _int(v, lang)


def _pct(value: float) -> str:
    return f"{round(100 * float(value))}%"


def _clean(text: str) -> str:
    return " ".join(text.replace(";", ",").split())


class _Row:
    """Accessors for one pair (values, not contributions)."""

    def __init__(self, data: ReasonInputs, r: int, lang: str) -> None:
        self.d, self.r, self.lang = data, r, lang
        self.i = int(data.imer_rows[r])
        self.j = int(data.supplier_rows[r])

    def v(self, name: str) -> float:
        return float(self.d.signals[self.r, _COL[name]])

    def cats(self, mask: npt.NDArray[Any]) -> str:
        labels = _CAT_LABEL[self.lang]
        return ", ".join(labels[c] for c in np.flatnonzero(mask))

    def certs(self, mask: npt.NDArray[Any]) -> str:
        return ", ".join(_CERT_LABEL.get(_CERTS[c], _CERTS[c]) for c in np.flatnonzero(mask))

    @property
    def volume(self) -> str:
        return _approx(10 ** float(self.d.imers.log_volume[self.i]), self.lang)

    @property
    def moq(self) -> str:
        return _int(10 ** float(self.d.suppliers.log_moq[self.j]), self.lang)

    @property
    def capacity(self) -> str:
        return _approx(10 ** float(self.d.suppliers.log_capacity[self.j]), self.lang)

    @property
    def km(self) -> str:
        return _int(1000 * self.v("distance_home"), self.lang)

    @property
    def stage(self) -> str:
        rank = self.d.imers.stage_rank[self.i]
        return _STAGE_LABEL.get(int(rank), "?") if np.isfinite(rank) else "?"


Text = Callable[[_Row], str | None]


def _category(x: _Row) -> str | None:
    shared = x.d.imers.wants[x.i] * x.d.suppliers.sells[x.j]
    if shared.any():
        return ("kategori sama: " if x.lang == "id" else "same category: ") + x.cats(shared)
    if x.v("category_match") > 0:
        related = x.d.suppliers.sells[x.j] * (x.d.imers.relevant[x.i] > 0)
        if related.any():
            word = "kategori terkait: " if x.lang == "id" else "related category: "
            return word + x.cats(related)
    return None


def _products(x: _Row) -> str | None:
    if x.v("product_similarity") < 0.25:
        return None
    return "produk serupa" if x.lang == "id" else "similar products"


def _ships(direction: Direction) -> Text:
    def text(x: _Row) -> str | None:
        share = x.v("ships_to_buyers")
        if share < 0.5:
            return None
        if direction == "suppliers":
            if share >= 0.999:
                return (
                    "mengirim ke semua provinsi pembeli Anda"
                    if x.lang == "id"
                    else "delivers to all your buyers' provinces"
                )
            return (
                f"mengirim ke {_pct(share)} provinsi pembeli Anda"
                if x.lang == "id"
                else f"delivers to {_pct(share)} of your buyers' provinces"
            )
        return (
            f"Anda menjangkau {_pct(share)} provinsi pembelinya"
            if x.lang == "id"
            else f"you deliver to {_pct(share)} of its buyers' provinces"
        )

    return text


def _near(x: _Row) -> str | None:
    if x.d.imers.home[x.i] == x.d.suppliers.home[x.j]:
        name = reference.PROVINCE_NAMES[int(x.d.imers.home[x.i])]
        return f"satu provinsi ({name})" if x.lang == "id" else f"same province ({name})"
    if x.v("distance_home") < 0.5:
        return f"dekat (±{x.km} km)" if x.lang == "id" else f"close by (about {x.km} km)"
    return None


def _dropship(direction: Direction) -> Text:
    def text(x: _Row) -> str | None:
        if x.v("dropship_offered") < 1:
            return None
        if direction == "suppliers":
            return "menyediakan dropship" if x.lang == "id" else "offers dropship"
        return (
            "butuh dropship, yang Anda sediakan"
            if x.lang == "id"
            else "needs dropship, which you offer"
        )

    return text


def _certs_ok(x: _Row) -> str | None:
    required = x.d.imers.required[x.i]
    if not required.any() or x.v("certifications_missing") > 0:
        return None
    names = x.certs(required)
    return (
        f"memenuhi sertifikat yang diminta: {names}"
        if x.lang == "id"
        else f"holds the required certificates: {names}"
    )


def _licensed(x: _Row) -> str | None:
    if x.v("regulatory_gap") > 0:
        return None
    if not _needs_license(x.d.imers.wants[x.i] * x.d.suppliers.sells[x.j]):
        return None
    held = np.zeros(len(_CERTS), dtype=np.float32)
    held[_REGULATORY] = x.d.suppliers.certs[x.j][_REGULATORY]
    if not held.any():
        return None
    names = x.certs(held)
    return (
        f"izin edar lengkap ({names})" if x.lang == "id" else f"licensed to sell online ({names})"
    )


def _needs_license(shared: npt.NDArray[Any]) -> bool:
    return any(reference.CATEGORIES[c].required_certifications_any for c in np.flatnonzero(shared))


def _volume(direction: Direction) -> Text:
    def text(x: _Row) -> str | None:
        if direction == "suppliers":
            if x.v("moq_excess") > 0 or x.v("capacity_shortfall") > 0:
                return None
            return (
                f"MOQ {x.moq} dan kapasitas {x.capacity}/bulan sesuai volume Anda "
                f"(±{x.volume}/bulan)"
                if x.lang == "id"
                else f"MOQ {x.moq} and capacity {x.capacity}/month fit your volume "
                f"(about {x.volume}/month)"
            )
        if x.v("volume_vs_moq") <= 0:
            return None
        return (
            f"volume ±{x.volume}/bulan di atas MOQ Anda ({x.moq})"
            if x.lang == "id"
            else f"sells about {x.volume}/month, above your MOQ ({x.moq})"
        )

    return text


def _scale(x: _Row) -> str | None:
    if x.v("scale_gap") > 0:
        return None
    return f"skala sepadan (tahap {x.stage})" if x.lang == "id" else f"matching scale ({x.stage})"


def _reach(x: _Row) -> str | None:
    n = round(x.v("reach_served") * len(reference.PROVINCE_NAMES))
    if n < 1:
        return None
    return (
        f"pembelinya di {n} provinsi yang Anda jangkau"
        if x.lang == "id"
        else f"its buyers are in {n} provinces you deliver to"
    )


def _stage(x: _Row) -> str | None:
    return f"Imer tahap {x.stage}" if x.lang == "id" else f"{x.stage} stage Imer"


def _price(direction: Direction) -> Text:
    def text(x: _Row) -> str | None:
        if direction == "suppliers":
            return "harga sesuai segmen Anda" if x.lang == "id" else "price level suits you"
        return (
            "segmennya cocok dengan harga Anda"
            if x.lang == "id"
            else "its segment suits your prices"
        )

    return text


def _channels(x: _Row) -> str | None:
    chans = [reference.CHANNELS[c] for c in np.flatnonzero(x.d.imers.channels[x.i])]
    if not chans:
        return None
    names = ", ".join(_CHANNEL_LABEL[c] for c in chans[:3])
    return (
        f"kanal {names} laris untuk kategori ini"
        if x.lang == "id"
        else f"{names} sell this category well"
    )


def _supplier_record(x: _Row) -> str | None:
    rating = float(x.d.supplier_rating[x.r])
    n = int(x.d.supplier_partners[x.r])
    if n < 1:
        return None
    if np.isfinite(rating) and x.v("supplier_rating") > 0:  # rated above the registry mean
        return (
            f"rating {rating:.1f} dari {n} kemitraan"
            if x.lang == "id"
            else f"rated {rating:.1f} over {n} partnerships"
        )
    return f"{n} kemitraan sebelumnya" if x.lang == "id" else f"{n} earlier partnerships"


def _acceptance(x: _Row) -> str | None:
    if int(x.d.supplier_partners[x.r]) < 1:
        return None
    rate = x.v("supplier_acceptance")
    return (
        f"menerima {_pct(rate)} ajakan kemitraan"
        if x.lang == "id"
        else f"accepts {_pct(rate)} of proposals"
    )


def _free(x: _Row) -> str | None:
    if x.v("supplier_active") > 0.7:  # more than one running partnership
        return None
    return (
        "masih punya kapasitas untuk mitra baru" if x.lang == "id" else "has room for new partners"
    )


def _imer_record(x: _Row) -> str | None:
    n = int(x.d.imer_partners[x.r])
    if n < 1:
        return None
    return (
        f"rekam jejak penjualan baik ({n} kemitraan)"
        if x.lang == "id"
        else f"good sales record ({n} partnerships)"
    )


# --- caveats -----------------------------------------------------------------


def _no_dropship(x: _Row) -> str | None:
    if x.v("dropship_missing") < 1:
        return None
    return "tidak menyediakan dropship" if x.lang == "id" else "no dropship"


def _missing_certs(x: _Row) -> str | None:
    missing = x.d.imers.required[x.i] * (1 - x.d.suppliers.certs[x.j])
    if not missing.any():
        return None
    names = x.certs(missing)
    return f"belum memiliki {names}" if x.lang == "id" else f"lacks {names}"


def _unlicensed(x: _Row) -> str | None:
    if x.v("regulatory_gap") < 1:
        return None
    cats = x.cats(x.d.imers.wants[x.i] * x.d.suppliers.noncompliant[x.j])
    return f"belum ada PIRT/BPOM untuk {cats}" if x.lang == "id" else f"no PIRT/BPOM for {cats}"


def _volume_caveat(direction: Direction) -> Text:
    def text(x: _Row) -> str | None:
        if direction == "suppliers":
            if x.v("moq_excess") > 0:
                return (
                    f"MOQ {x.moq} besar untuk volume Anda (±{x.volume}/bulan)"
                    if x.lang == "id"
                    else f"MOQ {x.moq} is high for your volume (about {x.volume}/month)"
                )
            if x.v("capacity_shortfall") > 0:
                return (
                    f"kapasitas {x.capacity}/bulan di bawah volume Anda"
                    if x.lang == "id"
                    else f"capacity {x.capacity}/month is below your volume"
                )
            return None
        if x.v("volume_vs_moq") >= 0:
            return None
        return (
            f"volume ±{x.volume}/bulan di bawah MOQ Anda ({x.moq})"
            if x.lang == "id"
            else f"sells about {x.volume}/month, below your MOQ ({x.moq})"
        )

    return text


def _ships_caveat(x: _Row) -> str | None:
    share = x.v("ships_to_buyers")
    if share >= 0.5:
        return None
    return (
        f"hanya mengirim ke {_pct(share)} provinsi pembeli"
        if x.lang == "id"
        else f"delivers to only {_pct(share)} of the buyers' provinces"
    )


def _far(x: _Row) -> str | None:
    if x.v("distance_home") < 1.5:
        return None
    return f"jauh (±{x.km} km)" if x.lang == "id" else f"far away (about {x.km} km)"


def _scale_caveat(x: _Row) -> str | None:
    if x.v("scale_gap") <= 0:
        return None
    return (
        f"skalanya kecil untuk usaha Anda (tahap {x.stage})"
        if x.lang == "id"
        else f"small for your business ({x.stage})"
    )


# group name -> signals, positive text, caveat text (per direction)
_Spec = tuple[tuple[str, ...], Text | None, Text | None]


def _specs(direction: Direction) -> dict[str, _Spec]:
    sup = direction == "suppliers"
    return {
        "category": (
            ("category_match", "primary_category_match", "shared_categories"),
            _category,
            None,
        ),
        "products": (("product_similarity",), _products, None),
        "ships": (("ships_to_buyers",), _ships(direction), _ships_caveat),
        "distance": (("distance_home", "distance_to_buyers"), _near, _far),
        "dropship": (("dropship_offered", "dropship_missing"), _dropship(direction), _no_dropship),
        "certifications": (("certifications_missing",), _certs_ok, _missing_certs),
        "regulatory": (("regulatory_gap",), _licensed, _unlicensed),
        "volume": (
            ("moq_excess", "capacity_shortfall", "volume_vs_moq"),
            _volume(direction),
            _volume_caveat(direction),
        ),
        "scale": (("scale_gap",), _scale, _scale_caveat),
        "reach": (("reach_served",), None if sup else _reach, None),
        "stage": (("imer_stage",), None if sup else _stage, None),
        "price": (("price_level", "price_for_stage"), _price(direction), None),
        "channels": (("channel_fit",), _channels, None),
        "record": (
            ("supplier_rating", "supplier_units", "supplier_partners"),
            _supplier_record if sup else None,
            None,
        ),
        "acceptance": (("supplier_acceptance",), _acceptance if sup else None, None),
        "load": (("supplier_active",), _free if sup else None, None),
        "imer_record": (
            ("imer_success", "imer_units", "imer_rating", "imer_partners"),
            None if sup else _imer_record,
            None,
        ),
    }


def _flags(x: _Row) -> list[str]:
    out = []
    id_ = x.lang == "id"
    if x.d.declined[x.r]:
        out.append("pernah ditolak sebelumnya" if id_ else "declined before")
    if x.d.poor_outcome[x.r]:
        out.append(
            "kemitraan sebelumnya kurang berhasil" if id_ else "an earlier partnership went poorly"
        )
    if x.d.congested[x.r]:
        out.append(
            "banyak diminati, kapasitas terbatas" if id_ else "in high demand, limited capacity"
        )
    return out


def write_reasons(data: ReasonInputs, direction: Direction, lang: str = "id") -> list[str]:
    """Reasons for each recommended pair, strongest first, ``"; "``-separated.

    Parameters
    ----------
    data:
        Signals, contributions and profiles of the pairs.
    direction:
        ``"suppliers"`` when suppliers are recommended to Imers (text speaks to
        the Imer), ``"imers"`` when Imers are recommended to suppliers.
    lang:
        ``"id"`` (default) or ``"en"``.

    Returns
    -------
    list of str
        One string per pair; never empty, never containing ``";"`` inside a reason.

    Raises
    ------
    ValidationError
        If ``lang`` is not supported.
    """
    check_lang(lang)
    specs = _specs(direction)
    names = list(specs)
    n = data.signals.shape[0]
    group_contrib = np.zeros((n, len(names)))
    for g, name in enumerate(names):
        cols = [_COL[s] for s in specs[name][0]]
        group_contrib[:, g] = data.contributions[:, cols].sum(axis=1)
    order_pos = np.argsort(-group_contrib, axis=1, kind="stable")
    order_neg = np.argsort(group_contrib, axis=1, kind="stable")
    out: list[str] = []
    prefix = "perhatian: " if lang == "id" else "note: "
    for r in range(n):
        x = _Row(data, r, lang)
        reasons: list[str] = []
        for g in order_pos[r]:
            if group_contrib[r, g] <= _POSITIVE_MIN or len(reasons) >= _MAX_REASONS:
                break
            positive = specs[names[g]][1]
            text = positive(x) if positive is not None else None
            if text:
                reasons.append(_clean(text))
        if not reasons:
            reasons.append(
                "kecocokan profil secara umum" if lang == "id" else "overall profile fit"
            )
        caveats = _flags(x)
        for g in order_neg[r]:
            if group_contrib[r, g] >= _CAVEAT_MAX or len(caveats) >= _MAX_CAVEATS:
                break
            negative = specs[names[g]][2]
            text = negative(x) if negative is not None else None
            if text:
                caveats.append(_clean(text))
        reasons.extend(prefix + c for c in caveats[:_MAX_CAVEATS])
        out.append("; ".join(reasons))
    return out
