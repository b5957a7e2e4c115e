"""Reference facts of the contract: provinces, categories, channels, certifications, rules.

The facts live as JSON package data in ``matchmaker/reference/data/``; this module
loads them once (``importlib.resources``), turns them into frozen dataclasses and
offers typed, strict lookups. Strict means canonical names and slugs only: the
tolerant matching of free text (abbreviations, English names, typos) lives in
:mod:`matchmaker.parsing`.

Examples
--------
>>> from matchmaker import reference
>>> reference.province("Jawa Timur").capital
'Surabaya'
>>> reference.stage_for_revenue(100_000_000)
'survivor'
>>> reference.umkm_class_for_revenue(2_000_000_000)
'mikro'
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from matchmaker.errors import NotFoundError, ValidationError

__all__ = [
    "CATEGORIES",
    "CATEGORY_SLUGS",
    "CERTIFICATIONS",
    "CERTIFICATION_INFO",
    "CHANNELS",
    "CHANNEL_INFO",
    "EARTH_RADIUS_KM",
    "ISLAND_GROUPS",
    "JUTA",
    "MILIAR",
    "PROVINCES",
    "PROVINCE_NAMES",
    "RELATED_CATEGORY_SIMILARITY",
    "RIBU",
    "STAGES",
    "STAGE_SLUGS",
    "TRILIUN",
    "UMKM_CLASSES",
    "UMKM_CLASS_SLUGS",
    "Category",
    "Certification",
    "Channel",
    "Province",
    "Stage",
    "UmkmClass",
    "category",
    "category_index",
    "category_similarity_matrix",
    "certification",
    "channel",
    "distance_km",
    "province",
    "province_distance_matrix",
    "province_index",
    "stage",
    "stage_for_revenue",
    "umkm_class",
    "umkm_class_for_revenue",
]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG) used by the haversine distance."""


@dataclass(frozen=True)
class Province:
    """One of the 38 provinces.

    Attributes
    ----------
    slug:
        Lower-case identifier (``jawa_timur``).
    name:
        Canonical name from the contract (``Jawa Timur``).
    aliases:
        Abbreviations and older spellings (``jatim``), lower case.
    english:
        English name (``East Java``).
    capital:
        Capital city.
    lat, lon:
        Coordinates of the capital in degrees.
    island_group:
        One of :data:`ISLAND_GROUPS`.
    """

    slug: str
    name: str
    aliases: tuple[str, ...]
    english: str
    capital: str
    lat: float
    lon: float
    island_group: str


@dataclass(frozen=True)
class Category:
    """A top-level product category.

    Attributes
    ----------
    slug:
        Identifier from the contract (``fashion_muslim``).
    label:
        Indonesian label from the contract.
    label_en:
        English label.
    synonyms:
        Indonesian and English words and sub-categories that mean this category.
    related:
        Slugs of related categories (symmetric relation).
    required_certifications_any:
        Selling online needs at least one of these certifications (empty: none needed).
    halal_relevant:
        Whether buyers customarily look for halal certification.
    """

    slug: str
    label: str
    label_en: str
    synonyms: tuple[str, ...]
    related: tuple[str, ...]
    required_certifications_any: tuple[str, ...]
    halal_relevant: bool


@dataclass(frozen=True)
class Stage:
    """An Imers stage: monthly revenue in ``[min_revenue_idr, max_revenue_idr)``.

    ``max_revenue_idr`` is ``None`` for the open-ended top stage.
    """

    slug: str
    label: str
    rank: int
    min_revenue_idr: int
    max_revenue_idr: int | None
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class UmkmClass:
    """A UMKM class (PP 7/2021): annual sales in ``(min_exclusive_idr, max_inclusive_idr]``.

    ``min_exclusive_idr`` is ``None`` for the lowest class (which starts at 0 inclusive)
    and ``max_inclusive_idr`` is ``None`` for the open-ended top class.
    """

    slug: str
    label: str
    rank: int
    min_exclusive_idr: int | None
    max_inclusive_idr: int | None
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Channel:
    """A channel an Imer uses to reach buyers."""

    slug: str
    label: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Certification:
    """A certification a supplier may hold."""

    slug: str
    label: str
    synonyms: tuple[str, ...]


