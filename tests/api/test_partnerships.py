"""The partnership lifecycle through the API: history, allowed actions, 409 conflicts."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Hub


def _post(hub: Hub, path: str, role: str = "staff", **kw: object) -> tuple[int, Any]:
    response = hub.request("POST", path, role, **kw)
    return response.status_code, response.json()


def test_full_lifecycle_and_history(hub: Hub) -> None:
    code, state = _post(
        hub, "/partnerships", "imer_I1", json={"supplier_id": "S1", "imer_id": "I1", "reason": "x"}
    )
    assert code == 201
    assert state["status"] == "proposed" and state["seq"] == 1
    assert state["allowed_actions"] == ["accept", "decline"]
    code, state = _post(hub, "/partnerships/S1/I1/accept", "supplier_S1")
    assert (code, state["status"], state["allowed_actions"]) == (
        200,
        "accepted",
        ["activate", "decline"],
    )
    code, state = _post(hub, "/partnerships/S1/I1/activate", json={"started_at": "2024-02-01"})
    assert state["status"] == "active" and state["started_at"] == "2024-02-01"
    code, state = _post(
        hub,
        "/partnerships/S1/I1/end",
        json={"ended_at": "2024-08-31", "monthly_units": 250.0, "rating": 4, "supplier_rating": 5},
    )
    assert code == 200
    assert state["status"] == "ended"
    assert (state["started_at"], state["ended_at"]) == ("2024-02-01", "2024-08-31")
    assert (state["monthly_units"], state["rating"], state["supplier_rating"]) == (250, 4, 5)
    assert state["allowed_actions"] == ["propose"]

    detail = hub.request("GET", "/partnerships/S1/I1", "staff").json()
    events = detail["events"]
    assert [e["status"] for e in events] == ["proposed", "accepted", "active", "ended"]
    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    assert [e["actor"] for e in events[:2]] == ["imer:I1", "supplier:S1"]
    assert events[3]["actor"].startswith("staff:mmt_")
    assert events[0]["reason"] == "x"
    assert detail["state"]["n_events"] == 4
    # The store agrees with what the API reported.
    stored = hub.store.pair_state("S1", "I1")
    assert stored is not None and stored.status == "ended" and stored.seq == 4


def test_illegal_steps_are_409_and_say_what_is_allowed(hub: Hub) -> None:
    code, body = _post(hub, "/partnerships/S2/I2/accept")
    assert code == 409 and body["error"] == "conflict"
    assert "propose it first" in body["message"]
    _post(hub, "/partnerships", json={"supplier_id": "S2", "imer_id": "I2"})
    code, body = _post(hub, "/partnerships", json={"supplier_id": "S2", "imer_id": "I2"})
    assert code == 409 and "open proposal" in body["message"]
    for action in ("activate", "end"):
        code, body = _post(hub, f"/partnerships/S2/I2/{action}")
        assert code == 409, action
        assert "allowed from there: accept, decline" in body["message"]
    _post(hub, "/partnerships/S2/I2/decline", json={"reason": "jauh"})
    for action in ("accept", "decline", "activate", "end"):
        code, body = _post(hub, f"/partnerships/S2/I2/{action}")
        assert code == 409, action
    # Nothing refused was recorded.
    history = hub.request("GET", "/partnerships/S2/I2", "staff").json()["events"]
    assert [e["status"] for e in history] == ["proposed", "declined"]
    assert history[1]["reason"] == "jauh"


def test_outcome_validation(hub: Hub) -> None:
    _post(hub, "/partnerships", json={"supplier_id": "S3", "imer_id": "I3"})
    _post(hub, "/partnerships/S3/I3/accept")
    _post(hub, "/partnerships/S3/I3/activate", json={"started_at": "2024-05-01"})
    for body, field in (
        ({"rating": 6}, "body.rating"),
        ({"rating": 0.5}, "body.rating"),
        ({"monthly_units": -1}, "body.monthly_units"),
        ({"ended_at": "31/12/2024"}, "body.ended_at"),
        ({"rating": "5"}, "body.rating"),
    ):
        code, err = _post(hub, "/partnerships/S3/I3/end", json=body)
        assert code == 422, body
        assert err["details"][0]["field"] == field
    code, err = _post(hub, "/partnerships/S3/I3/end", json={"ended_at": "2024-04-01"})
    assert code == 422 and "before the partnership's start" in err["message"]
    state = hub.store.pair_state("S3", "I3")
    assert state is not None and state.status == "active"


def test_list_filters(hub: Hub) -> None:
    _post(hub, "/partnerships", json={"supplier_id": "S1", "imer_id": "I2"})
    _post(hub, "/partnerships", json={"supplier_id": "S2", "imer_id": "I2"})
    _post(hub, "/partnerships/S2/I2/decline")
    everything = hub.request("GET", "/partnerships", "staff").json()
    assert [(p["supplier_id"], p["imer_id"]) for p in everything["items"]] == [
        ("S1", "I2"),
        ("S2", "I2"),
    ]
    declined = hub.request("GET", "/partnerships?status=declined", "staff").json()
    assert [p["supplier_id"] for p in declined["items"]] == ["S2"]
    of_s1 = hub.request("GET", "/partnerships?supplier_id=S1", "staff").json()
    assert of_s1["total"] == 1 and of_s1["items"][0]["seq"] == 1
    assert hub.request("GET", "/partnerships?status=won", "staff").status_code == 422
