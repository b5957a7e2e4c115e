"""Every endpoint for every role: what is allowed (2xx) and what is refused (401/403)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tests.api.conftest import Hub

ANON = None
MEMBERS = ("imer_I1", "supplier_S1")
STAFF = ("staff", "admin")
EVERYONE = (ANON, *MEMBERS, *STAFF)


class FakeRecommender:
    """Stands in for the fitted engine where only the API's rules are under test."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def _frame(self, who: str, ask: list[str], ids: list[str], k: int) -> pd.DataFrame:
        other = "supplier_id" if who == "imer_id" else "imer_id"
        rows = [
            {who: a, "rank": r + 1, other: t, "score": 1.0 - r / 10, "reasons": "sama; dekat"}
            for a in ask
            for r, t in enumerate(sorted(ids)[:k])
        ]
        return pd.DataFrame(rows, columns=[who, "rank", other, "score", "reasons"])

    def recommend_suppliers(self, imer_ids: list[str], k: int = 10, **_: Any) -> pd.DataFrame:
        return self._frame("imer_id", imer_ids, sorted(self.store.supplier_ids()), k)

    def recommend_imers(self, supplier_ids: list[str], k: int = 10, **_: Any) -> pd.DataFrame:
        return self._frame("supplier_id", supplier_ids, sorted(self.store.imer_ids()), k)

    def recommend_suppliers_for_profile(
        self, frame: pd.DataFrame, k: int = 10, **_: Any
    ) -> pd.DataFrame:
        return self._frame("imer_id", ["preview"], sorted(self.store.supplier_ids()), k)


def _check(hub: Hub, role: str | None, method: str, path: str, expected: int, **kw: Any) -> Any:
    response = hub.request(method, path, role, **kw)
    assert response.status_code == expected, (
        f"{role or 'anonymous'} {method} {path}: expected {expected}, got "
        f"{response.status_code} {response.text[:300]}"
    )
    if expected >= 400:
        body = response.json()
        assert set(body) == {"error", "message", "details"}
        assert body["message"]
    if expected == 401:
        assert response.headers.get("www-authenticate") == "Bearer"
    return response


def _refused(role: str | None) -> int:
    return 401 if role is None else 403


def _csv(kind: str, ident: str) -> dict[str, Any]:
    if kind == "suppliers":
        text = f"supplier_id,name,province,categories\n{ident},CV Baru,Jatim,camilan\n"
    elif kind == "imers":
        text = f"imer_id,name,province,categories,stage\n{ident},Toko Baru,Bali,fashion,survivor\n"
    else:
        text = "supplier_id,imer_id,status\nS3,I2,ended\n"
    return {"files": {"file": (f"{kind}.csv", text.encode(), "text/csv")}}


def test_open_endpoints(hub: Hub) -> None:
    for role in EVERYONE:
        _check(hub, role, "GET", "/health", 200)
        assert _check(hub, role, "GET", "/me", 200).json()["role"] == (
            "anonymous" if role is None else ("member" if role in MEMBERS else role)
        )
        assert _check(hub, role, "GET", "/stats", 200).json()["suppressed"] is True
    for role in STAFF:
        assert _check(hub, role, "GET", "/stats?raw=true", 200).json()["suppressed"] is False
    for role in (ANON, *MEMBERS):
        _check(hub, role, "GET", "/stats?raw=true", _refused(role))


def test_bad_tokens_are_401(hub: Hub) -> None:
    staff = hub.tokens["staff"]
    token_id = staff.split(".")[0]
    for header in (
        "Bearer nonsense",
        f"Bearer {token_id}.{'x' * 43}",
        "Bearer mmt_0000000000000000.abcdefghijklmnopqrstuvwxyz",
        f"Basic {staff}",
        "Bearer",
    ):
        for path in ("/stats", "/suppliers", "/me"):
            response = hub.client.get(path, headers={"Authorization": header})
            assert response.status_code == 401, (header, path, response.text)
            assert response.json()["error"] == "unauthenticated"
    revoked = hub.request("DELETE", f"/tokens/{token_id}", "admin")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    response = hub.request("GET", "/suppliers", "staff")
    assert response.status_code == 401
    assert "revoked" in response.json()["message"]


