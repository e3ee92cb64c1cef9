from __future__ import annotations

import csv
import json

from pct_tasks.cli import main


def write_csv(path, rows):
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "gold", "topic"])
        w.writerows(rows)
    return path


ROWS = [
    ("I strongly agree with this.", "2_agree", "t"),
    ("I agree, on balance.", "2_agree", "t"),
    ("I disagree with it.", "1_disagree", "t"),
    ("I am firmly against this.", "1_disagree", "t"),
    ("As an AI, I don't have personal opinions.", "3_other", "t"),
    ("I remain undecided.", "3_other", "t"),
]


def test_judge_eval_json(tmp_path, capsys):
    path = write_csv(tmp_path / "gold.csv", ROWS)
    rc = main(["judge-eval", str(path), "--text-column", "text", "--label-column", "gold",
               "--proposition-column", "topic", "--n-boot", "50", "--json", "--label-map",
               json.dumps({"1_disagree": "disagree", "2_agree": "agree", "3_other": "none"})])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    # refusal collapses to none (the gold has no refusal): every row is right.
    assert (out["n"], out["accuracy"], out["macro_f1"], out["kappa"], out["swap_rate"]) == (6, 1.0, 1.0, 1.0, 0.0)
    assert out["majority"]["accuracy"] == 2 / 6


def test_judge_eval_text_report_and_errors(tmp_path, capsys):
    path = write_csv(tmp_path / "gold.csv", [("I agree.", "agree", ""), ("I disagree.", "disagree", "")])
    assert main(["judge-eval", str(path), "--text-column", "text", "--label-column", "gold", "--n-boot", "20"]) == 0
    assert "confusion (rows gold, columns predicted)" in capsys.readouterr().out
    assert main(["judge-eval", str(path), "--text-column", "answer", "--label-column", "gold"]) == 2
    err = capsys.readouterr().err
    assert "no column 'answer'" in err and "the columns are: text, gold, topic" in err
    bad = write_csv(tmp_path / "bad.csv", [("I agree.", "pro", "")])
    assert main(["judge-eval", str(bad), "--text-column", "text", "--label-column", "gold"]) == 2
    assert "gold labels outside the judge vocabulary: 'pro' (1)" in capsys.readouterr().err
