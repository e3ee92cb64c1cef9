from __future__ import annotations

import json

from pct_tasks.cli import main
from tests.pct_tasks.judge.synthetic_run import write_run


def test_pct_judge_offline_then_cached(tmp_path, capsys):
    run = write_run(tmp_path / "m", templates=(0,), personas=["18"], closed=False)
    assert main(["judge", str(run), "--judge", "offline", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["n_answers"], first["n_judged"], first["n_failed"]) == (62, 62, 0)
    assert main(["judge", str(run)]) == 0
    out = capsys.readouterr().out
    assert "62 open answers, 62 distinct; 62 cached, 0 judged now" in out
    assert f"wrote {run / 'judgements'}" in out


def test_pct_judge_bad_input_is_one_line(tmp_path, capsys):
    assert main(["judge", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("pct: error: ") and "no such file or folder" in err and "\n" not in err
