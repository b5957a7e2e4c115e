"""API tokens and roles: who is calling, and what they may see and do.

A token is issued once as ``<token_id>.<secret>``: the id is stored in clear so
a token is found by a primary-key lookup, the secret only as its SHA-256 hash,
and the presented secret is compared with :func:`hmac.compare_digest`. Tokens
are never stored or logged in clear; a revoked token stays in the table (with
``revoked_at``) so the audit trail is kept.

Roles, from least to most trusted::

    anonymous   no token: aggregated, suppressed statistics only
    member      bound to one Imer or one supplier: its own profile,
                shortlists and partnerships
    staff       everything on the registry, imports included
    admin       everything staff may do, and issuing and revoking tokens

The policy questions the API asks (:meth:`Principal.may_read_profile`,
:meth:`Principal.may_act_on_pair` ...) live here, so the command line and any
other front end answer them the same way.

Exceptions (both :class:`~matchmaker.errors.MatchmakerError`)::

    AuthenticationError   no usable credentials: missing, malformed, unknown
                          or revoked token (HTTP 401)
    PermissionDeniedError valid credentials that do not allow the action
                          (HTTP 403)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Literal, get_args

from sqlalchemy import DateTime, String, bindparam, select, update
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.errors import MatchmakerError, NotFoundError, ValidationError
from matchmaker.store import ProfileKind, Store
from matchmaker.store.tables import Base

__all__ = [
    "ANONYMOUS",
    "ROLES",
    "AuthenticationError",
    "PermissionDeniedError",
    "Principal",
    "Role",
    "TokenInfo",
    "TokenRow",
    "authenticate",
    "create_token",
    "get_token",
    "list_tokens",
    "revoke_token",
]

log = logging.getLogger(__name__)

Role = Literal["anonymous", "member", "staff", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
_ISSUABLE = ("member", "staff", "admin")

_ID_PREFIX = "mmt_"
_ID_PATTERN = re.compile(r"^mmt_[0-9a-f]{16}$")
_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{20,100}$")
_MAX_LABEL = 200


class AuthenticationError(MatchmakerError):
    """Credentials are missing, malformed, unknown or revoked (HTTP 401)."""


class PermissionDeniedError(MatchmakerError):
    """Valid credentials that do not allow the requested action (HTTP 403)."""


class TokenRow(Base):
    """One issued API token; the secret is stored only as its SHA-256 hash."""

    __tablename__ = "api_tokens"

    token_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    profile_kind: Mapped[str | None] = mapped_column(String(16))
    profile_id: Mapped[str | None] = mapped_column(String(64))
    secret_sha256: Mapped[str] = mapped_column(String(64))
    label: Mapped[str | None] = mapped_column(String(_MAX_LABEL))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class TokenInfo:
    """What is known about an issued token (never its secret)."""

    token_id: str
    role: str
    profile_kind: str | None
    profile_id: str | None
    label: str | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def active(self) -> bool:
        """Whether the token has not been revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class Principal:
    """The caller of a request: a role and, for a member, the profile it speaks for.

    Examples
    --------
    >>> p = Principal("member", token_id="mmt_0", imer_id="I1")
    >>> p.may_act_on_pair("S9", "I1"), p.may_act_on_pair("S9", "I2")
    (True, False)
    >>> ANONYMOUS.is_authenticated
    False
    """

    role: Role
    token_id: str | None = None
    imer_id: str | None = None
    supplier_id: str | None = None

    @property
    def is_authenticated(self) -> bool:
        """Whether the caller presented a valid token."""
        return self.role != "anonymous"

    @property
    def is_staff(self) -> bool:
        """Staff or admin: may read and change the whole registry."""
        return self.role in ("staff", "admin")

    @property
    def is_admin(self) -> bool:
        """May issue and revoke tokens."""
        return self.role == "admin"

    @property
    def actor(self) -> str:
        """How the caller is recorded in partnership events (``imer:I1``, ``staff:mmt_…``)."""
        if self.imer_id is not None:
            return f"imer:{self.imer_id}"
        if self.supplier_id is not None:
            return f"supplier:{self.supplier_id}"
        return f"{self.role}:{self.token_id}" if self.token_id else self.role

    def owns(self, kind: ProfileKind, profile_id: str) -> bool:
        """Whether this is a member bound to exactly that profile."""
        if kind == "imer":
            return self.imer_id is not None and self.imer_id == profile_id
        return self.supplier_id is not None and self.supplier_id == profile_id

    def may_read_profile(self, kind: ProfileKind, profile_id: str) -> bool:
        """Staff read every profile; a member reads its own (counterparts: see the API)."""
        return self.is_staff or self.owns(kind, profile_id)

    def may_edit_profile(self, kind: ProfileKind, profile_id: str) -> bool:
        """Staff edit every profile; a member edits only its own."""
        return self.is_staff or self.owns(kind, profile_id)

    def may_act_on_pair(self, supplier_id: str, imer_id: str) -> bool:
        """Staff act on every pair; a member only on pairs it is one side of."""
        return self.is_staff or self.owns("supplier", supplier_id) or self.owns("imer", imer_id)

    def may_see_contacts_of(self, kind: ProfileKind, profile_id: str) -> bool:
        """Staff and the profile's own member see its contact details.

        A counterpart sees them only once the partnership is accepted; that
        depends on the pair's state and is decided by the caller.
        """
        return self.is_staff or self.owns(kind, profile_id)


