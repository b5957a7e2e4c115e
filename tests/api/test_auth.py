"""Tokens: random, stored only as hashes, bound to one profile for members, revocable."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from matchmaker import auth
from matchmaker.errors import NotFoundError, ValidationError
from matchmaker.store import Store
from tests.api.conftest import seed_registry


def test_tokens_are_hashed_and_authenticate(store: Store) -> None:
    seed_registry(store)
    info, bearer = auth.create_token(store, "member", imer_id="I1", label="Toko I1")
    token_id, secret = bearer.split(".", 1)
    assert token_id == info.token_id and len(secret) >= 40
    with store.session() as session:
        row = session.execute(select(auth.TokenRow).where(auth.TokenRow.token_id == token_id))
        stored = row.scalar_one()
        assert stored.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in str(vars(stored))
    principal = auth.authenticate(store, bearer)
    assert principal == auth.Principal("member", token_id=token_id, imer_id="I1")
    assert principal.actor == "imer:I1"
    assert auth.authenticate(store, None) is auth.ANONYMOUS
    assert auth.authenticate(store, "  ") is auth.ANONYMOUS

    for wrong in (f"{token_id}.{secret[:-1]}x", f"{token_id}.{'A' * 43}", secret, "a.b"):
        with pytest.raises(auth.AuthenticationError):
            auth.authenticate(store, wrong)

    revoked = auth.revoke_token(store, token_id)
    assert revoked.revoked_at is not None and not revoked.active
    with pytest.raises(auth.AuthenticationError, match="revoked"):
        auth.authenticate(store, bearer)
    assert auth.revoke_token(store, token_id).revoked_at == revoked.revoked_at
    assert [t.token_id for t in auth.list_tokens(store)] == [token_id]
    assert auth.list_tokens(store, include_revoked=False) == []


def test_token_rules(sqlite_store: Store) -> None:
    seed_registry(sqlite_store)
    with pytest.raises(ValidationError, match="exactly one"):
        auth.create_token(sqlite_store, "member")
    with pytest.raises(ValidationError, match="exactly one"):
        auth.create_token(sqlite_store, "member", imer_id="I1", supplier_id="S1")
    with pytest.raises(ValidationError, match="not bound"):
        auth.create_token(sqlite_store, "staff", supplier_id="S1")
    with pytest.raises(ValidationError, match="role"):
        auth.create_token(sqlite_store, "anonymous")
    with pytest.raises(NotFoundError):
        auth.create_token(sqlite_store, "member", supplier_id="nobody")
    with pytest.raises(NotFoundError):
        auth.revoke_token(sqlite_store, "mmt_0000000000000000")
    bearers = {auth.create_token(sqlite_store, "staff")[1] for _ in range(20)}
    assert len(bearers) == 20  # random, never repeated


def test_member_of_a_merged_profile_speaks_for_the_survivor(sqlite_store: Store) -> None:
    seed_registry(sqlite_store)
    bearer = auth.create_token(sqlite_store, "member", supplier_id="S3")[1]
    sqlite_store.set_merged_into("supplier", "S3", "S1")
    assert auth.authenticate(sqlite_store, bearer).supplier_id == "S1"


def test_policy() -> None:
    member = auth.Principal("member", token_id="t", supplier_id="S1")
    assert member.may_act_on_pair("S1", "I9") and not member.may_act_on_pair("S2", "I9")
    assert member.may_edit_profile("supplier", "S1")
    assert not member.may_edit_profile("imer", "S1")
    assert not member.is_staff
    staff = auth.Principal("staff", token_id="t")
    assert staff.may_act_on_pair("S2", "I9") and staff.is_staff and not staff.is_admin
    assert auth.Principal("admin", token_id="t").is_admin


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=120))
def test_arbitrary_bearer_strings_never_crash(sqlite_store: Store, text: str) -> None:
    try:
        principal = auth.authenticate(sqlite_store, text)
    except auth.AuthenticationError:
        return
    assert principal is auth.ANONYMOUS
