"""The committed sample equals a fresh generation; the script regenerates it byte for byte."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from matchmaker.synthetic import SyntheticRegistry, write_registry

DATA = Path(__file__).resolve().parents[2] / "data"
FILES = ("suppliers.csv", "imers.csv", "partnerships.csv")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("data_generate", DATA / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_sample_equals_a_fresh_generation(
    default: SyntheticRegistry, tmp_path: Path
) -> None:
    write_registry(default, tmp_path)
    for name in FILES:
        committed = DATA / name
        assert committed.exists(), f"{committed} is missing: run python data/generate.py"
        assert committed.read_bytes() == (tmp_path / name).read_bytes(), (
            f"{name} differs from a fresh generation: run python data/generate.py and commit"
        )


def test_sample_size_and_history(default: SyntheticRegistry) -> None:
    assert len(default.suppliers) >= 2000
    assert len(default.imers) >= 600
    assert len(default.partnerships) >= 5000
    assert set(default.partnerships["status"]) == {"proposed", "active", "ended", "declined"}


def test_script_is_byte_identical_across_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script()
    args = ["--suppliers", "120", "--imers", "40", "--seed", "5"]
    assert script.main([*args, "--out", str(tmp_path / "a")]) == 0
    assert script.main([*args, "--out", str(tmp_path / "b")]) == 0
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    out = capsys.readouterr().out
    assert "rows by status" in out and "decline rate" in out
    assert script.main(["--suppliers", "120", "--imers", "40", "--seed", "6",
                        "--out", str(tmp_path / "c")]) == 0  # fmt: skip
    assert (tmp_path / "a" / "suppliers.csv").read_bytes() != (
        tmp_path / "c" / "suppliers.csv"
    ).read_bytes()


def test_script_canonical_flag(tmp_path: Path) -> None:
    script = _script()
    assert script.main(["--suppliers", "80", "--imers", "20", "--canonical",
                        "--out", str(tmp_path)]) == 0  # fmt: skip
    text = (tmp_path / "suppliers.csv").read_text(encoding="utf-8")
    assert "Rp " not in text and "juta" not in text
