"""Stored events on SQLite and PostgreSQL: set-up, wishes, plans, the day, re-plans, outcomes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import matchmaker.events.tables  # noqa: F401  (registers the event tables on Base)
from matchmaker.errors import ConflictError, NotFoundError, ValidationError
from matchmaker.events import (
    check_in,
    create_event,
    event_log,
    event_pairs,
    event_summary,
    get_event,
    mark_meeting,
    meetings,
    no_show,
    participants,
    plan_event,
    plan_versions,
    record_outcome,
    replan_event,
    set_unavailable,
    set_wish,
)
from matchmaker.store import Store
from matchmaker.store.tables import Base
from tests.events.conftest import build_event, build_registry


def _check_meetings(frame: pd.DataFrame, n_tables: int, max_meetings: int) -> None:
    assert not frame.duplicated(["slot", "table"]).any()
    assert not frame.duplicated(["slot", "supplier_id"]).any()
    assert not frame.duplicated(["slot", "imer_id"]).any()
    assert not frame.duplicated(["supplier_id", "imer_id"]).any()
    assert frame["table"].between(1, n_tables).all()
    assert (frame.groupby("supplier_id").size() <= max_meetings).all()
    assert (frame.groupby("imer_id").size() <= max_meetings).all()


def test_event_tables_match_the_migration(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    names = ("matchmaking_events", "event_")
    ours = [d for d in diff if any(n in str(d) for n in names)]
    assert ours == []


def test_create_event_slots_in_local_time(store: Store) -> None:
    build_event(store)
    info = get_event(store, "expo")
    assert info.n_slots == 4 and info.n_tables == 3
    starts = [info.local(s.starts_at).strftime("%H:%M") for s in info.slots]
    assert starts == ["09:00", "09:25", "09:50", "10:15"]
    assert info.slots[0].starts_at == dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)
    with pytest.raises(ConflictError):
        create_event(
            store, "expo", "again", first_start=dt.datetime(2025, 1, 1, 9), n_slots=1,
            slot_minutes=10, n_tables=1, max_meetings=1,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="event id"):
        create_event(
            store, "bad id", "x", first_start=dt.datetime(2025, 1, 1, 9), n_slots=1,
            slot_minutes=10, n_tables=1, max_meetings=1,
        )  # fmt: skip


def test_participants_public_names_never_show_person_names(store: Store) -> None:
    build_event(store)
    people = participants(store, "expo")
    assert len(people) == 12
    names = dict(zip(people["participant_id"], people["public_name"], strict=True))
    assert names["S1"] == "CV Usaha 1"  # supplier: business name
    assert names["I0"] == "Toko Kopi, Teh; & Co"  # Imer: name registered for the event
    assert names["I1"] == "Imer I1"  # Imer without one: never the person's name
    with pytest.raises(NotFoundError, match="is not in the registry"):
        from matchmaker.events import register_participants

        register_participants(
            store, "expo", pd.DataFrame({"role": ["imer"], "participant_id": ["NOPE"]})
        )


def test_wishes_shape_the_pairs(store: Store) -> None:
    build_event(store)
    set_wish(store, "expo", "S1", "I3", by="staff", wish="must")
    set_wish(store, "expo", "S2", "I2", by="imer", wish="not")
    set_wish(store, "expo", "S3", "I3", by="supplier", wish="like")
    set_wish(store, "expo", "S3", "I3", by="imer", wish="like")
    pairs = event_pairs(store, "expo").pairs.set_index(["supplier_id", "imer_id"])
    assert ("S2", "I2") not in pairs.index
    assert bool(pairs.loc[("S1", "I3"), "must_meet"])
    row = pairs.loc[[("S3", "I3")]]
    score, base = float(row["score"].iloc[0]), float(row["base_score"].iloc[0])
    assert score == pytest.approx(max(base, 0.05) * 1.5)
    assert pairs.at[("S3", "I3"), "wished_by"] == "imer;supplier"
    with pytest.raises(ValidationError):
        set_wish(store, "expo", "S1", "I1", by="boss", wish="must")
    set_wish(store, "expo", "S3", "I3", by="imer", wish="none")
    again = event_pairs(store, "expo").pairs.set_index(["supplier_id", "imer_id"])
    assert again.loc[("S3", "I3"), "wished_by"] == "supplier"


def test_engine_scores_are_used_when_given(store: Store) -> None:
    build_event(store)

    def scorer(pairs: pd.DataFrame) -> pd.Series:
        # a model that only likes pairs with the same number
        same = pairs["supplier_id"].str[1:] == pairs["imer_id"].str[1:]
        return pd.Series(same.astype(float) * 0.8 + 0.01, index=pairs.index)

    stored = plan_event(store, "expo", scorer=scorer)
    assert stored.score_source == "model"
    met = set(
        zip(stored.plan.meetings["supplier_id"], stored.plan.meetings["imer_id"], strict=True)
    )
    assert {(f"S{k}", f"I{k}") for k in range(6)} <= met


def test_plan_respects_the_store_and_the_day_log(store: Store) -> None:
    build_event(store)
    set_unavailable(store, "expo", "imer", "I0", [1, 2])
    set_wish(store, "expo", "S1", "I0", by="staff", wish="must")
    set_wish(store, "expo", "S2", "I2", by="imer", wish="not")
    stored = plan_event(store, "expo", min_meetings=1, actor="staff:desk-1")
    assert stored.version == 1 and stored.score_source == "content"
    plan = meetings(store, "expo")
    _check_meetings(plan, 3, 3)
    assert (plan["status"] == "planned").all()
    assert plan.loc[plan["imer_id"] == "I0", "slot"].isin([3, 4]).all()
    assert ((plan["supplier_id"] == "S1") & (plan["imer_id"] == "I0")).any()
    assert not ((plan["supplier_id"] == "S2") & (plan["imer_id"] == "I2")).any()
    assert stored.plan.shortfalls == ()

    # the day: slot 1 held, an Imer misses slot 2, S0's later meeting confirmed
    slot1 = plan.loc[plan["slot"] == 1]
    held = slot1.iloc[0]
    mark_meeting(store, "expo", held["supplier_id"], held["imer_id"], kind="held")
    absent = plan.loc[plan["slot"] == 2].iloc[0]["imer_id"]
    no_show(store, "expo", "imer", absent, slot=2)
    later = plan.loc[(plan["slot"] >= 3) & (plan["imer_id"] != absent)].iloc[0]
    mark_meeting(store, "expo", later["supplier_id"], later["imer_id"], kind="confirmed")
    status = meetings(store, "expo").set_index(["supplier_id", "imer_id"])["status"]
    assert status[(held["supplier_id"], held["imer_id"])] == "held"
    assert status[(later["supplier_id"], later["imer_id"])] == "confirmed"
    assert (
        meetings(store, "expo").query("imer_id == @absent and slot >= 2")["status"] == "no_show"
    ).all()

    replanned = replan_event(store, "expo", from_slot=3)
    assert replanned.version == 2
    new = meetings(store, "expo")
    _check_meetings(new, 3, 3)
    old_rows = plan.set_index(["supplier_id", "imer_id"])[["slot", "table"]]
    new_rows = new.set_index(["supplier_id", "imer_id"])[["slot", "table"]]
    # slots 1-2 are the past: unchanged (slot 2 meeting of the absent Imer is gone)
    past = plan.loc[(plan["slot"] < 3) & ~((plan["slot"] == 2) & (plan["imer_id"] == absent))]
    for key in zip(past["supplier_id"], past["imer_id"], strict=True):
        assert new_rows.loc[key].tolist() == old_rows.loc[key].tolist()
    confirmed_key = (later["supplier_id"], later["imer_id"])
    assert new_rows.loc[confirmed_key].tolist() == old_rows.loc[confirmed_key].tolist()
    # the absent Imer gets no new meetings, and no new meeting is placed in the past
    assert new.loc[(new["imer_id"] == absent) & (new["slot"] >= 2)].empty
    assert (new.loc[~new["fixed"], "slot"] >= 3).all()
    assert len(plan_versions(store, "expo")) == 2

    # a check-in brings the Imer back for the next re-plan
    report = plan_versions(store, "expo")["report"].iloc[-1]
    assert report["absent"] == [f"imer {absent}"]
    check_in(store, "expo", "imer", absent, slot=4)
    replan_event(store, "expo", from_slot=4)
    assert plan_versions(store, "expo")["report"].iloc[-1]["absent"] == []
    log = event_log(store, "expo")
    assert log["kind"].tolist() == ["held", "noshow", "confirmed", "checkin"]


def test_deal_outcome_becomes_a_partnership_proposal(store: Store) -> None:
    build_event(store)
    plan_event(store, "expo")
    first = meetings(store, "expo").iloc[0]
    s, i = first["supplier_id"], first["imer_id"]
    result = record_outcome(store, "expo", s, i, "deal", actor="staff:desk-2")
    assert result.proposed
    state = store.pair_state(s, i)
    assert state is not None and state.status == "proposed"
    events = store.events(s, i)
    assert events["reason"].tolist() == ["event expo meeting"]
    again = record_outcome(store, "expo", s, i, "deal", actor="staff:desk-2")
    assert not again.proposed and "no new proposal" in again.message
    assert len(store.events(s, i)) == 1
    other = meetings(store, "expo").iloc[1]
    follow = record_outcome(store, "expo", other["supplier_id"], other["imer_id"], "follow_up")
    assert not follow.proposed
    with pytest.raises(ValidationError):
        record_outcome(store, "expo", s, i, "maybe")
    with pytest.raises(NotFoundError, match="no meeting"):
        record_outcome(store, "expo", "S0", "NOPE", "deal")
    summary = event_summary(store, "expo")
    assert summary.totals["outcome_deal"] == 1 and summary.totals["outcome_follow_up"] == 1


def test_summary_counts(store: Store) -> None:
    build_event(store)
    set_wish(store, "expo", "S1", "I3", by="staff", wish="must")
    set_wish(store, "expo", "S2", "I2", by="supplier", wish="not")
    plan_event(store, "expo")
    summary = event_summary(store, "expo")
    plan = meetings(store, "expo")
    t = summary.totals
    assert t["meetings"] == len(plan) and t["suppliers"] == 6 and t["imers"] == 6
    assert t["wishes_must"] == 1 and t["wishes_must_honoured"] == 1
    assert t["wishes_not"] == 1 and t["wishes_not_honoured"] == 1
    assert summary.per_slot["meetings"].sum() == len(plan)
    assert summary.per_participant["meetings"].sum() == 2 * len(plan)
    assert t["seat_use"] == pytest.approx(len(plan) / 12)


def test_errors_name_what_is_missing(store: Store) -> None:
    build_registry(store)
    with pytest.raises(NotFoundError, match="does not exist"):
        get_event(store, "nope")
    create_event(
        store, "e3", "x", first_start=dt.datetime(2025, 1, 1, 9), n_slots=2, slot_minutes=10,
        n_tables=1, max_meetings=1,
    )  # fmt: skip
    with pytest.raises(NotFoundError, match="no plan yet"):
        meetings(store, "e3")
    with pytest.raises(NotFoundError, match="not registered"):
        set_unavailable(store, "e3", "supplier", "S1", [1])
