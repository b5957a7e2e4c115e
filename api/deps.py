"""Dependencies shared by the routers, defined once as ``Annotated`` aliases.

``StoreDep`` is the app's :class:`~matchmaker.store.Store`; ``PrincipalDep`` is
whoever called (anonymous without a token); ``MemberDep``, ``StaffDep`` and
``AdminDep`` refuse callers below that role (401 without a token, 403 with
one); :class:`ModelHolder` keeps the fitted recommender.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

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
from matchmaker.errors import MatchmakerError, NotFittedError
from matchmaker.store import Store

__all__ = [
    "OPTIONAL_AUTH",
    "AdminDep",
    "MemberDep",
    "ModelHolder",
    "PrincipalDep",
    "SettingsDep",
    "StaffDep",
    "StatsCache",
    "StoreDep",
    "bearer_scheme",
    "freeze_survivors",
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


async def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# Dependencies that only read request state or check a role are ``async``: FastAPI
# runs them on the event loop instead of handing each to a worker thread.
StoreDep = Annotated[Store, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]


def _authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Principal:
    # One read of one row by its key (and a hash): cheaper on the event loop
    # than a hop to a worker thread, which every request would pay.
    store: Store = request.app.state.store
    return authenticate(store, None if credentials is None else credentials.credentials)


_Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


async def _principal(request: Request, credentials: _Credentials) -> Principal:
    return _authenticate(request, credentials)


PrincipalDep = Annotated[Principal, Depends(_principal)]

# The role guards authenticate by themselves rather than depending on
# ``_principal``: each level of dependencies costs FastAPI a solving pass on
# every request, and the guarded endpoints are the busiest ones.


def _require_member(principal: Principal) -> Principal:
    if not principal.is_authenticated:
        raise AuthenticationError(
            "this endpoint needs a token: send 'Authorization: Bearer <token>'"
        )
    return principal


async def _member(request: Request, credentials: _Credentials) -> Principal:
    return _require_member(_authenticate(request, credentials))


MemberDep = Annotated[Principal, Depends(_member)]


async def _staff(request: Request, credentials: _Credentials) -> Principal:
    principal = _require_member(_authenticate(request, credentials))
    if not principal.is_staff:
        raise PermissionDeniedError(
            f"only staff may do this; your token's role is {principal.role}"
        )
    return principal


StaffDep = Annotated[Principal, Depends(_staff)]


async def _admin(request: Request, credentials: _Credentials) -> Principal:
    principal = _require_member(_authenticate(request, credentials))
    if not principal.is_admin:
        raise PermissionDeniedError(
            f"only an admin may manage tokens; your token's role is {principal.role}"
        )
    return principal


AdminDep = Annotated[Principal, Depends(_admin)]


def _is_list(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    return origin in (Union, UnionType) and any(_is_list(a) for a in get_args(annotation))


def _declared_query(dependant: Any) -> dict[str, bool]:
    """Query parameter names of an endpoint, each with whether it may repeat."""
    names = {p.alias: _is_list(p.field_info.annotation) for p in dependant.query_params}
    for sub in dependant.dependencies:
        names.update(_declared_query(sub))
    return names


_KNOWN_QUERY = "_matchmaker_known_query"


async def reject_unknown_query(request: Request) -> None:
    """Answer 422 for unknown or repeated query parameters (a typo is not silently ignored)."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known: dict[str, bool] | None = getattr(route, _KNOWN_QUERY, None)
    if known is None:  # once per route (kept on it): the walk costs more than the check
        known = _declared_query(dependant)
        setattr(route, _KNOWN_QUERY, known)
    keys = [k for k, _ in request.query_params.multi_items()]
    unknown = sorted({k for k in keys if k not in known})
    repeated = sorted({k for k in keys if k in known and not known[k] and keys.count(k) > 1})
    allowed = ", ".join(sorted(known)) or "none"
    problems = [
        FieldProblem(["query", name], f"unknown query parameter; known ones: {allowed}")
        for name in unknown
    ] + [FieldProblem(["query", name], "give this parameter only once") for name in repeated]
    if problems:
        raise ApiValidationError(problems)


