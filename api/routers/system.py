"""Health and version, the caller's identity, and the served model."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import OPTIONAL_AUTH, ModelHolder, PrincipalDep, StaffDep, StoreDep
from api.errors import error_responses
from api.schemas import Health, Me, ModelStatus
from matchmaker import __version__

__all__ = ["router"]

router = APIRouter(tags=["system"])


@router.get(
    "/health",
    response_model=Health,
    summary="Health and version",
    responses={
        **error_responses(),
        503: {"model": Health, "description": "The database is unreachable."},
    },
)
def health(request: Request, store: StoreDep) -> JSONResponse:
    """Whether the instance can reach its database, its version, and whether a fitted
    model is available for shortlists. Open to everyone; 503 when the database is down."""
    database = "ok"
    try:
        with store.engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception:  # any driver error means the same to a load balancer
        database = "unavailable"
    holder: ModelHolder = request.app.state.models
    model = "loaded" if holder.loaded else "not_loaded" if holder.has_files() else "not_fitted"
    body = Health(
        status="ok" if database == "ok" else "degraded",
        version=__version__,
        database=database,
        model=model,
    )
    return JSONResponse(body.model_dump(), status_code=200 if database == "ok" else 503)


@router.get(
    "/me",
    response_model=Me,
    summary="Who am I",
    responses=error_responses(401),
    openapi_extra=OPTIONAL_AUTH,
)
def me(principal: PrincipalDep) -> Me:
    """The role and profile of the token sent (``anonymous`` without one)."""
    return Me(
        role=principal.role,
        token_id=principal.token_id,
        imer_id=principal.imer_id,
        supplier_id=principal.supplier_id,
    )


@router.post(
    "/model/reload",
    response_model=ModelStatus,
    summary="Reload the recommender",
    responses=error_responses(401, 403),
)
def reload_model(request: Request, _staff: StaffDep) -> ModelStatus:
    """Load the fitted model from disk now (staff), e.g. right after ``matchmaker fit``.
    The API also notices a new fit by itself within a few seconds."""
    holder: ModelHolder = request.app.state.models
    holder.reload()
    return ModelStatus(loaded=True, model_dir=str(holder.model_dir), message="model loaded")