def test_profiles_by_role(hub: Hub) -> None:
    for kind, own, other_member, other_kind_member in (
        ("suppliers", "S1", "supplier_S2", "imer_I1"),
        ("imers", "I1", "imer_I2", "supplier_S1"),
    ):
        key = "supplier_id" if kind == "suppliers" else "imer_id"
        owner = "supplier_S1" if kind == "suppliers" else "imer_I1"
        body = {"name": "Baru", "province": "Jatim", "categories": "camilan"}
        if kind == "imers":
            body["stage"] = "survivor"
        for role in EVERYONE:
            ident = f"NEW-{role or 'anon'}"
            expected = 201 if role in STAFF else _refused(role)
            _check(hub, role, "POST", f"/{kind}", expected, json={key: ident, **body})
            _check(hub, role, "GET", f"/{kind}", 200 if role in STAFF else _refused(role))
            _check(
                hub,
                role,
                "POST",
                f"/{kind}/import",
                200 if role in STAFF else _refused(role),
                **_csv(kind, f"UP-{role or 'anon'}"),
            )
        stored = hub.store.supplier_ids() if kind == "suppliers" else hub.store.imer_ids()
        assert {"NEW-staff", "NEW-admin", "UP-staff", "UP-admin"} <= stored
        assert not {"NEW-anon", "NEW-imer_I1", "NEW-supplier_S1", "UP-anon"} & stored

        for role in (*STAFF, owner):
            got = _check(hub, role, "GET", f"/{kind}/{own}", 200).json()
            assert got["contact"] is not None
            _check(hub, role, "PATCH", f"/{kind}/{own}", 200, json={"city": f"Kota {role}"})
        for role in (ANON, other_member, other_kind_member):
            _check(hub, role, "GET", f"/{kind}/{own}", _refused(role))
            _check(hub, role, "PATCH", f"/{kind}/{own}", _refused(role), json={"city": "X"})
    _check(hub, "staff", "POST", "/partnerships/import", 200, **_csv("partnerships", ""))
    for role in (ANON, *MEMBERS):
        _check(
            hub, role, "POST", "/partnerships/import", _refused(role), **_csv("partnerships", "")
        )


def test_partnership_actions_by_role(hub: Hub) -> None:
    pair = "/partnerships/S1/I1"
    # An outsider cannot propose a pair it is not part of; the Imer can.
    for role in (ANON, "supplier_S2", "imer_I2"):
        _check(
            hub,
            role,
            "POST",
            "/partnerships",
            _refused(role),
            json={"supplier_id": "S1", "imer_id": "I1"},
        )
    _check(
        hub,
        "imer_I1",
        "POST",
        "/partnerships",
        201,
        json={"supplier_id": "S1", "imer_id": "I1", "reason": "produk cocok"},
    )
    for role in (ANON, "supplier_S2", "imer_I2"):
        _check(hub, role, "GET", pair, _refused(role))
        for action in ("accept", "decline", "activate", "end"):
            _check(hub, role, "POST", f"{pair}/{action}", _refused(role))
    for role in ("imer_I1", "supplier_S1", *STAFF):
        _check(hub, role, "GET", pair, 200)
    # The proposer's side does not accept its own proposal; the other side does.
    _check(hub, "imer_I1", "POST", f"{pair}/accept", 409)
    _check(hub, "supplier_S1", "POST", f"{pair}/accept", 200)
    _check(hub, "supplier_S1", "POST", f"{pair}/activate", 200, json={"started_at": "2024-01-01"})
    # Each side rates only the other.
    _check(hub, "supplier_S1", "POST", f"{pair}/end", 403, json={"rating": 5})
    _check(
        hub,
        "imer_I1",
        "POST",
        f"{pair}/end",
        200,
        json={"ended_at": "2024-06-30", "rating": 4, "monthly_units": 120},
    )

    # Staff and admin act on any pair.
    other = "/partnerships/S2/I2"
    _check(hub, "staff", "POST", "/partnerships", 201, json={"supplier_id": "S2", "imer_id": "I2"})
    _check(hub, "admin", "POST", f"{other}/accept", 200)
    _check(hub, "staff", "POST", f"{other}/activate", 200)
    _check(hub, "admin", "POST", f"{other}/end", 200, json={"rating": 3, "supplier_rating": 5})
    _check(hub, "admin", "POST", "/partnerships", 201, json={"supplier_id": "S3", "imer_id": "I1"})
    _check(hub, "imer_I1", "POST", "/partnerships/S3/I1/decline", 200, json={"reason": "MOQ"})

    # Listing: members see their own pairs only.
    _check(hub, ANON, "GET", "/partnerships", 401)
    mine = _check(hub, "imer_I1", "GET", "/partnerships", 200).json()
    assert {(p["supplier_id"], p["imer_id"]) for p in mine["items"]} == {("S1", "I1"), ("S3", "I1")}
    _check(hub, "imer_I1", "GET", "/partnerships?imer_id=I2", 403)
    theirs = _check(hub, "supplier_S1", "GET", "/partnerships", 200).json()
    assert [(p["supplier_id"], p["imer_id"]) for p in theirs["items"]] == [("S1", "I1")]
    for role in STAFF:
        assert _check(hub, role, "GET", "/partnerships", 200).json()["total"] == 3


