"""API tokens (admin): issue, list, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.deps import AdminDep, StoreDep
from api.errors import error_responses
from api.schemas import TokenCreate, TokenIssued, TokenPublic
from matchmaker import auth

__all__ = ["router", "token_public"]

router = APIRouter(prefix="/tokens", tags=["tokens"])

TokenIdPath = Annotated[
    str,
    Path(
        min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_]+$", examples=["mmt_0123456789abcdef"]
    ),
]


def token_public(info: auth.TokenInfo) -> TokenPublic:
    """A :class:`~matchmaker.auth.TokenInfo` as the API shows it."""
    return TokenPublic(
        token_id=info.token_id,
        role=info.role,
        profile_kind=info.profile_kind,
        profile_id=info.profile_id,
        label=info.label,
        created_at=info.created_at,
        revoked_at=info.revoked_at,
        active=info.active,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TokenIssued,
    summary="Issue a token",
    responses=error_responses(401, 403, 404),
)
def issue_token(body: TokenCreate, store: StoreDep, _admin: AdminDep) -> TokenIssued:
    """Issue a token (admin). A member token is bound to exactly one Imer or supplier.
    The ``bearer`` string is returned this once; only its hash is stored."""
    info, bearer = auth.create_token(
        store, body.role, imer_id=body.imer_id, supplier_id=body.supplier_id, label=body.label
    )
    return TokenIssued(token=token_public(info), bearer=bearer)


@router.get(
    "",
    response_model=list[TokenPublic],
    summary="List tokens",
    responses=error_responses(401, 403),
)
def get_tokens(
    store: StoreDep,
    _admin: AdminDep,
    include_revoked: Annotated[bool, Query()] = True,
) -> list[TokenPublic]:
    """Every token without its secret (admin), oldest first."""
    return [token_public(t) for t in auth.list_tokens(store, include_revoked=include_revoked)]


@router.delete(
    "/{token_id}",
    response_model=TokenPublic,
    summary="Revoke a token",
    responses=error_responses(401, 403, 404),
)
def revoke(token_id: TokenIdPath, store: StoreDep, _admin: AdminDep) -> TokenPublic:
    """Revoke a token at once (admin); its next request is a 401. Revoking twice keeps
    the first revocation time."""
    return token_public(auth.revoke_token(store, token_id))
