"""PAIRS.csv and UNAVAILABLE.csv: every bad row reported, the rest loads; SCHEDULE.csv out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matchmaker.errors import InputFileError, ParseError
from matchmaker.events import read_pairs, read_unavailable, write_schedule
from matchmaker.events.files import parse_slots, read_participants


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_pairs_good_rows_load_and_bad_rows_are_reported(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "PAIRS.csv",
        "supplier_id,imer_id,score,must_meet\n"
        "S1,I1,0.9,ya\n"
        'S1,I2,"0,5",tidak\n'
        "S2,I1,abc,\n"
        "S2,I2,0.7,maybe\n"
        "S1,I1,0.3,\n"
        ",I3,0.2,\n"
        "S3,I3,0.1,Y\n",
    )
    result = read_pairs(f)
    assert result.pairs.values.tolist() == [
        ["S1", "I1", 0.9, True],
        ["S1", "I2", 0.5, False],
        ["S3", "I3", 0.1, True],
    ]
    where = [(e.row, e.column) for e in result.errors]
    assert where == [(4, "score"), (5, "must_meet"), (6, None), (7, "supplier_id")]
    assert all(e.file == "PAIRS.csv" and e.reason for e in result.errors)
    assert "already listed on row 2" in result.errors[2].reason


def test_pairs_without_must_meet_column_and_semicolons(tmp_path: Path) -> None:
    f = _write(tmp_path / "p.csv", "supplier_id;imer_id;score\nS1;I1;1\n")
    result = read_pairs(f)
    assert result.pairs.values.tolist() == [["S1", "I1", 1.0, False]]
    assert not result.errors


def test_pairs_missing_column_is_a_file_error(tmp_path: Path) -> None:
    f = _write(tmp_path / "p.csv", "supplier_id,imer_id\nS1,I1\n")
    with pytest.raises(InputFileError, match="missing column\\(s\\) score"):
        read_pairs(f)


def test_unavailable_rows_ranges_unknown_ids_and_ambiguity(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "UNAVAILABLE.csv",
        "participant_id,slot\nI1,1\nS1,2-3\nX9,1\nI1,7\nP1,2\nS1,\n",
    )
    result = read_unavailable(f, n_slots=4, suppliers={"S1", "P1"}, imers={"I1", "P1"})
    assert result.unavailable == frozenset(
        {
            ("imer", "I1", 1),
            ("supplier", "S1", 2),
            ("supplier", "S1", 3),
            ("supplier", "P1", 2),
            ("imer", "P1", 2),
        }
    )
    assert [(e.row, e.column) for e in result.errors] == [
        (4, "participant_id"),
        (5, "slot"),
        (7, "slot"),
    ]
    assert "outside 1-4" in result.errors[1].reason
    assert len(result.notes) == 1 and "applies to both" in result.notes[0]


def test_unavailable_role_column_picks_a_side(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "u.csv",
        "participant_id,slot,role\nP1,1,supplier\nP1,2,imer\nP1,3,umkm\nP1,1,boss\n",
    )
    result = read_unavailable(f, n_slots=3, suppliers={"P1"}, imers={"P1"})
    assert result.unavailable == frozenset(
        {("supplier", "P1", 1), ("imer", "P1", 2), ("supplier", "P1", 3)}
    )
    assert [(e.row, e.column) for e in result.errors] == [(5, "role")]
    assert not result.notes


@pytest.mark.parametrize(
    ("cell", "slots"),
    [("3", [3]), ("2-4", [2, 3, 4]), ("1;3", [1, 3]), ("1, 2", [1, 2]), (2.0, [2])],
)
def test_parse_slots(cell: object, slots: list[int]) -> None:
    assert parse_slots(cell, 4) == slots


@pytest.mark.parametrize("cell", ["", "0", "5", "4-2", "x"])
def test_parse_slots_rejects(cell: str) -> None:
    with pytest.raises(ParseError):
        parse_slots(cell, 4)


def test_write_schedule_has_the_contract_columns(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "slot": [2, 1],
            "table": [1, 1],
            "supplier_id": ["S1", "S2"],
            "imer_id": ["I1", "I2"],
            "score": [0.5, 0.25],
            "must_meet": [False, True],
        }
    )
    out = write_schedule(frame, tmp_path / "out" / "SCHEDULE.csv")
    assert out.read_text(encoding="utf-8").splitlines() == [
        "slot,table,supplier_id,imer_id,score",
        "1,1,S2,I2,0.25",
        "2,1,S1,I1,0.5",
    ]


def test_participants_file(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "people.csv",
        "role,participant_id,max_meetings,display_name,unavailable_slots\n"
        "supplier,S1,3,Keripik Bu Tini,1-2\n"
        "imer,I1,,,\n"
        "imer,I1,,,\n"
        "boss,X,,,\n"
        "imer,I2,-1,,\n",
    )
    result = read_participants(f, n_slots=4)
    assert result.participants[
        ["role", "participant_id", "max_meetings", "display_name"]
    ].values.tolist() == [
        ["supplier", "S1", 3, "Keripik Bu Tini"],
        ["imer", "I1", None, None],
    ]
    assert result.unavailable == frozenset({("supplier", "S1", 1), ("supplier", "S1", 2)})
    assert [e.row for e in result.errors] == [4, 5, 6]
