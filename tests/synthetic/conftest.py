"""Small generated registries shared by the synthetic-data tests."""

from __future__ import annotations

import pytest

from matchmaker.synthetic import SyntheticRegistry, generate_registry


@pytest.fixture(scope="session")
def small() -> SyntheticRegistry:
    """A small messy registry (400 suppliers, 120 Imers, 1,200 rows)."""
    return generate_registry(n_suppliers=400, n_imers=120, seed=7)


@pytest.fixture(scope="session")
def small_canonical() -> SyntheticRegistry:
    """The same registry written with canonical values."""
    return generate_registry(n_suppliers=400, n_imers=120, seed=7, messy=False)


@pytest.fixture(scope="session")
def default() -> SyntheticRegistry:
    """The default sample (what ``data/generate.py`` writes)."""
    return generate_registry()
