"""The recommender on tiny registries whose right answer is known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker import reference
from matchmaker.errors import NotFittedError, NotFoundError, ValidationError
from matchmaker.ranking import Recommender, RecommenderConfig, ShortlistFilters
from tests.ranking.builders import event, imer, partnership, registry, supplier

CONTRACT_SUPPLIERS = ["imer_id", "rank", "supplier_id", "score", "reasons"]
CONTRACT_IMERS = ["supplier_id", "rank", "imer_id", "score", "reasons"]
FAST = RecommenderConfig(text_dim=8, exposure_sample=0)


def _mixed_suppliers():
    """S_MATCH fits a dropship-needing snack seller; the others each miss something."""
    return [
        supplier("S_MATCH", categories=["food"], products="keripik singkong pedas",
                 dropship=True, certifications=["pirt", "halal"]),
        supplier("S_NODROP", categories=["food"], products="keripik singkong pedas",
                 dropship=False, certifications=["pirt", "halal"]),
        supplier("S_AUTO", categories=["automotive"], products="velg motor racing",
                 certifications=["sni"]),
        supplier("S_FASHION", categories=["fashion"], products="kaos polos katun"),
        supplier("S_NOLICENSE", categories=["food"], products="keripik singkong pedas",
                 certifications=[]),
        supplier("S_FAR", categories=["food"], products="keripik singkong pedas",
                 province="Papua", ships_to=["Papua"]),
    ]  # fmt: skip


def _fit(reg, **cfg):
    return Recommender(FAST.replace(**cfg)).fit(reg)


def test_the_matching_supplier_ranks_first_without_history():
    reg = registry(_mixed_suppliers(), [imer("I1")])
    rec = _fit(reg)
    assert rec.metadata_["learned_from_history"] is False
    out = rec.recommend_suppliers(["I1"], k=6)
    assert list(out.columns) == CONTRACT_SUPPLIERS
    assert out["supplier_id"].iloc[0] == "S_MATCH"
    assert out["rank"].tolist() == list(range(1, 7))
    assert out["score"].is_monotonic_decreasing
    # the obvious mismatches (wrong category, no dropship for a dropship Imer) come
    # last; the two wrong-category suppliers differ only in text that shares nothing
    # with the Imer's, so their order between themselves is not part of the claim
    assert set(out["supplier_id"].iloc[-3:]) == {"S_AUTO", "S_FASHION", "S_NODROP"}


def _history_registry(n_imers: int = 30):
    """Food Imers whose good partnerships are with food suppliers offering dropship."""
    sups = [
        supplier(f"SF{k}", categories=["food"], products="keripik singkong pedas", dropship=True)
        for k in range(6)
    ] + [
        supplier(f"SA{k}", categories=["automotive"], products="velg motor racing",
                 dropship=False, certifications=["sni"])
        for k in range(6)
    ]  # fmt: skip
    imrs = [imer(f"I{k:02d}") for k in range(n_imers)]
    evs = []
    rng = np.random.default_rng(0)
    for k in range(n_imers - 5):  # the last five Imers are brand new
        good = rng.choice(6, size=2, replace=False)
        for g in good:
            evs += partnership(f"SF{g}", f"I{k:02d}", int(rng.integers(0, 300)), "good")
        bad = rng.integers(0, 6)
        evs += partnership(f"SA{bad}", f"I{k:02d}", int(rng.integers(0, 300)), "declined")
    return registry(sups, imrs, evs)


def test_learns_from_history_and_serves_new_imers():
    reg = _history_registry()
    rec = _fit(reg, min_training_pairs=10)
    assert rec.metadata_["learned_from_history"] is True
    new = [f"I{k:02d}" for k in range(25, 30)]
    out = rec.recommend_suppliers(new, k=3)
    assert out["supplier_id"].str.startswith("SF").all()
    assert out.groupby("imer_id").size().tolist() == [3] * 5


def test_a_supplier_without_dropship_never_tops_a_dropship_imer():
    reg = registry(
        [
            supplier("S1", dropship=False, products="keripik singkong pedas balado"),
            supplier(
                "S2",
                dropship=True,
                categories=["food", "beverages"],
                products="kopi",
                certifications=["pirt"],
                min_order_qty=50,
                ships_to=["Bali"],
            ),
        ],
        [imer("I1", needs_dropship=True), imer("I2", needs_dropship=False)],
    )
    rec = _fit(reg)
    out = rec.recommend_suppliers(["I1", "I2"], k=2)
    assert out.loc[out["imer_id"] == "I1", "supplier_id"].iloc[0] == "S2"
    # without the need, the closer product match wins
    assert out.loc[out["imer_id"] == "I2", "supplier_id"].iloc[0] == "S1"


supplier_draws = st.lists(
    st.fixed_dictionaries(
        {
            "category": st.sampled_from(["food", "fashion", "beauty", "automotive"]),
            "dropship": st.booleans(),
            "moq": st.integers(1, 3000),
            "province": st.sampled_from(["Jawa Timur", "Bali", "Papua"]),
        }
    ),
    min_size=2,
    max_size=8,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(supplier_draws)
def test_dropship_needing_imers_are_never_topped_by_non_dropship(draws):
    sups = [
        supplier(f"S{k}", categories=[d["category"]], dropship=d["dropship"],
                 min_order_qty=d["moq"], province=d["province"])
        for k, d in enumerate(draws)
    ]  # fmt: skip
    sups.append(supplier("SD", dropship=True, categories=["pet_supplies"], products="pakan"))
    rec = _fit(registry(sups, [imer("I1", needs_dropship=True)]))
    top = rec.recommend_suppliers(["I1"], k=1)["supplier_id"].iloc[0]
    offers = {s["supplier_id"]: s["dropship"] for s in sups}
    assert offers[top]


def test_a_past_declined_pair_is_demoted():
    sups = [supplier("S1"), supplier("S2")]  # identical profiles
    reg = registry(sups, [imer("I1")], partnership("S1", "I1", 0, "declined"))
    rec = _fit(reg)
    out = rec.recommend_suppliers(["I1"], k=2)
    assert out["supplier_id"].tolist() == ["S2", "S1"]
    assert "pernah ditolak" in out["reasons"].iloc[1]
    # without the history S1 wins the id tie
    plain = _fit(registry(sups, [imer("I1")])).recommend_suppliers(["I1"], k=2)
    assert plain["supplier_id"].tolist() == ["S1", "S2"]


def test_ties_are_broken_by_id_deterministically():
    sups = [supplier(f"S{k}") for k in (3, 1, 2)]  # identical profiles, shuffled
    reg = registry(sups, [imer("I1")])
    first = _fit(reg).recommend_suppliers(["I1"], k=3)
    second = _fit(reg).recommend_suppliers(["I1"], k=3)
    assert first["supplier_id"].tolist() == ["S1", "S2", "S3"]
    pd.testing.assert_frame_equal(first, second)


def test_active_partners_are_never_recommended():
    sups = [supplier(f"S{k}") for k in range(4)]
    evs = [
        *partnership("S0", "I1", 0, "active"),
        event("S1", "I1", "proposed", 5),
        event("S1", "I1", "accepted", 6),
    ]
    reg = registry(sups, [imer("I1")], evs)
    rec = _fit(reg)
    out = rec.recommend_suppliers(["I1"], k=10)
    assert set(out["supplier_id"]) == {"S2", "S3"}
    back = rec.recommend_imers(["S0", "S2"], k=10)
    assert "I1" not in set(back.loc[back["supplier_id"] == "S0", "imer_id"])
    assert "I1" in set(back.loc[back["supplier_id"] == "S2", "imer_id"])


def test_batch_results_equal_single_results():
    reg = _history_registry()
    rec = _fit(reg, min_training_pairs=10)
    ids = [f"I{k:02d}" for k in range(0, 30, 3)]
    batch = rec.recommend_suppliers(ids, k=4)
    single = pd.concat([rec.recommend_suppliers([i], k=4) for i in ids], ignore_index=True)
    pd.testing.assert_frame_equal(batch, single)
    sup_ids = ["SF0", "SA3", "SF5"]
    batch = rec.recommend_imers(sup_ids, k=5, lang="en")
    single = pd.concat([rec.recommend_imers([s], k=5, lang="en") for s in sup_ids])
    pd.testing.assert_frame_equal(batch, single.reset_index(drop=True))
    assert list(batch.columns) == CONTRACT_IMERS


def test_output_follows_the_requested_order_and_all_means_everyone():
    reg = registry([supplier("S1"), supplier("S2")], [imer("I2"), imer("I1")])
    rec = _fit(reg)
    assert rec.recommend_suppliers(["I1", "I2"], k=1)["imer_id"].tolist() == ["I1", "I2"]
    everyone = rec.recommend_suppliers(k=2)
    assert sorted(everyone["imer_id"].unique()) == ["I1", "I2"]
    assert len(everyone) == 4


def test_unknown_ids_and_bad_arguments_are_reported():
    rec = _fit(registry([supplier("S1")], [imer("I1")]))
    with pytest.raises(NotFoundError, match="I9"):
        rec.recommend_suppliers(["I9"])
    with pytest.raises(ValidationError, match="language"):
        rec.recommend_suppliers(["I1"], lang="fr")
    with pytest.raises(ValidationError, match="k must"):
        rec.recommend_suppliers(["I1"], k=0)
    with pytest.raises(NotFittedError):
        Recommender().recommend_suppliers(["I1"])


def test_filters_restrict_the_recommended_side():
    sups = [
        supplier("S1", province="Bali", dropship=False),
        supplier("S2", province="Jawa Timur", certifications=["pirt", "halal", "bpom"]),
        supplier("S3", province="Jawa Timur", min_order_qty=500, categories=["beverages"]),
        supplier("S4", province="Bali", categories=["fashion"], certifications=[]),
    ]
    reg = registry(sups, [imer("I1", needs_dropship=False), imer("I2", province="Bali")])
    rec = _fit(reg)

    def ids(**kw):
        out = rec.recommend_suppliers(["I1"], k=10, filters=ShortlistFilters(**kw))
        return set(out["supplier_id"])

    assert ids(provinces=("Bali",)) == {"S1", "S4"}
    assert ids(categories=("beverages",)) == {"S3"}
    assert ids(dropship_only=True) == {"S2", "S3", "S4"}
    assert ids(certifications=("bpom",)) == {"S2"}
    assert ids(max_moq=100) == {"S1", "S2", "S4"}
    imers = rec.recommend_imers(["S1"], k=10, filters=ShortlistFilters(provinces=("Bali",)))
    assert set(imers["imer_id"]) == {"I2"}
    with pytest.raises(ValidationError, match="supplier shortlists"):
        rec.recommend_imers(["S1"], filters=ShortlistFilters(max_moq=5))
    with pytest.raises(Exception, match="province"):
        ShortlistFilters(provinces=("Atlantis",))


def test_preview_of_an_unsaved_profile_matches_a_stored_newcomer():
    sups = _mixed_suppliers()
    reg = registry(sups, [imer("I1"), imer("I_OTHER", categories=["fashion"])])
    rec = _fit(reg)
    stored = rec.recommend_suppliers(["I1"], k=4)
    frame = reg.imers[reg.imers["imer_id"] == "I1"].assign(imer_id="NEW")
    preview = rec.recommend_suppliers_for_profile(frame, k=4)
    assert preview["imer_id"].unique().tolist() == ["NEW"]
    assert preview["supplier_id"].tolist() == stored["supplier_id"].tolist()
    np.testing.assert_allclose(preview["score"], stored["score"])


def test_score_pairs_is_the_shortlist_score_without_congestion():
    reg = _history_registry()
    rec = _fit(reg, min_training_pairs=10, congestion=False)
    out = rec.recommend_suppliers(["I03"], k=5)
    scores = rec.score_pairs(out[["supplier_id", "imer_id"]])
    np.testing.assert_allclose(scores.to_numpy(), out["score"].to_numpy(), atol=1e-6)
    assert ((scores >= 0) & (scores <= 1)).all()
    with pytest.raises(NotFoundError):
        rec.score_pairs(pd.DataFrame({"supplier_id": ["nope"], "imer_id": ["I03"]}))


def test_congestion_spreads_a_popular_small_supplier():
    # one tiny supplier is everyone's best match; ten bigger ones are nearly as good
    sups = [supplier("S_STAR", products="keripik singkong pedas camilan",
                     monthly_capacity_units=50.0, min_order_qty=1)]  # fmt: skip
    sups += [supplier(f"S{k:02d}", products="keripik singkong", monthly_capacity_units=50_000.0)
             for k in range(10)]  # fmt: skip
    imrs = [imer(f"I{k:03d}", monthly_orders=30.0) for k in range(200)]
    reg = registry(sups, imrs)

    def appearances(**cfg):
        out = _fit(reg, **cfg).recommend_suppliers(k=1)
        return int((out["supplier_id"] == "S_STAR").sum())

    free = appearances(congestion=False)
    spread = appearances(congestion=True, congestion_strength=5.0)
    assert free == 200
    assert spread == 0  # over-subscribed: the others take its place


def test_registry_without_history_uses_the_prior_and_still_works():
    reg = registry(_mixed_suppliers(), [imer("I1"), imer("I2", categories=["automotive"])])
    rec = _fit(reg)
    assert not rec.scorer_.fitted_on_history_
    out = rec.recommend_suppliers(["I2"], k=1)
    assert out["supplier_id"].iloc[0] == "S_AUTO"


def test_new_profiles_and_events_are_picked_up_by_attach():
    reg = registry([supplier("S1"), supplier("S2")], [imer("I1")])
    rec = _fit(reg)
    later = registry(
        [supplier("S1"), supplier("S2"), supplier("S3")],
        [imer("I1"), imer("I2")],
        partnership("S1", "I1", 0, "active"),
    )
    rec.attach(later)
    out = rec.recommend_suppliers(["I1", "I2"], k=5)
    assert "S1" not in set(out.loc[out["imer_id"] == "I1", "supplier_id"])
    assert set(out.loc[out["imer_id"] == "I2", "supplier_id"]) == {"S1", "S2", "S3"}


def test_extra_pair_feature_providers_are_learned_and_required_again():
    reg = _history_registry()
    calls = []

    def fake_graph(registry, pairs, as_of):
        calls.append(as_of)
        # a planted signal: food suppliers look good to the "graph"
        return pd.DataFrame(
            {"supplier_id": pairs["supplier_id"], "imer_id": pairs["imer_id"],
             "graph_affinity": pairs["supplier_id"].str.startswith("SF").astype(float)},
            index=pairs.index,
        )  # fmt: skip

    rec = Recommender(FAST.replace(min_training_pairs=10), pair_feature_providers=[fake_graph])
    rec.fit(reg)
    assert rec.extra_features_ == ("graph_affinity",)
    assert any(a is not None for a in calls)  # training used as-of dates
    w = dict(zip(rec.scorer_.imer_.features, rec.scorer_.imer_.weights, strict=True))
    assert w["graph_affinity"] > 0
    out = rec.recommend_suppliers(["I27"], k=2)
    assert out["supplier_id"].str.startswith("SF").all()
    assert calls[-1] is None  # scoring now uses all events


def test_profiles_must_be_canonical():
    bad = registry([supplier("S1", province="Jatim")], [imer("I1")])
    with pytest.raises(ValidationError, match="province"):
        _fit(bad)
    with pytest.raises(ValidationError, match="at least one supplier"):
        _fit(registry([], [imer("I1")]))


def test_reach_matters_when_all_else_is_equal():
    everywhere = list(reference.PROVINCE_NAMES)
    sups = [supplier("S1", ships_to=["Aceh"]), supplier("S2", ships_to=everywhere)]
    rec = _fit(registry(sups, [imer("I1", target_provinces=["Jawa Barat", "Bali"])]))
    assert rec.recommend_suppliers(["I1"], k=1)["supplier_id"].iloc[0] == "S2"


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, 5),
            st.integers(0, 3),
            st.sampled_from(["good", "poor", "declined", "active"]),
            st.integers(0, 300),
        ),
        max_size=12,
        unique_by=lambda t: (t[0], t[1]),
    )
)
def test_invariants_on_random_histories(history):
    sups = [supplier(f"S{k}", categories=[["food", "fashion"][k % 2]]) for k in range(6)]
    imrs = [imer(f"I{k}", categories=[["food", "fashion"][k % 2]]) for k in range(4)]
    evs = [e for s, i, outcome, day in history for e in partnership(f"S{s}", f"I{i}", day, outcome)]
    reg = registry(sups, imrs, evs)
    rec = _fit(reg, min_training_pairs=5)
    active = {(f"S{s}", f"I{i}") for s, i, outcome, _ in history if outcome == "active"}
    out = rec.recommend_suppliers(k=6)
    pairs = set(zip(out["supplier_id"], out["imer_id"], strict=True))
    assert not pairs & active
    assert out["score"].between(0.0, 1.0).all()
    assert (out.groupby("imer_id")["score"].diff().dropna() <= 1e-12).all()
    back = rec.recommend_imers(k=4)
    assert not set(zip(back["supplier_id"], back["imer_id"], strict=True)) & active
    # every Imer gets every supplier it is not running a partnership with
    expected = {i: 6 - sum(1 for s, j in active if j == i) for i in (f"I{k}" for k in range(4))}
    assert out.groupby("imer_id").size().to_dict() == {i: n for i, n in expected.items() if n}
