"""Dependencies shared by the routers, defined once as ``Annotated`` aliases.

``StoreDep`` is the app's :class:`~matchmaker.store.Store`; ``PrincipalDep`` is
whoever called (anonymous without a token); ``MemberDep``, ``StaffDep`` and
``AdminDep`` refuse callers below that role (401 without a token, 403 with
one); ``RecommenderDep`` is the cached fitted model.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param
from starlette.requests import HTTPConnection

from api.errors import ApiValidationError, FieldProblem
from api.settings import Settings
from matchmaker.auth import (
    AuthenticationError,
    PermissionDeniedError,
    Principal,
    authenticate,
)
from matchmaker.errors import NotFittedError
from matchmaker.store import Store

__all__ = [
    "OPTIONAL_AUTH",
    "AdminDep",
    "MemberDep",
    "ModelHolder",
    "PrincipalDep",
    "RecommenderDep",
    "SettingsDep",
    "StaffDep",
    "StatsCache",
    "StoreDep",
    "bearer_scheme",
    "reject_unknown_query",
]

log = logging.getLogger(__name__)


class _Bearer(HTTPBearer):
    """Reads ``Authorization: Bearer <token>``; a header in another shape is a 401, not ignored."""

    async def __call__(self, request: HTTPConnection) -> HTTPAuthorizationCredentials | None:
        header = request.headers.get("Authorization")
        if header is None or not header.strip():
            return None
        scheme, credentials = get_authorization_scheme_param(header)
        if scheme.lower() != "bearer" or not credentials:
            raise AuthenticationError(
                "the Authorization header must be 'Bearer <token>' with the token printed "
                "when it was issued"
            )
        return HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials)


#: ``openapi_extra`` for endpoints that also answer without a token.
OPTIONAL_AUTH: dict[str, Any] = {"security": [{}]}

bearer_scheme = _Bearer(
    bearerFormat="<token_id>.<secret>",
    description="A token issued by an admin (`matchmaker token create` or `POST /tokens`).",
    auto_error=False,
)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]


def _principal(
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    return authenticate(store, None if credentials is None else credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(_principal)]


def _member(principal: PrincipalDep) -> Principal:
    if not principal.is_authenticated:
        raise AuthenticationError(
            "this endpoint needs a token: send 'Authorization: Bearer <token>'"
        )
    return principal


MemberDep = Annotated[Principal, Depends(_member)]


def _staff(principal: MemberDep) -> Principal:
    if not principal.is_staff:
        raise PermissionDeniedError(
            f"only staff may do this; your token's role is {principal.role}"
        )
    return principal


StaffDep = Annotated[Principal, Depends(_staff)]


def _admin(principal: MemberDep) -> Principal:
    if not principal.is_admin:
        raise PermissionDeniedError(
            f"only an admin may manage tokens; your token's role is {principal.role}"
        )
    return principal


AdminDep = Annotated[Principal, Depends(_admin)]


def _declared_query(dependant: Any) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _declared_query(sub)
    return names


def reject_unknown_query(request: Request) -> None:
    """Answer 422 for query parameters the endpoint does not know (a typo is not ignored)."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _declared_query(dependant)
    unknown = sorted({k for k in request.query_params if k not in known})
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise ApiValidationError(
            [
                FieldProblem(["query", name], f"unknown query parameter; known ones: {allowed}")
                for name in unknown
            ]
        )


# --------------------------------------------------------------------- model
class ModelHolder:
    """The fitted recommender, loaded once per app and reloaded when its files change.

    Parameters
    ----------
    model_dir:
        Folder the model was saved to (``matchmaker fit``).
    loader:
        Loads a model from ``model_dir``; raises
        :class:`~matchmaker.errors.NotFittedError` when there is none.
    """

    def __init__(self, model_dir: Path, loader: Callable[[Path], Any]) -> None:
        self.model_dir = model_dir
        self._loader = loader
        self._lock = threading.Lock()
        self._model: Any = None
        self._stamp: tuple[float, int] | None = None
        self._checked = 0.0

    def _current_stamp(self) -> tuple[float, int] | None:
        if not self.model_dir.is_dir():
            return None
        newest = 0.0
        count = 0
        for path in self.model_dir.iterdir():
            if path.is_file():
                count += 1
                newest = max(newest, path.stat().st_mtime)
        return (newest, count) if count else None

    def has_files(self) -> bool:
        """Whether the model folder holds a saved model."""
        return self._current_stamp() is not None

    @property
    def loaded(self) -> bool:
        """Whether a model is in memory."""
        return self._model is not None

    def get(self) -> Any:
        """The model; loads it on first use and again when a new fit replaced its files.

        Raises
        ------
        NotFittedError
            No fitted model in :attr:`model_dir` (run ``matchmaker fit``).
        """
        now = time.monotonic()
        model = self._model
        if model is not None and now - self._checked < 2.0:
            return model
        with self._lock:
            self._checked = now
            stamp = self._current_stamp()
            if self._model is not None and stamp == self._stamp:
                return self._model
            if stamp is None and self._model is None:
                raise NotFittedError(
                    f"no fitted model in {self.model_dir}; run `matchmaker fit` and retry "
                    "(or restart the API with --model pointing at the model folder)"
                )
            if stamp is None:
                return self._model
            self._model = self._loader(self.model_dir)
            self._stamp = stamp
            log.info("loaded recommender from %s", self.model_dir)
            return self._model

    def reload(self) -> Any:
        """Load the model from disk now."""
        with self._lock:
            self._model = None
            self._stamp = None
            self._checked = 0.0
        return self.get()


def _recommender(request: Request) -> Any:
    holder: ModelHolder = request.app.state.models
    return holder.get()


RecommenderDep = Annotated[Any, Depends(_recommender)]


# --------------------------------------------------------------------- stats
class StatsCache:
    """Public statistics recounted at most every ``ttl`` seconds (the endpoint is open to all)."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: dict[str, Any] | None = None
        self._at = 0.0

    def get(self, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The cached counts, recomputed with ``compute`` when stale."""
        with self._lock:
            now = time.monotonic()
            if self._value is None or self.ttl <= 0 or now - self._at >= self.ttl:
                self._value = compute()
                self._at = now
            return self._value
