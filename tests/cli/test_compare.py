from __future__ import annotations

import pytest

from pct_tasks.cli import main
from tests.pct_tasks.analysis import runs


@pytest.fixture(scope="module")
def closed_baseline(tmp_path_factory):
    """Baseline of the main run's closed tasks (the tasks the other fixture runs have)."""
    main_run = runs.get(tmp_path_factory, "main")
    files = runs.samples_files(main_run, "pct_closed") + runs.samples_files(main_run, "pct_closed_base")
    out = tmp_path_factory.mktemp("baseline") / "baseline.json"
    assert main(["baseline", *map(str, files), "--out", str(out)]) == 0
    return out, files


def test_gate_passes_a_run_against_itself(closed_baseline, tmp_path, capsys):
    baseline, files = closed_baseline
    md = tmp_path / "diff.md"
    assert main(["compare", "--baseline", str(baseline), *map(str, files), "--markdown", str(md)]) == 0
    out = capsys.readouterr().out
    assert "gate: **PASS**" in out
    assert "0 of " in out and "FAIL" not in out
    assert "gate: **PASS**" in md.read_text()


def test_gate_fails_a_planted_shift(closed_baseline, tmp_path_factory, capsys):
    baseline, _ = closed_baseline
    right = runs.get(tmp_path_factory, "right")
    assert main(["compare", "--baseline", str(baseline), str(right)]) == 1
    out = capsys.readouterr().out
    assert "gate: **FAIL**" in out
    econ = next(line for line in out.splitlines() if "| closed | econ shift |" in line)
    assert "**FAIL**" in econ and "+" in econ.split("|")[5]
    assert "Largest variant shifts" in out


def test_gate_tolerates_the_shift_when_told_to(closed_baseline, tmp_path_factory, capsys):
    baseline, _ = closed_baseline
    right = runs.get(tmp_path_factory, "right")
    rc = main(["compare", "--baseline", str(baseline), str(right), "--tolerance", "20",
               "--min-effect", "20", "--max-flip-rate", "1"])
    assert rc == 0, capsys.readouterr().out


def test_gate_refuses_incomparable_runs(closed_baseline, tmp_path_factory, capsys):
    baseline, _ = closed_baseline
    quick = runs.get(tmp_path_factory, "quick")
    assert main(["compare", "--baseline", str(baseline), str(quick)]) == 3
    out = capsys.readouterr().out
    assert "REFUSED" in out and "different prompt sets" in out
    assert "the baseline has 1984 documents, the run 310" in out


def test_gate_refuses_another_task_version(closed_baseline, tmp_path, capsys):
    import json

    baseline, files = closed_baseline
    obj = json.loads(baseline.read_text())
    obj["prompt_set"]["task_versions"]["pct_closed"] = 2.0
    other = tmp_path / "v2.json"
    other.write_text(json.dumps(obj))
    assert main(["compare", "--baseline", str(other), *map(str, files)]) == 3
    assert "task pct_closed is version 1.1 in the run but 2.0 in the baseline" in capsys.readouterr().out
    # Two baseline files compare too.
    assert main(["compare", "--baseline", str(baseline), str(baseline)]) == 0
