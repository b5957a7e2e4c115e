"""The hub API application: ``create_app(settings)`` builds a FastAPI app over one store.

Run it with ``matchmaker serve`` (see :mod:`matchmaker.cli.serve`), or under any
ASGI server with the factory::

    uvicorn --factory api.main:app_from_environment
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

import anyio.to_thread
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy import func, select

from api.deps import ModelHolder, StatsCache, freeze_survivors, reject_unknown_query
from api.errors import install_error_handlers
from api.routers import imers, imports, partnerships, shortlists, stats, suppliers, system, tokens
from api.settings import Settings
from matchmaker import __version__
from matchmaker.errors import MatchmakerError
from matchmaker.ranking import Recommender
from matchmaker.store import Store
from matchmaker.store.tables import ImerRow, PartnershipEventRow, SupplierRow

__all__ = ["app_from_environment", "create_app", "load_recommender", "registry_fingerprint"]

log = logging.getLogger(__name__)

_DESCRIPTION = """
The SMESCO hub's interface to **matchmaker**: supplier and Imer profiles, shortlists
of partners, the partnership lifecycle and public statistics.

**Authentication.** Send `Authorization: Bearer <token>`; an admin issues tokens
(`matchmaker token create` or `POST /tokens`).

| role | may |
|---|---|
| anonymous | read aggregated statistics (small counts suppressed), `/health` |
| member | read and edit its own profile, ask for its own shortlists, act on its own partnerships |
| staff | everything on the registry, imports included |
| admin | what staff may, and issue and revoke tokens |

A missing, malformed or revoked token is a **401**; a valid token without the right is
a **403**. Contact details (phone, email) of the other side appear only once a
partnership is accepted.

