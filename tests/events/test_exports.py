"""Agendas (CSV, .ics, HTML), the table plan: what they show, and what they never show."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import pandas as pd
import pytest

from matchmaker.errors import ValidationError
from matchmaker.events import (
    agenda,
    agenda_csv,
    agenda_html,
    agenda_ics,
    meetings,
    plan_event,
    plan_summary,
    table_plan,
    table_plan_html,
)
from matchmaker.store import Store
from tests.events.conftest import build_event

PRIVATE = ("+62", "@example.id", "Budi Santoso")


@pytest.fixture
def planned(sqlite_store: Store) -> Store:
    build_event(sqlite_store)
    plan_event(sqlite_store, "expo")
    return sqlite_store


def _supplier_meeting_with_i0(store: Store) -> str:
    plan = meetings(store, "expo")
    return str(plan.loc[plan["imer_id"] == "I0", "supplier_id"].iloc[0])


def test_ics_parses_and_holds_every_meeting(planned: Store) -> None:
    sid = _supplier_meeting_with_i0(planned)
    item = agenda(planned, "expo", "supplier", sid)
    text = agenda_ics(item, stamp=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    raw = text.encode("utf-8")
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF everywhere
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(text)
    events = [c for c in cal.walk() if c.name == "VEVENT"]
    assert len(events) == len(item.rows) > 0
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == len(events)
    by_start = {e.decoded("DTSTART"): e for e in events}
    for row in item.rows.itertuples(index=False):
        ev = by_start[row.starts_at]
        assert ev.decoded("DTEND") == row.ends_at
        assert str(row.partner_name) in str(ev["SUMMARY"])
        assert f"Meja {row.table}" in str(ev["LOCATION"])
    # text with commas and semicolons survives escaping
    summaries = [str(e["SUMMARY"]) for e in events]
    assert any("Toko Kopi, Teh; & Co" in s for s in summaries)
    for marker in PRIVATE:
        assert marker not in text


def test_ics_uid_is_stable_across_plan_versions(planned: Store) -> None:
    sid = _supplier_meeting_with_i0(planned)
    first = icalendar.Calendar.from_ical(agenda_ics(agenda(planned, "expo", "supplier", sid)))
    plan_event(planned, "expo")
    second = icalendar.Calendar.from_ical(agenda_ics(agenda(planned, "expo", "supplier", sid)))
    uid = {str(e["UID"]): int(str(e["SEQUENCE"])) for e in first.walk("VEVENT")}
    uid2 = {str(e["UID"]): int(str(e["SEQUENCE"])) for e in second.walk("VEVENT")}
    assert set(uid) & set(uid2)
    assert all(uid2[u] == uid[u] + 1 for u in set(uid) & set(uid2))


@pytest.mark.parametrize(("lang", "title"), [("id", "Jadwal pertemuan"), ("en", "Meeting agenda")])
def test_html_renders_the_participants_meetings(planned: Store, lang: str, title: str) -> None:
    item = agenda(planned, "expo", "imer", "I1")
    html = agenda_html(item, lang=lang)
    assert title in html and f'lang="{lang}"' in html
    assert "@media print" in html
    assert html.count('<tr class="meeting">') == len(item.rows) > 0
    for row in item.rows.itertuples(index=False):
        assert str(row.partner_name) in html and f'<td class="num">{row.table}</td>' in html
        assert f"{row.local_start}–{row.local_end}" in html
    assert "Senin, 10 Maret 2025" in html if lang == "id" else "Monday, 10 March 2025" in html
    for marker in PRIVATE:
        assert marker not in html


def test_html_escapes_names(planned: Store) -> None:
    sid = _supplier_meeting_with_i0(planned)
    html = agenda_html(agenda(planned, "expo", "supplier", sid))
    assert "Toko Kopi, Teh; &amp; Co" in html


def test_csv_agenda(planned: Store) -> None:
    item = agenda(planned, "expo", "imer", "I1")
    frame = pd.read_csv(io.StringIO(agenda_csv(item, lang="en")))
    assert frame.columns.tolist() == [
        "slot", "date", "start", "end", "table", "partner_role", "partner_id", "partner_name",
        "categories", "status",
    ]  # fmt: skip
    assert frame["slot"].tolist() == item.rows["slot"].tolist()
    assert set(frame["date"]) == {"2025-03-10"}
    with pytest.raises(ValidationError, match="language"):
        agenda_csv(item, lang="fr")


def test_table_plan(planned: Store) -> None:
    plan = table_plan(planned, "expo")
    assert len(plan) == len(meetings(planned, "expo"))
    assert plan.groupby("slot")["table"].apply(lambda t: t.is_unique).all()
    html = table_plan_html(planned, "expo", lang="en")
    assert html.count("<section") == 4 and "Table plan per slot" in html
    cells = " ".join(plan.astype(str).to_numpy().ravel().tolist())
    for marker in PRIVATE:
        assert marker not in html
        assert marker not in cells


def test_plan_summary_on_a_schedule() -> None:
    schedule = pd.DataFrame(
        {
            "slot": [1, 1, 2],
            "table": [1, 2, 1],
            "supplier_id": ["S1", "S2", "S1"],
            "imer_id": ["I1", "I2", "I2"],
            "score": [0.5, 0.25, 0.25],
        }
    )
    wishes = pd.DataFrame(
        {
            "supplier_id": ["S1", "S2"],
            "imer_id": ["I1", "I1"],
            "by": ["imer", "supplier"],
            "wish": ["like", "must"],
        }
    )
    summary = plan_summary(schedule, n_slots=3, n_tables=2, suppliers=["S3"], wish_frame=wishes)
    t = summary.totals
    assert t["meetings"] == 3 and t["total_score"] == 1.0
    assert t["participants_without_meeting"] == 1 and t["slots_used"] == 2
    assert t["wishes_like_honoured"] == 1 and t["wishes_must_honoured"] == 0
    assert summary.per_slot["meetings"].tolist() == [2, 1, 0]
    assert t["seat_use"] == pytest.approx(0.5)
