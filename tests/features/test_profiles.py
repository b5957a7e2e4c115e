"""Profile embeddings: text, categories, geography, scale, state round trip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline

from matchmaker import reference
from matchmaker.errors import ValidationError
from matchmaker.features import ProductTextEncoder, ProfileEncoder, normalise_text
from matchmaker.schema import IMER_COLUMNS, SUPPLIER_COLUMNS
from tests.ranking.builders import imer, supplier

TEXTS = [
    "keripik singkong pedas",
    "kripik singkong balado",
    "sabun mandi herbal alami",
    "herbal bath soap",
    "kopi bubuk robusta",
    "robusta coffee beans",
    "hijab instan bergo",
    "jilbab instan",
    "tas rajut wanita",
    "dompet kulit pria",
] * 2


def _suppliers(*rows):
    return pd.DataFrame(list(rows), columns=list(SUPPLIER_COLUMNS))


def _imers(*rows):
    return pd.DataFrame(list(rows), columns=list(IMER_COLUMNS))


def test_normalise_text_strips_accents_case_and_punctuation():
    assert normalise_text("Kopi  Bubuk, CAFÉ!") == "kopi bubuk cafe"
    assert normalise_text(None) == ""
    assert normalise_text(float("nan")) == ""


def test_text_embedding_is_robust_to_typos():
    enc = ProductTextEncoder(n_components=8, min_df=1, random_state=0).fit(TEXTS)
    query, typo, other = enc.transform(["keripik singkong", "kripk singkong", "hijab instan"])
    assert np.isclose(np.linalg.norm(query), 1.0, atol=1e-5)
    assert query @ typo > 0.8
    assert query @ typo > query @ other + 0.5


def test_text_embedding_of_empty_text_is_zero():
    enc = ProductTextEncoder(n_components=4, min_df=1).fit(TEXTS)
    assert not enc.transform([""]).any()


def test_text_state_round_trip_gives_identical_vectors():
    enc = ProductTextEncoder(n_components=6, min_df=1, random_state=3).fit(TEXTS)
    meta, arrays = enc.get_state()
    again = ProductTextEncoder.from_state(meta, arrays)
    np.testing.assert_allclose(again.transform(TEXTS), enc.transform(TEXTS), atol=1e-6)


def test_related_categories_are_closer_than_unrelated():
    sup = _suppliers(
        supplier("S1", categories=["food"]),
        supplier("S2", categories=["beverages"]),  # related to food
        supplier("S3", categories=["automotive"]),
    )
    enc = ProfileEncoder(text_dim=4).fit(suppliers=sup)
    cover = enc.encode_suppliers(sup).cover
    food = reference.category_index("food")
    assert cover[0, food] == 1.0
    assert cover[1, food] == pytest.approx(reference.RELATED_CATEGORY_SIMILARITY)
    assert cover[2, food] == 0.0


def test_empty_reach_means_nationwide_and_weights_sum_to_one():
    imr = _imers(imer("I1", target_provinces=[]), imer("I2", target_provinces=["Bali"]))
    enc = ProfileEncoder(text_dim=4).fit(imers=imr)
    m = enc.encode_imers(imr)
    assert m.targets[0].sum() == len(reference.PROVINCE_NAMES)
    np.testing.assert_allclose(m.target_weights.sum(axis=1), 1.0, rtol=1e-6)
    bali = reference.province_index("Bali")
    # from Bali to Bali's buyers: distance 0
    assert m.dist_to_buyers[1, bali] == 0.0


def test_blank_volume_and_capacity_are_imputed_from_stage_and_class():
    imr = _imers(
        *[imer(f"I{k}", stage="pioneer", monthly_orders=1000.0 * (k + 1)) for k in range(5)],
        imer("I9", stage="pioneer", monthly_orders=np.nan),
    )
    enc = ProfileEncoder(text_dim=4).fit(imers=imr)
    m = enc.encode_imers(imr)
    assert m.volume_known.tolist() == [1, 1, 1, 1, 1, 0]
    assert 10 ** m.log_volume[-1] == pytest.approx(enc.volume_by_stage_["pioneer"], rel=1e-4)
    assert 1000 < enc.volume_by_stage_["pioneer"] < 5000


def test_regulated_category_without_certification_is_noncompliant():
    sup = _suppliers(
        supplier("S1", categories=["food"], certifications=[]),
        supplier("S2", categories=["food"], certifications=["bpom"]),
        supplier("S3", categories=["beauty"], certifications=["pirt"]),  # beauty needs BPOM
        supplier("S4", categories=["fashion"], certifications=[]),
    )
    enc = ProfileEncoder(text_dim=4).fit(suppliers=sup)
    nc = enc.encode_suppliers(sup).noncompliant.sum(axis=1)
    assert nc.tolist() == [1.0, 0.0, 1.0, 0.0]


def test_unknown_category_is_rejected_with_the_row_id():
    sup = _suppliers(supplier("S1", categories=["spaceships"]))
    enc = ProfileEncoder(text_dim=4).fit(suppliers=_suppliers(supplier("S0")))
    with pytest.raises(ValidationError, match=r"S1.*spaceships"):
        enc.encode_suppliers(sup)


def test_flat_embedding_works_in_a_sklearn_pipeline():
    sup = _suppliers(
        supplier("S1", categories=["food"], products="keripik singkong"),
        supplier("S2", categories=["food"], products="kripik singkong pedas"),
        supplier("S3", categories=["automotive"], products="velg motor racing"),
    )
    enc = ProfileEncoder(text_dim=4)
    pipe = make_pipeline(enc, NearestNeighbors(n_neighbors=2))
    pipe.fit(sup)
    emb = enc.transform(sup)
    assert emb.shape == (3, len(enc.get_feature_names_out()))
    _, idx = pipe[-1].kneighbors(emb[:1])
    assert idx[0].tolist() == [0, 1]


def test_encoder_state_round_trip():
    sup = _suppliers(*[supplier(f"S{k}", products=t) for k, t in enumerate(TEXTS)])
    imr = _imers(imer("I1"), imer("I2", stage="pioneer", monthly_orders=np.nan))
    enc = ProfileEncoder(text_dim=5).fit(suppliers=sup, imers=imr)
    meta, arrays = enc.get_state()
    again = ProfileEncoder.from_state(meta, arrays)
    np.testing.assert_allclose(again.transform(sup), enc.transform(sup), atol=1e-6)
    np.testing.assert_allclose(again.transform(imr), enc.transform(imr), atol=1e-6)
