"""Configuration of the recommender: plain data, saved as JSON next to the model."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from matchmaker.errors import ValidationError

__all__ = ["RecommenderConfig"]


@dataclass(frozen=True)
class RecommenderConfig:
    """Every knob of the compatibility engine, with defaults that work out of the box.

    Attributes
    ----------
    text_dim:
        Dimension of the product text embedding.
    n_candidates:
        Candidates per query kept by retrieval and scored exactly.
    retrieval_dim:
        Dimension of the retrieval embeddings: the weighted signal factors are
        compressed to the best approximation of this rank (see
        :func:`matchmaker.ranking.candidates.compress_embeddings`).
    block_by_category:
        Retrieve only among profiles sharing a category or a related one
        (topped up from outside the block when it holds fewer than
        ``n_candidates``).
    negatives_per_pair:
        Sampled non-partners per decided pair and direction, for training.
    max_decided_pairs:
        At most this many decided proposals (the most recent) are used for
        training; bounds fitting time and memory at national scale.
    hard_negative_share:
        Share of sampled non-partners drawn from the same category block.
    negative_weight:
        Training weight of a sampled non-partner relative to an observed pair.
    poor_rating:
        Ratings at or below this make an accepted pair a poor outcome.
    feature_lag_days:
        Training features are taken this many days (on average; uniform between
        0 and twice this) *before* each proposal: a shortlist shown today is
        acted on over the following months, so the model learns what predicts
        partnerships formed over that horizon rather than on the same day.
    l2:
        Pull of the learned weights towards the content prior.
    acceptance_weight:
        Weight of the supplier-side acceptance term in training.
    min_training_pairs:
        Fewer decided pairs than this: the prior is used (no learning).
    shrinkage:
        Pseudo-observations shrinking records towards the registry average.
    declined_penalty:
        Log-score penalty for a pair whose last proposal was declined.
    poor_outcome_penalty:
        Log-score penalty for a pair that ended with a poor rating.
    dropship_required_penalty:
        Log-score penalty when the Imer needs dropship (holds no stock) and the
        supplier does not offer it: large enough that such a supplier never
        tops the list of an Imer that has any dropship-offering candidate.
    congestion:
        Demote profiles whose shortlist exposure exceeds what they can serve.
    congestion_strength:
        Log-score penalty per unit of ``log(exposure / slots)`` above 1.
    conversion_rate:
        Expected share of shortlist appearances that become partnerships
        (turns partner capacity into shortlist slots).
    exposure_sample:
        Queries sampled at fit time to estimate exposure (0: all).
    exposure_k:
        Shortlist length assumed when estimating exposure.
    use_graph_signals:
        Add the partnership-graph pair features (``matchmaker.graph.signals``).
    chunk_size:
        Queries processed together in batch shortlisting.
    random_state:
        Seed of every random choice (negative sampling, exposure sample, SVD).
    """

    text_dim: int = 64
    n_candidates: int = 200
    retrieval_dim: int = 64
    block_by_category: bool = True
    negatives_per_pair: int = 4
    max_decided_pairs: int = 100_000
    hard_negative_share: float = 0.5
    negative_weight: float = 1.0
    poor_rating: float = 2.0
    feature_lag_days: float = 90.0
    l2: float = 1.0
    acceptance_weight: float = 1.0
    min_training_pairs: int = 30
    shrinkage: float = 3.0
    declined_penalty: float = 2.0
    poor_outcome_penalty: float = 2.0
    dropship_required_penalty: float = 20.0
    congestion: bool = True
    congestion_strength: float = 0.5
    conversion_rate: float = 0.1
    exposure_sample: int = 3000
    exposure_k: int = 10
    use_graph_signals: bool = False
    chunk_size: int = 256
    random_state: int = 0

    def __post_init__(self) -> None:
        positive = (
            "text_dim",
            "n_candidates",
            "retrieval_dim",
            "chunk_size",
            "exposure_k",
            "max_decided_pairs",
        )
        for name in positive:
            if int(getattr(self, name)) < 1:
                raise ValidationError(f"config {name} must be >= 1, got {getattr(self, name)}")
        for name in ("hard_negative_share", "conversion_rate"):
            value = float(getattr(self, name))
            if not 0.0 <= value <= 1.0:
                raise ValidationError(f"config {name} must be within [0, 1], got {value}")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-able)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RecommenderConfig:
        """Build from a dict; unknown keys are rejected with their names.

        Raises
        ------
        ValidationError
            If a key is not a config field.
        """
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValidationError(
                f"unknown recommender config key(s): {', '.join(unknown)}; "
                f"known: {', '.join(sorted(names))}"
            )
        return cls(**dict(data))

    def replace(self, **changes: Any) -> RecommenderConfig:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)
