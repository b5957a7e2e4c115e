"""Settings of the hub API, read once at the edge (environment or explicit values).

Every setting can come from an environment variable with the ``MATCHMAKER_``
prefix (``MATCHMAKER_DATABASE_URL``, ``MATCHMAKER_MODEL_DIR`` ...) or be
passed explicitly, as tests and ``matchmaker serve`` do::

    from api.main import create_app
    from api.settings import Settings

    app = create_app(Settings(database_url="sqlite:///hub.db", model_dir="models"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from matchmaker.store import DEFAULT_URL

__all__ = ["Settings", "default_model_dir"]


def default_model_dir(database_url: str) -> Path:
    """Where models live by default: ``models/`` next to a SQLite file, else in the cwd.

    This is the same rule as the command line's state directory, so
    ``matchmaker fit --db X`` and ``matchmaker serve --db X`` meet.
    """
    if database_url.startswith("sqlite:///") and database_url not in (
        "sqlite:///:memory:",
        "sqlite:///",
    ):
        return Path(database_url.removeprefix("sqlite:///")).resolve().parent / "models"
    return Path.cwd() / "models"


class Settings(BaseSettings):
    """Configuration of one API instance.

    Attributes
    ----------
    database_url:
        SQLAlchemy URL of the registry (``MATCHMAKER_DATABASE_URL``).
    model_dir:
        Folder of the fitted recommender (``MATCHMAKER_MODEL_DIR``); default
        :func:`default_model_dir` of the database.
    environment:
        ``development``, ``test`` or ``production``. Production refuses a
        wildcard CORS origin and the implicit SQLite default database.
    init_db:
        Create or upgrade the schema when the app starts.
    stats_cache_seconds:
        How long public statistics are reused before being recounted.
    model_refresh_seconds:
        Least time between re-bindings of the recommender to a changed registry
        (0: only when a request names a supplier the model does not know).
        Re-binding a national registry takes tens of seconds of CPU.
    preload_model:
        Start loading the recommender when the app starts, so the first
        shortlist does not wait for it.
    freeze_gc:
        Freeze the loaded model (and, once computed, the precomputed
        shortlists) out of the garbage collector's view, so full collections
        do not pause requests for a second walking it, and pause the collector
        while a model loads (a process serving one app; tests turn it off).
    precompute_shortlists:
        After each model load, compute every profile's default shortlist
        (``k`` = 10, no filters, ``lang`` = ``id``) in a background thread, so
        those requests are answered from memory: ``imers`` (suppliers for each
        Imer), ``all`` (then Imers for each supplier too; on a national
        registry minutes of CPU and about a gigabyte per process) or ``none``
        (the default: with reloads as often as every few minutes on a busy
        registry, precomputing would keep the CPU busy). Pairs active at
        request time are still left out; every query is cached as it is asked,
        until the next model load.
    max_upload_bytes:
        Largest accepted import file.
    max_page_size:
        Largest ``limit`` of list endpoints.
    worker_threads:
        Requests handled at the same time per process; the others wait their
        turn in arrival order (the work is CPU-bound, so more threads only add
        contention).
    cors_origins:
        Browser origins allowed to call the API (the hub's website).
    """

    model_config = SettingsConfigDict(env_prefix="MATCHMAKER_", extra="ignore")

    database_url: str = DEFAULT_URL
    model_dir: Path | None = None
    environment: Literal["development", "test", "production"] = "development"
    init_db: bool = True
    stats_cache_seconds: float = Field(default=60.0, ge=0)
    model_refresh_seconds: float = Field(default=300.0, ge=0)
    preload_model: bool = True
    freeze_gc: bool = True
    precompute_shortlists: Literal["none", "imers", "all"] = "none"
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    max_page_size: int = Field(default=500, ge=1, le=10_000)
    worker_threads: int = Field(default=4, ge=1, le=256)
    cors_origins: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _production_is_explicit(self) -> Settings:
        if self.environment == "production":
            if "*" in self.cors_origins:
                raise ValueError(
                    "cors_origins may not be '*' in production; list the hub's website origins"
                )
            if "database_url" not in self.model_fields_set:
                raise ValueError(
                    "set MATCHMAKER_DATABASE_URL in production instead of the SQLite default"
                )
        return self

    def resolved_model_dir(self) -> Path:
        """The model folder to load the recommender from."""
        return (
            self.model_dir if self.model_dir is not None else default_model_dir(self.database_url)
        )
