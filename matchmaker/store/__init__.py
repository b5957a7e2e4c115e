"""Storage of the registry: SQLAlchemy tables, the :class:`Store` repository, migrations."""

from matchmaker.store.repository import (
    DEFAULT_URL,
    NewEvent,
    PairState,
    ProfileKind,
    Store,
    UpsertResult,
    derive_partnerships,
)

__all__ = [
    "DEFAULT_URL",
    "NewEvent",
    "PairState",
    "ProfileKind",
    "Store",
    "UpsertResult",
    "derive_partnerships",
]
