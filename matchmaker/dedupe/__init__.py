"""Duplicate detection and reversible merging of supplier and Imer records."""

from matchmaker.dedupe.cluster import cluster_pairs, connected_components
from matchmaker.dedupe.compare import compare, name_similarity, token_similarity
from matchmaker.dedupe.index import candidate_pairs
from matchmaker.dedupe.model import explain, fit, score
from matchmaker.dedupe.normalise import (
    name_tokens,
    normalise_city,
    normalise_email,
    normalise_name,
    normalise_phone,
    normalise_phones,
    normalise_province,
)
from matchmaker.dedupe.pipeline import (
    PAIR_COLUMNS,
    DedupeResult,
    find_duplicates,
    find_similar_existing,
    pairs_table,
)
from matchmaker.dedupe.prepare import prepare
from matchmaker.dedupe.spec import BlockingRule, Comparison, Level, ModelSpec, default_spec

__all__ = [
    "PAIR_COLUMNS",
    "BlockingRule",
    "Comparison",
    "DedupeResult",
    "Level",
    "ModelSpec",
    "candidate_pairs",
    "cluster_pairs",
    "compare",
    "connected_components",
    "default_spec",
    "explain",
    "find_duplicates",
    "find_similar_existing",
    "fit",
    "name_similarity",
    "name_tokens",
    "normalise_city",
    "normalise_email",
    "normalise_name",
    "normalise_phone",
    "normalise_phones",
    "normalise_province",
    "pairs_table",
    "prepare",
    "score",
    "token_similarity",
]
