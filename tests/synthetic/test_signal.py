"""The history carries learnable signal, and the hidden truth stays hidden."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matchmaker.errors import NotFoundError, ValidationError
from matchmaker.synthetic import SyntheticRegistry, true_utility, write_registry


def _rated(reg: SyntheticRegistry) -> pd.DataFrame:
    p = reg.partnerships.copy()
    p["rating_value"] = pd.to_numeric(p["rating"], errors="coerce")
    p["units_value"] = pd.to_numeric(p["monthly_units"], errors="coerce")
    for col in ("utility", "utility_observable", "utility_latent", "accept_probability"):
        p[col] = reg.truth["pairs"][col].to_numpy()
    return p


def test_shared_category_pairs_are_rated_higher(default: SyntheticRegistry) -> None:
    p = _rated(default)
    s = default.truth["suppliers"].set_index("supplier_id")["category_mask"]
    i = default.truth["imers"].set_index("imer_id")["category_mask"]
    shared = (s.loc[p["supplier_id"]].to_numpy() & i.loc[p["imer_id"]].to_numpy()) != 0
    rated = p["rating_value"].notna().to_numpy()
    assert (rated & ~shared).sum() >= 20  # enough off-category partnerships to compare
    gap = p["rating_value"][rated & shared].mean() - p["rating_value"][rated & ~shared].mean()
    assert gap > 0.5


def test_ratings_follow_the_observable_fit(default: SyntheticRegistry) -> None:
    p = _rated(default).dropna(subset=["rating_value"])
    corr = np.corrcoef(p["rating_value"], p["utility_observable"])[0, 1]
    assert corr > 0.3
    # ... and the latent part adds signal beyond it
    total = np.corrcoef(p["rating_value"], p["utility"])[0, 1]
    assert total > corr + 0.1


def test_latent_supplier_quality_shows_in_its_ratings(default: SyntheticRegistry) -> None:
    p = _rated(default).dropna(subset=["rating_value"])
    mean_rating = p.groupby("supplier_id")["rating_value"].agg(["mean", "size"])
    mean_rating = mean_rating[mean_rating["size"] >= 3]
    quality = default.truth["suppliers"].set_index("supplier_id").loc[mean_rating.index, "quality"]
    assert np.corrcoef(mean_rating["mean"], quality)[0, 1] > 0.3


def test_units_follow_utility_within_an_imer(default: SyntheticRegistry) -> None:
    p = _rated(default).dropna(subset=["units_value"])
    log_units = np.log(p["units_value"])
    centred = log_units - log_units.groupby(p["imer_id"]).transform("mean")
    utility = p["utility"] - p["utility"].groupby(p["imer_id"]).transform("mean")
    assert np.corrcoef(centred, utility)[0, 1] > 0.15


def test_suppliers_decline_poor_fits_more(default: SyntheticRegistry) -> None:
    p = _rated(default)
    decided = p[p["status"].isin(["active", "ended", "declined"])]
    accepted = decided["status"] != "declined"
    assert (
        decided.loc[accepted, "utility_observable"].mean()
        > decided.loc[~accepted, "utility_observable"].mean()
    )
    # a menengah/besar supplier declines a tiny hit-and-runner more often
    cls = default.truth["suppliers"].set_index("supplier_id")["umkm_class"]
    stage = default.truth["imers"].set_index("imer_id")["stage"]
    big = cls.loc[decided["supplier_id"]].isin(["menengah", "besar"]).to_numpy()
    small_imer = (stage.loc[decided["imer_id"]] == "hit_and_runner").to_numpy()
    declined = ~accepted.to_numpy()
    assert declined[big & small_imer].mean() > declined[~big & small_imer].mean()


def test_true_utility_reproduces_the_truth(small: SyntheticRegistry) -> None:
    pairs = small.truth["pairs"]
    u = true_utility(small, list(pairs["supplier_id"]), list(pairs["imer_id"]))
    np.testing.assert_allclose(u, pairs["utility"], rtol=1e-12, atol=1e-12)
    visible = true_utility(small, list(pairs["supplier_id"]), list(pairs["imer_id"]), latent=False)
    np.testing.assert_allclose(visible, pairs["utility_observable"], rtol=1e-12, atol=1e-12)
    # any pair has a utility, not only those in the history
    one = true_utility(small, ["S000001"], ["I000001"])
    assert one.shape == (1,) and np.isfinite(one).all()


def test_true_utility_rejects_bad_input(small: SyntheticRegistry) -> None:
    with pytest.raises(ValidationError, match="same length"):
        true_utility(small, ["S000001"], [])
    with pytest.raises(NotFoundError, match="S999999"):
        true_utility(small, ["S999999"], ["I000001"])


def test_truth_is_not_written(small: SyntheticRegistry, tmp_path) -> None:
    paths = write_registry(small, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "imers.csv",
        "partnerships.csv",
        "suppliers.csv",
    ]
    assert set(paths) == {"suppliers", "imers", "partnerships"}
    for path in paths.values():
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert not {"quality", "skill", "utility", "visibility"} & set(header)
