"""Value parsers: money, numbers, ratings, booleans, dates, blanks and lists."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchmaker.errors import ParseError
from matchmaker.parsing import (
    MAX_MONEY_IDR,
    is_blank,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
    parse_money,
    parse_rating,
    split_list,
)

JUTA = 1_000_000
MILIAR = 1_000_000_000

amounts = st.integers(min_value=0, max_value=MAX_MONEY_IDR)


def indonesian(n: int) -> str:
    return f"{n:,}".replace(",", ".")


# --- money ----------------------------------------------------------------------------


@given(amounts)
def test_money_written_in_any_usual_way_parses_back(n: int) -> None:
    assert parse_money(n) == n
    assert parse_money(str(n)) == n
    assert parse_money(f"Rp {indonesian(n)}") == n
    assert parse_money(f"Rp{indonesian(n)},00") == n
    assert parse_money(f"Rp. {indonesian(n)},-") == n
    assert parse_money(f"IDR {n:,}") == n
    assert parse_money(f"{n:,}.00") == n
    assert parse_money(f"{indonesian(n)} rupiah") == n


@given(amounts)
def test_money_from_excel_floats(n: int) -> None:
    assert parse_money(float(n)) == n
    assert parse_money(np.float64(n)) == n
    assert parse_money(np.int64(n)) == n
    assert parse_money(str(float(n))) == n


@given(st.integers(min_value=0, max_value=999_999), st.integers(min_value=0, max_value=99))
def test_juta_with_decimals(whole: int, cents: int) -> None:
    """``x juta`` is x * 10^6 for x with up to two decimals, comma or point."""
    x = Decimal(whole) + Decimal(cents) / 100
    expected = int(x * JUTA)
    digits = f"{x:f}".rstrip("0").rstrip(".") if cents else str(whole)
    for unit in ("juta", " juta", "jt", " jt"):
        assert parse_money(digits.replace(".", ",") + unit) == expected
        assert parse_money(digits + unit) == expected


@given(st.integers(min_value=0, max_value=999), st.sampled_from(["rb", " ribu", "k", "K"]))
def test_ribu(x: int, unit: str) -> None:
    assert parse_money(f"{x}{unit}") == x * 1000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1500000", 1_500_000),
        ("1500000.0", 1_500_000),
        ("Rp 1.500.000", 1_500_000),
        ("Rp1.500.000,00", 1_500_000),
        ("Rp. 1.500.000,-", 1_500_000),
        ("IDR 2,500,000", 2_500_000),
        ("2,500,000.50", 2_500_001),
        ("1,5 juta", 1_500_000),
        ("1.5 juta", 1_500_000),
        ("1,5jt", 1_500_000),
        ("1.5JT", 1_500_000),
        ("Rp 1,5 juta", 1_500_000),
        ("2 miliar", 2 * MILIAR),
        ("2 milyar", 2 * MILIAR),
        ("2 M", 2 * MILIAR),
        ("2,5M", 2_500_000_000),
        ("1.500 juta", 1_500 * JUTA),
        ("0,750 juta", 750_000),
        ("750rb", 750_000),
        ("750 ribu", 750_000),
        ("750k", 750_000),
        ("1 triliun", 10**12),
        ("1.500", 1_500),
        ("1,500", 1_500),
        ("1.5", 2),
        ("0", 0),
        ("Rp 0", 0),
        ("1 500 000", 1_500_000),
        ("100 million", 100 * JUTA),
        ("3 billion", 3 * MILIAR),
        ("1.5e6", 1_500_000),
    ],
)
def test_money_examples(text: str, expected: int) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize("blank", [None, "", " ", float("nan"), pd.NA, "-", "NaN", np.nan])
def test_blank_money(blank: object) -> None:
    assert parse_money(blank) is None


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (-1, "negative"),
        (-0.5, "negative"),
        ("-1500000", "negative"),
        ("Rp -1.500.000", "negative"),
        ("-Rp 1.500.000", "negative"),
        ("abc", "not a number"),
        ("satu juta", "not a number"),
        ("1.2.3", "separators"),
        ("1.50.000", "separators"),
        ("1,500.000,00", "not a number"),
        ("5 kg", "unit"),
        ("10^16", "not a number"),
        ("2000 triliun", "larger"),
        (10**16, "larger"),
        (float("inf"), "finite"),
        (True, "yes/no"),
        ("1-5 juta", "not a number"),
    ],
)
def test_bad_money(bad: object, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_money(bad)


@given(st.text(max_size=25))
def test_money_parser_returns_an_amount_or_raises(text: str) -> None:
    try:
        value = parse_money(text)
    except ParseError:
        return
    assert value is None or (isinstance(value, int) and 0 <= value <= MAX_MONEY_IDR)


@given(st.integers(max_value=-1))
def test_negative_money_is_rejected(n: int) -> None:
    with pytest.raises(ParseError):
        parse_money(n)
    with pytest.raises(ParseError):
        parse_money(str(n))


# --- integers, floats, ratings ---------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**12))
def test_int_roundtrip(n: int) -> None:
    assert parse_int(n) == n
    assert parse_int(str(n)) == n
    assert parse_int(float(n)) == n
    assert parse_int(indonesian(n)) == n


def test_int_examples_and_bounds() -> None:
    assert parse_int("12") == 12
    assert parse_int("12.0") == 12
    assert parse_int(" 1.500 ") == 1500
    assert parse_int("5 ribu") == 5000
    assert parse_int(None) is None
    assert parse_int("") is None
    assert parse_int("-3", minimum=None) == -3
    with pytest.raises(ParseError, match="monthly_orders"):
        parse_int("-3", field="monthly_orders")
    with pytest.raises(ParseError, match="whole number"):
        parse_int("12,5")
    with pytest.raises(ParseError, match="maximum"):
        parse_int(11, maximum=10)
    with pytest.raises(ParseError, match="minimum"):
        parse_int(0, minimum=1, field="min_order_qty")
    with pytest.raises(ParseError):
        parse_int("dua belas")


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_float_roundtrip(x: float) -> None:
    assert parse_float(x) == x
    assert parse_float(repr(x)) == x
    assert parse_float(str(np.float64(x))) == x


def test_float_examples() -> None:
    assert parse_float("4,5") == 4.5
    assert parse_float("4.5") == 4.5
    assert parse_float("1.234,5") == 1234.5
    assert parse_float("1.125") == 1.125
    assert parse_float("1,12") == 1.12
    assert parse_float("1,125.5") == 1125.5
    with pytest.raises(ParseError, match="ambiguous"):
        parse_float("1,125")
    assert parse_float(None) is None
    assert parse_float(float("nan")) is None
    with pytest.raises(ParseError, match="finite"):
        parse_float(float("inf"))
    with pytest.raises(ParseError, match="minimum"):
        parse_float("-1", minimum=0, field="score")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (5, 5.0),
        ("4", 4.0),
        ("4,5", 4.5),
        ("4.5", 4.5),
        ("4/5", 4.0),
        ("4 / 5", 4.0),
        ("3 dari 5", 3.0),
        ("4 bintang", 4.0),
        ("5 stars", 5.0),
        (1, 1.0),
        (None, None),
        ("", None),
    ],
)
def test_rating_examples(text: object, expected: float | None) -> None:
    assert parse_rating(text) == expected


@pytest.mark.parametrize("bad", [0, "0", 5.5, "6", "-1", "bagus", "4/10"])
def test_bad_rating(bad: object) -> None:
    with pytest.raises(ParseError):
        parse_rating(bad)


@given(st.floats(min_value=1, max_value=5))
def test_rating_in_range_roundtrips(x: float) -> None:
    assert parse_rating(x) == x


# --- booleans ---------------------------------------------------------------------------

TRUE_WORDS = ["true", "ya", "yes", "y", "1", "benar", "iya", "t", "bisa"]
FALSE_WORDS = ["false", "tidak", "no", "n", "0", "salah", "f", "tidak bisa", "tdk", "gak"]


@given(
    st.sampled_from([(w, True) for w in TRUE_WORDS] + [(w, False) for w in FALSE_WORDS]),
    st.data(),
)
def test_bool_words_in_any_case(case: tuple[str, bool], data: st.DataObject) -> None:
    word, expected = case
    flips = data.draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    text = "".join(c.upper() if f else c for c, f in zip(word, flips, strict=True))
    padding = data.draw(st.sampled_from(["", " ", "  "]))
    assert parse_bool(padding + text + padding) is expected


@given(st.booleans())
def test_bool_roundtrip(b: bool) -> None:
    assert parse_bool(b) is b
    assert parse_bool(str(b)) is b
    assert parse_bool(int(b)) is b
    assert parse_bool(float(b)) is b
    assert parse_bool(np.bool_(b)) is b
    assert parse_bool("ya" if b else "tidak") is b


@pytest.mark.parametrize("bad", ["maybe", "2", 2, 0.5, "yess", "mungkin"])
def test_bad_bool(bad: object) -> None:
    with pytest.raises(ParseError) as info:
        parse_bool(bad)
    assert info.value.suggestions == ("ya", "tidak")


def test_blank_bool() -> None:
    assert parse_bool(None) is None
    assert parse_bool("") is None
    assert parse_bool(float("nan")) is None


# --- dates ------------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2999, 12, 31))


@given(dates)
def test_date_roundtrip(d: dt.date) -> None:
    assert parse_date(d) == d
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.day:02d}/{d.month:02d}/{d.year}") == d
    assert parse_date(f"{d.day}-{d.month}-{d.year}") == d
    assert parse_date(dt.datetime(d.year, d.month, d.day, 13, 45)) == d
    assert parse_date(pd.Timestamp(d)) == d
    assert parse_date(np.datetime64(d.isoformat())) == d
    assert parse_date(f"{d.isoformat()} 00:00:00") == d
    assert parse_date(f"{d.isoformat()}T08:30:00") == d


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-15", dt.date(2024, 3, 15)),
        ("15/03/2024", dt.date(2024, 3, 15)),
        ("15.03.2024", dt.date(2024, 3, 15)),
        ("5/3/2024", dt.date(2024, 3, 5)),
        ("15 Maret 2024", dt.date(2024, 3, 15)),
        ("15 March 2024", dt.date(2024, 3, 15)),
        ("1 Agustus 2023", dt.date(2023, 8, 1)),
        ("17 Agu 2023", dt.date(2023, 8, 17)),
        ("2024/03/15", dt.date(2024, 3, 15)),
    ],
)
def test_date_examples(text: str, expected: dt.date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("2024-02-30", "calendar"),
        ("03/15/2024", "calendar"),
        ("kemarin", "not understood"),
        ("15 Maretz 2024", "month"),
        (45000, "not a date"),
        ("2024", "not understood"),
    ],
)
def test_bad_dates(bad: object, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_date(bad)


def test_blank_dates() -> None:
    assert parse_date(None) is None
    assert parse_date("") is None
    assert parse_date(pd.NaT) is None
    assert parse_date(np.datetime64("NaT")) is None


@given(st.text(max_size=20))
def test_date_parser_returns_a_date_or_raises(text: str) -> None:
    try:
        value = parse_date(text)
    except ParseError:
        return
    assert value is None or isinstance(value, dt.date)


# --- blanks and lists -------------------------------------------------------------------


@pytest.mark.parametrize(
    "blank",
    [None, "", "   ", "\t", float("nan"), np.nan, pd.NA, pd.NaT, "NaN", "none", "NULL", "n/a",
     "-", Decimal("NaN"), [], ["", None], np.float32("nan")],
)  # fmt: skip
def test_is_blank(blank: object) -> None:
    assert is_blank(blank)


@pytest.mark.parametrize("value", [0, 0.0, False, "0", "tidak", "x", ["a"], math.pi])
def test_is_not_blank(value: object) -> None:
    assert not is_blank(value)


def test_split_list_examples() -> None:
    assert split_list("a; b ;c") == ["a", "b", "c"]
    assert split_list("a;;b; ;") == ["a", "b"]
    assert split_list("a; A; b; a") == ["a", "b"]
    assert split_list("a, b") == ["a", "b"]
    assert split_list("a, b; c") == ["a, b", "c"]
    assert split_list("a|b") == ["a", "b"]
    assert split_list("a\nb") == ["a", "b"]
    assert split_list("Fashion & Pakaian; Sepatu & Tas") == ["Fashion & Pakaian", "Sepatu & Tas"]
    assert split_list("  Jawa   Timur ") == ["Jawa Timur"]
    assert split_list(None) == []
    assert split_list(float("nan")) == []
    assert split_list(["x", " y ", None, "x"]) == ["x", "y"]
    assert split_list(("b", "a")) == ["b", "a"]
    assert split_list({"b", "a"}) == ["a", "b"]
    assert split_list(7) == ["7"]


items = (
    st.text(
        alphabet=st.characters(exclude_characters=";,|\n\r", exclude_categories=["Cs"]),
        min_size=1,
        max_size=12,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(lambda s: not is_blank(s))
)


@given(st.lists(items, max_size=6, unique_by=str.casefold), st.sampled_from([";", "; ", " ; "]))
def test_split_list_roundtrip(values: list[str], sep: str) -> None:
    assert split_list(sep.join(values)) == values


# --- every parser: a value or ParseError, never another exception ----------------------

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.text(max_size=20),
    st.dates(),
    st.datetimes(),
    st.lists(st.text(max_size=5), max_size=3),
    st.builds(object),
)


@pytest.mark.parametrize(
    "parser",
    [parse_money, parse_int, parse_float, parse_rating, parse_bool, parse_date, split_list],
)
@given(value=cells)
def test_parsers_only_raise_parse_error(parser: Callable[[object], object], value: object) -> None:
    with contextlib.suppress(ParseError):
        parser(value)
