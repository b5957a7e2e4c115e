"""A small synthetic registry imported through the real ingest path, shared by ranking tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from matchmaker import ingest
from matchmaker.schema import Registry
from matchmaker.store import Store
from matchmaker.synthetic import generate_registry, write_registry


def build_store(folder: Path, *, n_suppliers: int, n_imers: int, seed: int) -> Store:
    """Generate a registry, write its CSVs and import them into a fresh SQLite store."""
    reg = generate_registry(n_suppliers=n_suppliers, n_imers=n_imers, seed=seed, messy=True)
    paths = write_registry(reg, folder / "csv")
    store = Store(f"sqlite:///{folder / 'matchmaker.db'}")
    store.init()
    for kind in ("suppliers", "imers", "partnerships"):
        report = ingest.import_file(store, kind, paths[kind])
        assert report.rejected == 0, report
    return store


@pytest.fixture(scope="session")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """200 suppliers, 80 Imers and their history in a SQLite store (built once)."""
    store = build_store(tmp_path_factory.mktemp("synthetic"), n_suppliers=200, n_imers=80, seed=7)
    yield store
    store.dispose()


@pytest.fixture(scope="session")
def synthetic_registry(synthetic_store: Store) -> Registry:
    """The registry of :func:`synthetic_store`."""
    return synthetic_store.registry()
