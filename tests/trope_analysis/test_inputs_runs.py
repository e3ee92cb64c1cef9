"""pct tropes keeps runs apart by run identity, never by model name."""

from __future__ import annotations

from pct_tasks.io.records import read_samples
from tests.tiny_run import write_tiny_run
from trope_analysis.inputs import justification_table


def test_two_runs_of_one_model_are_two_models_in_the_trope_table(tmp_path):
    write_tiny_run(tmp_path / "a", templates=1)
    write_tiny_run(tmp_path / "b", templates=1, leaning=1.0)
    table = justification_table(read_samples(tmp_path))
    per_run = table.groupby("run_id")["model"].unique()
    assert len(per_run) == 2
    assert sorted(m[0] for m in per_run) == ["pct-synthetic (leaning=0.0)", "pct-synthetic (leaning=1.0)"]
