"""Aggregated statistics of the registry: open to everyone, small cells suppressed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import OPTIONAL_AUTH, PrincipalDep, StatsCache, StoreDep
from api.errors import error_responses
from api.schemas import Stats
from matchmaker.auth import AuthenticationError, PermissionDeniedError
from matchmaker.stats import MIN_PUBLIC_CELL, registry_stats, suppress_small_cells

__all__ = ["router"]

router = APIRouter(prefix="/stats", tags=["statistics"])


@router.get(
    "",
    response_model=Stats,
    summary="Aggregated counts",
    openapi_extra=OPTIONAL_AUTH,
    responses=error_responses(401, 403),
)
def get_stats(
    request: Request,
    store: StoreDep,
    principal: PrincipalDep,
    raw: Annotated[
        bool, Query(description="Staff only: every count, without suppression.")
    ] = False,
) -> Stats:
    """Counts by stage, UMKM class, province and category, partnerships by status, and
    how many Imers have an active supplier. Anyone may read them, without a token; any
    count of 1 to 4 profiles is ``null`` so no business or person can be singled out.
    Staff may ask for the unsuppressed counts with ``raw=true``."""
    if raw and not principal.is_authenticated:
        raise AuthenticationError("raw counts need a staff token: send 'Authorization: Bearer'")
    if raw and not principal.is_staff:
        raise PermissionDeniedError("only staff may read unsuppressed counts; drop raw=true")
    cache: StatsCache = request.app.state.stats_cache
    counts: dict[str, Any] = cache.get(lambda: registry_stats(store.registry()))
    shown = counts if raw else suppress_small_cells(counts, MIN_PUBLIC_CELL)
    return Stats(suppressed=not raw, min_cell=MIN_PUBLIC_CELL, **shown)
