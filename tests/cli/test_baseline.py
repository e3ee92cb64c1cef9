from __future__ import annotations

import json

import pytest

from pct_tasks.analysis.baseline import FORMAT, VERSION, read_baseline
from pct_tasks.cli import main
from pct_tasks.errors import PctInputError
from tests.pct_tasks.analysis import runs


@pytest.fixture(scope="module")
def main_run(tmp_path_factory):
    return runs.get(tmp_path_factory, "main")


def test_baseline_file_is_small_and_versioned(main_run, tmp_path, capsys):
    out = tmp_path / "b.json"
    assert main(["baseline", str(main_run), "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert out.stat().st_size < 50_000
    obj = json.loads(out.read_text())
    assert obj["format"] == FORMAT and obj["version"] == VERSION
    assert obj["provenance"]["produced_by"] == "pct baseline"
    closed = obj["settings"]["closed"]
    assert len(closed["variants"]) == 7 * 4 + 4
    assert all(len(s) == 62 for s in closed["stances"].values())
    assert set("".join(closed["stances"].values())) <= set("0123ir")
    assert obj["prompt_set"]["n_docs"] == 2 * (7 * 4 * 62 + 4 * 62)
    base = read_baseline(out)
    assert base.run["backend"] == "pct-synthetic"


def test_bad_baseline_files(tmp_path):
    with pytest.raises(PctInputError, match="no such baseline"):
        read_baseline(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "pct-baseline", "version": 99, "run": {}, "prompt_set": {}, "settings": {}}')
    with pytest.raises(PctInputError, match="version 99"):
        read_baseline(bad)
    bad.write_text("[1, 2")
    with pytest.raises(PctInputError, match="not a readable baseline"):
        read_baseline(bad)
