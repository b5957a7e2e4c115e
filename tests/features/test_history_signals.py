"""History records (time-aware, shrunk) and pair signals (exact values, bilinear oracle)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker import reference
from matchmaker.features import (
    IMER_RECORD_FIELDS,
    SIGNAL_NAMES,
    SUPPLIER_RECORD_FIELDS,
    ProfileEncoder,
    RecordBook,
    SignalContext,
    days,
    fit_signal_context,
    pair_outcomes,
    pair_signals,
    signal_factors,
)
from tests.ranking.builders import T0, imer, partnership, registry, supplier


def _book(reg):
    return RecordBook(
        pair_outcomes(reg.events),
        reg.suppliers["supplier_id"].tolist(),
        reg.imers["imer_id"].tolist(),
    )


def test_pair_outcomes_condense_events():
    reg = registry(
        [supplier("S1"), supplier("S2")],
        [imer("I1")],
        [*partnership("S1", "I1", 0, "good", rating=5), *partnership("S2", "I1", 10, "declined")],
    )
    o = pair_outcomes(reg.events)
    assert o.supplier_id.tolist() == ["S1", "S2"]
    assert o.status.tolist() == ["ended", "declined"]
    assert o.accepted.tolist() == [True, False]
    assert o.rating[0] == 5.0 and np.isnan(o.rating[1])
    assert o.decided_at[1] == pytest.approx(days(T0)[0] + 13)


def test_records_as_of_a_time_ignore_the_future():
    reg = registry(
        [supplier("S1"), supplier("S2")],
        [imer("I1"), imer("I2")],
        [
            *partnership("S1", "I1", 0, "good", rating=5),
            *partnership("S2", "I1", 0, "good", rating=2),
            *partnership("S1", "I2", 200, "declined"),
        ],
    )
    book = _book(reg)
    t0 = days(T0)[0]
    before_any, after_first, now = book.supplier_records(
        np.array([0, 0, 0]), np.array([t0, t0 + 100, t0 + 1000])
    )
    # before any decision: a newcomer at the registry prior
    assert before_any[-1] == 1.0
    assert before_any[0] == pytest.approx(book.prior_acceptance)
    # after the first (accepted, rated 5) pair: above the prior on both
    assert after_first[0] > book.prior_acceptance and after_first[1] > 0
    assert after_first[-1] == 0.0
    # whole history equals "as of far future", except the recent-demand window
    recent = SUPPLIER_RECORD_FIELDS.index("recent")
    whole = book.supplier_records(np.array([0]))[0]
    keep = np.arange(len(whole)) != recent
    np.testing.assert_allclose(whole[keep], now[keep])
    assert now[recent] == 0.0  # nothing proposed in the 90 days before t0 + 1000
    assert whole[recent] == pytest.approx(np.log1p(1))  # the decline at day 200


def test_recent_activity_counts_only_the_last_90_days():
    evs = [e for k in range(1, 6) for e in partnership("S1", f"I{k}", 10 * k, "good")]
    reg = registry([supplier("S1")], [imer(f"I{k}") for k in range(1, 6)], evs)
    book = _book(reg)
    t0 = days(T0)[0]
    recent = IMER_RECORD_FIELDS.index("recent")
    # as of day 45: proposals at days 10, 20, 30, 40 by four different Imers
    rec = book.supplier_records(np.array([0]), np.array([t0 + 45]))[0]
    assert rec[SUPPLIER_RECORD_FIELDS.index("recent")] == pytest.approx(np.log1p(4))
    # as of day 135: only the proposal at day 50 is inside the window (45, 135)
    rec = book.supplier_records(np.array([0]), np.array([t0 + 135]))[0]
    assert rec[SUPPLIER_RECORD_FIELDS.index("recent")] == pytest.approx(np.log1p(1))
    imer_rec = book.imer_records(np.array([0]), np.array([t0 + 45]))[0]
    assert imer_rec[recent] == pytest.approx(np.log1p(1))


def test_shrinkage_keeps_one_rating_near_the_prior():
    evs = [*partnership("S1", "I1", 0, "good", rating=5)]
    for k in range(2, 12):
        evs += partnership("S2", f"I{k}", k, "good", rating=3)
    reg = registry([supplier("S1"), supplier("S2")], [imer(f"I{k}") for k in range(1, 12)], evs)
    book = _book(reg)
    one, many = book.supplier_records(np.array([0, 1]))
    raw_gap = 5.0 - book.prior_rating
    assert 0 < one[1] < 0.5 * raw_gap  # one rating of 5 moves it less than half way
    assert many[1] == pytest.approx(3.0 - book.prior_rating, abs=0.2)


def test_unknown_rows_get_newcomer_records():
    reg = registry([supplier("S1")], [imer("I1")], partnership("S1", "I1", 0, "good"))
    book = _book(reg)
    rec = book.supplier_records(np.array([-1]))
    assert rec[0, -1] == 1.0 and rec[0, 0] == pytest.approx(book.prior_acceptance)


def _encoded(sups, imrs):
    reg = registry(sups, imrs)
    enc = ProfileEncoder(text_dim=4).fit(suppliers=reg.suppliers, imers=reg.imers)
    return enc.encode_imers(reg.imers), enc.encode_suppliers(reg.suppliers)


def _signals(imrs_p, sups_p, ii, jj, ctx=None):
    ctx = ctx or SignalContext.neutral()
    return pair_signals(
        imrs_p,
        sups_p,
        np.asarray(ii),
        np.asarray(jj),
        context=ctx,
        supplier_records=np.zeros((len(ii), 7)),
        imer_records=np.zeros((len(ii), 7)),
    )


def col(x, name):
    return x[:, SIGNAL_NAMES.index(name)]


def test_signals_have_the_values_their_meaning_says():
    sups = [
        supplier("S1", dropship=False, certifications=[], min_order_qty=5000,
                 monthly_capacity_units=100.0, ships_to=["Bali"], province="Bali"),
        supplier("S2", dropship=True, certifications=["pirt", "halal"], min_order_qty=10,
                 monthly_capacity_units=5000.0),
    ]  # fmt: skip
    imrs = [imer("I1", needs_dropship=True, required_certifications=["halal"],
                 monthly_orders=400.0, target_provinces=["Bali", "Jawa Barat"])]  # fmt: skip
    m, s = _encoded(sups, imrs)
    x = _signals(m, s, [0, 0], [0, 1])
    assert col(x, "dropship_missing").tolist() == [1.0, 0.0]
    assert col(x, "dropship_offered").tolist() == [0.0, 1.0]
    assert col(x, "certifications_missing").tolist() == [1.0, 0.0]
    assert col(x, "regulatory_gap").tolist() == [1.0, 0.0]  # food without PIRT/BPOM
    assert col(x, "ships_to_buyers").tolist() == [0.5, 1.0]
    # MOQ 5000 vs half of 400 a month: log10(5000 / 200) decades
    assert col(x, "moq_excess")[0] == pytest.approx(np.log10(25), abs=1e-5)
    assert col(x, "moq_excess")[1] == 0.0
    # 400 a month vs capacity 100: log10(4) decades short
    assert col(x, "capacity_shortfall")[0] == pytest.approx(np.log10(4), abs=1e-5)
    assert col(x, "category_match").tolist() == [1.0, 1.0]
    bali, jabar = reference.province_index("Bali"), reference.province_index("Jawa Barat")
    d = reference.province_distance_matrix()[bali, jabar] / 1000
    assert col(x, "distance_home")[0] == pytest.approx(d, rel=1e-5)


def test_scale_gap_and_volume_for_the_supplier_side():
    sups = [supplier("S1", umkm_class="menengah", min_order_qty=500)]
    imrs = [
        imer("I1", stage="hit_and_runner", monthly_orders=50.0),
        imer("I2", stage="challenger", monthly_orders=50_000.0),
    ]
    m, s = _encoded(sups, imrs)
    x = _signals(m, s, [0, 1], [0, 0])
    assert col(x, "scale_gap").tolist() == [2.0, 0.0]
    assert col(x, "volume_vs_moq")[0] < 0 < col(x, "volume_vs_moq")[1]
    assert col(x, "moq_excess")[0] > 0 == col(x, "moq_excess")[1]


profile_choices = st.fixed_dictionaries(
    {
        "categories": st.lists(st.sampled_from(reference.CATEGORY_SLUGS), min_size=1,
                               max_size=3, unique=True),
        "province": st.sampled_from(reference.PROVINCE_NAMES),
        "reach": st.lists(st.sampled_from(reference.PROVINCE_NAMES), max_size=5, unique=True),
        "certs": st.lists(st.sampled_from(reference.CERTIFICATIONS), max_size=3, unique=True),
        "flag": st.booleans(),
        "amount": st.floats(1, 200_000),
        "moq": st.integers(1, 5000),
        "price": st.one_of(st.just(float("nan")), st.floats(500, 2_000_000)),
        "stage": st.sampled_from(reference.STAGE_SLUGS),
        "klass": st.sampled_from([*reference.UMKM_CLASS_SLUGS, None]),
    }
)  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(
    st.lists(profile_choices, min_size=2, max_size=6),
    st.lists(profile_choices, min_size=1, max_size=4),
)
def test_bilinear_factors_reproduce_the_signals(sup_draws, imer_draws):
    sups = [
        supplier(f"S{k}", categories=d["categories"], province=d["province"],
                 ships_to=d["reach"] or list(reference.PROVINCE_NAMES), certifications=d["certs"],
                 dropship=d["flag"], monthly_capacity_units=d["amount"], min_order_qty=d["moq"],
                 unit_price_idr=d["price"], umkm_class=d["klass"])
        for k, d in enumerate(sup_draws)
    ]  # fmt: skip
    imrs = [
        imer(f"I{k}", categories=d["categories"], province=d["province"],
             target_provinces=d["reach"], required_certifications=d["certs"],
             needs_dropship=d["flag"], monthly_orders=d["amount"], stage=d["stage"])
        for k, d in enumerate(imer_draws)
    ]  # fmt: skip
    m, s = _encoded(sups, imrs)
    ctx = fit_signal_context(s)
    grid_i, grid_j = np.meshgrid(np.arange(len(m)), np.arange(len(s)), indexing="ij")
    ii, jj = grid_i.ravel(), grid_j.ravel()
    rng = np.random.default_rng(0)
    srec, irec = rng.normal(size=(len(s), 7)), rng.normal(size=(len(m), 7))
    exact = pair_signals(m, s, ii, jj, context=ctx, supplier_records=srec[jj],
                         imer_records=irec[ii])  # fmt: skip
    for f in signal_factors(m, s, context=ctx, supplier_records=srec, imer_records=irec):
        approx = np.einsum("ij,ij->i", f.imer[ii], f.supplier[jj])
        k = SIGNAL_NAMES.index(f.signal)
        # volume-dependent signals are exact up to the 0.05-decade volume bins
        tol = 0.026 if f.imer_key == "volume" else 1e-4
        if f.signal == "regulatory_gap":  # the factor drops the cap at 1
            approx = np.minimum(approx, 1.0)
        np.testing.assert_allclose(approx, exact[:, k], atol=tol, err_msg=f.signal)


def test_channel_lift_learns_from_good_outcomes():
    sups = [supplier("S1", categories=["fashion"]), supplier("S2", categories=["food"])]
    imrs = [imer("I1", channels=["tiktok"]), imer("I2", channels=["email"])]
    m, s = _encoded(sups, imrs)
    n = 200
    ii = np.repeat([0, 1], n)
    jj = np.tile([0, 1], n)
    # tiktok sells fashion well, email sells nothing well
    good = (ii == 0) & (jj == 0)
    ctx = fit_signal_context(s, m, (ii, jj, good))
    x = _signals(m, s, [0, 0, 1], [0, 1, 0], ctx)
    fit = col(x, "channel_fit")
    assert fit[0] > 0 > fit[2]
    assert fit[0] > fit[1]