def _load(name: str) -> dict[str, Any]:
    """Read one JSON file of the package data."""
    text = resources.files("matchmaker.reference").joinpath("data", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _strs(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


_PROVINCE_DATA = _load("provinces.json")
_CATEGORY_DATA = _load("categories.json")
_CHANNEL_DATA = _load("channels.json")
_CERTIFICATION_DATA = _load("certifications.json")
_RULE_DATA = _load("rules.json")

ISLAND_GROUPS: tuple[str, ...] = _strs(_PROVINCE_DATA["island_groups"])

PROVINCES: tuple[Province, ...] = tuple(
    Province(
        slug=str(p["slug"]),
        name=str(p["name"]),
        aliases=_strs(p["aliases"]),
        english=str(p["english"]),
        capital=str(p["capital"]),
        lat=float(p["lat"]),
        lon=float(p["lon"]),
        island_group=str(p["island_group"]),
    )
    for p in _PROVINCE_DATA["provinces"]
)
PROVINCE_NAMES: tuple[str, ...] = tuple(p.name for p in PROVINCES)

RELATED_CATEGORY_SIMILARITY: float = float(_CATEGORY_DATA["related_similarity"])
"""Similarity of two distinct related categories in :func:`category_similarity_matrix`."""

CATEGORIES: tuple[Category, ...] = tuple(
    Category(
        slug=str(c["slug"]),
        label=str(c["label"]),
        label_en=str(c["label_en"]),
        synonyms=_strs(c["synonyms"]),
        related=_strs(c["related"]),
        required_certifications_any=_strs(c["required_certifications_any"]),
        halal_relevant=bool(c["halal_relevant"]),
    )
    for c in _CATEGORY_DATA["categories"]
)
CATEGORY_SLUGS: tuple[str, ...] = tuple(c.slug for c in CATEGORIES)

CHANNEL_INFO: tuple[Channel, ...] = tuple(
    Channel(slug=str(c["slug"]), label=str(c["label"]), synonyms=_strs(c["synonyms"]))
    for c in _CHANNEL_DATA["channels"]
)
CHANNELS: tuple[str, ...] = tuple(c.slug for c in CHANNEL_INFO)

CERTIFICATION_INFO: tuple[Certification, ...] = tuple(
    Certification(slug=str(c["slug"]), label=str(c["label"]), synonyms=_strs(c["synonyms"]))
    for c in _CERTIFICATION_DATA["certifications"]
)
CERTIFICATIONS: tuple[str, ...] = tuple(c.slug for c in CERTIFICATION_INFO)

STAGES: tuple[Stage, ...] = tuple(
    Stage(
        slug=str(s["slug"]),
        label=str(s["label"]),
        rank=int(s["rank"]),
        min_revenue_idr=int(s["min_revenue_idr"]),
        max_revenue_idr=_opt_int(s["max_revenue_idr"]),
        synonyms=_strs(s.get("synonyms", ())),
    )
    for s in _RULE_DATA["stages"]
)
STAGE_SLUGS: tuple[str, ...] = tuple(s.slug for s in STAGES)

UMKM_CLASSES: tuple[UmkmClass, ...] = tuple(
    UmkmClass(
        slug=str(u["slug"]),
        label=str(u["label"]),
        rank=int(u["rank"]),
        min_exclusive_idr=_opt_int(u["min_exclusive_idr"]),
        max_inclusive_idr=_opt_int(u["max_inclusive_idr"]),
        synonyms=_strs(u.get("synonyms", ())),
    )
    for u in _RULE_DATA["umkm_classes"]
)
UMKM_CLASS_SLUGS: tuple[str, ...] = tuple(u.slug for u in UMKM_CLASSES)

RIBU: int = int(_RULE_DATA["units"]["ribu"])
JUTA: int = int(_RULE_DATA["units"]["juta"])
MILIAR: int = int(_RULE_DATA["units"]["miliar"])
TRILIUN: int = int(_RULE_DATA["units"]["triliun"])

_PROVINCE_BY_KEY: dict[str, Province] = {p.name: p for p in PROVINCES} | {
    p.slug: p for p in PROVINCES
}
_PROVINCE_POS: dict[str, int] = {p.name: i for i, p in enumerate(PROVINCES)}
_CATEGORY_BY_SLUG: dict[str, Category] = {c.slug: c for c in CATEGORIES}
_CATEGORY_POS: dict[str, int] = {c.slug: i for i, c in enumerate(CATEGORIES)}
_CHANNEL_BY_SLUG: dict[str, Channel] = {c.slug: c for c in CHANNEL_INFO}
_CERTIFICATION_BY_SLUG: dict[str, Certification] = {c.slug: c for c in CERTIFICATION_INFO}
_STAGE_BY_SLUG: dict[str, Stage] = {s.slug: s for s in STAGES}
_UMKM_BY_SLUG: dict[str, UmkmClass] = {u.slug: u for u in UMKM_CLASSES}


def _not_found(kind: str, value: object, admissible: tuple[str, ...]) -> NotFoundError:
    shown = ", ".join(admissible[:8]) + (", ..." if len(admissible) > 8 else "")
    return NotFoundError(
        f"unknown {kind} {value!r}: use one of {shown} "
        f"(matchmaker.parsing resolves free text such as abbreviations and typos)"
    )


def province(name: str) -> Province:
    """Look a province up by canonical name or slug.

    Parameters
    ----------
    name:
        Canonical name (``"Jawa Timur"``) or slug (``"jawa_timur"``).

    Returns
    -------
    Province

    Raises
    ------
    NotFoundError
        If ``name`` is neither; use :func:`matchmaker.parsing.parse_province` for
        free text.
    """
    try:
        return _PROVINCE_BY_KEY[name]
    except (KeyError, TypeError):
        raise _not_found("province", name, PROVINCE_NAMES) from None


def province_index(name: str) -> int:
    """Position of a province (canonical name or slug) in :data:`PROVINCE_NAMES`.

    Raises
    ------
    NotFoundError
        If ``name`` is not a canonical name or slug.
    """
    return _PROVINCE_POS[province(name).name]


def category(slug: str) -> Category:
    """Look a category up by slug.

    Raises
    ------
    NotFoundError
        If ``slug`` is not one of :data:`CATEGORY_SLUGS`.
    """
    try:
        return _CATEGORY_BY_SLUG[slug]
    except (KeyError, TypeError):
        raise _not_found("category", slug, CATEGORY_SLUGS) from None


def category_index(slug: str) -> int:
    """Position of a category slug in :data:`CATEGORY_SLUGS`.

    Raises
    ------
    NotFoundError
        If ``slug`` is not a category slug.
    """
    return _CATEGORY_POS[category(slug).slug]


def channel(slug: str) -> Channel:
    """Look a channel up by slug.

    Raises
    ------
    NotFoundError
        If ``slug`` is not one of :data:`CHANNELS`.
    """
    try:
        return _CHANNEL_BY_SLUG[slug]
    except (KeyError, TypeError):
        raise _not_found("channel", slug, CHANNELS) from None


def certification(slug: str) -> Certification:
    """Look a certification up by slug.

    Raises
    ------
    NotFoundError
        If ``slug`` is not one of :data:`CERTIFICATIONS`.
    """
    try:
        return _CERTIFICATION_BY_SLUG[slug]
    except (KeyError, TypeError):
        raise _not_found("certification", slug, CERTIFICATIONS) from None


def stage(slug: str) -> Stage:
    """Look an Imers stage up by slug.

    Raises
    ------
    NotFoundError
        If ``slug`` is not one of :data:`STAGE_SLUGS`.
    """
    try:
        return _STAGE_BY_SLUG[slug]
    except (KeyError, TypeError):
        raise _not_found("stage", slug, STAGE_SLUGS) from None


def umkm_class(slug: str) -> UmkmClass:
    """Look a UMKM class up by slug.

    Raises
    ------
    NotFoundError
        If ``slug`` is not one of :data:`UMKM_CLASS_SLUGS`.
    """
    try:
        return _UMKM_BY_SLUG[slug]
    except (KeyError, TypeError):
        raise _not_found("UMKM class", slug, UMKM_CLASS_SLUGS) from None


def _check_revenue(value: float, field: str) -> float:
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{field} must be a number of IDR, got {value!r}") from None
    if math.isnan(amount):
        raise ValidationError(f"{field} is missing (NaN); give an amount in IDR")
    if amount < 0:
        raise ValidationError(f"{field} must not be negative, got {value!r}")
    return amount


def stage_for_revenue(monthly_revenue_idr: float) -> str:
    """Imers stage slug for a monthly revenue.

    A boundary value belongs to the higher stage: exactly 100 juta is ``survivor``.

    Parameters
    ----------
    monthly_revenue_idr:
        Monthly revenue (omset per bulan) in IDR, ``>= 0``.

    Returns
    -------
    str
        One of :data:`STAGE_SLUGS`.

    Raises
    ------
    ValidationError
        If the revenue is negative, NaN or not a number.
    """
    amount = _check_revenue(monthly_revenue_idr, "monthly_revenue_idr")
    slug = STAGES[0].slug
    for s in STAGES:  # ascending thresholds: the last one reached wins
        if amount >= s.min_revenue_idr:
            slug = s.slug
    return slug


def umkm_class_for_revenue(annual_revenue_idr: float) -> str:
    """UMKM class slug for annual sales (PP 7/2021).

    ``mikro`` up to 2 miliar, ``kecil`` over 2 up to 15 miliar, ``menengah`` over 15
    up to 50 miliar, ``besar`` above 50 miliar: an upper bound belongs to its class.

    Parameters
    ----------
    annual_revenue_idr:
        Annual sales in IDR, ``>= 0``.

    Returns
    -------
    str
        One of :data:`UMKM_CLASS_SLUGS`.

    Raises
    ------
    ValidationError
        If the revenue is negative, NaN or not a number.
    """
    amount = _check_revenue(annual_revenue_idr, "annual_revenue_idr")
    slug = UMKM_CLASSES[0].slug
    for u in UMKM_CLASSES:  # ascending bounds: the last one exceeded wins
        if u.min_exclusive_idr is not None and amount > u.min_exclusive_idr:
            slug = u.slug
    return slug


def _haversine_km(
    lat1: npt.NDArray[np.float64],
    lon1: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    angle = np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    result: npt.NDArray[np.float64] = 2.0 * EARTH_RADIUS_KM * angle
    return result


@cache
def province_distance_matrix() -> npt.NDArray[np.float64]:
    """Great-circle distances between the provinces' capitals.

    Returns
    -------
    numpy.ndarray
        Read-only ``(38, 38)`` float array in km, rows and columns in
        :data:`PROVINCE_NAMES` order; symmetric with a zero diagonal. Computed once.
    """
    lat = np.array([p.lat for p in PROVINCES], dtype=np.float64)
    lon = np.array([p.lon for p in PROVINCES], dtype=np.float64)
    matrix = _haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    matrix = (matrix + matrix.T) / 2.0
    np.fill_diagonal(matrix, 0.0)
    matrix.setflags(write=False)
    return matrix


def distance_km(a: str, b: str) -> float:
    """Haversine distance in km between the capitals of two provinces.

    Parameters
    ----------
    a, b:
        Canonical names (or slugs) of the provinces.

    Returns
    -------
    float
        Distance in km (0 for the same province).

    Raises
    ------
    NotFoundError
        If either is not a canonical province name or slug.
    """
    return float(province_distance_matrix()[province_index(a), province_index(b)])


@cache
def category_similarity_matrix() -> npt.NDArray[np.float64]:
    """Similarity between categories from the reference relation.

    Returns
    -------
    numpy.ndarray
        Read-only ``(22, 22)`` float array in :data:`CATEGORY_SLUGS` order: 1 on the
        diagonal, :data:`RELATED_CATEGORY_SIMILARITY` for related pairs (the relation
        is made symmetric), 0 otherwise.
    """
    n = len(CATEGORIES)
    matrix = np.zeros((n, n), dtype=np.float64)
    for i, c in enumerate(CATEGORIES):
        for other in c.related:
            j = _CATEGORY_POS[other]
            matrix[i, j] = matrix[j, i] = RELATED_CATEGORY_SIMILARITY
    np.fill_diagonal(matrix, 1.0)
    matrix.setflags(write=False)
    return matrix
