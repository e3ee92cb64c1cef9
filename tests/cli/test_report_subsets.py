"""Every documented subset goes through `pct report` (issue 13: `quick` crashed the mixed model)."""

from __future__ import annotations

import json

import pytest

from pct_tasks.cli import main

SUBSETS = {
    "quick": {"subset": "quick"},
    "ci": {"subset": "ci"},
    "variants": {"variants": 6},
}


@pytest.mark.parametrize("name", ["quick", "variants", pytest.param("ci", marks=pytest.mark.slow)])
def test_report_on_a_documented_subset(name, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["run", "--model", "pct-synthetic", "--model_args", "seed=0",
                 "--tasks", "pct_closed,pct_closed_base", "--log_samples", "--output_path", str(run),
                 "--metadata", json.dumps(SUBSETS[name])]) == 0
    capsys.readouterr()
    out = tmp_path / "report"
    assert main(["report", str(run), "--out", str(out), "--quiet", "--no-svg", "--n-boot", "100"]) == 0
    printed = capsys.readouterr().out
    assert "incomplete" not in printed
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is True
    variants = (out / "tables" / "variants.csv").read_text().splitlines()
    expected = {"quick": 4 + 1, "ci": 2 * 21 + 2, "variants": 6 + 6}[name]
    assert len(variants) - 1 == expected  # header + one row per scored variant
    assert (out / "tables" / "effects_mixed.csv").is_file()
