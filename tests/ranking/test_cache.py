"""The shortlist cache answers exactly what a fresh computation would, and forgets on change."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.errors import NotFoundError, ValidationError
from matchmaker.ranking import Recommender, RecommenderConfig, ShortlistCache, ShortlistFilters
from matchmaker.schema import Registry

CONFIG = RecommenderConfig(text_dim=16, exposure_sample=0)


@pytest.fixture(scope="module")
def fitted(synthetic_registry: Registry) -> Recommender:
    return Recommender(CONFIG).fit(synthetic_registry)


def _fresh(
    rec: Recommender,
    direction: str,
    ident: str,
    k: int,
    exclude: set[str] = frozenset(),  # type: ignore[assignment]
    **kw: object,
) -> pd.DataFrame:
    ask = rec.recommend_suppliers if direction == "suppliers" else rec.recommend_imers
    other = "supplier_id" if direction == "suppliers" else "imer_id"
    frame = ask([ident], k=k + len(exclude), **kw)  # type: ignore[arg-type]
    return frame[~frame[other].isin(exclude)].head(k).reset_index(drop=True)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    cols = [c for c in want.columns if c != "rank"]
    pd.testing.assert_frame_equal(
        got[cols].reset_index(drop=True), want[cols].reset_index(drop=True), check_dtype=False
    )
    assert list(got["rank"]) == list(range(1, len(got) + 1))


def test_lazy_and_precomputed_entries_equal_a_fresh_computation(
    fitted: Recommender, synthetic_registry: Registry
) -> None:
    imers = sorted(synthetic_registry.imers["imer_id"])[:6]
    suppliers = sorted(synthetic_registry.suppliers["supplier_id"])[:6]
    cache = ShortlistCache(fitted, extra=5)
    assert cache.precompute("suppliers", imers[:3], k=10, batch_size=2) == 3
    assert len(cache) == 3
    for ident in imers:
        for k in (1, 4, 10):
            _same(cache.shortlist("suppliers", ident, k), _fresh(fitted, "suppliers", ident, k))
    for ident in suppliers:
        for lang in ("id", "en"):
            got = cache.shortlist("imers", ident, 7, lang=lang)
            _same(got, _fresh(fitted, "imers", ident, 7, lang=lang))
    # Precomputed Imers and the second asks of lazily filled ones were hits.
    assert cache.hits > 0 and cache.misses > 0
    filters = ShortlistFilters(dropship_only=True)
    got = cache.shortlist("suppliers", imers[0], 5, filters)
    _same(got, _fresh(fitted, "suppliers", imers[0], 5, filters=filters))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_excluded_partners_are_left_out_like_a_fresh_computation(
    fitted: Recommender, synthetic_registry: Registry, data: st.DataObject
) -> None:
    imers = sorted(synthetic_registry.imers["imer_id"])
    ident = data.draw(st.sampled_from(imers[:10]))
    k = data.draw(st.integers(1, 12))
    cache = ShortlistCache(fitted, extra=4)
    cache.precompute("suppliers", [ident], k=10)
    top = list(_fresh(fitted, "suppliers", ident, 30)["supplier_id"])
    exclude = set(data.draw(st.lists(st.sampled_from(top), max_size=8, unique=True)))
    got = cache.shortlist("suppliers", ident, k, exclude=exclude)
    assert not set(got["supplier_id"]) & exclude
    _same(got, _fresh(fitted, "suppliers", ident, k, exclude))


def test_too_many_exclusions_fall_back_to_a_live_computation(
    fitted: Recommender, synthetic_registry: Registry
) -> None:
    ident = sorted(synthetic_registry.imers["imer_id"])[2]
    cache = ShortlistCache(fitted, extra=1)
    cache.precompute("suppliers", [ident], k=3)  # 4 rows kept
    exclude = set(_fresh(fitted, "suppliers", ident, 3)["supplier_id"])
    misses = cache.misses
    got = cache.shortlist("suppliers", ident, 3, exclude=exclude)
    assert cache.misses == misses + 1
    assert len(got) == 3
    _same(got, _fresh(fitted, "suppliers", ident, 3, exclude))


def test_unknown_profiles_and_bad_arguments_raise(fitted: Recommender) -> None:
    cache = ShortlistCache(fitted)
    with pytest.raises(NotFoundError):
        cache.shortlist("suppliers", "I-nobody", 5)
    with pytest.raises(ValidationError, match="k must be"):
        cache.shortlist("suppliers", "I-nobody", 0)
    with pytest.raises(ValidationError, match="direction"):
        cache.shortlist("partners", "I-nobody", 5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="extra"):
        ShortlistCache(fitted, extra=-1)
    with pytest.raises(ValidationError, match="max_entries"):
        ShortlistCache(fitted, max_entries=0)


def test_the_oldest_entries_are_dropped_beyond_max_entries(
    fitted: Recommender, synthetic_registry: Registry
) -> None:
    imers = sorted(synthetic_registry.imers["imer_id"])[:5]
    cache = ShortlistCache(fitted, max_entries=3)
    cache.precompute("suppliers", imers, k=5)
    assert len(cache) == 3
    hits = cache.hits
    cache.shortlist("suppliers", imers[-1], 5)
    assert cache.hits == hits + 1
    cache.shortlist("suppliers", imers[0], 5)
    assert cache.hits == hits + 1  # dropped, computed again


def test_a_new_model_or_registry_empties_the_cache(
    fitted: Recommender, synthetic_registry: Registry, tmp_path: Path
) -> None:
    imers = sorted(synthetic_registry.imers["imer_id"])[:4]
    cache = ShortlistCache(fitted, fingerprint=("v", 1))
    cache.precompute("suppliers", imers, k=5)
    assert cache.validate(fitted, ("v", 1)) and len(cache) == 4
    assert not cache.validate(fitted, ("v", 2)) and len(cache) == 0

    # The registry changes: the best supplier of an Imer leaves it.
    cache.precompute("suppliers", imers, k=5)
    gone = str(_fresh(fitted, "suppliers", imers[0], 1)["supplier_id"][0])
    fitted.save(tmp_path / "models")
    reg = synthetic_registry
    changed = dataclasses.replace(
        reg,
        suppliers=reg.suppliers[reg.suppliers["supplier_id"] != gone],
        events=reg.events[reg.events["supplier_id"] != gone],
        partnerships=reg.partnerships[reg.partnerships["supplier_id"] != gone],
    )
    rebound = Recommender.load(tmp_path / "models", changed)
    assert not cache.validate(rebound, ("v", 3)) and len(cache) == 0
    got = cache.shortlist("suppliers", imers[0], 5)
    assert gone not in set(got["supplier_id"])
    _same(got, _fresh(rebound, "suppliers", imers[0], 5))