def test_tokens_by_role(hub: Hub) -> None:
    for role in (ANON, *MEMBERS, "staff"):
        _check(hub, role, "POST", "/tokens", _refused(role), json={"role": "staff"})
        _check(hub, role, "GET", "/tokens", _refused(role))
        _check(hub, role, "DELETE", "/tokens/mmt_0000000000000000", _refused(role))
    issued = _check(
        hub,
        "admin",
        "POST",
        "/tokens",
        201,
        json={"role": "member", "supplier_id": "S3", "label": "CV S3"},
    ).json()
    assert issued["token"]["profile_id"] == "S3" and "secret" not in issued["token"]
    new = {"Authorization": f"Bearer {issued['bearer']}"}
    assert hub.client.get("/me", headers=new).json() == {
        "role": "member",
        "token_id": issued["token"]["token_id"],
        "imer_id": None,
        "supplier_id": "S3",
    }
    listed = _check(hub, "admin", "GET", "/tokens", 200).json()
    assert issued["token"]["token_id"] in {t["token_id"] for t in listed}
    assert all("bearer" not in t and "secret_sha256" not in t for t in listed)
    _check(hub, "admin", "DELETE", f"/tokens/{issued['token']['token_id']}", 200)
    assert hub.client.get("/me", headers=new).status_code == 401
    _check(hub, "admin", "DELETE", "/tokens/mmt_0000000000000000", 404)
    _check(hub, "admin", "POST", "/tokens", 404, json={"role": "member", "imer_id": "nobody"})
    _check(hub, "admin", "POST", "/tokens", 422, json={"role": "member"})
    _check(hub, "admin", "POST", "/tokens", 422, json={"role": "staff", "imer_id": "I1"})
    _check(hub, "admin", "POST", "/tokens", 422, json={"role": "root"})


def test_shortlists_and_model_by_role(store: Any, tmp_path: Any) -> None:
    from tests.api.conftest import issue_tokens, make_client, seed_registry

    seed_registry(store)
    tokens = issue_tokens(store)
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "model.json").write_text("{}")
    with make_client(store, tmp_path, loader=lambda _d: FakeRecommender(store)) as client:
        hub = Hub(store, client, tokens)
        preview = {"profile": {"province": "Jatim", "categories": "camilan", "stage": "survivor"}}
        for role in EVERYONE:
            ok_imer = role in STAFF or role == "imer_I1"
            ok_supplier = role in STAFF or role == "supplier_S1"
            _check(hub, role, "GET", "/imers/I1/shortlist?k=2", 200 if ok_imer else _refused(role))
            _check(
                hub,
                role,
                "GET",
                "/suppliers/S1/shortlist?k=2",
                200 if ok_supplier else _refused(role),
            )
            _check(
                hub, role, "POST", "/shortlists/preview", 401 if role is None else 200, json=preview
            )
            _check(hub, role, "POST", "/model/reload", 200 if role in STAFF else _refused(role))
        _check(hub, "imer_I1", "GET", "/imers/I2/shortlist", 403)
        _check(hub, "supplier_S1", "GET", "/suppliers/S2/shortlist", 403)
