"""Normalisers on Indonesian names, phones, e-mails and places (examples and properties)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.dedupe.normalise import (
    HONORIFICS,
    LEGAL_FORMS,
    name_parts,
    name_tokens,
    normalise_city,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_phones,
    normalise_province,
)

WORDS = ["Berkah", "Jaya", "Makmur", "Sumber", "Rejeki", "Abadi", "Kopi", "Batik", "Merapi", "Toba"]
PEOPLE = ["Ahmad", "Siti", "Darto", "Yati", "Slamet"]
LEGAL = ["PT", "CV", "UD", "Toko", "Koperasi", "KUD", "PT.", "CV.", "U.D."]
TITLES = ["Bpk.", "Ibu", "H.", "Hj.", "Pak", "Bu"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CV Sumber Rejeki", "sumber rejeki"),
        ("Sumber Rejeki, CV", "sumber rejeki"),
        ("SUMBER REZEKI, C.V.", "sumber rejeki"),
        ("Toko Berkah Jaya Bpk. Ahmad", "berkah jaya ahmad"),
        ("UD. Soember Djaja", "sumber jaya"),
        ("Koperasi Unit Desa Makmur", "makmur"),
        ("KUD Makmur", "makmur"),
        ("PT Tanjung Banjar", "tanjung banjar"),
        ("Keripik Tempe Bu Sri", "keripik tempe sri"),
        ("Hj. Siti Aminah", "siti aminah"),
        ("Toko Ibu", "toko ibu"),
        ("  ", ""),
    ],
)
def test_names(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_owner_is_split_from_the_business_name() -> None:
    assert name_parts("Toko Berkah Jaya Bpk. H. Ahmad") == (("berkah", "jaya"), ("ahmad",))
    assert name_parts("Berkah Jaya") == (("berkah", "jaya"), ())
    assert name_parts("Ibu Siti") == (("siti",), ())
    assert name_parts(None) == ((), ())


@st.composite
def business_names(draw: st.DrawFn) -> tuple[list[str], str | None, str | None, str | None]:
    core = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3, unique=True))
    legal = draw(st.none() | st.sampled_from(LEGAL))
    title = draw(st.none() | st.sampled_from(TITLES))
    person = draw(st.sampled_from(PEOPLE)) if title else None
    return core, legal, title, person


@settings(max_examples=200, deadline=None)
@given(business_names(), st.booleans(), st.sampled_from(["upper", "lower", "title", "asis"]))
def test_legal_form_place_case_and_punctuation_do_not_matter(
    parts: tuple[list[str], str | None, str | None, str | None], suffix: bool, case: str
) -> None:
    core, legal, title, person = parts
    base = " ".join(core + ([title, person] if title and person else []))
    plain = normalise_name(base)
    written = base if legal is None else (f"{base}, {legal}" if suffix else f"{legal} {base}")
    written = {
        "upper": written.upper(),
        "lower": written.lower(),
        "title": written.title(),
        "asis": written,
    }[case]
    assert normalise_name(written) == plain
    assert normalise_name(written.replace(" ", "  ").replace(",", " ,")) == plain


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_name_normaliser_is_idempotent_and_clean(text: str) -> None:
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == once.strip()
    assert re.fullmatch(r"[0-9a-z ]*", once)
    for token in name_tokens(text):
        assert token  # no empty tokens


def test_legal_forms_and_titles_never_survive_when_there_is_more() -> None:
    for legal in LEGAL_FORMS:
        for title in HONORIFICS:
            assert normalise_name(f"{legal} Merapi {title} Darto") == "merapi darto"


@st.composite
def mobile_numbers(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["811", "812", "813", "821", "852", "857", "878", "895"]))
    rest = draw(st.text(alphabet="0123456789", min_size=6, max_size=8))
    return prefix + rest


def _formats(n: str) -> list[str]:
    a, b, c = n[:3], n[3:7], n[7:]
    return [
        f"0{a}-{b}-{c}",
        f"+62 {a} {b} {c}",
        f"62{n}",
        f"0{n}",
        f"(0{a}) {b}{c}",
        f"+62{n}",
        f"+62 (0){a} {b} {c}",
        f"0062 {n}",
        f"{a}{b}{c}",
        f"0{a}.{b}.{c}",
    ]


@settings(max_examples=200, deadline=None)
@given(mobile_numbers())
def test_every_way_of_writing_a_number_gives_the_same_plus62_form(number: str) -> None:
    forms = {normalise_phone(f) for f in _formats(number)}
    assert forms == {f"+62{number}"}
    assert normalise_phone(f"+62{number}") == f"+62{number}"  # idempotent


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_phone_normaliser_output_shape(text: str) -> None:
    for phone in normalise_phones(text):
        assert re.fullmatch(r"\+\d{8,15}", phone)
        assert normalise_phones(phone) == (phone,)


def test_phone_examples() -> None:
    assert normalise_phone("0812-3456-7890") == "+6281234567890"
    assert normalise_phone("+62 812 3456 7890") == "+6281234567890"
    assert normalise_phone("6281234567890") == "+6281234567890"
    assert normalise_phone(6281234567890) == "+6281234567890"
    assert normalise_phone("(021) 555-1234") == "+62215551234"
    assert normalise_phones("0812-1111-2222 / 0813 3333 4444") == (
        "+6281211112222",
        "+6281333334444",
    )
    assert normalise_phone("+65 6123 4567") == "+6561234567"
    for blank in (None, float("nan"), "", "-", "0", "123"):
        assert normalise_phone(blank) is None


def test_emails() -> None:
    assert normalise_email(" Budi.Santoso@GMAIL.com ") == "budisantoso@gmail.com"
    assert normalise_email("budi.santoso+toko@googlemail.com") == "budisantoso@gmail.com"
    assert normalise_email("Info@Berkah.co.id") == "info@berkah.co.id"
    assert normalise_email("mailto:info@berkah.co.id") == "info@berkah.co.id"
    for bad in (None, "", "no-at-sign", "a@b", "two@@signs.com", "x y@z.com"):
        assert normalise_email(bad) is None


@settings(max_examples=200, deadline=None)
@given(st.emails())
def test_email_normaliser_is_idempotent(address: str) -> None:
    once = normalise_email(address)
    if once is not None:
        assert normalise_email(once) == once
        assert once == once.lower()


def test_places() -> None:
    assert normalise_city("Kab. Sleman") == "sleman"
    assert normalise_city("KOTA BANDUNG") == normalise_city("Kabupaten Bandung") == "bandung"
    assert normalise_city("Kota Adm. Jakarta Selatan") == "jakarta selatan"
    assert normalise_city("Soerabaja") == "surabaya"
    assert normalise_city(None) == ""
    assert normalise_province("Jawa Timur") == "Jawa Timur"
    assert normalise_province("jatim") == "Jawa Timur"
    assert normalise_province("East Java") == "Jawa Timur"
    assert normalise_province("DIY") == "DI Yogyakarta"
    assert normalise_province(None) == ""


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["Bandung", "Sleman", "Jakarta Selatan", "Deli Serdang"]), st.booleans())
def test_city_prefix_and_case_do_not_matter(city: str, upper: bool) -> None:
    for written in (city, f"Kota {city}", f"Kab. {city}", f"Kabupaten {city}"):
        shown = written.upper() if upper else written
        assert normalise_city(shown) == normalise_city(city)
        assert normalise_city(normalise_city(shown)) == normalise_city(city)