# --------------------------------------------------------------------- model
class ModelHolder:
    """The fitted recommender, loaded once per app and kept in step with the registry.

    * The model is loaded on first use (that request waits for it).
    * It is bound to the registry as it was when loaded. When a new fit has
      replaced the model files, or the registry has changed (``fingerprint``
      differs) and ``refresh_seconds`` have passed, a fresh copy is loaded in a
      background thread and swapped in; requests keep being served by the
      previous copy meanwhile. Both are checked at most every ``check_seconds``.
    * :meth:`refresh` loads a fresh copy at once (used when a request names a
      profile stored after the model was bound); concurrent callers share one load.

    The served object is never changed in place, so concurrent requests are safe.
    A model that cannot be loaded is reported as not fitted (HTTP 503).

    Parameters
    ----------
    model_dir:
        Folder the model was saved to (``matchmaker fit``).
    loader:
        Loads a model from ``model_dir`` bound to the current registry; raises
        :class:`~matchmaker.errors.NotFittedError` when there is none.
    fingerprint:
        A cheap value that changes whenever the registry changes.
    refresh_seconds:
        Least time between background re-bindings (0: never in the background).
    check_seconds:
        Least time between checks of the model files and the fingerprint.
    freeze_gc:
        After each load, collect once and freeze the surviving objects out of
        the garbage collector's view (see :func:`_settle_heap`); for servers,
        where the model is most of the heap.
    on_load:
        Called with each newly loaded model once it is served (e.g. to start
        filling caches in the background); it must not raise.
    """

    def __init__(
        self,
        model_dir: Path,
        loader: Callable[[Path], Any],
        *,
        fingerprint: Callable[[], Hashable] | None = None,
        refresh_seconds: float = 30.0,
        check_seconds: float = 2.0,
        freeze_gc: bool = False,
        on_load: Callable[[Any], None] | None = None,
    ) -> None:
        self.model_dir = model_dir
        self._on_load = on_load
        self.freeze_gc = freeze_gc
        self._loader = loader
        self._fingerprint = fingerprint
        self.refresh_seconds = refresh_seconds
        self.check_seconds = check_seconds
        self._lock = threading.Lock()  # guards the fields below
        self._loading = threading.Lock()  # one load at a time
        self._model: Any = None
        self._stamp: tuple[float, int] | None = None
        self._bound_to: Hashable = None
        self._bound_at = 0.0
        self._checked = 0.0
        self._background: threading.Thread | None = None

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

    def current(self) -> Any:
        """The model served now, without loading or checking anything (``None``: none yet)."""
        return self._model

    def has_files(self) -> bool:
        """Whether the model folder holds a saved model."""
        return self._current_stamp() is not None

    @property
    def loaded(self) -> bool:
        """Whether a model is in memory."""
        return self._model is not None

    def _print(self) -> Hashable:
        return self._fingerprint() if self._fingerprint is not None else None

    def _load(self) -> Any:
        stamp = self._current_stamp()
        bound_to = self._print()
        try:
            # A load builds millions of long-lived objects: without the pause,
            # full collections walk them again and again (about a sixth of a
            # national registry's load time); _settle_heap collects once afterwards.
            with _collector_paused() if self.freeze_gc else nullcontext():
                model = self._loader(self.model_dir)
        except NotFittedError:
            raise
        except MatchmakerError as exc:
            raise NotFittedError(
                f"the model in {self.model_dir} cannot be loaded ({exc}); run `matchmaker fit`"
            ) from exc
        with self._lock:
            previous = self._model
            self._model, self._stamp = model, stamp
            self._bound_to, self._bound_at = bound_to, time.monotonic()
        log.info("loaded the recommender from %s", self.model_dir)
        del previous  # released before the collection below, so its cycles are freed
        if self.freeze_gc:
            _settle_heap()
        if self._on_load is not None:
            self._on_load(model)
        return model

    def get(self) -> Any:
        """The model to answer with now.

        Raises
        ------
        NotFittedError
            No fitted model in :attr:`model_dir` (run ``matchmaker fit``).
        """
        now = time.monotonic()
        model = self._model
        if model is not None and now - self._checked < self.check_seconds:
            return model
        if model is None:
            with self._loading:
                if self._model is not None:
                    return self._model
                if self._current_stamp() is None:
                    raise NotFittedError(
                        f"no fitted model in {self.model_dir}; run `matchmaker fit` and retry "
                        "(or restart the API with --model pointing at the model folder)"
                    )
                return self._load()
        with self._lock:
            self._checked = now
            if self._background is not None:
                return self._model
            new_fit = (stamp := self._current_stamp()) is not None and stamp != self._stamp
            due = self.refresh_seconds > 0 and now - self._bound_at >= self.refresh_seconds
            if new_fit or due:
                # The registry's fingerprint is read in the background too: on a
                # national registry it takes tens of milliseconds.
                self._background = threading.Thread(
                    target=self._refresh_in_background,
                    kwargs={"only_if_changed": not new_fit},
                    name="model-refresh",
                    daemon=True,
                )
                self._background.start()
            return self._model

    def _refresh_in_background(self, *, only_if_changed: bool = False) -> None:
        try:
            if only_if_changed and self._print() == self._bound_to:
                with self._lock:
                    self._bound_at = time.monotonic()
                return
            with self._loading:
                self._load()
        except Exception:  # keep serving the previous copy; the next check retries
            log.exception("reloading the recommender failed; still serving the previous one")
        finally:
            with self._lock:
                self._background = None

    def refresh(self, *, newer_than: float | None = None) -> Any:
        """Load the model now, bound to the registry as it is now.

        Parameters
        ----------
        newer_than:
            A :func:`time.monotonic` time; if a load finished after it (another
            request refreshed meanwhile), that copy is returned without loading again.
        """
        with self._loading:
            if newer_than is not None and self._model is not None and self._bound_at > newer_than:
                return self._model
            return self._load()

    def reload(self) -> Any:
        """Load the model from disk now (same as :meth:`refresh`)."""
        return self.refresh()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the block (as it was before, after it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_survivors() -> None:
    """Move what has built up since the last freeze out of the collector's view.

    For a large, long-lived structure built after a load (the precomputed
    shortlists: millions of objects): one collection now instead of a full
    collection walking it every time enough new objects have piled up. Frozen
    objects are still freed when nothing refers to them; the next load's
    :func:`_settle_heap` unfreezes and collects everything again.
    """
    gc.collect()
    gc.freeze()


def _settle_heap() -> None:
    """Keep the garbage collector from walking the model's millions of objects.

    A bound national registry is millions of long-lived Python objects; every
    full collection would walk them all and stall every request for up to a
    second or more. After a load, one collection frees what the previous model
    left behind, then the survivors are frozen out of the collector's view.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


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
