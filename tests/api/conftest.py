"""Fixtures of the API tests: an app over the `store` fixture, a tiny registry, a token per role."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from api.main import create_app
from api.settings import Settings
from matchmaker import auth
from matchmaker.store import Store
from tests.factories import imer, imers_frame, supplier, suppliers_frame

with warnings.catch_warnings():
    # Starlette prefers the httpx2 client and warns when it falls back to httpx.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["Hub", "TestClient", "make_client", "seed_registry"]

SUPPLIER_CONTACT = {"phone": "0812-1111-0001", "email": "s1@usaha.example"}
IMER_CONTACT = {"phone": "0813-2222-0001", "email": "i1@toko.example"}


def seed_registry(store: Store) -> None:
    """Three suppliers and three Imers, each with contact details."""
    store.upsert_suppliers(
        suppliers_frame(
            supplier("S1"),
            supplier(
                "S2",
                province="Bali",
                categories=["beauty"],
                umkm_class="kecil",
                annual_revenue_idr=5_000_000_000.0,
            ),
            supplier("S3", dropship=False),
        ),
        pd.DataFrame(
            [
                {"profile_id": "S1", **SUPPLIER_CONTACT},
                {"profile_id": "S2", "phone": "0812-1111-0002", "email": "s2@usaha.example"},
                {"profile_id": "S3", "phone": "0812-1111-0003", "email": None},
            ]
        ),
    )
    store.upsert_imers(
        imers_frame(imer("I1"), imer("I2", stage="survivor", monthly_revenue_idr=2e8), imer("I3")),
        pd.DataFrame(
            [
                {"profile_id": "I1", **IMER_CONTACT},
                {"profile_id": "I2", "phone": "0813-2222-0002", "email": "i2@toko.example"},
                {"profile_id": "I3", "phone": None, "email": "i3@toko.example"},
            ]
        ),
    )


@dataclass
class Hub:
    """An app over a seeded store, a client, and a bearer header per role."""

    store: Store
    client: TestClient
    tokens: dict[str, str]

    def h(self, role: str | None) -> dict[str, str]:
        """Headers for ``role`` (``None``: anonymous)."""
        if role is None:
            return {}
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def request(self, method: str, path: str, role: str | None, **kwargs: Any) -> Any:
        """Send a request as ``role``."""
        return self.client.request(method, path, headers=self.h(role), **kwargs)


ROLES = {
    "admin": {"role": "admin"},
    "staff": {"role": "staff"},
    "imer_I1": {"role": "member", "imer_id": "I1"},
    "imer_I2": {"role": "member", "imer_id": "I2"},
    "supplier_S1": {"role": "member", "supplier_id": "S1"},
    "supplier_S2": {"role": "member", "supplier_id": "S2"},
}


def make_client(store: Store, tmp_path: Path, *, loader: Any = None, **settings: Any) -> TestClient:
    """A TestClient over an app on ``store`` (nothing read from the environment)."""
    values: dict[str, Any] = {
        "database_url": store.url,
        "model_dir": tmp_path / "models",
        "environment": "test",
        "init_db": False,
        "stats_cache_seconds": 0,
        "preload_model": False,
        "freeze_gc": False,
        **settings,
    }
    config = Settings(**values)
    return TestClient(create_app(config, store=store, loader=loader))


def issue_tokens(store: Store) -> dict[str, str]:
    """One bearer string per role in :data:`ROLES`."""
    out = {}
    for name, spec in ROLES.items():
        role = spec["role"]
        kwargs = {k: v for k, v in spec.items() if k != "role"}
        out[name] = auth.create_token(store, role, label=name, **kwargs)[1]
    return out


@pytest.fixture
def hub(store: Store, tmp_path: Path) -> Iterator[Hub]:
    """A seeded registry behind the API on SQLite and PostgreSQL, with a token per role."""
    seed_registry(store)
    tokens = issue_tokens(store)
    with make_client(store, tmp_path) as client:
        yield Hub(store, client, tokens)


@pytest.fixture
def sqlite_hub(sqlite_store: Store, tmp_path: Path) -> Iterator[Hub]:
    """The same on SQLite only, for tests whose subject is not the database."""
    seed_registry(sqlite_store)
    tokens = issue_tokens(sqlite_store)
    with make_client(sqlite_store, tmp_path) as client:
        yield Hub(sqlite_store, client, tokens)
