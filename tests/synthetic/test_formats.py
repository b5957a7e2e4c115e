"""Messy cells use only contract forms: every one parses, to the same values as canonical."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from matchmaker import ingest, parsing, reference
from matchmaker.synthetic import SyntheticRegistry, _money_text, write_registry

MONEY = {
    "suppliers": ("annual_revenue_idr", "unit_price_idr"),
    "imers": ("monthly_revenue_idr", "monthly_ad_budget_idr"),
}


def _unique_parse(series: pd.Series, parse) -> dict[str, Any]:
    """Parse each distinct non-empty cell once (raises on the first bad cell)."""
    return {v: parse(v) for v in series[series != ""].unique()}


def _bits(mask: int, names: tuple[str, ...]) -> set[str]:
    return {n for b, n in enumerate(names) if (mask >> b) & 1}


def test_every_messy_cell_parses_to_the_true_value(default: SyntheticRegistry) -> None:
    s, i, p = default.suppliers, default.imers, default.partnerships
    ts, ti = default.truth["suppliers"], default.truth["imers"]
    provinces = reference.PROVINCE_NAMES
    for frame, truth, reach in ((s, ts, "ships_to"), (i, ti, "target_provinces")):
        parsed = frame["province"].map(_unique_parse(frame["province"], parsing.parse_province))
        assert list(parsed) == [provinces[k] for k in truth["province_index"]]
        cats = frame["categories"].map(_unique_parse(frame["categories"], parsing.parse_categories))
        for got, mask, primary in zip(
            cats, truth["category_mask"], truth["primary_category"], strict=True
        ):
            assert set(got) == _bits(int(mask), reference.CATEGORY_SLUGS)
            assert got[0] == reference.CATEGORY_SLUGS[primary]
        mask_col = "ships_to_mask" if reach == "ships_to" else "target_mask"
        areas = frame[reach].map(_unique_parse(frame[reach], parsing.parse_provinces))
        for got, mask in zip(areas, truth[mask_col], strict=True):
            assert set(got) == _bits(int(mask), provinces)
    for col in MONEY["suppliers"]:
        money = _unique_parse(s[col], parsing.parse_money)
        shown = s[col] != ""
        assert s.loc[shown, col].map(money).tolist() == (
            ts.loc[shown, col].round().astype(int).tolist()
        )
    for col in MONEY["imers"]:
        money = _unique_parse(i[col], parsing.parse_money)
        assert all(v is not None and v > 0 for v in money.values())
    shown = i["monthly_revenue_idr"] != ""
    revenue = i.loc[shown, "monthly_revenue_idr"].map(
        _unique_parse(i["monthly_revenue_idr"], parsing.parse_money)
    )
    assert revenue.tolist() == ti.loc[shown, "monthly_revenue_idr"].round().astype(int).tolist()
    for frame, col in ((s, "dropship"), (i, "needs_dropship")):
        flags = frame[col].map(_unique_parse(frame[col], parsing.parse_bool))
        truth_col = ts["dropship"] if col == "dropship" else ti["needs_dropship"]
        assert flags.tolist() == truth_col.tolist()
    for frame, cols in (
        (s, ("monthly_capacity_units", "min_order_qty")),
        (i, ("monthly_orders",)),
        (p, ("monthly_units",)),
    ):
        for col in cols:
            _unique_parse(frame[col], parsing.parse_int)
    _unique_parse(s["certifications"], parsing.parse_certifications)
    _unique_parse(i["required_certifications"], parsing.parse_certifications)
    _unique_parse(i["channels"], parsing.parse_channels)
    stages = _unique_parse(i["stage"], parsing.parse_stage)
    assert set(stages.values()) <= set(reference.STAGE_SLUGS)
    _unique_parse(p["started_at"], parsing.parse_date)
    _unique_parse(p["ended_at"], parsing.parse_date)
    assert set(_unique_parse(p["rating"], parsing.parse_rating).values()) <= {1, 2, 3, 4, 5}


def test_messy_files_use_the_variants(default: SyntheticRegistry) -> None:
    s, i = default.suppliers, default.imers
    text = pd.concat([s[c] for c in s.columns] + [i[c] for c in i.columns])
    for variant in ("Rp ", " juta", " miliar", "rb", "Jatim", "DIY", "JAWA BARAT", "East Java"):
        assert text.str.contains(variant, regex=False).any(), variant
    for cell in ("ya", "tidak", "seluruh indonesia", "kosmetik", "hijab", "Makanan & Camilan"):
        assert text.str.split(";").explode().eq(cell).any(), cell


def test_canonical_files_use_canonical_values(small_canonical: SyntheticRegistry) -> None:
    s, i = small_canonical.suppliers, small_canonical.imers
    for frame in (s, i):
        assert frame["province"].isin(reference.PROVINCE_NAMES).all()
        assert set(frame["categories"].str.split(";").explode()) <= set(reference.CATEGORY_SLUGS)
    for kind, cols in MONEY.items():
        table = s if kind == "suppliers" else i
        for col in cols:
            assert table[col].str.fullmatch(r"\d*").all(), col
    assert s["dropship"].isin(["true", "false"]).all()
    assert i["needs_dropship"].isin(["true", "false"]).all()
    reach = pd.concat([s["ships_to"], i["target_provinces"]]).str.split(";").explode()
    assert set(reach) <= set(reference.PROVINCE_NAMES) | {"nasional"}


def test_messy_and_canonical_import_to_the_same_registry(
    small: SyntheticRegistry, small_canonical: SyntheticRegistry, tmp_path: Path
) -> None:
    frames = []
    for name, reg in (("messy", small), ("canonical", small_canonical)):
        paths = write_registry(reg, tmp_path / name)
        sup = ingest.parse_suppliers(ingest.read_table(paths["suppliers"]))
        imr = ingest.parse_imers(ingest.read_table(paths["imers"]))
        par = ingest.parse_partnerships(
            ingest.read_table(paths["partnerships"]),
            known_suppliers=sup.frame["supplier_id"],
            known_imers=imr.frame["imer_id"],
        )
        for result in (sup, imr, par):
            assert result.errors == [], result.errors[:3]
        assert len(sup.frame) == len(reg.suppliers)
        assert len(imr.frame) == len(reg.imers)
        assert len(par.frame) == len(reg.partnerships)
        frames.append((sup.frame, imr.frame, par.frame))
    for messy, canonical in zip(*frames, strict=True):
        pd.testing.assert_frame_equal(messy, canonical)
    pd.testing.assert_frame_equal(small.partnerships, small_canonical.partnerships)


_TWO_FIGURES = st.builds(
    lambda digits, exponent: digits * 10**exponent, st.integers(10, 99), st.integers(0, 10)
)


@given(value=st.one_of(_TWO_FIGURES, st.integers(1, 10**13)), style=st.integers(0, 2))
def test_money_text_round_trips_through_the_parser(value: int, style: int) -> None:
    text = _money_text(value, style)
    assert parsing.parse_money(text) == value


def test_money_text_examples() -> None:
    assert _money_text(1_500_000, 1) == "Rp 1.500.000"
    assert _money_text(1_500_000, 2) == "1,5 juta"
    assert _money_text(2_000_000_000, 2) == "2 miliar"
    assert _money_text(750_000, 2) == "750rb"
    assert _money_text(3_500, 2) == "Rp 3.500"  # no exact word form
    assert _money_text(42, 0) == "42"
