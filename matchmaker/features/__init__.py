"""Profile embeddings and pair compatibility signals.

* :class:`ProfileEncoder` turns canonical supplier and Imer frames into arrays
  (:class:`SupplierProfiles`, :class:`ImerProfiles`) and flat embeddings for
  scikit-learn pipelines; :class:`ProductTextEncoder` is its text part.
* :func:`pair_outcomes` and :class:`RecordBook` turn the partnership history
  into each side's record, as of any time, with shrinkage for newcomers.
* :func:`pair_signals` computes the named, human-meaningful pair signals of
  :data:`PAIR_SIGNALS` for many pairs at once; :func:`signal_factors` gives
  their bilinear form for embedding retrieval.
"""

from matchmaker.features.history import (
    IMER_RECORD_FIELDS,
    SUPPLIER_RECORD_FIELDS,
    PairOutcomes,
    RecordBook,
    days,
    pair_outcomes,
)
from matchmaker.features.profiles import (
    DEFAULT_CAPACITY_BY_CLASS,
    DEFAULT_VOLUME_BY_STAGE,
    ImerProfiles,
    ProfileEncoder,
    SupplierProfiles,
)
from matchmaker.features.signals import (
    PAIR_SIGNALS,
    SIGNAL_NAMES,
    VOLUME_BINS,
    Factor,
    Signal,
    SignalContext,
    fit_signal_context,
    pair_signals,
    signal_factors,
)
from matchmaker.features.text import ProductTextEncoder, normalise_text

__all__ = [
    "DEFAULT_CAPACITY_BY_CLASS",
    "DEFAULT_VOLUME_BY_STAGE",
    "IMER_RECORD_FIELDS",
    "PAIR_SIGNALS",
    "SIGNAL_NAMES",
    "SUPPLIER_RECORD_FIELDS",
    "VOLUME_BINS",
    "Factor",
    "ImerProfiles",
    "PairOutcomes",
    "ProductTextEncoder",
    "ProfileEncoder",
    "RecordBook",
    "Signal",
    "SignalContext",
    "SupplierProfiles",
    "days",
    "fit_signal_context",
    "normalise_text",
    "pair_outcomes",
    "pair_signals",
    "signal_factors",
]
