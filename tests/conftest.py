"""Shared fixtures: a fresh store on SQLite and on PostgreSQL for every storage test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from matchmaker.store import Store

POSTGRES_URL = os.environ.get(
    "MATCHMAKER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_REQUIRE_POSTGRES = os.environ.get("MATCHMAKER_REQUIRE_POSTGRES") == "1"
_pg_ok: bool | None = None


def postgres_available() -> bool:
    """Whether the test PostgreSQL server answers (checked once per run)."""
    global _pg_ok
    if _pg_ok is None:
        try:
            engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
            _pg_ok = True
        except OperationalError:
            _pg_ok = False
    return _pg_ok


def _postgres_store() -> Iterator[Store]:
    if not postgres_available():
        if _REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_URL}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    store = Store(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        store.init()
        yield store
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("db") / "matchmaker.db"
    store = Store(f"sqlite:///{path}")
    store.init()
    try:
        yield store
    finally:
        store.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """An initialised, empty store; every test using it runs on SQLite and PostgreSQL."""
    if request.param == "sqlite":
        yield from _sqlite_store(tmp_path_factory)
    else:
        yield from _postgres_store()


@pytest.fixture
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """An initialised, empty SQLite store (for tests that do not depend on the backend)."""
    yield from _sqlite_store(tmp_path_factory)


@pytest.fixture
def postgres_url_for_schema() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema (for multi-process tests)."""
    if not postgres_available():
        if _REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_URL}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
