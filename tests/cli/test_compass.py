"""`pct compass`: the per-persona table (the one `pct report` writes), and incomplete variants."""

from __future__ import annotations

import json

import pytest

from pct_tasks.cli import main
from tests.pct_tasks.analysis import runs

CUT = "closed/political_orientation=far left/t2"


@pytest.fixture(scope="module")
def main_run(tmp_path_factory):
    return runs.get(tmp_path_factory, "main")


@pytest.fixture(scope="module")
def cut_run(main_run, tmp_path_factory):
    """The main run as a crash (or --limit) leaves it: one variant keeps 19 of its 62 answers."""
    run = runs.copy(main_run, tmp_path_factory.mktemp("cut") / "run")
    (path,) = runs.samples_files(run, "pct_closed")
    kept = [line for line in path.read_text(encoding="utf-8").splitlines()
            if not (json.loads(line)["doc"]["variant"] == CUT
                    and json.loads(line)["doc"]["proposition_id"] >= 19)]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return run


def test_compass_prints_the_persona_table(main_run, capsys):
    from pct_tasks.analysis import compass, load_runs

    assert main(["compass", str(main_run)]) == 0
    out = capsys.readouterr().out
    data = load_runs(main_run)
    unjudged = int((data.samples["stance"] == "unjudged").sum())
    assert 1900 < unjudged < 1984  # the parser labels open refusals itself
    pt = compass.persona_table(compass.variant_table(data))
    assert compass.format_persona_table(pt, unjudged_open=unjudged) in out
    assert out.startswith("(pct-synthetic: a synthetic respondent")
    assert "| closed | Political orientation: far right | 4 |" in out
    assert f"{unjudged} open answers await the judge" in out
    assert "incomplete" not in out


def test_compass_rows_follow_the_natural_persona_order(main_run, capsys):
    """No persona first, then far left .. far right (as the report orders them), not the study order."""
    assert main(["compass", str(main_run)]) == 0
    rows = [line.split(" | ")[2] for line in capsys.readouterr().out.splitlines()
            if line.startswith("| ") and " | closed | " in line]
    assert rows[0] == "no persona"
    orientation = [r.split(": ")[1] for r in rows if r.startswith("Political orientation")]
    assert orientation == ["far left", "mainstream left", "mainstream right", "far right"]


def _incomplete_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "incomplete" in line]


def test_every_command_says_it_left_an_incomplete_variant_out(cut_run, tmp_path, capsys):
    assert main(["compass", str(cut_run)]) == 0
    out = capsys.readouterr().out
    (line,) = _incomplete_lines(out)
    assert "1 of 64 prompt variants are incomplete" in line and "drop --limit" in line
    assert "| closed | Political orientation: far left | 3 |" in out  # 3 whole templates left

    assert main(["leaderboard", str(cut_run)]) == 0
    assert len(_incomplete_lines(capsys.readouterr().out)) == 1

    baseline = tmp_path / "b.json"
    assert main(["baseline", str(cut_run), "--out", str(baseline)]) == 0
    assert len(_incomplete_lines(capsys.readouterr().out)) == 1
    obj = json.loads(baseline.read_text())
    assert CUT not in obj["settings"]["closed"]["variants"]
    assert CUT not in obj["settings"]["closed"]["stances"]

    assert main(["compare", "--baseline", str(baseline), str(cut_run)]) == 0
    assert len(_incomplete_lines(capsys.readouterr().out)) == 1

    assert main(["report", str(cut_run), "--out", str(tmp_path / "r"), "--quiet", "--no-svg",
                 "--no-mixed", "--n-boot", "100"]) == 0
    assert len(_incomplete_lines(capsys.readouterr().out)) == 1
    variants = (tmp_path / "r" / "tables" / "variants.csv").read_text()
    assert CUT not in variants and "closed/political_orientation=far left/t1" in variants
