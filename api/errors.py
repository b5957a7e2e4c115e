"""The one place where errors become HTTP responses.

Every error body has the same shape (:class:`api.schemas.ErrorBody`)::

    {"error": "not_found", "message": "supplier 'S9' is not in the registry; ...",
     "details": [{"field": "body.province", "loc": ["body", "province"],
                  "message": "unknown province 'xx'", "suggestions": [...]}]}

==========================================  ======  ====================
exception                                   status  ``error``
==========================================  ======  ====================
request body/query/path fails validation    422     ``validation_error``
:class:`~matchmaker.errors.ValidationError`  422     ``validation_error``
:class:`~matchmaker.errors.ParseError`      422     ``validation_error``
:class:`~matchmaker.errors.InputFileError`  422     ``unreadable_file``
:class:`~matchmaker.auth.AuthenticationError` 401   ``unauthenticated``
:class:`~matchmaker.auth.PermissionDeniedError` 403 ``forbidden``
:class:`~matchmaker.errors.NotFoundError`   404     ``not_found``
:class:`~matchmaker.errors.ConflictError`   409     ``conflict``
(:class:`~matchmaker.errors.TransitionError` is one)
:class:`~matchmaker.errors.NotFittedError`  503     ``model_not_fitted``
database unreachable or locked               503     ``database_unavailable``
duplicate key in the database                409     ``conflict``
any other :class:`MatchmakerError`          400     ``bad_request``
anything else                                500     ``internal_error`` (logged, no traceback)
==========================================  ======  ====================

A missing fitted model is a 503 (the service cannot answer shortlists until
staff run ``matchmaker fit``), not a 409: nothing the caller sends can fix it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from matchmaker.auth import AuthenticationError, PermissionDeniedError
from matchmaker.errors import (
    ConflictError,
    InputFileError,
    MatchmakerError,
    NotFittedError,
    NotFoundError,
    ParseError,
    ValidationError,
)

__all__ = [
    "ApiValidationError",
    "FieldProblem",
    "error_response",
    "error_responses",
    "install_error_handlers",
    "plain_message",
]

log = logging.getLogger(__name__)

_STATUS: tuple[tuple[type[Exception], int, str], ...] = (
    (AuthenticationError, 401, "unauthenticated"),
    (PermissionDeniedError, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (ConflictError, 409, "conflict"),
    (NotFittedError, 503, "model_not_fitted"),
    (InputFileError, 422, "unreadable_file"),
    (ParseError, 422, "validation_error"),
    (ValidationError, 422, "validation_error"),
    (MatchmakerError, 400, "bad_request"),
)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    503: "unavailable",
}


class FieldProblem(dict[str, Any]):
    """One problem with one field: ``loc``, ``field`` (dotted), ``message``, ``suggestions``."""

    def __init__(
        self, loc: Sequence[str | int], message: str, suggestions: Sequence[str] = ()
    ) -> None:
        path = [str(p) for p in loc]
        super().__init__(
            loc=path, field=".".join(path), message=message, suggestions=list(suggestions)
        )


class ApiValidationError(ValidationError):
    """A request whose fields break the contract, with one problem per field (HTTP 422)."""

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = list(problems)
        text = "; ".join(f"{p['field']}: {p['message']}" for p in self.problems)
        super().__init__(text or "the request is not valid")


def error_response(
    status: int,
    code: str,
    message: str,
    details: Sequence[dict[str, Any]] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON error response in the shape every endpoint documents."""
    return JSONResponse(
        status_code=status,
        content={"error": code, "message": message, "details": list(details)},
        headers=headers,
    )


