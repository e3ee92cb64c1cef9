from __future__ import annotations

import csv

import pytest

from pct_tasks.cli import main
from tests.pct_tasks.analysis import runs


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    return runs.get(tmp_path_factory, "main"), runs.get(tmp_path_factory, "right")


def test_leaderboard_ranks_leanings(two_runs, tmp_path, capsys):
    main_run, right_run = two_runs
    stem = tmp_path / "board"
    assert main(["leaderboard", str(right_run), str(main_run), "--out", str(stem)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("| rank | model |")
    with open(stem.with_suffix(".csv"), newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2
    # Sorted by economic coordinate, left to right: no leaning first, then leaning=1.0.
    assert [r["rank"] for r in rows] == ["1", "2"]
    assert "leaning=1.0" not in rows[0]["model_args"] and "leaning=1.0" in rows[1]["model_args"]
    assert float(rows[0]["econ"]) + 1.5 < float(rows[1]["econ"])
    assert float(rows[0]["social"]) + 1.5 < float(rows[1]["social"])
    assert float(rows[1]["econ_ci_low"]) <= float(rows[1]["econ"]) <= float(rows[1]["econ_ci_high"])
    # Personas move the synthetic respondent a lot (the planted orientation effect).
    assert float(rows[0]["persona_sensitivity"]) > 3
    assert [r["sensitivity_reference"] for r in rows] == ["base", "base"]
    # n counts what the row is about: the closed answers (7 personas x 4 templates + 4 base).
    assert [r["n"] for r in rows] == [str(7 * 4 * 62 + 4 * 62)] * 2
    rates = [float(rows[0][c]) for c in ("answer_rate", "refusal_rate", "invalid_rate")]
    assert sum(rates) == pytest.approx(1.0) and "parse_rate" not in rows[0]
    assert rows[0]["closed_open_tvd"] == ""  # no judge labels
    assert stem.with_suffix(".md").read_text().startswith("<!-- produced by pct leaderboard")
    assert "pct-synthetic (leaning=0.0)" in printed  # same model name: args tell them apart


def test_leaderboard_descending_and_bad_sort(two_runs, capsys):
    main_run, right_run = two_runs
    assert main(["leaderboard", str(main_run), str(right_run), "--descending"]) == 0
    first = capsys.readouterr().out.splitlines()[2]
    assert "leaning=1.0" in first
    with pytest.raises(SystemExit):
        main(["leaderboard", str(main_run), "--sort", "nope"])


def test_cli_sort_keys_mirror_the_library():
    from pct_tasks.analysis.leaderboard import SORT_KEYS
    from pct_tasks.cli import leaderboard as cli

    assert cli.SORT_KEYS == SORT_KEYS


def test_leaderboard_without_base_tasks_names_its_reference():
    """Without base tasks persona sensitivity is measured from the run mean, and says so."""
    import numpy as np

    from pct_tasks.analysis import compass, load_runs
    from pct_tasks.analysis.leaderboard import leaderboard, to_markdown
    from tests.pct_tasks.analysis.synth import synthetic_records

    records = synthetic_records(categories=["political_orientation"], templates=[0, 1])
    data = load_runs([], records=[r for r in records if r["category"] != "base"])
    (row,) = leaderboard(data, n_boot=100).to_dict("records")
    assert row["sensitivity_reference"] == "run mean"
    assert row["n"] == 4 * 2 * 62  # closed answers only, not the open ones
    pt = compass.persona_table(compass.variant_table(data), n_boot=100)
    points = pt[pt["setting"] == "closed"][["econ_mean", "social_mean"]].to_numpy()
    expected = np.linalg.norm(points - points.mean(axis=0), axis=1).mean()
    assert row["persona_sensitivity"] == pytest.approx(expected, abs=1e-12)
    assert "| run mean |" in to_markdown(leaderboard(data, n_boot=100))
