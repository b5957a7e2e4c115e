"""Reasons are present and true to the signals; the model saves readably and loads back."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from matchmaker import __version__, reference
from matchmaker.errors import NotFittedError, ValidationError
from matchmaker.ranking import MODEL_FORMAT_VERSION, Recommender, RecommenderConfig

CONFIG = RecommenderConfig(text_dim=16, exposure_sample=0)
CAT_ID = {c.label: c.slug for c in reference.CATEGORIES}
CAT_EN = {c.label_en: c.slug for c in reference.CATEGORIES}


@pytest.fixture(scope="module")
def fitted(synthetic_registry):
    return Recommender(CONFIG).fit(synthetic_registry)


def _profiles(reg):
    sup = reg.suppliers.set_index("supplier_id")
    imr = reg.imers.set_index("imer_id")
    return sup, imr


def _split(reasons: str) -> list[str]:
    return [r for r in reasons.split("; ")]


def _check_reason_truth(row, sup, imr, signals, lang):
    s, i = sup.loc[row.supplier_id], imr.loc[row.imer_id]
    items = _split(row.reasons)
    assert items and all(items) and all(";" not in r for r in items)
    text = row.reasons
    shared = set(s["categories"]) & set(i["categories"])
    labels = CAT_ID if lang == "id" else CAT_EN
    same = "kategori sama: " if lang == "id" else "same category: "
    for item in items:
        if item.startswith(same):
            named = {labels[x] for x in item.removeprefix(same).split(", ")}
            assert named == shared
    offers = "menyediakan dropship" if lang == "id" else "offers dropship"
    lacks = "tidak menyediakan dropship" if lang == "id" else "no dropship"
    if lacks in text:
        assert i["needs_dropship"] and not s["dropship"]
    if offers in text.replace(lacks, ""):
        assert i["needs_dropship"] and s["dropship"]
    fits = "sesuai volume Anda" if lang == "id" else "fit your volume"
    if fits in text:
        assert signals["moq_excess"] == 0 and signals["capacity_shortfall"] == 0
    missing = re.search(r"(?:belum memiliki|lacks) ([A-Za-z, ]+)", text)
    if missing:
        named = {c.strip().lower() for c in missing.group(1).split(",")}
        assert named <= set(i["required_certifications"]) - set(s["certifications"])
    if "izin edar lengkap" in text or "licensed to sell online" in text:
        assert signals["regulatory_gap"] == 0
    assert "pernah ditolak" not in text and "declined before" not in text


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_recommendation_has_true_reasons(fitted, synthetic_registry, lang):
    sup, imr = _profiles(synthetic_registry)
    out = fitted.recommend_suppliers(imr.index[:25], k=5, lang=lang)
    assert len(out) == 125
    explained = fitted.explain_pairs(out[["supplier_id", "imer_id"]], lang=lang)
    declined = set(
        zip(*synthetic_registry.partnerships.query("status == 'declined'")[
            ["supplier_id", "imer_id"]].T.values, strict=True)
    )  # fmt: skip
    for row, (_, sig) in zip(out.itertuples(), explained.iterrows(), strict=True):
        if (row.supplier_id, row.imer_id) in declined:
            assert ("pernah ditolak" if lang == "id" else "declined before") in row.reasons
            continue
        _check_reason_truth(row, sup, imr, sig, lang)
    # the checks above are not vacuous: the common reasons do occur
    text = " ".join(out["reasons"])
    for phrase in (
        ("kategori sama", "menyediakan dropship", "sesuai volume")
        if lang == "id"
        else ("same category", "offers dropship", "fit your volume")
    ):
        assert phrase in text


def test_english_and_indonesian_reasons_differ_and_default_is_indonesian(fitted):
    some = list(fitted.registry.imers["imer_id"][:3])
    default = fitted.recommend_suppliers(some, k=3)
    indo = fitted.recommend_suppliers(some, k=3, lang="id")
    english = fitted.recommend_suppliers(some, k=3, lang="en")
    pd.testing.assert_frame_equal(default, indo)
    assert (indo["reasons"] != english["reasons"]).all()
    assert indo["supplier_id"].tolist() == english["supplier_id"].tolist()


def test_supplier_side_reasons_speak_to_the_supplier(fitted):
    sups = list(fitted.registry.suppliers["supplier_id"][:10])
    out = fitted.recommend_imers(sups, k=3, lang="en")
    assert out["reasons"].str.len().gt(0).all()
    assert not out["reasons"].str.contains("your buyers").any()


def test_save_is_readable_versioned_and_pickle_free(fitted, tmp_path):
    folder = fitted.save(tmp_path / "model")
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["arrays.npz", "config.json", "model.json"]
    model = json.loads((folder / "model.json").read_text())
    assert model["matchmaker_version"] == __version__
    assert model["format_version"] == MODEL_FORMAT_VERSION
    weights = model["scorer"]["imer_side"]["weights"]
    assert "category_match" in weights and isinstance(weights["category_match"], float)
    assert json.loads((folder / "config.json").read_text())["n_candidates"] == CONFIG.n_candidates
    with np.load(folder / "arrays.npz", allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)


def test_loaded_model_gives_identical_shortlists(fitted, synthetic_registry, tmp_path):
    folder = fitted.save(tmp_path / "model")
    loaded = Recommender.load(folder, synthetic_registry)
    ids = list(synthetic_registry.imers["imer_id"][:20])
    pd.testing.assert_frame_equal(
        loaded.recommend_suppliers(ids, k=5), fitted.recommend_suppliers(ids, k=5)
    )
    sids = list(synthetic_registry.suppliers["supplier_id"][:20])
    pd.testing.assert_frame_equal(
        loaded.recommend_imers(sids, k=5, lang="en"), fitted.recommend_imers(sids, k=5, lang="en")
    )


def test_loading_reports_missing_or_foreign_models(synthetic_registry, tmp_path):
    with pytest.raises(NotFittedError, match="matchmaker fit"):
        Recommender.load(tmp_path / "nothing", synthetic_registry)
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "model.json").write_text(json.dumps({"format": "other", "format_version": 0}))
    with pytest.raises(ValidationError, match="refit"):
        Recommender.load(folder, synthetic_registry)