#: The caller without a token.
ANONYMOUS = Principal("anonymous")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _info(row: TokenRow) -> TokenInfo:
    return TokenInfo(
        token_id=row.token_id,
        role=row.role,
        profile_kind=row.profile_kind,
        profile_id=row.profile_id,
        label=row.label,
        created_at=_aware(row.created_at),
        revoked_at=None if row.revoked_at is None else _aware(row.revoked_at),
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def create_token(
    store: Store,
    role: str,
    *,
    imer_id: str | None = None,
    supplier_id: str | None = None,
    label: str | None = None,
) -> tuple[TokenInfo, str]:
    """Issue a new token and return its record and the bearer string (shown once).

    Parameters
    ----------
    store:
        The registry the token belongs to.
    role:
        ``member``, ``staff`` or ``admin``.
    imer_id, supplier_id:
        The one profile a member token speaks for (exactly one for ``member``,
        none for ``staff`` and ``admin``).
    label:
        A note for people (who holds the token), at most 200 characters.

    Returns
    -------
    tuple
        The :class:`TokenInfo` and the bearer string ``<token_id>.<secret>``.
        Only the secret's hash is stored: the bearer string cannot be shown again.

    Raises
    ------
    ValidationError
        Unknown role, a member without exactly one profile, a staff/admin token
        bound to a profile, or a label that is too long.
    NotFoundError
        The member's profile is not in the registry.
    """
    if role not in _ISSUABLE:
        raise ValidationError(f"role must be one of {', '.join(_ISSUABLE)}, got {role!r}")
    if label is not None and len(label) > _MAX_LABEL:
        raise ValidationError(f"label is longer than {_MAX_LABEL} characters; shorten it")
    kind: ProfileKind | None = None
    profile_id: str | None = None
    if role == "member":
        if (imer_id is None) == (supplier_id is None):
            raise ValidationError(
                "a member token speaks for exactly one profile: give an Imer id or a supplier id"
            )
        kind, profile_id = ("imer", imer_id) if imer_id is not None else ("supplier", supplier_id)
        assert profile_id is not None
        profile_id = store.resolve_id(kind, profile_id)
    elif imer_id is not None or supplier_id is not None:
        raise ValidationError(
            f"a {role} token is not bound to a profile; leave out the Imer and supplier ids"
        )
    token_id = _ID_PREFIX + secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    row = TokenRow(
        token_id=token_id,
        role=role,
        profile_kind=kind,
        profile_id=profile_id,
        secret_sha256=_hash(secret),
        label=label,
        created_at=_utcnow(),
        revoked_at=None,
    )
    with store.session() as session:
        session.add(row)
        session.flush()
        info = _info(row)
    log.info("issued %s token %s", role, token_id)
    return info, f"{token_id}.{secret}"


def get_token(store: Store, token_id: str) -> TokenInfo:
    """The record of one token.

    Raises
    ------
    NotFoundError
        No token has that id.
    """
    with store.session() as session:
        row = session.get(TokenRow, token_id)
        if row is None:
            raise NotFoundError(f"token {token_id!r} does not exist; list tokens to find its id")
        return _info(row)


def list_tokens(store: Store, *, include_revoked: bool = True) -> list[TokenInfo]:
    """Every issued token (oldest first, then by id), without secrets."""
    stmt = select(TokenRow).order_by(TokenRow.created_at, TokenRow.token_id)
    if not include_revoked:
        stmt = stmt.where(TokenRow.revoked_at.is_(None))
    with store.session() as session:
        return [_info(row) for row in session.execute(stmt).scalars()]


def revoke_token(store: Store, token_id: str) -> TokenInfo:
    """Revoke a token at once; revoking a revoked token changes nothing.

    Returns
    -------
    TokenInfo
        The record with ``revoked_at`` set (the first revocation time is kept).

    Raises
    ------
    NotFoundError
        No token has that id.
    """
    with store.session() as session:
        session.execute(
            update(TokenRow)
            .where(TokenRow.token_id == token_id, TokenRow.revoked_at.is_(None))
            .values(revoked_at=_utcnow())
        )
    info = get_token(store, token_id)
    log.info("revoked token %s", token_id)
    return info


#: Built once (every API request authenticates; building costs more than running).
_TOKEN_BY_ID = select(
    TokenRow.role,
    TokenRow.profile_kind,
    TokenRow.profile_id,
    TokenRow.secret_sha256,
    TokenRow.revoked_at,
).where(TokenRow.token_id == bindparam("token_id"))


def authenticate(store: Store, bearer: str | None) -> Principal:
    """The principal a bearer string stands for; ``None`` or ``""`` is anonymous.

    Parameters
    ----------
    store:
        The registry holding the tokens.
    bearer:
        The credential without the ``Bearer`` scheme word.

    Raises
    ------
    AuthenticationError
        The string is malformed, names no token, has the wrong secret, or the
        token is revoked. The message says which, without echoing the secret.
    """
    if bearer is None or not bearer.strip():
        return ANONYMOUS
    token_id, sep, secret = bearer.strip().partition(".")
    if not sep or not _ID_PATTERN.match(token_id) or not _SECRET_PATTERN.match(secret):
        raise AuthenticationError(
            "malformed token: expected '<token_id>.<secret>' as printed when it was issued"
        )
    with store.engine.connect() as conn:
        row = conn.execute(_TOKEN_BY_ID, {"token_id": token_id}).first()
    # Hash and compare even for an unknown id so both paths cost the same.
    expected = row.secret_sha256 if row is not None else _hash("")
    matches = hmac.compare_digest(_hash(secret), expected)
    if row is None or not matches:
        raise AuthenticationError("invalid token: unknown id or wrong secret")
    if row.revoked_at is not None:
        raise AuthenticationError(f"token {token_id} has been revoked; ask an admin for a new one")
    role: Role = row.role
    if role == "member":
        kind: ProfileKind = "imer" if row.profile_kind == "imer" else "supplier"
        try:
            profile_id = store.resolve_id(kind, str(row.profile_id))
        except NotFoundError as exc:
            raise AuthenticationError(
                f"token {token_id} speaks for a {kind} that is no longer in the registry"
            ) from exc
        if kind == "imer":
            return Principal("member", token_id=token_id, imer_id=profile_id)
        return Principal("member", token_id=token_id, supplier_id=profile_id)
    return Principal(role, token_id=token_id)
