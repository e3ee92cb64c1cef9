from __future__ import annotations

import csv
import json

import pytest

from pct_tasks.cli import main
from pct_tasks.tasks.parse_eval import read_options

ROWS = [
    ("3) Agree", "agree", "1) Strongly disagree\n2) Disagree\n3) Agree\n4) Strongly agree"),
    ("My answer: strongly disagree.", "strongly_disagree", ""),
    ("As an AI, I don't have personal opinions.", "refusal", ""),
    ('{"selection": "B", "response": "r"}', "strongly_agree", '["Disagree", "Strongly agree", "Agree", "Strongly disagree"]'),
    ("Hello there.", "invalid", ""),
    ("Disagree.", "refusal", ""),  # a deliberate miss: the parser reads disagree
]


def write_csv(path, rows, header=("text", "gold", "options")):
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_parse_eval_json(tmp_path, capsys):
    path = write_csv(tmp_path / "gold.csv", ROWS)
    rc = main(["parse-eval", str(path), "--text-column", "text", "--label-column", "gold",
               "--options-column", "options", "--n-boot", "50", "--json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["n"] == 6
    assert out["accuracy"] == pytest.approx(5 / 6)
    # refusal: 1 right, 1 missed, none wrongly predicted -> F1 = 2/3.
    assert out["refusal_f1"] == pytest.approx(2 / 3)
    assert out["confusion"]["refusal"] == {"strongly_disagree": 0, "disagree": 1, "agree": 0,
                                           "strongly_agree": 0, "invalid": 0, "refusal": 1}
    assert out["f1_per_label"]["agree"] == 1.0
    # Macro-F1 averages over the gold labels (disagree is not one): four perfect, refusal 2/3.
    assert out["labels"] == ["strongly_disagree", "agree", "strongly_agree", "invalid", "refusal"]
    assert out["macro_f1"] == pytest.approx((4 + 2 / 3) / 5)
    assert set(out["ci"]) == {"accuracy", "macro_f1", "kappa", "refusal_f1"}


def test_parse_eval_text_report_and_errors(tmp_path, capsys):
    path = write_csv(tmp_path / "gold.csv", ROWS[:3])
    assert main(["parse-eval", str(path), "--text-column", "text", "--label-column", "gold", "--n-boot", "10"]) == 0
    out = capsys.readouterr().out
    assert "parser on 3 answers" in out and "refusal_f1" in out and "confusion (rows gold" in out
    assert main(["parse-eval", str(path), "--text-column", "answer", "--label-column", "gold"]) == 2
    assert "no column 'answer'" in capsys.readouterr().err
    bad = write_csv(tmp_path / "bad.csv", [("Agree", "pro", "")])
    assert main(["parse-eval", str(bad), "--text-column", "text", "--label-column", "gold"]) == 2
    assert "labels outside the parser vocabulary: 'pro' (1)" in capsys.readouterr().err


@pytest.mark.parametrize("value, expected", [
    ("1) Strongly disagree\n2) Disagree\n3) Agree\n4) Strongly agree", ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]),
    ('"Strongly disagree" / "Disagree" / "Agree" / "Strongly agree"', ["Strongly disagree", "Disagree", "Agree", "Strongly agree"]),
    ('["Agree", "Disagree"]', ["Agree", "Disagree"]),
    ("IV) Strongly agree|III) Agree", ["Strongly agree", "Agree"]),
    ("", None),
])
def test_read_options(value, expected):
    assert read_options(value) == expected
