"""Reference data: contract facts, lookups, rules and matrices."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchmaker import reference
from matchmaker.errors import NotFoundError, ValidationError

CONTRACT_PROVINCES = [
    "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi",
    "Sumatera Selatan", "Kepulauan Bangka Belitung", "Bengkulu", "Lampung", "DKI Jakarta",
    "Jawa Barat", "Banten", "Jawa Tengah", "DI Yogyakarta", "Jawa Timur", "Bali",
    "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Barat", "Kalimantan Tengah",
    "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara", "Sulawesi Utara",
    "Gorontalo", "Sulawesi Tengah", "Sulawesi Barat", "Sulawesi Selatan", "Sulawesi Tenggara",
    "Maluku", "Maluku Utara", "Papua", "Papua Barat", "Papua Barat Daya", "Papua Tengah",
    "Papua Pegunungan", "Papua Selatan",
]  # fmt: skip

CONTRACT_CATEGORIES = {
    "fashion_muslim": "Fashion Muslim",
    "fashion": "Fashion & Pakaian",
    "shoes_bags": "Sepatu & Tas",
    "beauty": "Kecantikan & Perawatan Diri",
    "health": "Kesehatan & Suplemen",
    "herbal": "Herbal & Jamu",
    "food": "Makanan & Camilan",
    "beverages": "Minuman",
    "frozen_food": "Makanan Beku",
    "mother_baby": "Ibu & Bayi",
    "toys_kids": "Mainan & Anak",
    "home_living": "Rumah Tangga & Dekorasi",
    "kitchen": "Peralatan Dapur",
    "electronics": "Elektronik",
    "phone_accessories": "Aksesoris HP",
    "automotive": "Otomotif",
    "sports_outdoor": "Olahraga & Outdoor",
    "handicraft": "Kerajinan Tangan",
    "furniture": "Furnitur",
    "agriculture": "Pertanian & Perkebunan",
    "pet_supplies": "Perlengkapan Hewan",
    "stationery": "Alat Tulis & Buku",
}

JUTA = 1_000_000
MILIAR = 1_000_000_000


def test_public_names_exist() -> None:
    for name in reference.__all__:
        assert hasattr(reference, name), name


# --- provinces ---------------------------------------------------------------------


def test_provinces_are_the_contract_list_in_order() -> None:
    assert list(reference.PROVINCE_NAMES) == CONTRACT_PROVINCES
    assert [p.name for p in reference.PROVINCES] == CONTRACT_PROVINCES


def test_province_fields_are_sane() -> None:
    slugs = [p.slug for p in reference.PROVINCES]
    assert len(set(slugs)) == 38
    for p in reference.PROVINCES:
        assert p.slug == p.slug.lower() and " " not in p.slug
        assert p.island_group in reference.ISLAND_GROUPS
        assert p.english and p.capital
        assert -11.5 < p.lat < 6.5, p  # Indonesia spans about 11°S to 6°N
        assert 94.5 < p.lon < 141.5, p
        assert all(a == a.lower() for a in p.aliases), p


@pytest.mark.parametrize(
    ("name", "english", "capital", "group"),
    [
        ("Jawa Timur", "East Java", "Surabaya", "Jawa"),
        ("DI Yogyakarta", "Special Region of Yogyakarta", "Yogyakarta", "Jawa"),
        ("DKI Jakarta", "Jakarta", "Jakarta", "Jawa"),
        ("Sulawesi Selatan", "South Sulawesi", "Makassar", "Sulawesi"),
        ("Bali", "Bali", "Denpasar", "Bali & Nusa Tenggara"),
        ("Papua Selatan", "South Papua", "Merauke", "Papua"),
        ("Kalimantan Utara", "North Kalimantan", "Tanjung Selor", "Kalimantan"),
    ],
)
def test_known_province_facts(name: str, english: str, capital: str, group: str) -> None:
    p = reference.province(name)
    assert (p.english, p.capital, p.island_group) == (english, capital, group)
    assert reference.province(p.slug) is p


def test_island_groups_cover_every_province() -> None:
    groups = {p.island_group for p in reference.PROVINCES}
    assert groups == set(reference.ISLAND_GROUPS)
    assert sum(p.island_group == "Papua" for p in reference.PROVINCES) == 6
    assert sum(p.island_group == "Jawa" for p in reference.PROVINCES) == 6


@pytest.mark.parametrize("bad", ["Jatim", "jawa timur", "", "Atlantis"])
def test_province_lookup_is_strict(bad: str) -> None:
    with pytest.raises(NotFoundError, match="province"):
        reference.province(bad)


def test_province_index_matches_order() -> None:
    for i, name in enumerate(reference.PROVINCE_NAMES):
        assert reference.province_index(name) == i
        assert reference.province_index(reference.PROVINCES[i].slug) == i


# --- categories --------------------------------------------------------------------


def test_categories_are_the_contract_table_in_order() -> None:
    assert {c.slug: c.label for c in reference.CATEGORIES} == CONTRACT_CATEGORIES
    assert list(reference.CATEGORY_SLUGS) == list(CONTRACT_CATEGORIES)


def test_category_relations_are_valid_and_symmetric() -> None:
    for c in reference.CATEGORIES:
        assert c.label_en
        assert len(c.synonyms) >= 10, c.slug
        assert c.slug not in c.related
        for other in c.related:
            assert c.slug in reference.category(other).related, (c.slug, other)
        assert set(c.required_certifications_any) <= set(reference.CERTIFICATIONS)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("fashion_muslim", "fashion"),
        ("fashion", "shoes_bags"),
        ("food", "beverages"),
        ("food", "frozen_food"),
        ("food", "herbal"),
        ("beauty", "health"),
        ("beauty", "herbal"),
        ("mother_baby", "toys_kids"),
        ("home_living", "kitchen"),
        ("home_living", "furniture"),
        ("home_living", "handicraft"),
        ("electronics", "phone_accessories"),
    ],
)
def test_expected_related_pairs(a: str, b: str) -> None:
    assert b in reference.category(a).related


def test_regulatory_requirements() -> None:
    need = {c.slug: set(c.required_certifications_any) for c in reference.CATEGORIES}
    for slug in ("food", "frozen_food", "beverages", "herbal"):
        assert need[slug] == {"pirt", "bpom"}
    assert need["beauty"] == {"bpom"}
    assert need["health"] == {"bpom"}
    assert need["electronics"] == set()
    assert need["fashion_muslim"] == set()
    halal = {c.slug for c in reference.CATEGORIES if c.halal_relevant}
    assert {
        "food",
        "beverages",
        "frozen_food",
        "beauty",
        "herbal",
        "health",
        "fashion_muslim",
    } <= halal
    assert "electronics" not in halal


def test_category_lookup() -> None:
    assert reference.category("beauty").label == "Kecantikan & Perawatan Diri"
    assert reference.category_index("stationery") == 21
    with pytest.raises(NotFoundError, match="category"):
        reference.category("Kecantikan")


def test_channels_and_certifications() -> None:
    assert reference.CHANNELS == (
        "facebook_ads", "google_ads", "seo", "tiktok", "instagram", "whatsapp", "marketplace",
        "email",
    )  # fmt: skip
    assert reference.CERTIFICATIONS == ("halal", "bpom", "pirt", "sni")
    assert reference.channel("seo").label == "SEO"
    assert reference.certification("pirt").label == "P-IRT"
    with pytest.raises(NotFoundError):
        reference.channel("fb")
    with pytest.raises(NotFoundError):
        reference.certification("mui")


# --- stages and UMKM classes --------------------------------------------------------


def test_stage_table() -> None:
    assert reference.STAGE_SLUGS == (
        "hit_and_runner",
        "survivor",
        "pioneer",
        "rising",
        "challenger",
    )
    assert [s.rank for s in reference.STAGES] == [1, 2, 3, 4, 5]
    assert reference.stage("hit_and_runner").label == "Hit and runner"
    bounds = [(s.min_revenue_idr, s.max_revenue_idr) for s in reference.STAGES]
    assert bounds == [
        (0, 100 * JUTA),
        (100 * JUTA, 1 * MILIAR),
        (1 * MILIAR, 5 * MILIAR),
        (5 * MILIAR, 20 * MILIAR),
        (20 * MILIAR, None),
    ]


@pytest.mark.parametrize(
    ("revenue", "slug"),
    [
        (0, "hit_and_runner"),
        (100 * JUTA - 1, "hit_and_runner"),
        (100 * JUTA, "survivor"),
        (1 * MILIAR - 1, "survivor"),
        (1 * MILIAR, "pioneer"),
        (5 * MILIAR - 1, "pioneer"),
        (5 * MILIAR, "rising"),
        (20 * MILIAR - 1, "rising"),
        (20 * MILIAR, "challenger"),
        (10**15, "challenger"),
        (99_999_999.5, "hit_and_runner"),
    ],
)
def test_stage_boundaries(revenue: float, slug: str) -> None:
    assert reference.stage_for_revenue(revenue) == slug


@pytest.mark.parametrize(
    ("revenue", "slug"),
    [
        (0, "mikro"),
        (2 * MILIAR, "mikro"),
        (2 * MILIAR + 1, "kecil"),
        (15 * MILIAR, "kecil"),
        (15 * MILIAR + 1, "menengah"),
        (50 * MILIAR, "menengah"),
        (50 * MILIAR + 1, "besar"),
        (2 * MILIAR + 0.5, "kecil"),
    ],
)
def test_umkm_class_boundaries(revenue: float, slug: str) -> None:
    assert reference.umkm_class_for_revenue(revenue) == slug


def test_umkm_class_table() -> None:
    assert reference.UMKM_CLASS_SLUGS == ("mikro", "kecil", "menengah", "besar")
    assert reference.umkm_class("kecil").min_exclusive_idr == 2 * MILIAR
    assert reference.umkm_class("kecil").max_inclusive_idr == 15 * MILIAR
    assert reference.umkm_class("mikro").min_exclusive_idr is None
    assert reference.umkm_class("besar").max_inclusive_idr is None


@pytest.mark.parametrize("bad", [-1, -0.01, math.nan, "lots"])
def test_revenue_must_be_a_non_negative_number(bad: object) -> None:
    with pytest.raises(ValidationError):
        reference.stage_for_revenue(bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        reference.umkm_class_for_revenue(bad)  # type: ignore[arg-type]


revenues = st.floats(min_value=0, max_value=1e14, allow_nan=False)


@given(revenues, revenues)
def test_stage_is_monotone_in_revenue(a: float, b: float) -> None:
    low, high = sorted((a, b))
    rank = {s.slug: s.rank for s in reference.STAGES}
    assert rank[reference.stage_for_revenue(low)] <= rank[reference.stage_for_revenue(high)]
    crank = {u.slug: u.rank for u in reference.UMKM_CLASSES}
    assert (
        crank[reference.umkm_class_for_revenue(low)]
        <= crank[reference.umkm_class_for_revenue(high)]
    )


@given(revenues)
def test_stage_interval_contains_revenue(revenue: float) -> None:
    s = reference.stage(reference.stage_for_revenue(revenue))
    assert s.min_revenue_idr <= revenue
    assert s.max_revenue_idr is None or revenue < s.max_revenue_idr
    u = reference.umkm_class(reference.umkm_class_for_revenue(revenue))
    assert u.min_exclusive_idr is None or revenue > u.min_exclusive_idr
    assert u.max_inclusive_idr is None or revenue <= u.max_inclusive_idr


# --- matrices ---------------------------------------------------------------------


def test_distance_matrix_shape_and_symmetry() -> None:
    d = reference.province_distance_matrix()
    assert d.shape == (38, 38)
    assert np.allclose(d, d.T)
    assert np.all(np.diag(d) == 0)
    off = d[~np.eye(38, dtype=bool)]
    assert off.min() > 0
    assert off.max() < 5500  # Sabang to Merauke is about 5,200 km
    with pytest.raises(ValueError):
        d[0, 1] = 1.0
    assert reference.province_distance_matrix() is d


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ("DKI Jakarta", "Jawa Timur", 663),  # Jakarta-Surabaya
        ("DKI Jakarta", "Jawa Barat", 120),  # Jakarta-Bandung
        ("DKI Jakarta", "Sulawesi Selatan", 1420),  # Jakarta-Makassar
        ("Bali", "Nusa Tenggara Barat", 100),  # Denpasar-Mataram
    ],
)
def test_known_distances(a: str, b: str, km: float) -> None:
    assert reference.distance_km(a, b) == pytest.approx(km, rel=0.06)
    assert reference.distance_km(b, a) == reference.distance_km(a, b)


names = st.sampled_from(reference.PROVINCE_NAMES)


@given(names, names, names)
def test_distance_triangle_inequality(a: str, b: str, c: str) -> None:
    assert (
        reference.distance_km(a, c)
        <= reference.distance_km(a, b) + reference.distance_km(b, c) + 1e-6
    )


def test_distance_unknown_province() -> None:
    with pytest.raises(NotFoundError):
        reference.distance_km("Jatim", "Bali")


def test_category_similarity_matrix() -> None:
    s = reference.category_similarity_matrix()
    assert s.shape == (22, 22)
    assert np.array_equal(s, s.T)
    assert np.all(np.diag(s) == 1.0)
    assert set(np.unique(s)) <= {0.0, reference.RELATED_CATEGORY_SIMILARITY, 1.0}
    i, j = reference.category_index("food"), reference.category_index("beverages")
    assert s[i, j] == pytest.approx(0.5)
    k = reference.category_index("automotive")
    assert s[i, k] == 0.0
    with pytest.raises(ValueError):
        s[0, 0] = 0.0
