"""Shared pieces of the command line: the database option, the console, error handling."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from matchmaker.store import DEFAULT_URL, Store

__all__ = [
    "DB_ENV",
    "DbOption",
    "console",
    "err_console",
    "open_store",
    "resolve_db_url",
    "state_dir",
]

DB_ENV = "MATCHMAKER_DATABASE_URL"

console = Console()
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=f"Database URL (SQLite file or PostgreSQL); default ${DB_ENV} or {DEFAULT_URL}.",
        show_default=False,
    ),
]


def resolve_db_url(db: str | None) -> str:
    """The database URL from ``--db``, else the environment, else the SQLite default.

    A bare file path (``registry.db``) is accepted as a SQLite file.
    """
    url = db or os.environ.get(DB_ENV) or DEFAULT_URL
    if "://" not in url:
        url = f"sqlite:///{url}"
    return url


def open_store(db: str | None, *, init: bool = True) -> Store:
    """Open (and by default create or upgrade) the store named by ``--db``."""
    store = Store(resolve_db_url(db))
    if init:
        store.init()
    return store


def state_dir(db: str | None) -> Path:
    """Directory for files that belong with the database (models, reports).

    For a SQLite file this is the file's folder; otherwise the working directory.
    """
    url = resolve_db_url(db)
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///")).resolve().parent
    return Path.cwd()
