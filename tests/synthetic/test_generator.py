"""Shape, determinism and consistency of generated registries."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker import reference
from matchmaker.errors import ValidationError
from matchmaker.schema import IMER_COLUMNS, SUPPLIER_COLUMNS
from matchmaker.synthetic import (
    IMER_FILE_COLUMNS,
    PARTNERSHIP_FILE_COLUMNS,
    SUPPLIER_FILE_COLUMNS,
    SyntheticRegistry,
    generate_registry,
)

STATUSES = {"proposed", "active", "ended", "declined"}


def _frames(reg: SyntheticRegistry) -> list[pd.DataFrame]:
    return [reg.suppliers, reg.imers, reg.partnerships, *reg.truth.values()]


def check_invariants(reg: SyntheticRegistry, start: date, end: date) -> None:
    """Contract-level invariants every generated registry satisfies."""
    s, i, p = reg.suppliers, reg.imers, reg.partnerships
    assert tuple(s.columns) == SUPPLIER_FILE_COLUMNS
    assert tuple(i.columns) == IMER_FILE_COLUMNS
    assert tuple(p.columns) == PARTNERSHIP_FILE_COLUMNS
    for frame in (s, i, p):
        assert not frame.isna().any().any(), "cells are strings, empty when absent"
        assert all(isinstance(v, str) for v in frame.to_numpy().ravel())
    assert s["supplier_id"].is_unique and i["imer_id"].is_unique
    assert s["supplier_id"].str.fullmatch(r"S\d{6,}").all()
    assert i["imer_id"].str.fullmatch(r"I\d{6,}").all()
    for col in ("name", "province", "categories"):
        assert (s[col] != "").all(), col
        assert (i[col] != "").all(), col
    assert ((i["monthly_revenue_idr"] != "") | (i["stage"] != "")).all()
    # partnerships: one row per pair, statuses and outcomes consistent
    assert not p.duplicated(["supplier_id", "imer_id"]).any()
    assert set(p["supplier_id"]) <= set(s["supplier_id"])
    assert set(p["imer_id"]) <= set(i["imer_id"])
    assert set(p["status"]) <= STATUSES
    started = pd.to_datetime(p["started_at"], format="%Y-%m-%d")
    assert started.notna().all(), "every row has started_at"
    assert (started >= pd.Timestamp(start)).all() and (started <= pd.Timestamp(end)).all()
    no_outcome = p["status"].isin(["declined", "proposed"])
    assert (p.loc[no_outcome, ["ended_at", "monthly_units", "rating"]] == "").all().all()
    assert (p.loc[p["status"] == "active", "ended_at"] == "").all()
    ended = p[p["status"] == "ended"]
    ended_at = pd.to_datetime(ended["ended_at"], format="%Y-%m-%d")
    assert (ended_at >= pd.to_datetime(ended["started_at"])).all()
    assert (ended_at <= pd.Timestamp(end)).all()
    rating = p.loc[p["rating"] != "", "rating"]
    assert rating.isin(["1", "2", "3", "4", "5"]).all()
    units = p.loc[p["monthly_units"] != "", "monthly_units"]
    assert units.str.fullmatch(r"[1-9]\d*").all()
    # the truth matches the files row for row and is not part of them
    truth = reg.truth
    assert list(truth["suppliers"]["supplier_id"]) == list(s["supplier_id"])
    assert list(truth["imers"]["imer_id"]) == list(i["imer_id"])
    assert list(truth["pairs"]["supplier_id"]) == list(p["supplier_id"])
    assert list(truth["pairs"]["imer_id"]) == list(p["imer_id"])
    hidden = {"quality", "skill", "utility", "visibility", "taste_0"}
    for frame in (s, i, p):
        assert not hidden & set(frame.columns)


def test_file_columns_follow_the_contract_schema() -> None:
    derived = {"umkm_class"}  # computed by the importer from annual revenue
    assert set(SUPPLIER_FILE_COLUMNS) == (set(SUPPLIER_COLUMNS) - derived) | {"phone", "email"}
    assert set(IMER_FILE_COLUMNS) == set(IMER_COLUMNS) | {"phone", "email"}


def test_invariants_of_the_small_registry(small: SyntheticRegistry) -> None:
    check_invariants(small, date(2023, 1, 1), date(2026, 10, 31))


def test_sizes(small: SyntheticRegistry) -> None:
    assert len(small.suppliers) == 400
    assert len(small.imers) == 120
    assert len(small.partnerships) == 10 * 120  # default rows per Imer
    reg = generate_registry(150, 50, 321, seed=3)
    assert (len(reg.suppliers), len(reg.imers), len(reg.partnerships)) == (150, 50, 321)


def test_same_seed_same_frames_different_seed_different(small: SyntheticRegistry) -> None:
    again = generate_registry(n_suppliers=400, n_imers=120, seed=7)
    for a, b in zip(_frames(small), _frames(again), strict=True):
        pd.testing.assert_frame_equal(a, b)
    other = generate_registry(n_suppliers=400, n_imers=120, seed=8)
    for a, b in zip(_frames(small)[:3], _frames(other)[:3], strict=True):
        assert not a.equals(b)


def test_all_four_statuses_and_a_realistic_decline_rate(default: SyntheticRegistry) -> None:
    status = default.partnerships["status"].value_counts()
    assert set(status.index) == STATUSES
    decided = status["active"] + status["ended"] + status["declined"]
    assert 0.20 <= status["declined"] / decided <= 0.35


def test_every_province_and_category_in_the_default_sample(default: SyntheticRegistry) -> None:
    n_prov, n_cat = len(reference.PROVINCE_NAMES), len(reference.CATEGORY_SLUGS)
    for kind in ("suppliers", "imers"):
        t = default.truth[kind]
        assert t["province_index"].nunique() == n_prov, kind
        assert t["primary_category"].nunique() == n_cat, kind
    canonical = generate_registry(messy=False)
    assert set(canonical.suppliers["province"]) == set(reference.PROVINCE_NAMES)
    cats = canonical.suppliers["categories"].str.split(";").explode()
    assert set(cats) == set(reference.CATEGORY_SLUGS)


def test_java_heavy_geography(default: SyntheticRegistry) -> None:
    names = np.asarray(reference.PROVINCE_NAMES)[default.truth["suppliers"]["province_index"]]
    share = pd.Series(names).value_counts(normalize=True)
    java = ["Jawa Barat", "Jawa Timur", "Jawa Tengah", "DKI Jakarta", "Banten", "DI Yogyakarta"]
    assert share[java].sum() > 0.55
    assert set(share.index[:3]) == {"Jawa Barat", "Jawa Timur", "Jawa Tengah"}


def test_stage_mix_is_skewed_to_hit_and_runners(default: SyntheticRegistry) -> None:
    mix = default.truth["imers"]["stage"].value_counts(normalize=True)
    assert mix.index[0] == "hit_and_runner" and mix["hit_and_runner"] > 0.45
    assert mix["hit_and_runner"] > mix["survivor"] > mix["pioneer"] > mix["challenger"]
    # stages agree with the revenue bands of the reference rules
    t = default.truth["imers"]
    assert all(
        reference.stage_for_revenue(r) == s
        for r, s in zip(t["monthly_revenue_idr"], t["stage"], strict=True)
    )


def test_umkm_classes_agree_with_revenue(default: SyntheticRegistry) -> None:
    t = default.truth["suppliers"]
    assert all(
        reference.umkm_class_for_revenue(r) == c
        for r, c in zip(t["annual_revenue_idr"], t["umkm_class"], strict=True)
    )
    mix = t["umkm_class"].value_counts(normalize=True)
    assert list(mix.index) == ["mikro", "kecil", "menengah", "besar"]


def test_some_imers_give_only_a_stage(default: SyntheticRegistry) -> None:
    only_stage = (default.imers["monthly_revenue_idr"] == "") & (default.imers["stage"] != "")
    assert 0.05 < only_stage.mean() < 0.3


def test_brand_new_imers_in_the_most_recent_months(default: SyntheticRegistry) -> None:
    p = default.partnerships
    started = pd.to_datetime(p["started_at"])
    cut = pd.Timestamp("2026-05-01")
    first = started.groupby(p["imer_id"]).min()
    new = set(first[first >= cut].index)
    recent_good = (started >= cut) & p["rating"].isin(["4", "5"])
    assert len(new) >= 30
    assert (recent_good & p["imer_id"].isin(new)).sum() >= 30
    assert (recent_good & ~p["imer_id"].isin(new)).sum() >= 30
    assert 0.1 < (started >= cut).mean() < 0.35


def test_contacts_are_synthetic(small: SyntheticRegistry) -> None:
    for frame in (small.suppliers, small.imers):
        emails = frame.loc[frame["email"] != "", "email"]
        assert emails.str.fullmatch(r"[a-z0-9.]+@example\.(com|net|org|co\.id)").all()
        phones = frame.loc[frame["phone"] != "", "phone"]
        assert phones.str.fullmatch(r"(\+62|0)8\d{9,11}").all()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_suppliers": 0}, "n_suppliers"),
        ({"n_imers": -1}, "n_imers"),
        ({"n_partnerships": -5}, "n_partnerships"),
        ({"start": date(2024, 1, 1), "end": date(2023, 1, 1)}, "end"),
    ],
)
def test_bad_arguments_are_rejected(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(field)):
        generate_registry(**kwargs)  # type: ignore[arg-type]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_suppliers=st.integers(1, 80),
    n_imers=st.integers(1, 30),
    n_partnerships=st.integers(0, 150),
    seed=st.integers(0, 2**32 - 1),
    messy=st.booleans(),
    months=st.integers(1, 30),
)
def test_invariants_hold_for_any_size_and_period(
    n_suppliers: int, n_imers: int, n_partnerships: int, seed: int, messy: bool, months: int
) -> None:
    start = date(2024, 3, 15)
    index = 2024 * 12 + 2 + months - 1
    end = date(index // 12, index % 12 + 1, 28)
    reg = generate_registry(
        n_suppliers, n_imers, n_partnerships, seed=seed, messy=messy, start=start, end=end
    )
    check_invariants(reg, start, end)
    assert len(reg.partnerships) <= n_partnerships
    assert len(reg.partnerships) <= n_suppliers * n_imers
