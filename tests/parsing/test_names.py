"""Name parsers: provinces, categories, channels, certifications, stages."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchmaker import parsing, reference
from matchmaker.errors import ParseError
from matchmaker.parsing import (
    normalize_key,
    parse_categories,
    parse_category,
    parse_certification,
    parse_certifications,
    parse_channel,
    parse_channels,
    parse_province,
    parse_provinces,
    parse_stage,
    parse_umkm_class,
)


def test_public_names_exist() -> None:
    for name in parsing.__all__:
        assert hasattr(parsing, name), name


@st.composite
def scrambled(draw: st.DrawFn, text: str) -> str:
    """The same words in random case, with random spacing and punctuation between them."""
    words = text.split()
    seps = st.sampled_from([" ", "  ", "-", "_", ". ", " \t"])
    out = draw(st.sampled_from(["", " ", "  "]))
    for i, word in enumerate(words):
        flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
        out += "".join(c.upper() if f else c.lower() for c, f in zip(word, flips, strict=True))
        if i < len(words) - 1:
            out += draw(seps)
    return out + draw(st.sampled_from(["", " ", "\n"]))


# --- provinces ------------------------------------------------------------------------

PROVINCE_FORMS = [
    (form, p.name) for p in reference.PROVINCES for form in (p.name, p.slug, p.english, *p.aliases)
]


@given(st.sampled_from(PROVINCE_FORMS).flatmap(lambda f: st.tuples(scrambled(f[0]), st.just(f[1]))))
def test_every_province_form_resolves(case: tuple[str, str]) -> None:
    text, expected = case
    assert parse_province(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jatim", "Jawa Timur"),
        ("JAWA TIMUR", "Jawa Timur"),
        ("East Java", "Jawa Timur"),
        ("jawa  timur", "Jawa Timur"),
        ("Prov. Jawa Timur", "Jawa Timur"),
        ("Provinsi Jawa Timur", "Jawa Timur"),
        ("Jawa Timr", "Jawa Timur"),
        ("DIY", "DI Yogyakarta"),
        ("D.I. Yogyakarta", "DI Yogyakarta"),
        ("Daerah Istimewa Yogyakarta", "DI Yogyakarta"),
        ("Yogyakarta", "DI Yogyakarta"),
        ("Jogja", "DI Yogyakarta"),
        ("Jakarta", "DKI Jakarta"),
        ("DKI", "DKI Jakarta"),
        ("Jakarta Raya", "DKI Jakarta"),
        ("DKI Jakarta", "DKI Jakarta"),
        ("Bangka Belitung", "Kepulauan Bangka Belitung"),
        ("Babel", "Kepulauan Bangka Belitung"),
        ("Kep. Bangka Belitung", "Kepulauan Bangka Belitung"),
        ("Kepri", "Kepulauan Riau"),
        ("Kep. Riau", "Kepulauan Riau"),
        ("Riau", "Riau"),
        ("Papua", "Papua"),
        ("Papua Barat", "Papua Barat"),
        ("Papua Barat Daya", "Papua Barat Daya"),
        ("West Papua", "Papua Barat"),
        ("Nanggroe Aceh Darussalam", "Aceh"),
        ("NAD", "Aceh"),
        ("Sumut", "Sumatera Utara"),
        ("Sumatra Utara", "Sumatera Utara"),
        ("North Sumatra", "Sumatera Utara"),
        ("NTB", "Nusa Tenggara Barat"),
        ("ntt", "Nusa Tenggara Timur"),
        ("Kalbar", "Kalimantan Barat"),
        ("Kaltara", "Kalimantan Utara"),
        ("Sultra", "Sulawesi Tenggara"),
        ("Malut", "Maluku Utara"),
        ("Maluku", "Maluku"),
        ("Pabar", "Papua Barat"),
        ("Gorontalo", "Gorontalo"),
        ("Sulawesi Selatn", "Sulawesi Selatan"),
        ("Kalimantan Tenggah", "Kalimantan Tengah"),
    ],
)
def test_province_examples(text: str, expected: str) -> None:
    assert parse_province(text) == expected


@pytest.mark.parametrize(
    ("text", "must_suggest"),
    [
        ("Jawa", {"Jawa Barat", "Jawa Tengah", "Jawa Timur"}),
        ("Kalimantan", {"Kalimantan Barat"}),
        ("Sumatra", {"Sumatera Utara"}),
        ("Nusa Tenggara", {"Nusa Tenggara Barat", "Nusa Tenggara Timur"}),
        ("Sulawesi Tengga", {"Sulawesi Tengah", "Sulawesi Tenggara"}),
    ],
)
def test_ambiguous_province_is_rejected_with_suggestions(text: str, must_suggest: set[str]) -> None:
    with pytest.raises(ParseError, match="ambiguous") as info:
        parse_province(text)
    assert must_suggest <= set(info.value.suggestions)
    assert 1 <= len(info.value.suggestions) <= 3


@pytest.mark.parametrize("text", ["Atlantis", "Kuala Lumpur", "Jtm", "Jatimm Selatan", "12345"])
def test_unknown_province_is_rejected(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_province(text)
    assert len(info.value.suggestions) <= 3
    assert set(info.value.suggestions) <= set(reference.PROVINCE_NAMES)


def test_unknown_province_message_and_suggestions() -> None:
    with pytest.raises(ParseError, match="unknown province 'Jawa Tmur Raya'") as info:
        parse_province("Jawa Tmur Raya")
    assert info.value.suggestions[0] == "Jawa Timur"
    assert "did you mean" in str(info.value)


@pytest.mark.parametrize("blank", [None, "", "  ", float("nan"), "-"])
def test_blank_province_is_an_error(blank: object) -> None:
    with pytest.raises(ParseError, match="empty"):
        parse_province(blank)


@pytest.mark.parametrize("short", ["jtm", "jbr", "kal", "sul", "pap"])
def test_short_strings_are_never_fuzzy_matched(short: str) -> None:
    with pytest.raises(ParseError):
        parse_province(short)


def _deletions(text: str) -> list[str]:
    return [text[:i] + text[i + 1 :] for i in range(len(text)) if text[i] != " "]


def _never_wrong(parse: Callable[[object], str], forms: list[tuple[str, str]]) -> list[str]:
    """One-letter deletions of every form: resolved to the same target or rejected.

    A deletion that spells another known word exactly (``rendang`` -> ``renang``)
    is that word, not a typo, and is skipped.
    """
    known = {normalize_key(f) for f, _ in forms}
    wrong = []
    for form, expected in forms:
        for typo in _deletions(form):
            if normalize_key(typo) in known:
                continue
            try:
                got = parse(typo)
            except ParseError:
                continue
            if got != expected:
                wrong.append(f"{typo!r} -> {got} (from {form!r}, {expected})")
    return wrong


def test_one_letter_typos_of_provinces_never_resolve_to_another_province() -> None:
    assert _never_wrong(parse_province, PROVINCE_FORMS) == []


def test_typos_of_long_province_names_are_corrected() -> None:
    for p in reference.PROVINCES:
        if len(normalize_key(p.name)) >= 8:
            fixed = sum(parse_province(t) == p.name for t in _deletions(p.name) if _ok(t))
            assert fixed >= 1, p.name


def _ok(text: str) -> bool:
    try:
        parse_province(text)
    except ParseError:
        return False
    return True


@given(st.text(max_size=30))
def test_province_parser_returns_a_canonical_name_or_raises(text: str) -> None:
    try:
        assert parse_province(text) in reference.PROVINCE_NAMES
    except ParseError as error:
        assert set(error.suggestions) <= set(reference.PROVINCE_NAMES)


# --- province lists -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["nasional", "Nasional", "seluruh Indonesia", "SELURUH INDONESIA", "all", "indonesia"]
)
def test_nationwide_means_every_province_in_contract_order(text: str) -> None:
    assert parse_provinces(text) == list(reference.PROVINCE_NAMES)
    assert parse_provinces(f"Jatim; {text}") == list(reference.PROVINCE_NAMES)


def test_blank_province_list_default() -> None:
    assert parse_provinces(None) == list(reference.PROVINCE_NAMES)
    assert parse_provinces("") == list(reference.PROVINCE_NAMES)
    assert parse_provinces("", default_all=False) == []
    assert parse_provinces(float("nan"), default_all=False) == []


def test_province_list_keeps_order_and_drops_duplicates() -> None:
    assert parse_provinces("Jatim; Jawa Timur; DIY; east java ;Bali") == [
        "Jawa Timur",
        "DI Yogyakarta",
        "Bali",
    ]
    assert parse_provinces("Jatim, Jateng") == ["Jawa Timur", "Jawa Tengah"]
    assert parse_provinces(["Bali", "NTB"]) == ["Bali", "Nusa Tenggara Barat"]


def test_island_group_in_a_province_list() -> None:
    java = [p.name for p in reference.PROVINCES if p.island_group == "Jawa"]
    assert parse_provinces("seluruh Jawa") == java
    assert parse_provinces("Bali; pulau Jawa") == ["Bali", *java]
    assert len(parse_provinces("Pulau Papua")) == 6


def test_province_list_error_names_the_bad_item() -> None:
    with pytest.raises(ParseError, match="Narnia"):
        parse_provinces("Jatim; Narnia; Bali")


@given(st.lists(st.sampled_from(PROVINCE_FORMS), max_size=8))
def test_province_list_roundtrip(forms: list[tuple[str, str]]) -> None:
    text = "; ".join(f for f, _ in forms)
    expected = list(dict.fromkeys(name for _, name in forms))
    assert parse_provinces(text, default_all=False) == expected


# --- categories ---------------------------------------------------------------------

CATEGORY_FORMS = [
    (form, c.slug)
    for c in reference.CATEGORIES
    for form in (c.slug, c.label, c.label_en, *c.synonyms)
]


@given(st.sampled_from(CATEGORY_FORMS).flatmap(lambda f: st.tuples(scrambled(f[0]), st.just(f[1]))))
def test_every_category_form_resolves(case: tuple[str, str]) -> None:
    text, expected = case
    assert parse_category(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kosmetik", "beauty"),
        ("Kosmetika", "beauty"),
        ("skincare", "beauty"),
        ("Skin Care", "beauty"),
        ("make up", "beauty"),
        ("makeup", "beauty"),
        ("serum", "beauty"),
        ("lipstik", "beauty"),
        ("kosmetk", "beauty"),
        ("camilan", "food"),
        ("cemilan", "food"),
        ("snack", "food"),
        ("keripik", "food"),
        ("sambal", "food"),
        ("keripik pisang", "food"),
        ("hijab", "fashion_muslim"),
        ("jilbab", "fashion_muslim"),
        ("kerudung", "fashion_muslim"),
        ("gamis", "fashion_muslim"),
        ("mukena", "fashion_muslim"),
        ("baju koko", "fashion_muslim"),
        ("busana muslim", "fashion_muslim"),
        ("Fashion Muslim", "fashion_muslim"),
        ("fashion-muslim", "fashion_muslim"),
        ("Fashion & Pakaian", "fashion"),
        ("Fashion dan Pakaian", "fashion"),
        ("kopi", "beverages"),
        ("teh", "beverages"),
        ("jus", "beverages"),
        ("jamu", "herbal"),
        ("empon-empon", "herbal"),
        ("nugget", "frozen_food"),
        ("Makanan Beku", "frozen_food"),
        ("Ibu & Bayi", "mother_baby"),
        ("Aksesoris HP", "phone_accessories"),
        ("casing hp", "phone_accessories"),
        ("Stationary", "stationery"),
        ("ATK", "stationery"),
        ("mebel", "furniture"),
        ("Kerajinan Tangan", "handicraft"),
        ("Pet Supplies", "pet_supplies"),
        ("Otomotif", "automotive"),
        ("Home Decor", "home_living"),
    ],
)
def test_category_examples(text: str, expected: str) -> None:
    assert parse_category(text) == expected


@pytest.mark.parametrize("text", ["qwerty", "xyzzy plugh", "barang", "lain-lain"])
def test_unknown_category(text: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_category(text)
    assert set(info.value.suggestions) <= set(reference.CATEGORY_SLUGS)
    assert len(info.value.suggestions) <= 3


def test_phrase_mentioning_two_categories_is_ambiguous() -> None:
    with pytest.raises(ParseError, match="ambiguous") as info:
        parse_category("baju muslim anak")
    assert set(info.value.suggestions) == {"fashion_muslim", "toys_kids"}


def test_one_letter_typos_of_category_names_never_resolve_to_another_category() -> None:
    assert _never_wrong(parse_category, CATEGORY_FORMS) == []


def test_one_letter_typos_of_channels_and_certifications_are_never_misread() -> None:
    assert _never_wrong(parse_channel, CHANNEL_FORMS) == []
    assert _never_wrong(parse_certification, CERTIFICATION_FORMS) == []


def test_category_list() -> None:
    assert parse_categories("kosmetik; skincare; hijab") == ["beauty", "fashion_muslim"]
    assert parse_categories("camilan, kopi") == ["food", "beverages"]
    assert parse_categories(None) == []
    assert parse_categories("tidak ada") == []
    with pytest.raises(ParseError, match="qwerty"):
        parse_categories("food; qwerty")


@given(st.text(max_size=30))
def test_category_parser_returns_a_slug_or_raises(text: str) -> None:
    try:
        assert parse_category(text) in reference.CATEGORY_SLUGS
    except ParseError as error:
        assert set(error.suggestions) <= set(reference.CATEGORY_SLUGS)


# --- channels and certifications ----------------------------------------------------

CHANNEL_FORMS = [
    (form, c.slug) for c in reference.CHANNEL_INFO for form in (c.slug, c.label, *c.synonyms)
]
CERTIFICATION_FORMS = [
    (form, c.slug) for c in reference.CERTIFICATION_INFO for form in (c.slug, c.label, *c.synonyms)
]


@given(st.sampled_from(CHANNEL_FORMS).flatmap(lambda f: st.tuples(scrambled(f[0]), st.just(f[1]))))
def test_every_channel_form_resolves(case: tuple[str, str]) -> None:
    text, expected = case
    assert parse_channel(text) == expected


@given(
    st.sampled_from(CERTIFICATION_FORMS).flatmap(
        lambda f: st.tuples(scrambled(f[0]), st.just(f[1]))
    )
)
def test_every_certification_form_resolves(case: tuple[str, str]) -> None:
    text, expected = case
    assert parse_certification(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fb ads", "facebook_ads"),
        ("Facebook", "facebook_ads"),
        ("Meta Ads", "facebook_ads"),
        ("adwords", "google_ads"),
        ("Google Ads", "google_ads"),
        ("SEO", "seo"),
        ("TikTok Shop", "tiktok"),
        ("tik tok", "tiktok"),
        ("IG", "instagram"),
        ("WA", "whatsapp"),
        ("WhatsApp Business", "whatsapp"),
        ("Shopee", "marketplace"),
        ("Tokopedia", "marketplace"),
        ("lazada", "marketplace"),
        ("e-mail", "email"),
        ("iklan di facebook", "facebook_ads"),
    ],
)
def test_channel_examples(text: str, expected: str) -> None:
    assert parse_channel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MUI", "halal"),
        ("Halal MUI", "halal"),
        ("sertifikat halal", "halal"),
        ("Badan POM", "bpom"),
        ("BPOM RI", "bpom"),
        ("P-IRT", "pirt"),
        ("PIRT", "pirt"),
        ("SPP-IRT", "pirt"),
        ("sppirt", "pirt"),
        ("SNI", "sni"),
    ],
)
def test_certification_examples(text: str, expected: str) -> None:
    assert parse_certification(text) == expected


def test_channel_and_certification_lists() -> None:
    assert parse_channels("fb ads; ig; wa; shopee; tokopedia") == [
        "facebook_ads",
        "instagram",
        "whatsapp",
        "marketplace",
    ]
    assert parse_channels("") == []
    assert parse_certifications("MUI; P-IRT") == ["halal", "pirt"]
    assert parse_certifications("tidak ada") == []
    assert parse_certifications("Belum ada") == []
    assert parse_certifications(None) == []
    with pytest.raises(ParseError):
        parse_certifications("ISO 9001")
    with pytest.raises(ParseError):
        parse_channel("radio")


# --- stages and classes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hit_and_runner", "hit_and_runner"),
        ("Hit and runner", "hit_and_runner"),
        ("hit-and-runner", "hit_and_runner"),
        ("HIT AND RUNNER", "hit_and_runner"),
        ("Hit & Runner", "hit_and_runner"),
        ("hitandrunner", "hit_and_runner"),
        ("Survivor", "survivor"),
        ("PIONEER", "pioneer"),
        (" rising ", "rising"),
        ("Challenger", "challenger"),
        ("challengr", "challenger"),
    ],
)
def test_stage_examples(text: str, expected: str) -> None:
    assert parse_stage(text) == expected


def test_stage_blank_and_unknown() -> None:
    assert parse_stage(None) is None
    assert parse_stage("") is None
    with pytest.raises(ParseError) as info:
        parse_stage("champion")
    assert set(info.value.suggestions) <= set(reference.STAGE_SLUGS)


@given(st.sampled_from(reference.STAGES).flatmap(lambda s: scrambled(s.label)))
def test_stage_labels_roundtrip(text: str) -> None:
    assert parse_stage(text) in reference.STAGE_SLUGS
    assert (
        reference.stage(parse_stage(text) or "").label.casefold()
        == " ".join(text.replace("-", " ").replace("_", " ").replace(".", " ").split()).casefold()
    )


def test_umkm_class_parser() -> None:
    assert parse_umkm_class("Usaha Mikro") == "mikro"
    assert parse_umkm_class("small") == "kecil"
    assert parse_umkm_class("MENENGAH") == "menengah"
    assert parse_umkm_class("") is None
    with pytest.raises(ParseError):
        parse_umkm_class("raksasa")


def test_normalize_key() -> None:
    assert normalize_key("Hit-and-runner") == "hitrunner"
    assert normalize_key("  Kep. Riau ") == "kepriau"
    assert normalize_key("Fashion & Pakaian") == normalize_key("fashion dan pakaian")


_CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.lists(st.text(max_size=8), max_size=3),
)


@pytest.mark.parametrize(
    "parser",
    [
        parse_province,
        parse_provinces,
        parse_category,
        parse_categories,
        parse_channel,
        parse_channels,
        parse_certification,
        parse_certifications,
        parse_stage,
        parse_umkm_class,
    ],
)
@given(value=_CELLS)
def test_name_parsers_only_raise_parse_error(
    parser: Callable[[object], object], value: object
) -> None:
    with contextlib.suppress(ParseError):
        parser(value)
