"""Ranking: candidates, learned reciprocal scorer, congestion-aware re-ranking, reasons.

Public entry points::

    from matchmaker.ranking import Recommender, RecommenderConfig, ShortlistFilters

    rec = Recommender(RecommenderConfig()).fit(registry)
    rec.recommend_suppliers(["I000001"], k=10, lang="id")  # imer_id, rank, supplier_id, ...
    rec.recommend_imers(["S000001"], k=10)                 # supplier_id, rank, imer_id, ...
    rec.score_pairs(pairs)                                 # reciprocal compatibility per pair
    rec.save("models/"); Recommender.load("models/", registry)

``demo_shortlists(store_or_registry, k=5, model_dir=...)`` renders example
shortlists with reasons for ``matchmaker demo``; offline evaluation lives in
:mod:`matchmaker.ranking.evaluation`.
"""

from matchmaker.ranking.cache import ShortlistCache
from matchmaker.ranking.candidates import (
    CandidateIndex,
    build_embeddings,
    compress_embeddings,
    compression_transforms,
)
from matchmaker.ranking.config import RecommenderConfig
from matchmaker.ranking.congestion import congestion_penalty, imer_slots, supplier_slots
from matchmaker.ranking.demo import demo_shortlists
from matchmaker.ranking.reasons import LANGUAGES, ReasonInputs, write_reasons
from matchmaker.ranking.recommender import (
    MODEL_FORMAT,
    MODEL_FORMAT_VERSION,
    PairFeatureProvider,
    Recommender,
    ShortlistFilters,
)
from matchmaker.ranking.scorer import ReciprocalScorer, SideWeights

__all__ = [
    "LANGUAGES",
    "MODEL_FORMAT",
    "MODEL_FORMAT_VERSION",
    "CandidateIndex",
    "PairFeatureProvider",
    "ReasonInputs",
    "ReciprocalScorer",
    "Recommender",
    "RecommenderConfig",
    "ShortlistCache",
    "ShortlistFilters",
    "SideWeights",
    "build_embeddings",
    "compress_embeddings",
    "compression_transforms",
    "congestion_penalty",
    "demo_shortlists",
    "imer_slots",
    "supplier_slots",
    "write_reasons",
]
