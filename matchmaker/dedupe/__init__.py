"""Duplicate detection and reversible merging of supplier and Imer records.

The pipeline has three stages with one data contract between them — frames
keyed by id pairs — and a model kept as data:

* :func:`prepare` normalises records into matching keys (names without legal
  forms and honorifics, phones in ``+62`` form, e-mails, places);
* :func:`candidate_pairs` (index) keeps the pairs worth comparing;
* :func:`compare` gives each pair per-field levels (exact / close / … /
  different / missing) from rapidfuzz similarities;
* :func:`estimate_u` and :func:`fit` fit a Fellegi–Sunter model without
  labels, :func:`score` turns levels into match probabilities and
  :func:`explain` says why;
* :func:`cluster_pairs` groups records without chaining through one bad link.

:func:`find_duplicates` runs it all on a frame, :func:`find_similar_existing`
compares new rows with the registry, :func:`dedupe_store` works on the stored
registry with automatic merging and a review queue, and
:func:`merge_records` / :func:`undo_merge` merge and restore records exactly.
"""

from matchmaker.dedupe.cluster import cluster_pairs, connected_components
from matchmaker.dedupe.compare import CompareContext, compare, name_similarity, token_similarity
from matchmaker.dedupe.files import ProfileFile, import_warnings, read_profiles
from matchmaker.dedupe.index import candidate_pairs, name_alike_pairs
from matchmaker.dedupe.merge import (
    MergeRecord,
    get_merge,
    list_merges,
    merge_records,
    undo_merge,
)
from matchmaker.dedupe.model import estimate_u, explain, fit, score
from matchmaker.dedupe.normalise import (
    name_parts,
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
from matchmaker.dedupe.review import (
    StoreDedupeReport,
    accept_review,
    dedupe_store,
    list_reviews,
    queue_reviews,
    reject_review,
)
from matchmaker.dedupe.spec import BlockingRule, Comparison, Level, ModelSpec, default_spec

__all__ = [
    "PAIR_COLUMNS",
    "BlockingRule",
    "CompareContext",
    "Comparison",
    "DedupeResult",
    "Level",
    "MergeRecord",
    "ModelSpec",
    "ProfileFile",
    "StoreDedupeReport",
    "accept_review",
    "candidate_pairs",
    "cluster_pairs",
    "compare",
    "connected_components",
    "dedupe_store",
    "default_spec",
    "estimate_u",
    "explain",
    "find_duplicates",
    "find_similar_existing",
    "fit",
    "get_merge",
    "import_warnings",
    "list_merges",
    "list_reviews",
    "merge_records",
    "name_alike_pairs",
    "name_parts",
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
    "queue_reviews",
    "read_profiles",
    "reject_review",
    "score",
    "token_similarity",
    "undo_merge",
]
