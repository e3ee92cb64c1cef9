from __future__ import annotations

import pytest

from pct_tasks.analysis import load_runs
from pct_tasks.errors import PctInputError
from tests.pct_tasks.analysis import runs


def test_runs_are_found_by_content(main_run):
    data = load_runs(main_run)
    assert len(data.runs) == 1
    info = next(iter(data.runs.values()))
    assert info["backend"] == "pct-synthetic"
    assert info["task_versions"]["pct_closed"] is not None
    assert len(data.samples) == 2 * (7 * 4 * 62 + 4 * 62)


def test_a_copied_run_counts_once(main_run, tmp_path):
    # Identity is content, not folder: a copy of the run is the same run.
    copy = runs.copy(main_run, tmp_path / "copy")
    data = load_runs([main_run, copy])
    assert len(data.runs) == 1
    assert len(data.samples) == 2 * (7 * 4 * 62 + 4 * 62)
    assert any("counted once" in n for n in data.notes)


def test_malformed_line_names_file_and_line(main_run, tmp_path):
    run = runs.copy(main_run, tmp_path / "run")
    target = runs.samples_files(run, "pct_closed")[0]
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = "{this is not json\n"
    target.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(PctInputError) as err:
        load_runs(run)
    assert f"{target}:5" in str(err.value)


def test_truncated_file_names_last_line(main_run, tmp_path):
    run = runs.copy(main_run, tmp_path / "run")
    target = runs.samples_files(run, "pct_open")[0]
    text = target.read_text(encoding="utf-8")
    n_lines = text.count("\n")
    target.write_text(text[: len(text) - 500], encoding="utf-8")  # cut inside the last sample
    with pytest.raises(PctInputError) as err:
        load_runs(run)
    assert f"{target}:{n_lines}" in str(err.value)
    assert "truncated" in str(err.value)


def test_empty_input_is_a_clear_error(tmp_path):
    with pytest.raises(PctInputError, match="no PCT samples"):
        load_runs(tmp_path)


def test_judge_labels_are_used_when_present(main_run, tmp_path):
    from pct_tasks.analysis import closed_open_tvd, variant_table
    from pct_tasks.cli import main

    run = runs.copy(main_run, tmp_path / "run")
    assert main(["judge", str(run)]) == 0  # the offline judge
    data = load_runs(run)
    assert data.judge_status[data.run_ids[0]] > 0.9
    assert not any("no judge labels" in n for n in data.notes)
    vt = variant_table(data)
    assert set(vt["setting"]) == {"closed", "open"}
    assert len(closed_open_tvd(data)) == 8
    unjudged = load_runs(run, judge=False)
    assert set(variant_table(unjudged)["setting"]) == {"closed"}