_DESCRIPTIONS = {
    401: "No token, or a malformed, unknown or revoked one.",
    403: "The token is valid but its role or profile does not allow this.",
    404: "An id that is not in the registry.",
    409: "The current state does not allow it (lifecycle step, duplicate id).",
    413: "The uploaded file is too large.",
    422: "A field is missing or cannot be resolved; `details` names each field.",
    503: "The database is busy or no fitted model is available; retry later.",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for these error statuses (always with 422 and 503)."""
    from api.schemas import ErrorBody

    wanted = sorted({*codes, 422, 503})
    return {
        code: {"model": ErrorBody, "description": _DESCRIPTIONS.get(code, "Error.")}
        for code in wanted
    }


# --------------------------------------------------------------- plain words
_PLAIN = {
    "missing": "this field is required",
    "extra_forbidden": "this field is not known; remove it or check its spelling",
    "json_invalid": "the request body is not valid JSON",
    "model_attributes_type": "expected a JSON object",
    "dict_type": "expected a JSON object",
    "list_type": "expected a list",
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number, not a fraction",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "finite_number": "expected a finite number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "date_type": "expected a date such as 2024-05-31",
    "date_parsing": "expected a date such as 2024-05-31",
    "date_from_datetime_parsing": "expected a date such as 2024-05-31",
    "date_from_datetime_inexact": "expected a date without a time of day",
    "literal_error": "not one of the allowed values",
    "enum": "not one of the allowed values",
    "uuid_parsing": "expected an id",
}


def plain_message(error: dict[str, Any]) -> str:
    """A pydantic error in plain words (the allowed range or values included)."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }[kind]
        bound = next(iter(ctx.values()), "?")
        return f"must be {words} {bound}"
    if kind == "string_too_short":
        return f"must have at least {ctx.get('min_length', 1)} character(s)"
    if kind == "string_too_long":
        return f"must have at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length', 1)} item(s)"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items"
    if kind == "string_pattern_mismatch":
        return "contains characters that are not allowed (control characters or line breaks)"
    if kind in ("literal_error", "enum") and "expected" in ctx:
        return f"must be one of {ctx['expected']}"
    if kind == "value_error":
        return str(ctx.get("error") or error.get("msg", "not valid"))
    return _PLAIN.get(kind, str(error.get("msg", "not valid")))


def _loc(error: dict[str, Any]) -> list[str | int]:
    loc = list(error.get("loc", ()))
    # Union members appear in the path as type names; they mean nothing to a caller.
    kept: list[str | int] = []
    for part in loc:
        text = str(part)
        if isinstance(part, str) and (
            "[" in text or text in ("str", "int", "float", "bool", "list", "function-after")
        ):
            continue
        kept.append(part)
    return kept


# ------------------------------------------------------------------ handlers
def _validation_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems: list[FieldProblem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors():
        problem = FieldProblem(_loc(err), plain_message(err))
        key = (problem["field"], problem["message"])
        if key not in seen:
            seen.add(key)
            problems.append(problem)
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    return error_response(422, "validation_error", f"the request is not valid: {summary}", problems)


def _matchmaker_handler(_request: Request, exc: Exception) -> JSONResponse:
    status, code = 400, "bad_request"
    for cls, st, cd in _STATUS:
        if isinstance(exc, cls):
            status, code = st, cd
            break
    details: list[dict[str, Any]] = []
    if isinstance(exc, ApiValidationError):
        details = list(exc.problems)
    elif isinstance(exc, ParseError) and exc.suggestions:
        details = [FieldProblem([], exc.reason, exc.suggestions)]
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return error_response(status, code, str(exc), details, headers)


def _http_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # Starlette's only 400s are bodies it cannot parse (e.g. broken multipart data).
        problem = FieldProblem(["body"], f"the request body cannot be read: {exc.detail}")
        return error_response(422, "validation_error", problem["message"], [problem])
    code = _HTTP_CODES.get(exc.status_code, "error")
    message = str(exc.detail) if exc.detail else code.replace("_", " ")
    if exc.status_code == 404 and message == "Not Found":
        message = "no such endpoint; see /docs for the list of endpoints"
    elif exc.status_code == 405:
        message = "this endpoint does not accept that HTTP method; see /docs"
    return error_response(exc.status_code, code, message, headers=dict(exc.headers or {}))


def _integrity_handler(_request: Request, exc: Exception) -> JSONResponse:
    log.info("integrity error turned into 409: %s", exc)
    return error_response(
        409,
        "conflict",
        "the record already exists or was changed by someone else at the same time; "
        "read it again and retry",
    )


def _operational_handler(_request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", exc)
    return error_response(
        503,
        "database_unavailable",
        "the database is busy or unreachable; retry in a moment",
        headers={"Retry-After": "1"},
    )


def _internal_handler(_request: Request, exc: Exception) -> JSONResponse:
    incident = uuid.uuid4().hex[:12]
    log.error("unhandled error (incident %s)", incident, exc_info=exc)
    return error_response(
        500,
        "internal_error",
        f"an unexpected error occurred; it has been logged as incident {incident}",
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register every exception handler on ``app`` (the one error mapping of the API)."""
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(MatchmakerError, _matchmaker_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(IntegrityError, _integrity_handler)
    app.add_exception_handler(OperationalError, _operational_handler)
    app.add_exception_handler(Exception, _internal_handler)