**Errors** share one body: `{"error": code, "message": text, "details": [...]}`;
422 names each field (`body.province`) in plain words, 404 an unknown id, 409 a
conflict (an illegal lifecycle step, an existing id), 503 a busy database or a
missing fitted model (run `matchmaker fit`).
"""

_TAGS = [
    {"name": "suppliers", "description": "UMKM supplier profiles."},
    {"name": "imers", "description": "Imers (internet marketer) profiles."},
    {"name": "imports", "description": "Bulk upload of CSV/XLSX files (staff)."},
    {"name": "shortlists", "description": "Recommended partners, with reasons."},
    {"name": "partnerships", "description": "The partnership lifecycle and its history."},
    {"name": "statistics", "description": "Aggregated counts, open to everyone."},
    {"name": "tokens", "description": "API tokens (admin)."},
    {"name": "system", "description": "Health, version, identity, model."},
]


def load_recommender(model_dir: Path, store: Store) -> Recommender:
    """Load the fitted recommender saved in ``model_dir``, bound to ``store``'s registry now.

    Raises
    ------
    NotFittedError
        Nothing has been fitted into ``model_dir``.
    """
    return Recommender.load(model_dir, store.registry())


def registry_fingerprint(store: Store) -> tuple[Any, ...]:
    """A cheap value that changes whenever profiles or partnership events change.

    Counts and the newest change time of each profile table, and the newest
    event id: enough to tell the served model that its registry snapshot is stale.
    """
    with store.engine.connect() as conn:
        parts: list[Any] = []
        for table in (SupplierRow, ImerRow):
            parts.extend(conn.execute(select(func.count(), func.max(table.updated_at))).one())
        parts.extend(
            conn.execute(select(func.count(), func.max(PartnershipEventRow.event_id))).one()
        )
    return tuple(parts)


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    loader: Callable[[Path], Any] | None = None,
) -> FastAPI:
    """Build the API over ``settings.database_url`` (or an already opened ``store``).

    Parameters
    ----------
    settings:
        The configuration (nothing is read from the environment here).
    store:
        An open store to use instead of opening ``settings.database_url``
        (tests inject one); the caller keeps ownership of it.
    loader:
        How to load the recommender from a folder (default
        :func:`load_recommender`).

    Returns
    -------
    FastAPI
        The application; its OpenAPI schema is at ``/openapi.json``, the docs at ``/docs``.
    """
    owned = store is None
    the_store = store if store is not None else Store(settings.database_url)
    if settings.init_db:
        the_store.init()
    model_dir = settings.resolved_model_dir()
    holder: ModelHolder

    def _precompute(model: Any) -> None:
        def replaced() -> bool:
            return holder.current() is not model

        precompute_default_shortlists(
            model, replaced, suppliers_too=settings.precompute_shortlists == "all"
        )
        if settings.freeze_gc and not replaced():
            freeze_survivors()

    def _start_precompute(model: Any) -> None:
        threading.Thread(
            target=_precompute, args=(model,), name="shortlist-precompute", daemon=True
        ).start()

    holder = ModelHolder(
        model_dir,
        loader if loader is not None else (lambda d: load_recommender(d, the_store)),
        fingerprint=lambda: registry_fingerprint(the_store),
        refresh_seconds=settings.model_refresh_seconds,
        freeze_gc=settings.freeze_gc,
        on_load=_start_precompute if settings.precompute_shortlists != "none" else None,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Requests run in worker threads; few threads queue the rest in arrival order
        # instead of letting dozens fight over one interpreter lock (fairer tail latency).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        if settings.preload_model and holder.has_files():
            threading.Thread(target=_preload, args=(holder,), daemon=True).start()
        yield
        if owned:
            the_store.dispose()

    app = FastAPI(
        title="matchmaker hub API",
        version=__version__,
        description=_DESCRIPTION,
        openapi_tags=_TAGS,
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_query)],
    )
    app.state.settings = settings
    app.state.store = the_store
    app.state.models = holder
    app.state.stats_cache = StatsCache(settings.stats_cache_seconds)
    install_error_handlers(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    # Routes are matched in order: the busiest (shortlists) first. No two routers'
    # paths overlap, so the order changes nothing else.
    for module in (shortlists, system, stats, imports, suppliers, imers, partnerships, tokens):
        app.include_router(module.router)
    return app


def precompute_default_shortlists(
    model: Any, should_stop: Callable[[], bool], *, suppliers_too: bool = False
) -> int:
    """Fill ``model``'s shortlist cache with the default shortlist of every profile.

    Every Imer's suppliers first (most requests), then, with ``suppliers_too``,
    every supplier's Imers. Runs in a background thread after a model load;
    stops early when ``should_stop()`` says the model was replaced. Never
    raises (a failure is logged; requests then fill the cache as they come).

    Returns
    -------
    int
        How many profiles were filled.
    """
    registry = getattr(model, "registry", None)
    plan: list[tuple[Literal["suppliers", "imers"], str, str]] = [("suppliers", "imers", "imer_id")]
    if suppliers_too:
        plan.append(("imers", "suppliers", "supplier_id"))
    done = 0
    try:
        cache = shortlists.shortlist_cache(model)
        for direction, table, key in plan:
            frame = getattr(registry, table, None)
            if frame is None or not len(frame):
                continue
            started = time.monotonic()
            filled = cache.precompute(
                direction,
                sorted(str(i) for i in frame[key]),
                k=shortlists.DEFAULT_K,
                lang=shortlists.DEFAULT_LANG,
                should_stop=should_stop,
            )
            done += filled
            log.info(
                "precomputed %d default shortlists (%s) in %.1f s",
                filled,
                direction,
                time.monotonic() - started,
            )
    except Exception:  # a background thread must not die silently
        log.exception("precomputing shortlists failed; they are computed on request instead")
    return done


def _preload(holder: ModelHolder) -> None:
    try:
        holder.get()
    except MatchmakerError as exc:  # reported again on the first shortlist request
        log.warning("the recommender was not preloaded: %s", exc)
    except Exception:  # a background thread must not die silently
        log.exception("preloading the recommender failed; shortlist requests will retry")


def app_from_environment() -> FastAPI:
    """The app configured from ``MATCHMAKER_*`` environment variables (for ASGI servers)."""
    return create_app(Settings())
