"""The `matchmaker event` commands: the contract's file mode and a stored event's day."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pandas as pd
from typer.testing import CliRunner

from matchmaker.cli.main import app
from matchmaker.store import Store
from tests.events.conftest import build_event, build_registry

runner = CliRunner()

PAIRS = "supplier_id,imer_id,score,must_meet\nS1,I1,0.9,ya\nS1,I2,0.5,\nS2,I1,0.8,no\nS2,I2,0.7,\n"


def test_file_mode_writes_the_schedule(tmp_path: Path) -> None:
    pairs = tmp_path / "PAIRS.csv"
    pairs.write_text(PAIRS, encoding="utf-8")
    unavailable = tmp_path / "UNAVAILABLE.csv"
    unavailable.write_text("participant_id,slot\nS2,1\n", encoding="utf-8")
    out = tmp_path / "SCHEDULE.csv"
    report = tmp_path / "report.json"
    result = runner.invoke(
        app,
        [
            "event", "plan", "--pairs", str(pairs), "--slots", "2", "--tables", "2",
            "--max-meetings", "2", "--unavailable", str(unavailable), "--out", str(out),
            "--report", str(report),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    schedule = pd.read_csv(out)
    assert schedule.columns.tolist() == ["slot", "table", "supplier_id", "imer_id", "score"]
    # S2 is free in slot 2 only: the best plan meets S1-I1, then S1-I2 and S2-I1
    assert schedule.values.tolist() == [
        [1, 1, "S1", "I1", 0.9],
        [2, 1, "S1", "I2", 0.5],
        [2, 2, "S2", "I1", 0.8],
    ]
    assert "proven optimal" in result.output
    assert '"optimal": true' in report.read_text(encoding="utf-8")


def test_file_mode_reports_bad_rows_and_exits_1(tmp_path: Path) -> None:
    pairs = tmp_path / "PAIRS.csv"
    pairs.write_text(PAIRS + "S3,I3,lots,\n", encoding="utf-8")
    out = tmp_path / "SCHEDULE.csv"
    result = runner.invoke(
        app,
        ["event", "plan", "--pairs", str(pairs), "--slots", "2", "--tables", "2",
         "--max-meetings", "2", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "PAIRS.csv, row 6, column score" in result.output
    assert out.exists()


def test_file_mode_errors_are_one_line(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["event", "plan", "--pairs", str(tmp_path / "missing.csv"), "--slots", "2",
         "--tables", "2", "--max-meetings", "2", "--out", str(tmp_path / "o.csv")],
    )  # fmt: skip
    assert result.exit_code == 2 and "no such file" in result.output
    assert "Traceback" not in result.output
    partial = runner.invoke(app, ["event", "plan", "--pairs", "x.csv", "--slots", "2"])
    assert partial.exit_code == 2 and "--tables" in partial.output


def test_a_stored_event_through_the_command_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    store = Store(db)
    store.init()
    build_registry(store)
    store.dispose()

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, result.output
        return result.output

    run("event", "create", "expo", "--name", "Temu Bisnis", "--start", "2025-03-10 09:00",
        "--slots", "4", "--slot-minutes", "20", "--tables", "3", "--max-meetings", "3")  # fmt: skip
    people = tmp_path / "people.csv"
    people.write_text(
        "role,participant_id,display_name,unavailable_slots\n"
        + "".join(f"supplier,S{k},,\n" for k in range(6))
        + "imer,I0,Toko Kopi,1-2\n"
        + "".join(f"imer,I{k},,\n" for k in range(1, 6)),
        encoding="utf-8",
    )
    assert "12 registered" in run("event", "register", "expo", str(people))
    run(
        "event",
        "wish",
        "expo",
        "--supplier",
        "S1",
        "--imer",
        "I0",
        "--by",
        "staff",
        "--wish",
        "must",
    )
    run("event", "unavailable", "expo", "--role", "supplier", "--id", "S5", "--slots", "4")
    assert "I0" in run("event", "participants", "expo")
    out = run("event", "plan", "--event", "expo", "--no-model", "--out", str(tmp_path / "s.csv"))
    assert "plan version 1" in out
    schedule = pd.read_csv(tmp_path / "s.csv")
    assert ((schedule["supplier_id"] == "S1") & (schedule["imer_id"] == "I0")).any()
    assert schedule.loc[schedule["imer_id"] == "I0", "slot"].isin([3, 4]).all()
    first = schedule.iloc[0]
    run("event", "held", "expo", "--supplier", first["supplier_id"], "--imer", first["imer_id"])
    run("event", "checkin", "expo", "--role", "imer", "--id", "I1", "--slot", "1")
    run("event", "noshow", "expo", "--role", "imer", "--id", "I2", "--slot", "2")
    assert "re-plan" in run("event", "replan", "expo", "--from-slot", "2", "--no-model")
    ics = tmp_path / "a.ics"
    run("event", "agenda", "expo", "--participant", "S1", "--format", "ics", "--out", str(ics))
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    assert any("Toko Kopi" in str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    html = run("event", "agenda", "expo", "--participant", "I0", "--format", "html", "--lang", "en")
    assert "Meeting agenda" in html
    assert "slot,date,start" in run(
        "event", "agenda", "expo", "--participant", "I0", "--format", "csv"
    )
    assert "slot 1" in run("event", "tables", "expo")
    run("event", "tables", "expo", "--format", "html", "--out", str(tmp_path / "t.html"))
    assert (tmp_path / "t.html").read_text(encoding="utf-8").count("<section") == 4
    assert "wishes must honoured" in run("event", "summary", "expo")
    out = run("event", "outcome", "expo", "--supplier", first["supplier_id"], "--imer",
              first["imer_id"], "--outcome", "deal", "--actor", "staff:desk-1")  # fmt: skip
    assert "partnership proposed" in out
    assert "expo" in run("event", "list")
    bad = runner.invoke(app, ["event", "agenda", "expo", "--participant", "NOPE", "--db", db])
    assert bad.exit_code == 2 and "not registered" in bad.output


def test_stored_event_with_a_pairs_file(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    store = Store(db)
    store.init()
    build_event(store)
    store.dispose()
    pairs = tmp_path / "PAIRS.csv"
    pairs.write_text(
        "supplier_id,imer_id,score\nS1,I1,0.9\nS1,I2,0.4\nS2,I2,0.8\nS3,NOPE,0.5\n",
        encoding="utf-8",
    )
    out = tmp_path / "s.csv"
    bad = runner.invoke(
        app, ["event", "plan", "--event", "expo", "--pairs", str(pairs), "--db", db]
    )
    assert bad.exit_code == 2 and "not registered for the event: Imer NOPE" in bad.output
    pairs.write_text(
        "supplier_id,imer_id,score\nS1,I1,0.9\nS1,I2,0.4\nS2,I2,0.8\n", encoding="utf-8"
    )
    ok = runner.invoke(
        app,
        ["event", "plan", "--event", "expo", "--pairs", str(pairs), "--out", str(out), "--db", db],
    )
    assert ok.exit_code == 0, ok.output
    assert sorted(pd.read_csv(out)[["supplier_id", "imer_id"]].values.tolist()) == [
        ["S1", "I1"],
        ["S1", "I2"],
        ["S2", "I2"],
    ]
    again = runner.invoke(
        app, ["event", "replan", "expo", "--from-slot", "2", "--pairs", str(pairs), "--db", db]
    )
    assert again.exit_code == 0, again.output
    assert "plan version 2" in again.output
